"""Calibration (leadscore/model/calibration.py): chosen with scikit-learn's CalibratedClassifierCV, only when it helps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from threadpoolctl import threadpool_limits

from leadscore.model import calibration
from leadscore.model.calibration import calibrate_fitted, calibration_method, choose_calibration


@pytest.fixture(autouse=True)
def one_thread():
    with threadpool_limits(limits=1):
        yield


def _leads(n: int = 3000, seed: int = 0):
    """Leads whose true chance is logistic in one column: a plain logistic regression fits them."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"pages": rng.normal(size=n), "noise": rng.normal(size=n)})
    y = (rng.random(n) < 1 / (1 + np.exp(-(-1.5 + 1.5 * X["pages"].to_numpy())))).astype(int)
    return X, y


def _fold_models(X, y, C: float):
    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
    models = [
        Pipeline([("encode", FunctionTransformer()), ("model", LogisticRegression(C=C))]).fit(X.iloc[fit], y[fit])
        for fit, _ in folds
    ]
    return models, folds


def test_a_squashed_model_gets_sigmoid_calibration():
    """Heavy regularisation pulls every probability towards the average: calibration fixes it."""
    X, y = _leads()
    models, folds = _fold_models(X, y, C=1e-3)
    choice, note = choose_calibration(models, X, y, folds, "sigmoid", 0)
    assert choice == "sigmoid"
    assert "It helped, so it is applied." in note and "CalibratedClassifierCV" in note


def test_a_well_calibrated_logistic_regression_is_left_alone():
    X, y = _leads()
    models, folds = _fold_models(X, y, C=1.0)
    choice, note = choose_calibration(models, X, y, folds, "sigmoid", 0)
    assert choice == "none"
    assert "It did not help" in note and "never the holdout" in note


@pytest.mark.filterwarnings("ignore:The least populated class")
def test_too_few_validation_leads_are_not_calibrated():
    X, y = _leads(30)  # about 7 conversions in all
    models, folds = _fold_models(X, y, C=1e-3)
    choice, note = choose_calibration(models, X, y, folds, "sigmoid", 0)
    assert choice == "none" and "too few validation leads" in note


def test_isotonic_only_with_plenty_of_leads_and_conversions():
    assert calibration_method(50_000, 5_000) == "isotonic"
    assert calibration_method(3_000, 400) == "sigmoid"
    assert calibration_method(50_000, 100) == "sigmoid"  # many leads, few conversions


def test_calibrate_fitted_wraps_the_fitted_model_and_matches_the_real_rate():
    X, y = _leads(4000)
    fit, cal = np.arange(2000), np.arange(2000, 4000)
    pipeline = Pipeline([("encode", FunctionTransformer()), ("model", LogisticRegression(C=1e-3))]).fit(X.iloc[fit], y[fit])
    model = pipeline.steps[-1][1]
    squashed = pipeline.predict_proba(X.iloc[cal])[:, 1]
    calibrated = calibrate_fitted(pipeline, X.iloc[cal], y[cal], "sigmoid")
    step = calibrated.steps[-1][1]
    assert isinstance(step, CalibratedClassifierCV) and isinstance(step.estimator, FrozenEstimator)
    assert step.estimator.estimator is model  # the model itself is not refit
    probability = calibrated.predict_proba(X.iloc[cal])[:, 1]
    assert probability.mean() == pytest.approx(y[cal].mean(), abs=0.01)
    # The top-scored tenth: squashed probabilities understate how often they convert.
    top = np.argsort(-probability)[:200]
    assert abs(probability[top].mean() - y[cal][top].mean()) < abs(squashed[top].mean() - y[cal][top].mean())


class _Counting(HistGradientBoostingClassifier):
    asked = 0

    def decision_function(self, X):
        type(self).asked += 1
        return super().decision_function(X)


@pytest.mark.parametrize("method", ["sigmoid", "isotonic"])
@pytest.mark.parametrize(
    "make",
    [lambda: LogisticRegression(C=1e-3), lambda: RandomForestClassifier(30, min_samples_leaf=20, random_state=0),
     lambda: _Counting(max_iter=30, random_state=0)],
    ids=["logistic", "forest", "boosting"],
)
def test_cross_fitted_calibration_equals_calibrating_the_model_itself(make, method):
    """The calibrators read the model's answers, asked once, and give what scikit-learn gives
    when it asks the model in every fold."""
    X, y = _leads(2000)
    model = make().fit(X.iloc[:1000].to_numpy(), y[:1000])
    validation, y_val = X.iloc[1000:].to_numpy(), y[1000:]
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    expected = cross_val_predict(
        CalibratedClassifierCV(FrozenEstimator(model), method=method), validation, y_val, cv=folds, method="predict_proba"
    )[:, 1]
    _Counting.asked = 0
    got = calibration._cross_fitted(model, validation, y_val, method, 0)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    if isinstance(model, _Counting):
        assert _Counting.asked == 1
