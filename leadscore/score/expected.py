"""Expected outcomes before they happen: conversions and ranking quality read off the chances alone.

If the calibrated chances are right (the leads convert the way the history did), a run's
expected conversions are the sum of its chances, per tier the sum over that tier's leads, and
its expected ROC AUC is confidence-based performance estimation (CBPE, as NannyML does): every
pair of leads (i, j) counts as "i converted, j did not" with weight p_i * (1 - p_j), and the
expected AUC is the weighted share of those pairs the scores order right (ties count half).

>>> expected_outcomes([0.9, 0.5, 0.1], ["Hot", "Warm", "Cold"])["conversions"]
1.5
"""

from __future__ import annotations

import numpy as np

from leadscore.model.tiers import TIERS

__all__ = ["expected_auc", "expected_outcomes"]


def expected_auc(chances, scores=None) -> float | None:
    """CBPE ROC AUC from calibrated ``chances`` (ranked by ``scores``, the chances by default).

    Sorting makes it O(n log n): for each lead, the weight of the not-converting leads scored
    below it (half of those tied with it, itself left out). None for fewer than two leads or
    when no pair can differ (all chances 0 or all 1).
    """
    p = np.clip(np.asarray(chances, dtype=float).ravel(), 0.0, 1.0)
    s = p if scores is None else np.asarray(scores, dtype=float).ravel()
    if p.size < 2:
        return None
    q = 1.0 - p
    _, group = np.unique(s, return_inverse=True)
    q_by_score = np.bincount(group, weights=q)
    below = np.cumsum(q_by_score) - q_by_score
    right = p * (below[group] + 0.5 * (q_by_score[group] - q))
    weight = p.sum() * q.sum() - float(np.sum(p * q))
    if weight <= 0:
        return None
    return float(right.sum() / weight)


def expected_outcomes(chances, tiers=None) -> dict:
    """A run's ``expected``: ``conversions`` (sum of chances), ``per_tier`` and ``roc_auc`` (CBPE).

    ``chances`` may be a scored table (its ``conversion_probability`` and ``tier`` are read).
    """
    if hasattr(chances, "columns"):
        tiers = chances["tier"] if tiers is None and "tier" in chances.columns else tiers
        chances = chances["conversion_probability"]
    p = np.asarray(chances, dtype=float).ravel()
    per_tier = {}
    if tiers is not None:
        labels = np.asarray(tiers, dtype=object).astype(str).ravel()
        per_tier = {tier: float(p[labels == tier].sum()) for tier in TIERS}
    return {"conversions": float(p.sum()), "per_tier": per_tier, "roc_auc": expected_auc(p)}
