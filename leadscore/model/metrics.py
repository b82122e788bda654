"""How well predicted conversion probabilities match what really happened.

Plain functions over two arrays, ``converted`` (1/0 outcomes) and ``probability`` (the model's
conversion probability), used by :mod:`leadscore.model.train` on held-out leads. Tiers are fixed
probabilities (70% must mean about 70 of 100 such leads convert), so calibration measures
(ECE, the reliability curve) sit beside the ranking measures (ROC AUC, lift).

Example
-------
>>> import numpy as np
>>> converted = np.array([0, 0, 1, 1])
>>> probability = np.array([0.1, 0.2, 0.8, 0.9])
>>> holdout_metrics(converted, probability)["roc_auc"]
1.0
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

__all__ = [
    "expected_calibration_error",
    "holdout_metrics",
    "lift_top_share",
    "reliability_curve",
]

# Probabilities are clipped before log loss so one confident miss cannot make it infinite.
_EPS = 1e-6


def _as_arrays(converted, probability) -> tuple[np.ndarray, np.ndarray]:
    converted = np.asarray(converted, dtype=float)
    probability = np.clip(np.asarray(probability, dtype=float), 0.0, 1.0)
    return converted, probability


def expected_calibration_error(converted, probability, n_bins: int = 10) -> float:
    """Average gap between predicted and observed conversion rate, weighted by leads per bin.

    Parameters
    ----------
    converted : array-like of 0/1
        What happened to each lead.
    probability : array-like of float
        The predicted conversion probability of each lead.
    n_bins : int
        Number of equal-width probability bins (0-10%, 10-20%, ...).

    Returns
    -------
    float
        0.0 means perfectly calibrated; 0.03 means predictions are off by 3 percentage points
        on average.
    """
    converted, probability = _as_arrays(converted, probability)
    if len(converted) == 0:
        return float("nan")
    bins = np.minimum((probability * n_bins).astype(int), n_bins - 1)
    total = 0.0
    for b in np.unique(bins):
        in_bin = bins == b
        total += in_bin.sum() * abs(probability[in_bin].mean() - converted[in_bin].mean())
    return float(total / len(converted))


def reliability_curve(converted, probability, n_bins: int = 10) -> pd.DataFrame:
    """Predicted versus observed conversion rate, for the reliability chart.

    Leads are grouped into ``n_bins`` groups of about equal size by predicted probability (equal
    counts keep every point backed by enough leads).

    Returns
    -------
    pandas.DataFrame
        One row per group: ``predicted`` (mean predicted probability), ``observed`` (share that
        converted), ``leads`` (how many leads).
    """
    converted, probability = _as_arrays(converted, probability)
    if len(converted) == 0:
        return pd.DataFrame({"predicted": [], "observed": [], "leads": []})
    groups = pd.qcut(pd.Series(probability).rank(method="first"), q=min(n_bins, len(converted)), labels=False)
    table = (
        pd.DataFrame({"group": groups.to_numpy(), "predicted": probability, "observed": converted})
        .groupby("group", sort=True)
        .agg(predicted=("predicted", "mean"), observed=("observed", "mean"), leads=("observed", "size"))
        .reset_index(drop=True)
    )
    table["leads"] = table["leads"].astype(int)
    return table


def lift_top_share(converted, probability, share: float = 0.10) -> float:
    """How many times the average conversion rate the top-scored ``share`` of leads convert at.

    A lift of 3.0 in the top 10% means calling the best-scored tenth of leads finds converters
    three times as often as calling at random.
    """
    converted, probability = _as_arrays(converted, probability)
    overall = converted.mean() if len(converted) else 0.0
    if overall == 0:
        return float("nan")
    n_top = max(1, int(round(share * len(converted))))
    # A stable sort keeps ties in input order, so the figure is reproducible.
    top = np.argsort(-probability, kind="stable")[:n_top]
    return float(converted[top].mean() / overall)


def holdout_metrics(converted, probability) -> dict:
    """The standard figures for held-out leads, as JSON-native floats.

    Returns
    -------
    dict
        ``roc_auc``, ``average_precision``, ``brier``, ``log_loss``, ``ece``,
        ``lift_top_decile``, plus ``rows`` and ``conversion_rate``. Ranking figures are NaN when
        the held-out leads contain only one outcome.
    """
    converted, probability = _as_arrays(converted, probability)
    both_outcomes = len(np.unique(converted)) == 2
    clipped = np.clip(probability, _EPS, 1 - _EPS)
    return {
        "rows": int(len(converted)),
        "conversion_rate": float(converted.mean()) if len(converted) else float("nan"),
        "roc_auc": float(roc_auc_score(converted, probability)) if both_outcomes else float("nan"),
        "average_precision": float(average_precision_score(converted, probability)) if both_outcomes else float("nan"),
        "brier": float(brier_score_loss(converted, probability)),
        "log_loss": float(log_loss(converted, clipped, labels=[0, 1])),
        "ece": expected_calibration_error(converted, probability),
        "lift_top_decile": lift_top_share(converted, probability, 0.10),
    }
