"""How leads are split to measure a model honestly: newest leads held out when dated.

The holdout is only ever used to *measure*: model and calibration are chosen on validation leads
inside the training part (:func:`inner_folds`), so holdout figures are what a user can expect on
future leads.

Copies of a lead (the same ID, or the same values in every column the model reads: a form sent
twice, a list merged twice) are one group (:func:`copy_groups`), and every split keeps a group
wholly on one side: a model that has seen a lead's copy would otherwise be measured on a lead it
already knows.

Example
-------
>>> groups = copy_groups(rows.X, plan)                                   # doctest: +SKIP
>>> split = split_holdout(rows.y, rows.dates, 0.2, 0, "created", groups) # doctest: +SKIP
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold, train_test_split

__all__ = ["Split", "split_holdout", "inner_folds", "one_split", "copy_groups", "copies_sentence", "stratified_folds", "SMALL_TRAINING_ROWS"]

# Below this many training leads, inner validation is 5-fold cross-validation (cheap, and one
# split would be too noisy to choose a model); above it, one split keeps training fast.
SMALL_TRAINING_ROWS = 5000
# Leads that read the same are copies when, over the whole table, fewer than this many leads
# would read like them by chance (see _chance_matches).
CHANCE_MATCHES = 0.01


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


def copy_groups(X: pd.DataFrame, plan) -> np.ndarray | None:
    """Which leads are copies of each other: one group number per lead, or None when none are.

    Two leads are in one group when they share a value of an ID column (a column the plan's
    profiles call an identifier) or have the same values in every column the model reads, where
    such a combination is too rare to be chance (under 0.01 look-alikes expected in the whole
    table, were the columns independent: pages viewed and a source alone make honest
    look-alikes, three measurements to four decimals do not); a
    chain of such links makes one group (connected components, scipy).

    Parameters
    ----------
    X : DataFrame
        The raw leads (all their columns).
    plan : CleaningPlan
        ``used_columns`` and ``column_kinds`` say what the model reads and which columns are IDs.

    Returns
    -------
    ndarray of int or None
        Group of each lead (0 .. groups - 1); None when every lead is its own group.

    Example
    -------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> leads = pd.DataFrame({"id": ["a", "b", "a", "c"], "pages": [1, 2, 3, 2], "source": ["x", "y", "z", "y"]})
    >>> copy_groups(leads, SimpleNamespace(used_columns=("pages", "source"), column_kinds={"id": "identifier"}))
    array([0, 1, 0, 2])

    The second and fourth leads read the same, but among four leads with so few values that
    could be chance; the first and third share an ID.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(X)
    used = [c for c in getattr(plan, "used_columns", ()) if c in X.columns]
    ids = [c for c, kind in (getattr(plan, "column_kinds", {}) or {}).items() if kind == "identifier" and c in X.columns]
    keys = []
    if used:
        same = pd.factorize(pd.util.hash_pandas_object(X[used], index=False))[0]
        # Only a combination rare enough that two different leads would hardly ever share it by
        # chance is a copy: four columns of a few values each make many honest look-alikes.
        # Summed over the whole table (n leads), so a big file does not find look-alikes by chance.
        keys.append(np.where(_chance_matches(X[used]) * n < CHANCE_MATCHES, same, -1))
    for column in ids:
        text = X[column].astype("string").str.strip()
        keys.append(pd.factorize(text.where(text != ""), use_na_sentinel=True)[0])
    rows, nodes, offset = [], [], n
    for codes in keys:
        present = codes >= 0
        rows.append(np.flatnonzero(present))
        nodes.append(codes[present] + offset)
        offset += int(codes.max()) + 1 if present.any() else 0
    if not rows or n == 0:
        return None
    rows, nodes = np.concatenate(rows), np.concatenate(nodes)
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, nodes)), shape=(offset, offset))
    _, labels = connected_components(graph, directed=False)
    groups = pd.factorize(labels[:n])[0]
    return None if groups.max() + 1 == n else groups


def _chance_matches(X: pd.DataFrame) -> np.ndarray:
    """For each lead, how many other leads would share all its values by chance, were the
    columns independent: (n - 1) x the product of each value's share among the other leads."""
    n = len(X)
    log_share = np.zeros(n)
    with np.errstate(divide="ignore"):
        for column in X.columns:
            codes = pd.factorize(X[column], use_na_sentinel=False)[0]
            log_share += np.log((np.bincount(codes)[codes] - 1) / max(n - 1, 1))
    return (n - 1) * np.exp(log_share)


def copies_sentence(groups: np.ndarray | None) -> tuple[int, str]:
    """How many leads are copies of another, and a sentence for the report ("" when none)."""
    if groups is None:
        return 0, ""
    copies = int(len(groups) - (groups.max() + 1))
    return copies, (
        f"{copies:,} leads are copies of another lead (the same ID, or the same values in every column "
        "the model reads); each lead and its copies were kept on the same side of every split, so the "
        "model is never measured on a lead it has seen."
    )


def _group_time_split(dates, n_val: int, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Newest groups out (a group dated by its first lead), about ``n_val`` leads, never cutting one."""
    stamps = pd.to_datetime(pd.Series(dates).reset_index(drop=True), errors="coerce")
    first = stamps.groupby(groups).transform("min")
    order = pd.DataFrame({"first": first, "group": groups}).sort_values(["first", "group"], kind="stable", na_position="first").index.to_numpy()
    sorted_groups = groups[order]
    starts = pd.Series(np.arange(len(order))).groupby(sorted_groups).transform("min").to_numpy()
    out = starts >= len(order) - n_val
    return np.sort(order[~out]), np.sort(order[out])


def _group_random_split(y: np.ndarray, n_val: int, random_state: int, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A random share of the groups out, stratified by whether the group converted."""
    groups = pd.factorize(groups)[0]
    n_groups = int(groups.max()) + 1
    converted = np.zeros(n_groups, dtype=int)
    np.maximum.at(converted, groups, y)
    counts = np.bincount(converted, minlength=2)
    share = min(max(n_val / len(y), 1 / n_groups), 1 - 1 / n_groups)
    stratify = converted if counts.min() >= 2 else None
    _, out = train_test_split(np.arange(n_groups), test_size=share, stratify=stratify, random_state=random_state)
    held = np.isin(groups, out)
    return np.flatnonzero(~held), np.flatnonzero(held)


def split_holdout(y: np.ndarray, dates, share: float, random_state: int, date_name: str | None, groups=None) -> Split:
    """Hold out the newest ``share`` of leads when dates allow, else a stratified random share;
    with ``groups`` (:func:`copy_groups`), each group wholly on one side."""
    n = len(y)
    n_holdout = max(1, int(math.ceil(share * n)))
    fallback_reason = ""
    if dates is not None and not _usable_dates(dates, n):
        fallback_reason = (
            f"The date column{f' {date_name!r}' if date_name else ''} is blank for more than 10% "
            "of leads, so the newest leads could not be held out reliably. "
        )
    elif dates is not None:
        if groups is not None:
            train, holdout = _group_time_split(dates, n_holdout, groups)
        else:
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
    if groups is not None:
        train, holdout = _group_random_split(y, n_holdout, random_state, groups)
    else:
        train, holdout = train_test_split(np.arange(n), test_size=n_holdout, stratify=y, random_state=random_state)
    lead_in = "There is no date column, so a random" if dates is None else f"{fallback_reason}A random"
    return Split(
        np.sort(train),
        np.sort(holdout),
        "stratified",
        f"{lead_in} {share:.0%} of leads ({len(holdout):,}, with the same conversion rate as the "
        "rest) were held out, and the model never saw them while learning.",
    )


def stratified_folds(y: np.ndarray, splits: int, random_state: int, groups=None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified k-fold (fit, validate) pairs; with ``groups``, each group in one fold."""
    n = len(y)
    if groups is not None:
        splits = min(splits, len(np.unique(groups)))
        folds = StratifiedGroupKFold(n_splits=splits, shuffle=True, random_state=random_state)
        return [(fit, val) for fit, val in folds.split(np.zeros(n), y, groups)]
    folds = StratifiedKFold(n_splits=splits, shuffle=True, random_state=random_state)
    return [(fit, val) for fit, val in folds.split(np.zeros(n), y)]


def inner_folds(y: np.ndarray, dates, random_state: int, groups=None) -> list[tuple[np.ndarray, np.ndarray]]:
    """(fit, validate) position pairs inside the training part, for choosing model and calibration."""
    if len(y) < SMALL_TRAINING_ROWS:
        return stratified_folds(y, 5, random_state, groups)
    return [one_split(y, dates, 0.2, random_state, groups)]


def one_split(y: np.ndarray, dates, share: float, random_state: int, groups=None) -> tuple[np.ndarray, np.ndarray]:
    """One (fit, validate) split: the newest ``share`` when dated, else stratified; with
    ``groups``, each group wholly on one side."""
    n = len(y)
    n_val = max(1, int(math.ceil(share * n)))
    if dates is not None:
        if groups is not None:
            fit, val = _group_time_split(dates, n_val, groups)
        else:
            order = _date_order(dates)
            fit, val = np.sort(order[: n - n_val]), np.sort(order[n - n_val :])
        if y[val].sum() >= 5 and y[fit].sum() >= 5:
            return fit, val
    if groups is not None:
        return _group_random_split(y, n_val, random_state, groups)
    fit, val = train_test_split(np.arange(n), test_size=n_val, stratify=y, random_state=random_state)
    return np.sort(fit), np.sort(val)
