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


# --- Copies of a lead --------------------------------------------------------------------------

def _plan(used, ids=()):
    from types import SimpleNamespace

    return SimpleNamespace(used_columns=tuple(used), column_kinds={c: "identifier" for c in ids})


def test_copies_share_a_group_by_id_or_by_every_value_the_model_reads():
    from leadscore.model.splits import copies_sentence, copy_groups

    rng = np.random.default_rng(0)
    leads = pd.DataFrame(
        {
            "id": [f"L{k}" for k in range(200)],
            # Three measurements to four decimals: two leads reading alike in all is no chance.
            "minutes": rng.normal(10, 3, 200).round(4),
            "spend": rng.normal(100, 30, 200).round(4),
            "score": rng.normal(0, 1, 200).round(4),
            "source": rng.choice(["x", "y", "z"], 200),
        }
    )
    read = ["minutes", "spend", "score", "source"]
    leads.loc[10, "id"] = "L3"  # the same ID as lead 3
    leads.loc[20, read] = leads.loc[7, read].to_numpy()  # reads like lead 7
    leads.loc[30, "id"] = ""  # a blank ID links nothing
    leads.loc[31, "id"] = ""
    groups = copy_groups(leads, _plan(read, ids=["id"]))
    assert groups[10] == groups[3] and groups[20] == groups[7] and groups[30] != groups[31]
    assert len(set(groups)) == 198
    copies, sentence = copies_sentence(groups)
    assert copies == 2 and sentence.startswith("2 leads are copies of another lead")
    # A chain: lead 20 reads like lead 7 and shares its ID with lead 50, so all three are one.
    leads.loc[50, "id"] = leads.loc[20, "id"]
    assert len(set(copy_groups(leads, _plan(read, ids=["id"]))[[7, 20, 50]])) == 1
    # Leads that read the same only by chance (three sources, two plans) are not copies.
    look_alikes = pd.DataFrame({"source": rng.choice(["x", "y", "z"], 200), "plan": rng.choice(["a", "b"], 200)})
    assert copy_groups(look_alikes, _plan(["source", "plan"])) is None
    assert copy_groups(leads.drop(index=[10, 20, 50]), _plan(read, ids=["id"])) is None
    # One measurement shared by two leads could be chance: not enough to call them copies.
    assert copy_groups(leads.drop(index=[10, 50]), _plan(["minutes", "source"])) is None


def _sides(split, groups):
    train, held = set(groups[split.train]), set(groups[split.holdout])
    return train & held


def test_a_group_is_never_on_both_sides_of_the_holdout_or_a_fold():
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(300), 3)  # every lead three times
    y = np.repeat(rng.random(300) < 0.3, 3).astype(int)
    split = split_holdout(y, None, 0.2, 0, None, groups)
    assert not _sides(split, groups)
    assert 150 <= len(split.holdout) <= 210 and len(split.holdout) % 3 == 0
    # Dated: a group goes wholly to one side, dated by its first lead.
    dates = pd.Series(pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365, 900), unit="D"))
    timed = split_holdout(y, dates, 0.2, 0, "created", groups)
    assert timed.method == "time" and not _sides(timed, groups)
    first = dates.groupby(groups).min()
    assert first[groups[timed.holdout]].min() >= first[groups[timed.train]].max()
    for fit, val in inner_folds(y, None, 0, groups):
        assert not set(groups[fit]) & set(groups[val])
    fit, val = one_split(y, dates, 0.2, 0, groups)
    assert not set(groups[fit]) & set(groups[val])
