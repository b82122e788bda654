"""Calibration: make "30%" mean that about 30 in 100 such leads convert.

The choice is made with the calibrator that ships: scikit-learn's ``CalibratedClassifierCV``
wrapped around the already fitted model (``FrozenEstimator``), cross-fitted on validation leads
inside the training part so that no lead is scored by a calibrator that learned from it. The
holdout is never used to choose.

Example
-------
>>> choice, note = choose_calibration(fold_models, X_train, y_train, folds, "sigmoid")  # doctest: +SKIP
>>> choice                                                                               # doctest: +SKIP
'sigmoid'
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import cross_val_predict

from leadscore.model._answers import answering, lead_numbers, response
from leadscore.model.metrics import holdout_metrics
from leadscore.model.splits import stratified_folds

__all__ = ["calibration_method", "choose_calibration", "calibrate_fitted", "CALIBRATION_GAIN"]

# Isotonic calibration needs many leads to be smoother than a sigmoid; below this, sigmoid.
ISOTONIC_MIN_ROWS = 10000
ISOTONIC_MIN_CONVERTED = 500
# Calibration is applied only when it lowers cross-fitted validation log loss by this share.
CALIBRATION_GAIN = 0.002
# Each outcome needs this many validation leads before calibration is worth trying.
_MIN_EACH = 10


def calibration_method(n_rows: int, n_converted: int) -> str:
    """Isotonic with plenty of leads (it can bend any way), else sigmoid (2 numbers, stable)."""
    if n_rows >= ISOTONIC_MIN_ROWS and n_converted >= ISOTONIC_MIN_CONVERTED:
        return "isotonic"
    return "sigmoid"


def _cross_fitted(model, encoded: np.ndarray, y: np.ndarray, method: str, random_state: int, groups=None) -> np.ndarray | None:
    """Each validation lead calibrated by a ``CalibratedClassifierCV`` fit on the other leads.

    The model answers the validation leads once; the calibrators read those answers through a
    stand-in (:mod:`leadscore.model._answers`) instead of asking the model ten times (five fits, five
    predictions: 3.4 s of a 100k-lead training, ``benchmarks/bench_busy.py``)."""
    splits = min(5, int(y.sum()), int(len(y) - y.sum()))
    if splits < 2:
        return None
    stand_in = answering(model, response(model, encoded))
    calibrator = CalibratedClassifierCV(FrozenEstimator(stand_in), method=method)
    # Copies of a lead (``groups``) stay in one fold, so no calibrator is judged on a lead it saw.
    folds = stratified_folds(y, splits, random_state, groups)
    return cross_val_predict(calibrator, lead_numbers(len(y)), y, cv=folds, method="predict_proba")[:, 1]


def choose_calibration(
    fold_models, X: pd.DataFrame, y: np.ndarray, folds, method: str, random_state: int = 0, groups=None
) -> tuple[str, str]:
    """Decide on validation leads inside the training part whether calibrating helps.

    Parameters
    ----------
    fold_models : list of fitted Pipeline
        The chosen model kind fitted on each fold's fitting part.
    X : DataFrame
        The training part's raw leads.
    y : ndarray of 0/1
    folds : list of (fit positions, validation positions)
        The same folds the models were fitted on.
    method : str
        "sigmoid" or "isotonic" (see :func:`calibration_method`).
    random_state : int
    groups : ndarray, optional
        Copies of a lead (:func:`leadscore.model.splits.copy_groups`): kept in one fold.

    Returns
    -------
    (str, str)
        The choice ("sigmoid", "isotonic" or "none") and a sentence saying why, with the figures.
    """
    raw_parts, calibrated_parts, outcomes = [], [], []
    for pipeline, (_, val) in zip(fold_models, folds):
        encoded = pipeline[:-1].transform(X.iloc[np.asarray(val)])
        y_val = y[val]
        part = None if groups is None else np.asarray(groups)[val]
        calibrated = _cross_fitted(pipeline.steps[-1][1], encoded, y_val, method, random_state, part)
        if calibrated is None:
            continue
        raw_parts.append(pipeline.steps[-1][1].predict_proba(encoded)[:, 1])
        calibrated_parts.append(calibrated)
        outcomes.append(y_val)
    y_all = np.concatenate(outcomes) if outcomes else np.zeros(0)
    if y_all.sum() < _MIN_EACH or (len(y_all) - y_all.sum()) < _MIN_EACH:
        return "none", "Calibration was not tried: too few validation leads of each outcome."
    raw = holdout_metrics(y_all, np.concatenate(raw_parts))
    after = holdout_metrics(y_all, np.concatenate(calibrated_parts))
    figures = (
        f"log loss {raw['log_loss']:.4f} -> {after['log_loss']:.4f}, "
        f"calibration error {raw['ece']:.1%} -> {after['ece']:.1%}"
    )
    if after["log_loss"] < raw["log_loss"] * (1 - CALIBRATION_GAIN):
        return method, (
            f"{method.capitalize()} calibration (scikit-learn's CalibratedClassifierCV) was tested on "
            f"validation leads inside the training part (never the holdout), each calibrated by a "
            f"calibrator that had not seen it: {figures}. It helped, so it is applied."
        )
    return "none", (
        f"{method.capitalize()} calibration was tested on validation leads inside the training part "
        f"(never the holdout): {figures}. It did not help, so the model's own probabilities are used."
    )


def calibrate_fitted(pipeline, X_cal: pd.DataFrame, y_cal: np.ndarray, method: str):
    """Wrap a fitted pipeline's last step in a calibrator fit on leads the model did not see.

    Parameters
    ----------
    pipeline : fitted Pipeline
    X_cal : DataFrame of raw leads the model was not fitted on
    y_cal : ndarray of 0/1
    method : str
        "sigmoid" or "isotonic".

    Returns
    -------
    The same pipeline, its "model" step now a fitted ``CalibratedClassifierCV``.
    """
    encoded = pipeline[:-1].transform(X_cal)
    calibrator = CalibratedClassifierCV(FrozenEstimator(pipeline.steps[-1][1]), method=method)
    calibrator.fit(encoded, y_cal)
    pipeline.steps[-1] = ("model", calibrator)
    return pipeline
