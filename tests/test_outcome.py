"""outcome.py: the outcome column is found, known spellings map, anything unclear becomes a question."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from leadscore.errors import LeadScoreInputError
from leadscore.inspect.outcome import OutcomeMapping, mapping_from_table, require_two_outcomes, suggest_outcome, value_table


@pytest.mark.parametrize(
    "values, converted, not_converted",
    [
        (["yes", "no", "No ", "YES"], 2, 2),
        ([1, 0, 0, 1], 2, 2),
        ([1.0, 0.0, np.nan, 0.0], 1, 2),
        ([True, False, False, False], 1, 3),
        (["Closed Won", "Closed Lost", "closed lost", "Closed Won"], 2, 2),
        (["won", "lost", "lost", "lost"], 1, 3),
        (["Converted", "Not converted", "Not converted", "Converted"], 2, 2),
    ],
)
def test_known_spellings_map_without_asking(values, converted, not_converted):
    leads = pd.DataFrame({"outcome": values, "source": ["a", "b", "c", "d"]})
    suggestion = suggest_outcome(leads)
    assert suggestion.question is None
    counts = suggestion.mapping.counts(leads)
    assert (counts["converted"], counts["not_converted"]) == (converted, not_converted)


def test_finds_outcome_by_name_and_lists_other_candidates():
    leads = pd.DataFrame(
        {
            "newsletter": ["yes", "no", "yes", "no"],
            "converted": ["yes", "no", None, "no"],
            "deal_stage": ["Closed Won", "Closed Lost", "Open", "Closed Lost"],
        }
    )
    suggestion = suggest_outcome(leads)
    assert suggestion.mapping == OutcomeMapping("converted", ("yes",), ("no",), ())
    assert set(suggestion.candidates) == {"newsletter", "deal_stage"}


def test_finds_outcome_by_values_when_the_name_says_nothing():
    leads = pd.DataFrame({"col_7": ["won", "lost", "lost", "won"], "city": ["a", "b", "c", "d"]})
    assert suggest_outcome(leads).mapping.column == "col_7"


def test_blank_and_open_labels_are_still_in_the_pipeline():
    leads = pd.DataFrame({"status": ["won", "lost", "Open", "in progress", "pending", None, "  "]})
    mapping = suggest_outcome(leads).mapping
    assert mapping.counts(leads) == {"converted": 1, "not_converted": 1, "open": 5}
    assert mapping.apply(leads).tolist()[:2] == [1.0, 0.0]
    assert mapping.apply(leads).iloc[2:].isna().all()


def test_unknown_value_becomes_a_question_not_a_guess():
    leads = pd.DataFrame({"converted": ["yes", "no", "maybe", "no", "yes", "no"]})
    suggestion = suggest_outcome(leads)
    assert suggestion.mapping is None
    assert suggestion.unmapped_values == ("maybe",)
    assert suggestion.question.startswith(
        "The column 'converted' has 3 different values: no, yes, maybe. Choose which mean converted."
    )
    assert suggestion.proposed == OutcomeMapping("converted", ("yes",), ("no",), ())


def test_pipeline_stages_ask_which_mean_converted():
    leads = pd.DataFrame({"lead status": ["New", "Contacted", "Qualified", "Nurture hold", "Won", "Lost", "Lost"]})
    suggestion = suggest_outcome(leads)
    assert suggestion.mapping is None
    # "Contacted" is a stage still in the pipeline; "Qualified" and "Nurture hold" could mean either.
    assert set(suggestion.unmapped_values) == {"Qualified", "Nurture hold"}
    assert "'lead status' has 6 different values" in suggestion.question


def test_crm_stages_still_in_the_pipeline_are_open_without_asking():
    leads = pd.DataFrame({"deal_stage": ["Won", "Lost", "Engaging", "Prospecting", "Won", "Lost"]})
    suggestion = suggest_outcome(leads)
    assert suggestion.question is None
    assert suggestion.mapping.counts(leads) == {"converted": 2, "not_converted": 2, "open": 2}


def test_users_answer_is_applied():
    leads = pd.DataFrame({"converted": ["yes", "no", "maybe", "no"]})
    mapping = OutcomeMapping("converted", ("Yes",), ("no", "maybe"))
    assert mapping.counts(leads) == {"converted": 1, "not_converted": 3, "open": 0}


def test_same_value_both_converted_and_not_is_refused():
    with pytest.raises(LeadScoreInputError, match="both converted and not converted"):
        OutcomeMapping("converted", ("yes",), ("Yes",))


def test_no_outcome_column():
    leads = pd.DataFrame({"email": ["a@b.com", "c@d.com"], "city": ["Leeds", "York"]})
    with pytest.raises(LeadScoreInputError) as caught:
        suggest_outcome(leads)
    assert "No column looks like the outcome" in str(caught.value)
    assert "Add a column such as 'converted'" in str(caught.value)


def test_named_column_missing():
    with pytest.raises(LeadScoreInputError, match="There is no column 'won' in this file. The columns are: y"):
        suggest_outcome(pd.DataFrame({"y": ["yes", "no"]}), "won")


def test_named_column_with_hundreds_of_values_is_refused():
    leads = pd.DataFrame({"revenue": [float(i) for i in range(100)]})
    with pytest.raises(LeadScoreInputError, match="The column 'revenue' has 100 different values, too many"):
        suggest_outcome(leads, "revenue")


def test_named_column_matches_ignoring_case():
    assert suggest_outcome(pd.DataFrame({"Converted": ["yes", "no"]}), "converted").mapping.column == "Converted"


def test_single_outcome_is_refused_in_plain_words():
    leads = pd.DataFrame({"converted": ["no", "no", None, "no"]})
    mapping = suggest_outcome(leads).mapping
    with pytest.raises(LeadScoreInputError) as caught:
        require_two_outcomes(mapping.counts(leads), mapping)
    message = str(caught.value)
    assert message.startswith("Every lead with a known outcome in 'converted' is 'no' (not converted).")
    assert "A model needs both converted and not-converted leads" in message
    assert "add leads that converted" in message


def test_no_known_outcome_is_refused():
    with pytest.raises(LeadScoreInputError, match="No lead has a known outcome"):
        require_two_outcomes({"converted": 0, "not_converted": 0, "open": 4})


def test_bank_marketing_outcome(bank_csv):
    from leadscore.io.read import read_leads

    leads = read_leads(bank_csv)
    suggestion = suggest_outcome(leads)
    assert suggestion.mapping == OutcomeMapping("y", ("yes",), ("no",))
    assert suggestion.mapping.counts(leads) == {"converted": 4640, "not_converted": 36548, "open": 0}


# -- the value table the Data page shows and edits ----------------------------------------------


def test_a_one_zero_float_column_with_blanks_reads_1_and_0_with_their_meanings():
    # As pandas reads a 1/0 column with blank cells: floats 1.0, 0.0 and NaN.
    leads = pd.DataFrame({"converted": [1.0, 0.0, 0.0, np.nan, 1.0, 0.0, np.nan]})
    mapping = suggest_outcome(leads, "converted").mapping
    table = value_table(leads, "converted", mapping)
    assert table.to_dict("records") == [
        {"value": "0", "leads": 3, "meaning": "not converted"},
        {"value": "1", "leads": 2, "meaning": "converted"},
        {"value": "(blank)", "leads": 2, "meaning": "still open"},
    ]
    # What the user confirms in the table maps the same leads as the suggestion.
    confirmed = mapping_from_table("converted", table)
    assert confirmed.counts(leads) == {"converted": 2, "not_converted": 3, "open": 2}


def test_spellings_of_one_value_are_one_row_and_unknown_values_wait_for_the_user():
    leads = pd.DataFrame({"stage": ["Won", "won ", "Lost", "Maybe", None, "Lost", "LOST"]})
    mapping = OutcomeMapping("stage", ("won",), ("lost",))
    table = value_table(leads, "stage", mapping).set_index("value")
    assert table["leads"].to_dict() == {"Lost": 3, "Won": 2, "Maybe": 1, "(blank)": 1}
    assert table["meaning"].to_dict() == {
        "Lost": "not converted", "Won": "converted", "Maybe": "still open", "(blank)": "still open"
    }


def test_a_table_without_a_converted_value_is_refused_in_plain_words():
    table = pd.DataFrame({"value": ["yes", "no"], "leads": [3, 4], "meaning": ["still open", "not converted"]})
    with pytest.raises(LeadScoreInputError, match="No value of 'converted' is marked as 'converted'"):
        mapping_from_table("converted", table)
