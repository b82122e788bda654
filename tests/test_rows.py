"""Which leads a model learns from (leadscore/clean/rows.py): the outcome window and open leads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from leadscore.errors import LeadScoreInputError
from leadscore.inspect.outcome import OutcomeMapping
from leadscore.clean.plan import CleaningPlan
from leadscore.clean.rows import select_training_rows


def _dated_leads() -> pd.DataFrame:
    # 24 monthly leads, 2025-01-15 to 2026-12-15; every fourth still open.
    dates = [pd.Timestamp("2025-01-15") + pd.DateOffset(months=i) for i in range(24)]
    outcome = [["yes", "no", "no", None][i % 4] for i in range(24)]
    return pd.DataFrame({"arrived": dates, "pages": np.arange(24) % 5, "won": outcome})


def test_window_is_measured_from_the_newest_lead_and_open_leads_are_set_aside():
    leads = _dated_leads()
    mapping = OutcomeMapping("won", ("yes",), ("no",))
    plan = CleaningPlan(outcome=mapping, date_column="arrived", window_months=12, numeric=("pages",))
    rows = select_training_rows(leads, plan)
    report = rows.report
    # Newest lead 2026-12-15; the window starts 2025-12-15 and holds 13 monthly leads, 4 still open.
    assert report["window_end"].startswith("2026-12-15")
    assert report["set_aside"]["older than the 12-month window"] == 11
    assert report["set_aside"]["still in the pipeline (no outcome yet)"] == 4
    assert report["rows_kept"] == 9 == len(rows.X) == len(rows.y)
    assert report["rows_in"] == report["rows_kept"] + sum(report["set_aside"].values())
    assert (report["converted"], report["not_converted"]) == (3, 6) == (rows.y.sum(), 9 - rows.y.sum())
    assert rows.dates.min() >= pd.Timestamp("2025-12-15")
    assert "won" not in rows.X.columns

    no_window = select_training_rows(leads, CleaningPlan(outcome=mapping, date_column="arrived", numeric=("pages",)))
    assert no_window.report["rows_kept"] == 18

    later = select_training_rows(leads, plan, now="2026-06-15")
    assert later.report["window_end"].startswith("2026-06-15")


def test_no_lead_left_is_explained():
    leads = _dated_leads()
    plan = CleaningPlan(outcome=OutcomeMapping("won", ("maybe",), ("no",)), numeric=("pages",))
    with pytest.raises(LeadScoreInputError, match="No converted lead is left"):
        select_training_rows(leads, plan)
