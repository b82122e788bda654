"""Words a marketer reads (leadscore/labels.py): column labels and the phrases of reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from leadscore.labels import display_values, format_value, label, phrase, points_text


@pytest.mark.parametrize(
    "column, expected",
    [
        ("lead_source", "Lead source"),  # snake_case
        ("first_engaged_at", "First engaged at"),
        ("  pages__viewed ", "Pages viewed"),
        ("pagesViewed", "Pages viewed"),  # camelCase
        ("timeOnSiteMinutes", "Time on site minutes"),
        ("CRM_stage", "CRM stage"),  # acronyms stay
        ("lead_from_CRM", "Lead from CRM"),
        ("URL", "URL"),
        ("LinkedIn_clicks", "LinkedIn clicks"),  # brand spellings with separators stay
        ("HubSpot score", "HubSpot score"),
        ("visited_YouTube_channel", "Visited YouTube channel"),
        ("iPhone_user", "iPhone user"),
        ("Budget", "Budget"),
    ],
)
def test_column_names_read_as_words(column, expected):
    assert label(column) == expected


def test_derived_timing_columns_read_through_their_sources():
    # Timestamps read as the events they record: "first_engaged_at" -> "first engaged".
    assert label("minutes from first_engaged_at to first_followup_at") == "Minutes from first engaged to first followup"
    assert label("first_engaged_at: hour") == "First engaged: hour"
    assert label("first_engaged_at: day of week") == "First engaged: day of week"
    assert label("time_on_site: missing") == "Time on site: blank"


def test_user_labels_win_everywhere_they_apply():
    labels = {"first_engaged_at": "First contact", "source": "Lead source", "notes": "   "}
    assert label("source", labels) == "Lead source"
    assert label("notes", labels) == "Notes"  # a blank label is no label
    assert label("first_engaged_at: hour", labels) == "First contact: hour"
    assert label("minutes from first_engaged_at to first_followup_at", labels) == "Minutes from first contact to first followup"


def test_phrases_of_reasons():
    assert phrase("timeline", "this month") == "Timeline is this month"
    assert phrase("source", "LinkedIn", {"source": "Lead source"}) == "Lead source is LinkedIn"
    assert phrase("pages_viewed", 12.0) == "Pages viewed is 12"
    assert phrase("pages_viewed", np.nan) == "Pages viewed is missing"
    assert phrase("subscribed", True) == "Subscribed is yes"
    assert phrase("time_on_site: missing", 1.0) == "Time on site is blank"
    assert phrase("time_on_site: missing", 0.0) == "Time on site is filled in"


def test_follow_up_timing_reads_as_a_sentence():
    followup = "minutes from first_engaged_at to first_followup_at"
    assert phrase(followup, 20.0) == "First followup 20 minutes after first engaged"
    assert phrase(followup, np.nan) == "First followup: not recorded"
    assert phrase("days from created_on to closed_on", 3.0) == "Closed 3 days after created"
    labels = {"first_engaged_at": "First contact", "first_followup_at": "Call back time"}
    assert phrase(followup, 20.0, labels) == "Call back 20 minutes after first contact"
    assert phrase("first_engaged_at: hour", 9.0) == "First engaged around 09:00"
    assert phrase("first_engaged_at: hour", 9.0, labels) == "First contact around 09:00"
    assert phrase("first_engaged_at: hour", np.nan) == "First engaged: hour not recorded"
    assert phrase("first_engaged_at: day of week", "Monday") == "First engaged on a Monday"
    assert phrase("first_engaged_at: day of week", "Unknown") == "First engaged: day not recorded"


def test_values_and_points_read_naturally():
    assert [format_value(v) for v in (3.0, 2.5, 12_500.0, None, pd.NaT, False)] == ["3", "2.5", "12,500", "missing", "missing", "no"]
    assert format_value(pd.Timestamp("2026-03-01 14:00")) == "2026-03-01"
    assert format_value("x" * 50) == "x" * 37 + "..."
    assert [points_text(p) for p in (18.2, -1.0, 0.44, -0.06)] == ["+18 points", "-1 point", "+0.4 points", "-0.1 points"]
    values = pd.Series([1.0, np.nan, 2.5, 1.0], index=[4, 5, 6, 7])
    assert display_values(values).to_dict() == {4: "1", 5: "missing", 6: "2.5", 7: "1"}


@pytest.mark.parametrize(
    "column, expected",
    [("x", "X"), ("e_mail", "E mail"), ("q3_revenue", "Q3 revenue"), ("pagesViewedOnMobile", "Pages viewed on mobile"), ("eBay_orders", "eBay orders")],
)
def test_short_words_and_lower_case_brands(column, expected):
    assert label(column) == expected


def test_a_date_column_whose_name_is_not_an_event_keeps_its_name():
    # "Create date" without "date" would read "Create on a Tuesday".
    assert phrase("Create date: day of week", "Tuesday") == "Create date on a Tuesday"
    assert phrase("closed_on: day of week", "Friday") == "Closed on a Friday"


@pytest.mark.parametrize(
    "share, against, shown",
    [
        (0.0125, (0.009,), "1.3%"),   # a segment at 1.25% against 0.9% overall (issue 21)
        (0.009, (0.0125,), "0.9%"),
        (0.0004, (), "0.04%"),        # "off by 0.04% on average", never "off by 0.0%"
        (0.00001, (), "0.001%"),
        (0.63, (), "63%"),
        (0.121, (0.124,), "12.1%"),  # whole percents would read 12% against 12%
        (0.5, (0.5001,), "50.00%"),
        (0.0, (), "0%"),
        (float("nan"), (), "n/a"),
    ],
)
def test_rates_are_shown_with_the_digits_that_tell_them_apart(share, against, shown):
    from leadscore.labels import rate_text

    assert rate_text(share, *against) == shown


def test_counts_get_thousands_separators():
    from leadscore.labels import count_text

    assert count_text(1234567) == "1,234,567"


@pytest.mark.parametrize(
    "column, shown",
    [
        ("How did you hear about X Education", "How did you hear about X Education"),
        ("What is your current occupation?", "What is your current occupation?"),
        ("Tags from Salesforce", "Tags from Salesforce"),
        ("Lead Source", "Lead source"),
        ("Last Notable Activity", "Last notable activity"),
    ],
)
def test_proper_nouns_and_questions_keep_their_capitals(column, shown):
    assert label(column) == shown
