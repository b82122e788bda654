"""Conversion rates by segment (leadscore/explain/segments.py), counted by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from leadscore.errors import LeadScoreInputError
from leadscore.explain.contributions import global_contributions, global_importance, shown_values
from leadscore.inspect.leakage import find_leakage_suspects
from leadscore.inspect.outcome import suggest_outcome
from leadscore.model.pipeline import build_pipeline
from leadscore.clean.plan import suggest_cleaning_plan
from leadscore.inspect.profile import profile_columns
from leadscore.clean.rows import select_training_rows
from leadscore.explain.segments import segment_rates, segment_sentences

from tests.tables import make_leads


def fit_logistic(leads: pd.DataFrame):
    mapping = suggest_outcome(leads).mapping
    profiles = profile_columns(leads)
    plan = suggest_cleaning_plan(leads, mapping, profiles, find_leakage_suspects(leads, mapping.apply(leads), profiles))
    rows = select_training_rows(leads, plan)
    return build_pipeline(plan, "logistic", LogisticRegression(max_iter=1000)).fit(rows.X, rows.y), rows


@pytest.fixture(scope="module")
def logistic_plain():
    return fit_logistic(make_leads())


def test_segment_rates_by_hand():
    leads = pd.DataFrame(
        {
            "source": ["LinkedIn"] * 4 + ["Google"] * 6 + ["Fax"],
            "pages": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        }
    )
    converted = [1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1]
    table = segment_rates(leads, converted, ["source", "pages"], bins=2, min_leads=2)
    source = table[table["column"] == "source"].set_index("segment")
    assert source.loc["LinkedIn", ["leads", "converted"]].tolist() == [4, 3]
    assert source.loc["LinkedIn", "conversion_rate"] == pytest.approx(0.75)
    assert source.loc["Google", "conversion_rate"] == pytest.approx(1 / 6)
    assert source.loc["other values", "leads"] == 1  # "Fax" has fewer than 2 leads
    assert source.index[0] == "LinkedIn"  # highest rate first
    assert table["overall_rate"].iloc[0] == pytest.approx(5 / 11)
    pages = table[table["column"] == "pages"]
    assert pages["segment"].tolist() == ["under 6", "6 and above"]  # median split, in order
    assert pages["leads"].tolist() == [5, 6]
    assert pages["converted"].tolist() == [3, 2]


def test_segment_sentences_quote_rate_overall_and_size():
    leads = pd.DataFrame({"source": ["LinkedIn"] * 420 + ["Google"] * 580})
    converted = [1] * 130 + [0] * 290 + [1] * 20 + [0] * 560
    sentences = segment_sentences(segment_rates(leads, converted), top=1)
    assert sentences == ["Leads with Source LinkedIn converted at 31%, against 15% overall (420 leads)."]


def test_open_leads_are_not_counted_in_segments():
    leads = pd.DataFrame({"source": ["A", "A", "B", "B"]})
    table = segment_rates(leads, [1, np.nan, 0, 0], min_leads=1).set_index("segment")
    assert table.loc["A", "leads"] == 1 and table.loc["A", "conversion_rate"] == 1.0


def test_segments_of_the_models_own_columns_come_from_its_cleaner():
    leads = make_leads(400)
    # Leads arriving in the morning (9:00) convert; in the evening (21:00) they do not.
    hours = np.where(leads["converted"] == "yes", 9, 21)
    leads["first_engaged_at"] = pd.to_datetime("2026-01-05") + pd.to_timedelta(hours, unit="h") + pd.to_timedelta(
        np.arange(len(leads)) % 30, unit="D"
    )
    pipeline, rows = fit_logistic(leads)
    derived = [c for c in global_importance(global_contributions(pipeline, rows.X, sample=200))["column"] if c not in rows.X.columns]
    assert "first_engaged_at: hour" in derived
    table = segment_rates(rows.X, rows.y, ["first_engaged_at: hour"], bins=2, min_leads=1, pipeline=pipeline)
    assert table["leads"].sum() == len(rows.X)
    assert table.set_index("segment")["conversion_rate"].to_dict() == {"9": 1.0, "21": 0.0}
    with pytest.raises(LeadScoreInputError, match="no column called 'first_engaged_at: hour'"):
        segment_rates(rows.X, rows.y, ["first_engaged_at: hour"])


def test_segments_on_shown_values_merge_spellings_and_say_yes_no(logistic_plain):
    pipeline, rows = logistic_plain
    X = rows.X.copy()
    # A marketer's export spells one source several ways; segments must count them as one.
    X["source"] = X["source"].replace({"LinkedIn": "linkedin "}).where(X.index % 2 == 0, X["source"])
    table = segment_rates(shown_values(pipeline, X), rows.y, ["source", "visited_pricing_page"])
    sources = table[table["column"] == "source"]
    assert "linkedin " not in set(sources["segment"])
    linkedin = sources[sources["segment"] == "LinkedIn"]
    assert int(linkedin["leads"].iloc[0]) == int((rows.X["source"] == "LinkedIn").sum())
    pricing = table[table["column"] == "visited_pricing_page"]
    assert set(pricing["segment"]) == {"yes", "no"}
    yes = pricing[pricing["segment"] == "yes"].iloc[0]
    expected = rows.y[(rows.X["visited_pricing_page"] == "yes").to_numpy()].mean()
    assert yes["conversion_rate"] == pytest.approx(expected)


def test_segment_sentences_at_low_conversion_tell_the_rates_apart():
    from leadscore.explain.segments import segment_sentences

    # 4,000 webinar leads converting at 1.25% against 0.9% overall (issue 21 read "1% against 1%").
    table = pd.DataFrame(
        {"column": ["source"], "segment": ["Webinar"], "leads": [4000], "conversion_rate": [0.0125], "overall_rate": [0.009]}
    )
    assert segment_sentences(table) == ["Leads with Source Webinar converted at 1.3%, against 0.9% overall (4,000 leads)."]
