"""The value of a lead (leadscore/score/value.py): deal-size estimates read as amounts or ranges,
expected_value = chance x value, the sort by it, and post-sale columns refused."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import pytest

from leadscore.errors import LeadScoreInputError
from leadscore.inspect.leakage import LEFT_OUT_SENTENCE
from leadscore.score.export import crm_columns, ranked
from leadscore.score.value import add_expected_value, check_value_column, read_values, value_columns


def _values(cells):
    values, unreadable = read_values(pd.Series(cells, dtype=object))
    return [None if math.isnan(v) else v for v in values], unreadable


def test_amounts_are_read_as_written():
    values, unreadable = _values(["$12,000", "12k", "12,000", "€ 1.5m", "7500", "$2.5K"])
    assert values == [12000.0, 12000.0, 12000.0, 1_500_000.0, 7500.0, 2500.0]
    assert unreadable == 0


def test_ranges_are_read_as_their_middle():
    values, _ = _values(["$5k-$20k", "5,000 - 20,000", "10k to 20k", "$20k–$50k"])
    assert values == [12500.0, 12500.0, 15000.0, 35000.0]


def test_open_ranges_read_from_the_bound_they_give():
    # The sample's budget answers: "< $5k" is the middle of 0 and 5,000; "$50k+" the least it says.
    values, _ = _values(["< $5k", "under 5k", "$50k+", "over 50,000"])
    assert values == [2500.0, 2500.0, 50000.0, 50000.0]


def test_blanks_and_unreadable_cells_give_no_value_and_are_counted():
    values, unreadable = _values(["", None, "call me", "$5k-", "-300", "12k"])
    assert values == [None, None, None, None, None, 12000.0]
    assert unreadable == 3  # "call me", "$5k-", "-300"; blanks are not counted


def _scored():
    return pd.DataFrame({
        "lead_id": ["A", "B", "C", "D"],
        "budget": ["$5k-$20k", "", "$50k+", "oops"],
        "conversion_probability": [0.8, 0.9, 0.2, 0.5],
    }, index=[0, 1, 2, 3])


def test_expected_value_is_chance_times_value_and_keeps_every_row():
    scored, unreadable = add_expected_value(_scored(), "budget")
    assert scored["lead_id"].tolist() == ["A", "B", "C", "D"]
    assert scored["expected_value"].tolist()[0] == 10000.0 and scored["expected_value"].tolist()[2] == 10000.0
    assert scored["expected_value"].isna().tolist() == [False, True, False, True]
    assert unreadable == 1


def test_sort_ranks_by_expected_value_leads_without_a_value_last():
    scored, _ = add_expected_value(_scored().assign(conversion_probability=[0.8, 0.9, 0.3, 0.5]), "budget")
    # C: 0.3 x 50,000 = 15,000; A: 0.8 x 12,500 = 10,000; then B (90%) and D (50%) by chance.
    assert ranked(scored)["lead_id"].tolist() == ["C", "A", "B", "D"]
    assert "expected_value" in crm_columns(scored, ["lead_id"])


def _bundle(excluded=None, warned=None):
    return SimpleNamespace(plan=SimpleNamespace(excluded=excluded or {}, warned=warned or {}))


def test_a_column_known_only_after_the_sale_is_refused_with_why_and_what_to_do():
    leak = f"'won_amount' is filled in for 99% of converted leads. {LEFT_OUT_SENTENCE}"
    with pytest.raises(LeadScoreInputError, match="known only after the sale.*filled in for 99%.*Choose a column filled in when the lead arrives"):
        check_value_column(_bundle(excluded={"won_amount": leak}), ["won_amount", "budget"], "won_amount")
    # Kept by the user although the guard flagged it: still refused as the value.
    with pytest.raises(LeadScoreInputError, match="known only after the sale"):
        check_value_column(_bundle(warned={"amount": "It may be filled in after a lead arrives."}), ["amount"], "amount")
    # Its name alone says it is the final figure.
    with pytest.raises(LeadScoreInputError, match="deal size"):
        check_value_column(_bundle(), ["final_deal_size"], "final_deal_size")


def test_an_estimate_or_a_column_left_out_for_another_reason_is_accepted():
    bundle = _bundle(excluded={"budget": "It is blank for 96% of leads, too few values to learn from."})
    check_value_column(bundle, ["budget", "estimated_deal_size"], "budget")
    check_value_column(bundle, ["budget", "estimated_deal_size"], "estimated_deal_size")
    assert value_columns(bundle, ["budget", "final_deal_size", "estimated_deal_size"]) == ["budget", "estimated_deal_size"]


def test_a_missing_value_column_is_a_clear_error():
    with pytest.raises(LeadScoreInputError, match="no column 'budget'.*exactly as in the file's header"):
        check_value_column(_bundle(), ["lead_id", "budget_range"], "budget")
