"""The three model kinds (leadscore/model/estimators.py): true rates, bounded trees, the same scores twice."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from leadscore.model.estimators import MODEL_KINDS, make_estimator


@pytest.fixture(autouse=True)
def one_thread():
    """As train_lead_model runs small data: OpenMP threads on a busy machine only wait."""
    with threadpool_limits(limits=1):
        yield


def _leads(n: int, rate_shift: float, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    probability = 1 / (1 + np.exp(-(rate_shift + 1.0 * X[:, 0])))
    return X, (rng.random(n) < probability).astype(int)


@pytest.mark.parametrize("kind", MODEL_KINDS)
def test_no_model_rebalances_rare_conversions(kind):
    """With 1 lead in 20 converting, the average predicted chance stays near 1 in 20.

    A model that rebalanced classes (class_weight="balanced", resampling) would average near 50%.
    """
    X, y = _leads(2000, -3.6)
    assert 0.03 < y.mean() < 0.07
    model = make_estimator(kind, len(y)).fit(X, y)
    assert model.predict_proba(X)[:, 1].mean() == pytest.approx(y.mean(), abs=0.02)


@pytest.mark.parametrize("kind", MODEL_KINDS)
def test_the_same_leads_give_the_same_scores_twice(kind):
    X, y = _leads(600, -1.0)
    first = make_estimator(kind, len(y), random_state=3).fit(X, y).predict_proba(X)
    second = make_estimator(kind, len(y), random_state=3).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)


def test_forests_do_not_memorise_single_leads():
    """Pure noise: a forest whose trees could isolate single leads would score some of its own
    training leads 0% or 100%; bounded trees keep every score near the 20% base rate."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(3000, 6))
    y = (rng.random(3000) < 0.2).astype(int)
    scores = make_estimator("forest", len(y)).fit(X, y).predict_proba(X)[:, 1]
    assert 0.05 < scores.min() and scores.max() < 0.5


def test_forests_on_very_many_leads_draw_a_sample_per_tree():
    """Trees on a million leads each learn from a bounded sample, so training time stays bounded."""
    small, large = make_estimator("forest", 5000), make_estimator("forest", 1_000_000)
    assert small.max_samples is None  # every lead (bootstrap) on small data
    assert large.max_samples * 1_000_000 < 1_000_000


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown model kind 'neural'"):
        make_estimator("neural", 100)


def test_a_forest_builds_trees_on_the_threads_it_is_given():
    """A caller running fits side by side gives each forest one thread; the trees are the same."""
    X, y = _leads(800, -1.0)
    assert make_estimator("forest", 800).n_jobs == 1  # small data: one thread
    assert make_estimator("forest", 50_000, n_jobs=1).n_jobs == 1
    assert make_estimator("forest", 50_000).n_jobs >= 1
    one = make_estimator("forest", len(y), random_state=2, n_jobs=1).fit(X, y)
    two = make_estimator("forest", len(y), random_state=2, n_jobs=2).fit(X, y)
    for a, b in zip(one.estimators_, two.estimators_):
        np.testing.assert_array_equal(a.tree_.threshold, b.tree_.threshold)
        np.testing.assert_array_equal(a.tree_.value, b.tree_.value)
    # (Averaging the trees on two threads may add them in another order: equal to 1e-15.)
    np.testing.assert_allclose(one.predict_proba(X), two.predict_proba(X), rtol=0, atol=1e-12)
