"""Saabas contributions without shap (leadscore/explain/_saabas.py): shap's own answer, to 1e-8.

The expected values are those of the library being replaced: shap's
``TreeExplainer(model).shap_values(X, approximate=True)`` for the converted class, on both model
kinds LeadScore trains, with missing values in the training and the scored leads.
"""

from __future__ import annotations

import numpy as np
import pytest
import shap
from scipy import sparse
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from leadscore import _parallel
from leadscore.explain import _saabas
from leadscore.explain._saabas import SaabasExplainer, supports
from leadscore.model.estimators import make_estimator


@pytest.fixture(autouse=True)
def one_thread():
    with threadpool_limits(limits=1):
        yield


def _leads(n: int = 3000, seed: int = 0):
    """Numbers, a 0/1 flag and one-hot-like columns; blanks in two columns, more in scored leads."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 7))
    X[:, 2] = rng.integers(0, 2, n)
    X[:, 5] = rng.integers(0, 2, n)
    X[:, 6] = 1 - X[:, 5]
    chance = 1 / (1 + np.exp(-(X[:, 0] + X[:, 2] - 0.5 * X[:, 3] + 0.8 * X[:, 5] - 1.0)))
    y = (rng.random(n) < chance).astype(int)
    X[rng.random(n) < 0.2, 1] = np.nan
    X[rng.random(n) < 0.1, 4] = np.nan
    scored = rng.normal(size=(400, 7))
    scored[:, [2, 5]] = rng.integers(0, 2, (400, 2))
    scored[:, 6] = 1 - scored[:, 5]
    scored[rng.random(400) < 0.3, 0] = np.nan  # blank where training never had blanks
    scored[rng.random(400) < 0.3, 1] = np.nan
    return X, y, scored


def _shap_saabas(model, X):
    explainer = shap.TreeExplainer(model)
    values = np.asarray(explainer.shap_values(X, approximate=True, check_additivity=False))
    if values.ndim == 3:  # forests: (leads, features, classes); keep "converted"
        values = values[:, :, -1]
    return values, float(np.atleast_1d(explainer.expected_value)[-1])


MODELS = {
    "forest": lambda n: make_estimator("forest", n, random_state=0),
    "boosting": lambda n: make_estimator("boosting", n, random_state=0),
    "small forest": lambda n: RandomForestClassifier(n_estimators=25, max_depth=None, min_samples_leaf=1, random_state=1),
    "boosting, early stopping": lambda n: HistGradientBoostingClassifier(early_stopping=True, max_iter=200, random_state=2),
}


@pytest.mark.parametrize("name", MODELS)
def test_contributions_equal_shaps_saabas(name):
    X, y, scored = _leads()
    model = MODELS[name](len(y)).fit(X, y)
    expected, expected_value = _shap_saabas(model, scored)
    explainer = SaabasExplainer(model)
    np.testing.assert_allclose(explainer.values(scored), expected, rtol=0, atol=1e-8)
    assert explainer.expected_value == pytest.approx(expected_value, abs=1e-8)
    assert np.abs(expected).sum() > 1  # real contributions, not zeros on both sides


@pytest.mark.parametrize("name", ["forest", "boosting", "boosting, early stopping"])
def test_the_walk_gives_the_models_own_output_to_the_last_bit(name):
    """Scoring takes the probability from the same walk as the reasons, so it must be exactly
    the model's: a forest's predict_proba (trees added in turn), a boosting model's
    decision_function."""
    X, y, scored = _leads(seed=6)
    model = MODELS[name](len(y)).fit(X, y)
    _, output = SaabasExplainer(model).explain(scored)
    expected = model.predict_proba(scored)[:, 1] if "forest" in name else model.decision_function(scored)
    np.testing.assert_array_equal(output, expected)


@pytest.mark.parametrize("name", ["forest", "boosting"])
def test_contributions_add_up_to_the_models_own_output(name):
    """Saabas is additive: the base plus a lead's contributions is the forest's probability, or
    the boosting model's log-odds, for every lead (an independent check of the tree walk)."""
    X, y, scored = _leads(seed=3)
    model = MODELS[name](len(y)).fit(X, y)
    explainer = SaabasExplainer(model)
    total = explainer.expected_value + explainer.values(scored).sum(axis=1)
    output = model.predict_proba(scored)[:, 1] if name == "forest" else model.decision_function(scored)
    np.testing.assert_allclose(total, output, rtol=0, atol=1e-9)


def test_grouped_contributions_sum_the_features_of_each_group():
    X, y, scored = _leads(seed=4)
    model = MODELS["boosting"](len(y)).fit(X, y)
    # Columns 5 and 6 are the two one-hot parts of one user column.
    group = sparse.csr_matrix(np.array([[1, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0], [0, 0, 0, 1, 0, 0],
                                        [0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 1]], dtype=float))
    expected, _ = _shap_saabas(model, scored)
    grouped = SaabasExplainer(model, group).values(scored)
    np.testing.assert_allclose(grouped[:, :5], expected[:, :5], atol=1e-8)
    np.testing.assert_allclose(grouped[:, 5], expected[:, 5] + expected[:, 6], atol=1e-8)


def test_one_lead_no_leads_and_many_leads_walked_in_parts(monkeypatch):
    X, y, scored = _leads(seed=5)
    model = MODELS["forest"](len(y)).fit(X, y)
    explainer = SaabasExplainer(model)
    whole = explainer.explain(scored)
    monkeypatch.setattr(_saabas, "_CHUNK_ENTRIES", 1000)  # 150 trees: 6 leads at a time
    in_parts = explainer.explain(scored)
    np.testing.assert_array_equal(in_parts[0], whole[0])
    np.testing.assert_array_equal(in_parts[1], whole[1])
    monkeypatch.setattr(_parallel, "PARALLEL_ROWS", 1)  # the parts on three threads
    monkeypatch.setattr(_parallel, "THREADS", 3)
    on_threads = explainer.explain(scored)
    np.testing.assert_array_equal(on_threads[0], whole[0])
    np.testing.assert_array_equal(on_threads[1], whole[1])
    expected, _ = _shap_saabas(model, scored[:1])
    np.testing.assert_allclose(explainer.values(scored[:1]), expected, atol=1e-8)
    assert explainer.values(scored[:0]).shape == (0, 7)


def test_other_models_are_left_to_shap():
    X, y, _ = _leads(600)
    assert not supports(LogisticRegression().fit(X[:, [0, 2, 3]], y))
    three_classes = np.arange(len(y)) % 3
    assert not supports(HistGradientBoostingClassifier(max_iter=5).fit(X, three_classes))
    assert supports(MODELS["boosting"](len(y)).fit(X, y))
    with pytest.raises(TypeError, match="shap's TreeExplainer"):
        SaabasExplainer(LogisticRegression().fit(X[:, [0, 2, 3]], y))
