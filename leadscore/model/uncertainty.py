"""How sure a holdout figure is: seeded 90% percentile-bootstrap intervals on the held-out leads.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> y = rng.integers(0, 2, 400); p = np.clip(y * 0.3 + rng.random(400) * 0.7, 0, 1)
>>> low, high = auc_interval(y, p)
>>> low < 0.8 < high
True
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import rankdata

RESAMPLES = 1000
LEVEL = 0.90
SEED = 0


def _draws(n: int, resamples: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, n, size=(resamples, n))


def _bounds(values: np.ndarray, level: float) -> list | None:
    values = values[~np.isnan(values)]
    if len(values) < 10:
        return None
    tail = (1 - level) / 2 * 100
    return [float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail))]


def _aucs(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """ROC AUC of each row of resampled labels y and chances p (Mann-Whitney, ties counted half)."""
    ranks = rankdata(p, axis=1)
    positives = y.sum(axis=1).astype(float)
    negatives = y.shape[1] - positives
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = ((ranks * y).sum(axis=1) - positives * (positives + 1) / 2) / (positives * negatives)
    auc[(positives == 0) | (negatives == 0)] = np.nan
    return auc


def auc_interval(y, p, *, level: float = LEVEL, resamples: int = RESAMPLES, seed: int = SEED) -> list | None:
    """[low, high] of ROC AUC on the held-out leads, or None when it cannot be measured."""
    y, p = np.asarray(y, dtype=int), np.asarray(p, dtype=float)
    if len(y) < 2 or y.min() == y.max():
        return None
    idx = _draws(len(y), resamples, seed)
    return _bounds(_aucs(y[idx], p[idx]), level)


def _lifts(y: np.ndarray, p: np.ndarray, share: float) -> np.ndarray:
    top = max(1, int(math.ceil(share * y.shape[1])))
    order = np.argsort(-p, axis=1, kind="stable")[:, :top]
    top_rate = np.take_along_axis(y, order, axis=1).mean(axis=1)
    rate = y.mean(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        lift = top_rate / rate
    lift[rate == 0] = np.nan
    return lift


def lift_interval(y, p, share: float = 0.10, *, level: float = LEVEL, resamples: int = RESAMPLES, seed: int = SEED) -> list | None:
    """[low, high] of the top-``share`` lift (top rate over the average rate) on the held-out leads."""
    y, p = np.asarray(y, dtype=int), np.asarray(p, dtype=float)
    if len(y) < 10 or y.sum() == 0:
        return None
    idx = _draws(len(y), resamples, seed + 1)
    return _bounds(_lifts(y[idx], p[idx], share), level)


def rate_interval(converted: int, leads: int, *, level: float = LEVEL, resamples: int = RESAMPLES, seed: int = SEED) -> list | None:
    """[low, high] of a tier's conversion rate (bootstrap of its leads' outcomes)."""
    if leads <= 0:
        return None
    rates = np.random.default_rng(seed + 2).binomial(leads, converted / leads, size=resamples) / leads
    return _bounds(rates.astype(float), level)


def holdout_intervals(y, p) -> dict:
    """The report's ``roc_auc_interval`` and ``lift_top_decile_interval`` for held-out outcomes y, chances p."""
    return {"roc_auc_interval": auc_interval(y, p), "lift_top_decile_interval": lift_interval(y, p)}


def interval_words(value, interval, digits: int = 2, suffix: str = "") -> str:
    """'0.87, most likely between 0.85 and 0.89' (the value alone when there is no interval)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not measurable"
    text = f"{value:.{digits}f}{suffix}"
    if not interval:
        return text
    return f"{text}, most likely between {interval[0]:.{digits}f}{suffix} and {interval[1]:.{digits}f}{suffix}"
