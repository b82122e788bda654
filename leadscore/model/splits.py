"""How leads are split to measure a model honestly: newest leads held out when dated.

The holdout is only ever used to *measure*: model and calibration are chosen on validation leads
inside the training part (:func:`inner_folds`), so holdout figures are what a user can expect on
future leads.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold, train_test_split

__all__ = ["Split", "split_holdout", "inner_folds", "one_split", "SMALL_TRAINING_ROWS"]

# Below this many training leads, inner validation is 5-fold cross-validation (cheap, and one
# split would be too noisy to choose a model); above it, one split keeps training fast.
SMALL_TRAINING_ROWS = 5000


@dataclass(frozen=True)
class Split:
    """Positions of the training and held-out leads, and how the split was made, in words."""

    train: np.ndarray
    holdout: np.ndarray
    method: str
    explanation: str


def _date_order(dates: pd.Series) -> np.ndarray:
    """Positions from oldest to newest; undated leads count as oldest so they train, never test."""
    values = pd.to_datetime(pd.Series(dates).reset_index(drop=True), errors="coerce")
    return values.sort_values(kind="stable", na_position="first").index.to_numpy()


def _usable_dates(dates, n: int) -> bool:
    if dates is None or len(dates) != n:
        return False
    return pd.to_datetime(pd.Series(dates), errors="coerce").notna().mean() >= 0.9


def split_holdout(y: np.ndarray, dates, share: float, random_state: int, date_name: str | None) -> Split:
    """Hold out the newest ``share`` of leads when dates allow, else a stratified random share."""
    n = len(y)
    n_holdout = max(1, int(math.ceil(share * n)))
    fallback_reason = ""
    if dates is not None and not _usable_dates(dates, n):
        fallback_reason = (
            f"The date column{f' {date_name!r}' if date_name else ''} is blank for more than 10% "
            "of leads, so the newest leads could not be held out reliably. "
        )
    elif dates is not None:
        order = _date_order(dates)
        train, holdout = np.sort(order[: n - n_holdout]), np.sort(order[n - n_holdout :])
        held = y[holdout]
        if held.sum() >= 5 and (len(held) - held.sum()) >= 5 and y[train].sum() >= 5:
            stamps = pd.to_datetime(pd.Series(dates).iloc[holdout], errors="coerce")
            first, last = stamps.min(), stamps.max()
            return Split(
                train,
                holdout,
                "time",
                f"The newest {len(holdout):,} leads ({share:.0%}, {date_name or 'dated'} from "
                f"{first:%Y-%m-%d} to {last:%Y-%m-%d}) were held out and the model learned only from "
                "older leads, the way it will be used: scoring leads that come after its training "
                "data. A random split would flatter the model if buying behaviour drifts.",
            )
        fallback_reason = "The newest leads had too few conversions to measure the model on them. "
    positions = np.arange(n)
    train, holdout = train_test_split(positions, test_size=n_holdout, stratify=y, random_state=random_state)
    lead_in = "There is no date column, so a random" if dates is None else f"{fallback_reason}A random"
    return Split(
        np.sort(train),
        np.sort(holdout),
        "stratified",
        f"{lead_in} {share:.0%} of leads ({len(holdout):,}, with the same conversion rate as the "
        "rest) were held out, and the model never saw them while learning.",
    )


def inner_folds(y: np.ndarray, dates, random_state: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(fit, validate) position pairs inside the training part, for choosing model and calibration."""
    n = len(y)
    if n < SMALL_TRAINING_ROWS:
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=random_state)
        return [(fit, val) for fit, val in folds.split(np.zeros(n), y)]
    return [one_split(y, dates, 0.2, random_state)]


def one_split(y: np.ndarray, dates, share: float, random_state: int) -> tuple[np.ndarray, np.ndarray]:
    """One (fit, validate) split: the newest ``share`` when dated, else stratified."""
    n = len(y)
    n_val = max(1, int(math.ceil(share * n)))
    if dates is not None:
        order = _date_order(dates)
        fit, val = np.sort(order[: n - n_val]), np.sort(order[n - n_val :])
        if y[val].sum() >= 5 and y[fit].sum() >= 5:
            return fit, val
    fit, val = train_test_split(np.arange(n), test_size=n_val, stratify=y, random_state=random_state)
    return np.sort(fit), np.sort(val)
