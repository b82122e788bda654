"""How leads are split to measure a model honestly (leadscore/model/splits.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from leadscore.model.splits import inner_folds, one_split, split_holdout


def test_dated_leads_hold_out_the_newest():
    n = 500
    dates = pd.Series(pd.date_range("2025-01-01", periods=n, freq="D")).sample(frac=1, random_state=0).reset_index(drop=True)
    y = np.array([1, 0, 0, 0, 0] * 100)
    split = split_holdout(y, dates, 0.2, 0, "created_at")
    assert split.method == "time" and len(split.holdout) == 100
    assert dates.iloc[split.holdout].min() > dates.iloc[split.train].max()
    assert sorted(dates.iloc[split.holdout]) == list(pd.date_range("2026-02-05", periods=100, freq="D"))
    assert "newest 100 leads" in split.explanation and "created_at" in split.explanation
    assert "2026-02-05 to 2026-05-15" in split.explanation


def test_without_dates_the_holdout_is_stratified_and_says_so():
    y = np.array([1] * 50 + [0] * 450)
    split = split_holdout(y, None, 0.2, 0, None)
    assert split.method == "stratified"
    assert len(split.holdout) == 100 and y[split.holdout].sum() == 10  # the same 10% rate
    assert not set(split.holdout) & set(split.train) and len(split.train) == 400
    assert split.explanation.startswith("There is no date column, so a random 20% of leads (100,")


def test_mostly_blank_dates_fall_back_to_a_stratified_holdout():
    y = np.array([1] * 50 + [0] * 450)
    dates = pd.Series([pd.NaT] * 400 + list(pd.date_range("2025-01-01", periods=100)))
    split = split_holdout(y, dates, 0.2, 0, "created_at")
    assert split.method == "stratified"
    assert "blank for more than 10%" in split.explanation


def test_newest_leads_without_conversions_fall_back_and_say_why():
    y = np.array([1] * 50 + [0] * 450)  # every converter among the oldest leads
    dates = pd.Series(pd.date_range("2025-01-01", periods=500))
    split = split_holdout(y, dates, 0.2, 0, "created_at")
    assert split.method == "stratified"
    assert "too few conversions" in split.explanation


def test_inner_validation_never_touches_other_leads_and_small_data_gets_five_folds():
    y = np.array([1, 0, 0, 0] * 100)
    folds = inner_folds(y, None, 0)
    assert len(folds) == 5
    validated = np.concatenate([val for _, val in folds])
    assert sorted(validated) == list(range(400))  # every lead validated exactly once
    for fit, val in folds:
        assert not set(fit) & set(val)
        assert y[val].mean() == pytest.approx(0.25)


def test_one_split_validates_on_the_newest_when_dated():
    y = np.array([1, 0, 0, 0] * 100)
    dates = pd.Series(pd.date_range("2025-01-01", periods=400)[::-1])  # newest first in the table
    fit, val = one_split(y, dates, 0.2, 0)
    assert sorted(val) == list(range(80))  # the first 80 rows are the newest 80 leads
    assert len(fit) == 320
