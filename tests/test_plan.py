"""The cleaning plan (leadscore/clean/plan.py): what is used, left out or warned about, and the user's choices."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from leadscore.errors import LeadScoreInputError
from leadscore.inspect.outcome import OutcomeMapping
from leadscore.clean.plan import (
    NO_DATE,
    CleaningChoices,
    CleaningPlan,
    cleaned_columns,
    cleaning_summary,
    plan_for,
)
from leadscore.io.read import read_leads
from leadscore.clean.rows import select_training_rows

from leadscore.inspect.profile import profile_columns
from tests.tables import LINKEDIN_SPELLINGS, gappy_leads
from tests.tables import suggested_plan as _plan


@pytest.fixture(scope="module")
def sample(sample_leads_path):
    leads = read_leads(sample_leads_path)
    plan = _plan(leads, "converted")
    return leads, plan


def test_sample_plan_leaves_out_post_outcome_columns_ids_and_personal_data(sample):
    _, plan = sample
    assert {"final_deal_size", "deal_stage", "lead_id", "email", "contact_name", "phone"} <= set(plan.excluded)
    used = set(plan.used_columns)
    assert not used & set(plan.excluded)
    assert {"source", "pages_viewed", "visited_pricing_page", "first_engaged_at"} <= used
    assert "converted" not in used
    assert plan.date_column == "first_engaged_at" and plan.window_months == 12
    assert plan.followup == (("first_engaged_at", "first_followup_at"),)
    assert {plan.category_mappings["source"][s] for s in LINKEDIN_SPELLINGS} == {"LinkedIn"}


def test_missing_value_defaults_and_an_indicator_only_where_missingness_predicts():
    plan = _plan(gappy_leads(), "won")
    assert plan.missing["visits"] == "median"
    assert plan.missing["plan"] == "unknown"
    assert plan.missing["newsletter"] == "most_frequent"
    # Blank time on site goes with not converting; blank visits are random.
    assert plan.missing_indicators == ("time_on_site",)


def test_plan_refuses_unknown_strategies_in_plain_words():
    mapping = OutcomeMapping("won", ("yes",), ("no",))
    with pytest.raises(LeadScoreInputError, match="holds numbers"):
        CleaningPlan(outcome=mapping, numeric=("visits",), missing={"visits": "unknown"})
    with pytest.raises(LeadScoreInputError, match="Choose one of"):
        CleaningPlan(outcome=mapping, missing={"visits": "average"})


def test_overrides_return_a_new_plan_and_warn_about_personal_data(sample):
    _, plan = sample
    changed = plan.with_overrides(exclude=["source"], keep=["email", "final_deal_size"])
    assert "source" not in changed.used_columns and changed.excluded["source"] == "You chose to leave it out."
    assert "email" in changed.categorical and "final_deal_size" in changed.numeric
    assert "email" not in changed.excluded
    assert any("'email' holds personal data" in w for w in changed.warnings)
    assert any("'final_deal_size' is used by your choice" in w for w in changed.warnings)
    # A post-outcome column kept by choice is remembered as warned (training measures without it).
    assert "final_deal_size" in changed.warned and "email" not in changed.warned
    # The original plan is untouched.
    assert "source" in plan.used_columns and "email" in plan.excluded and plan.warnings == ()
    assert plan.warned == {}
    with pytest.raises(LeadScoreInputError, match="There is no column 'sourse'"):
        plan.with_overrides(exclude=["sourse"])
    with pytest.raises(LeadScoreInputError, match="is the outcome"):
        plan.with_overrides(keep=["converted"])
    # Leaving a warned column out again forgets the warning.
    assert "final_deal_size" not in changed.with_overrides(exclude=["final_deal_size"]).warned


def test_cleaned_columns_names_the_timing_features(sample):
    _, plan = sample
    columns = cleaned_columns(plan)
    assert "first_engaged_at: hour" in columns["number"]
    assert "minutes from first_engaged_at to first_followup_at" in columns["number"]
    assert "first_engaged_at: day of week" in columns["category"]


def test_cleaning_summary_shows_rows_columns_and_merges(sample, sample_leads_path):
    leads, plan = sample
    rows = select_training_rows(leads, plan)
    summary = cleaning_summary(plan, rows.report)
    facts = json.loads((sample_leads_path.parent / "facts.json").read_text())
    steps = dict(zip(summary["rows"]["step"], summary["rows"]["leads"]))
    assert steps["Leads in the file"] == facts["rows"] == 5000
    assert steps["Set aside: still in the pipeline (no outcome yet)"] == facts["still_open"]
    # The sample spans exactly 12 months, so the default window keeps every finished lead.
    assert "Set aside: older than the 12-month window" not in steps
    assert steps["Leads used for training"] == facts["rows"] - facts["still_open"]
    left_out = dict(zip(summary["columns_left_out"]["column"], summary["columns_left_out"]["reason"]))
    assert "recorded after the sale" in left_out["deal_stage"]
    merges = summary["spellings_grouped"]
    linkedin = merges[(merges["column"] == "source") & (merges["grouped as"] == "LinkedIn")]
    assert set(linkedin["spelling"]) == set(LINKEDIN_SPELLINGS) - {"LinkedIn"}
    assert "source" in summary["columns_used"]["column"].tolist()


def test_switching_text_off_lists_the_text_column_as_left_out(sample):
    _, plan = sample
    assert plan.use_text and plan.text == ("needs",)
    off = plan_for(plan, CleaningChoices(use_text=False))
    assert "needs" not in off.used_columns
    assert "needs" in cleaning_summary(off)["columns_left_out"]["column"].tolist()


def test_plan_round_trips_through_json(sample):
    _, plan = sample
    changed = plan.with_overrides(keep=["email", "final_deal_size"])
    changed = plan_for(changed, CleaningChoices(labels=(("first_engaged_at", "First contact"),)))
    assert changed.warned and changed.labels
    assert CleaningPlan.from_dict(json.loads(json.dumps(changed.to_dict()))) == changed


# -- the user's choices ------------------------------------------------------------------------


def _dated_table() -> pd.DataFrame:
    arrived = pd.date_range("2025-01-01", periods=60, freq="7D")
    return pd.DataFrame(
        {
            "arrived": arrived,
            "source": ["LinkedIn", "linked in", "Referral", "Event"] * 15,
            "pages": np.arange(60) % 7,
            "won": ["yes", "no", "no"] * 20,
        }
    )


def test_choices_are_applied_to_the_suggestion_and_only_differences_are_kept():
    leads = _dated_table()
    suggested = _plan(leads, "won", date_column="arrived")
    assert suggested.date_column == "arrived" and suggested.window_months == 12
    # No choices: the suggestion as it is.
    assert plan_for(suggested, CleaningChoices()) == suggested
    choices = CleaningChoices(
        date_column=NO_DATE,
        rare_share=0.2,
        exclude=("pages",),
        spellings=(("source", "linked in", "Referral"),),
        labels=(("source", "Lead source"), ("pages", "  ")),  # a blank label is no label
    )
    plan = plan_for(suggested, choices)
    assert plan.date_column is None and plan.window_months is None
    assert plan.rare_share == 0.2
    assert "pages" not in plan.used_columns and plan.excluded["pages"] == "You chose to leave it out."
    assert plan.category_mappings["source"]["linked in"] == "Referral"
    assert plan.labels == {"source": "Lead source"}
    assert CleaningChoices.from_dict(json.loads(json.dumps(choices.to_dict()))) == choices
    # The window: 0 months means all history.
    assert plan_for(suggested, CleaningChoices(window_months=0)).window_months is None
    assert plan_for(suggested, CleaningChoices(window_months=6)).window_months == 6


def test_choices_refuse_impossible_values_in_plain_words():
    with pytest.raises(LeadScoreInputError, match="0 \\(all history\\) to 600 months"):
        CleaningChoices(window_months=-1)
    with pytest.raises(LeadScoreInputError, match="between 0% and 50%"):
        CleaningChoices(rare_share=0.7)
    suggested = _plan(_dated_table(), "won", date_column="arrived")
    with pytest.raises(LeadScoreInputError, match="There is no column 'budget'"):
        plan_for(suggested, CleaningChoices(exclude=("budget",)))


def test_a_label_can_be_set_and_removed():
    choices = CleaningChoices().with_label("source", "Lead source")
    assert choices.label_map == {"source": "Lead source"}
    assert choices.with_label("source", "").label_map == {}


# --- Honest by default (issue 21) --------------------------------------------------------------

@pytest.fixture(scope="module")
def crm_pipeline():
    from tests.crm_export import crm_pipeline_export

    leads = read_leads(crm_pipeline_export(3000, seed=1).to_csv(index=False).encode(), filename="crm.csv")
    return leads, _plan(leads, "Status", date_column="Create date")


def test_every_flagged_column_is_left_out_until_the_user_keeps_it(crm_pipeline):
    from leadscore.clean.plan import CleaningChoices, column_table, overrides_from_column_table, plan_for

    leads, suggested = crm_pipeline
    flagged = {"Lead rating", "Last activity date", "Close date", "Activity index", "Profile index"}
    assert flagged <= set(suggested.excluded) and not flagged & set(suggested.used_columns)
    assert suggested.warned == {}  # nothing kept, nothing to measure an honest range against
    assert {"Lead source", "What is your current occupation?", "Pages viewed"} <= set(suggested.used_columns)

    table = column_table(suggested, suggested, _suspects_of(leads)).set_index("column")
    # The "Use" tick starts unticked for every flagged column; the advice says what to check.
    assert not table.loc[sorted(flagged), "use"].any()
    assert set(table.loc[sorted(flagged), "suggestion"]) == {"leave out, unless known on arrival"}
    assert table.loc["Lead source", "suggestion"] == "use" and table.loc["Lead source", "use"]

    # Ticking one keeps it, and the plan remembers the warning for the honest range.
    edited = table.reset_index()
    edited.loc[edited["column"] == "Lead rating", "use"] = True
    exclude, keep = overrides_from_column_table(edited, suggested)
    assert (exclude, keep) == ((), ("Lead rating",))
    kept = plan_for(suggested, CleaningChoices(keep=keep))
    assert "Lead rating" in kept.used_columns and set(kept.warned) == {"Lead rating"}
    assert column_table(kept, suggested, _suspects_of(leads)).set_index("column").loc["Lead rating", "use"]


def _suspects_of(leads):
    from leadscore.inspect.leakage import find_leakage_suspects
    from leadscore.inspect.outcome import suggest_outcome

    mapping = suggest_outcome(leads, "Status").mapping
    return find_leakage_suspects(leads, mapping.apply(leads), profile_columns(leads), date_column="Create date")


def test_numbers_too_large_to_use_count_as_blank_with_a_warning_naming_the_column():
    n = 200
    csv = "visits,spend,won\n" + "".join(
        f"{'1e309' if i == 0 else '-inf' if i == 1 else i % 9},{'inf' if i == 2 else i * 1.5},{'yes' if i % 4 == 0 else 'no'}\n"
        for i in range(n)
    )
    leads = read_leads(csv.encode(), filename="big.csv")
    plan = _plan(leads, "won")
    assert "visits" in plan.numeric and "spend" in plan.numeric
    assert any(w.startswith("2 values in 'visits' are not usable numbers") for w in plan.warnings)
    assert any(w.startswith("1 value in 'spend' is not a usable number") for w in plan.warnings)
