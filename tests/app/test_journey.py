"""The app's pure helpers in leadscore/journey.py: step order, outcome table, tiers, files."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd
import pytest

from leadscore import journey
from leadscore.errors import LeadScoreInputError
from leadscore.outcome import OutcomeMapping
from leadscore.tiers import TierPolicy


def test_a_new_session_has_nothing_done_and_default_tiers():
    state = journey.new_state()
    assert not any(journey.step_status(state).values())
    assert journey.missing_step(state, "Data") is None
    assert journey.missing_step(state, "Train") == "Data"
    assert state["tier_policy"] == TierPolicy()
    other = journey.new_state()
    other["unexpected_errors"].append("x")
    assert state["unexpected_errors"] == []  # sessions never share a list


def test_steps_unlock_in_order_and_a_saved_model_is_enough_to_score():
    state = journey.new_state()
    state.update(leads=pd.DataFrame({"a": [1]}), outcome=object(), plan=object())
    assert journey.missing_step(state, "Train") is None
    assert journey.missing_step(state, "Tiers") == "Train"
    only_saved = journey.new_state()
    only_saved["bundle"] = object()
    assert journey.missing_step(only_saved, "Score") is None
    assert journey.missing_step(only_saved, "Insights") == "Train"  # explains this session's training


def test_forget_after_drops_later_results_only():
    state = journey.new_state()
    state.update(outcome="o", plan="p", training="t", bundle="b", scored="s")
    journey.forget_after(state, "Clean")
    assert (state["outcome"], state["plan"]) == ("o", "p")
    assert state["training"] is None and state["bundle"] is None and state["scored"] is None
    journey.forget_after(state, "start")
    assert state["outcome"] is None and state["plan"] is None


def test_outcome_value_table_counts_values_and_marks_blanks_still_open():
    leads = pd.DataFrame({"converted": ["yes", "no", "no", " ", None, "maybe"]})
    mapping = OutcomeMapping("converted", ("yes",), ("no",))
    table = journey.outcome_value_table(leads, "converted", mapping)
    assert table.to_dict("list") == {
        "value": ["no", "(blank)", "yes", "maybe"],
        "leads": [2, 2, 1, 1],
        "meaning": ["not converted", "still open", "converted", "still open"],
    }


def test_mapping_from_table_builds_the_mapping_or_says_what_is_missing():
    table = pd.DataFrame({"value": ["won", "lost", "(blank)"], "leads": [3, 5, 2], "meaning": ["converted", "not converted", "still open"]})
    mapping = journey.mapping_from_table("stage", table)
    assert mapping == OutcomeMapping("stage", ("won",), ("lost",), ())
    table.loc[1, "meaning"] = "still open"
    with pytest.raises(LeadScoreInputError, match="'not converted'"):
        journey.mapping_from_table("stage", table)


def test_retier_changes_only_tiers_and_actions():
    scored = pd.DataFrame({"lead": ["a", "b"], "conversion_probability": [0.5, 0.1], "tier": ["Warm", "Cold"], "next_action": ["x", "y"]})
    policy = TierPolicy(hot=0.45, warm=0.3, cool=0.05)
    again = journey.retier(scored, policy)
    assert list(again["tier"]) == ["Hot", "Cool"]
    assert list(again["next_action"]) == [policy.actions["Hot"], policy.actions["Cool"]]
    assert list(again["conversion_probability"]) == [0.5, 0.1]
    assert list(scored["tier"]) == ["Warm", "Cold"]  # the original is untouched


def test_tier_files_zip_has_one_ranked_csv_per_tier():
    scored = pd.DataFrame(
        {"lead": list("abcde"), "conversion_probability": [0.2, 0.9, 0.8, 0.05, 0.5], "tier": ["Cool", "Hot", "Hot", "Cold", "Warm"]}
    )
    archive = zipfile.ZipFile(io.BytesIO(journey.tier_files_zip(scored)))
    assert archive.namelist() == ["hot.csv", "warm.csv", "cool.csv", "cold.csv"]
    hot = pd.read_csv(io.BytesIO(archive.read("hot.csv")), encoding="utf-8-sig")
    assert list(hot["lead"]) == ["b", "c"]


def test_scored_csv_is_excel_safe():
    scored = pd.DataFrame({"name": ["=HYPERLINK(\"x\")", "Ann"], "conversion_probability": [0.5, 0.2]})
    text = journey.scored_csv(scored).decode("utf-8-sig")
    assert "\n=HYPERLINK" not in text and "Ann" in text


def test_actions_from_table_falls_back_to_the_default_for_empty_cells():
    table = journey.action_table(TierPolicy())
    table.loc[0, "action"] = "Call now"
    table.loc[1, "action"] = None
    actions = journey.actions_from_table(table)
    assert actions["Hot"] == "Call now"
    assert actions["Warm"] == TierPolicy().actions["Warm"]


def test_slider_percents_are_whole_percents():
    assert journey.slider_percents(TierPolicy(hot=0.7049, warm=0.4, cool=0.15)) == (70, 40, 15)


def test_cli_examples_use_the_saved_model_and_stdin_for_json_lines():
    examples = journey.cli_examples("models/m.joblib")
    assert examples["csv"].startswith("leadscore score models/m.joblib new_leads.csv")
    assert "leadscore score models/m.joblib -" in examples["jsonl"]


def test_models_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LEADSCORE_MODELS_DIR", str(tmp_path))
    assert journey.models_dir() == tmp_path
    monkeypatch.delenv("LEADSCORE_MODELS_DIR")
    assert str(journey.models_dir()) == "models"


def test_model_file_names_are_safe():
    from datetime import datetime

    name = journey.model_file_name("Spring leads / v2!", datetime(2026, 11, 27, 10, 30, 5))
    assert name == "2026-11-27_103005_spring-leads-v2.joblib"


def test_evidence_reads_as_words():
    text = journey._evidence_text({"auc": 0.923, "pure_values": [{"value": "Closed Won", "leads": 530, "converted_share": 1.0}]})
    assert text == "auc: 0.92; pure values: 'Closed Won' (leads 530, converted share 100%)"


def test_insights_and_tiers_count_as_done_once_seen_with_the_model():
    state = journey.new_state()
    state.update(leads=pd.DataFrame({"a": [1]}), outcome=object(), plan=object(), training=object(), bundle=object())
    assert not journey.step_status(state)["Tiers"]
    journey.mark_visited(state, "Tiers")
    assert journey.step_status(state)["Tiers"] and not journey.step_status(state)["Insights"]
    journey.forget_after(state, "Clean")  # a new model: look again
    assert state["visited"] is None


def test_the_call_list_shows_who_the_lead_is_first():
    from types import SimpleNamespace

    scored = pd.DataFrame(columns=["visits", "email", "lead_id", "lead_score", "conversion_probability", "tier", "next_action", "reason_1"])
    plan = SimpleNamespace(column_kinds={"visits": "number", "email": "personal", "lead_id": "identifier"})
    assert journey.call_list_columns(scored, plan) == [
        "email", "lead_id", "lead_score", "conversion_probability", "tier", "next_action", "reason_1", "visits",
    ]


def test_an_unedited_category_table_gives_back_the_same_plan():
    from dataclasses import dataclass, field

    @dataclass(frozen=True)
    class Plan:
        category_mappings: dict = field(default_factory=dict)

    plan = Plan({"source": {"linkedin": "LinkedIn", "LinkedIn": "LinkedIn", "Paid Ad": "Paid Ad"}, "size": {"1-10": "1-10"}})
    table = journey.category_mapping_table(plan)
    assert list(table["raw_value"])[0] == "linkedin"  # merged spellings first, to check
    assert journey.plan_with_category_table(plan, table) == plan
    assert list(journey.plan_with_category_table(plan, table).category_mappings["source"]) == ["linkedin", "LinkedIn", "Paid Ad"]
    table.loc[table["raw_value"] == "Paid Ad", "becomes"] = "Ads"
    assert journey.plan_with_category_table(plan, table).category_mappings["source"]["Paid Ad"] == "Ads"


def test_a_column_with_many_values_is_not_offered_as_the_outcome():
    leads = pd.DataFrame({"email": [f"a{i}@x.com" for i in range(40)]})
    with pytest.raises(LeadScoreInputError, match="40 different values"):
        journey.outcome_value_table(leads, "email")


def test_the_preselected_outcome_column_and_mapping():
    from leadscore.outcome import OutcomeSuggestion

    mine = OutcomeMapping("stage", ("won",), ("lost",))
    found = OutcomeSuggestion(OutcomeMapping("converted", ("yes",), ("no",)), (), None, ("stage",))
    asking = OutcomeSuggestion(None, ("maybe",), "Which mean converted?", ("stage",), OutcomeMapping("converted", ("yes",), ()))
    columns = ["name", "stage", "converted"]
    assert journey.default_outcome_column(columns, mine, found) == "stage"
    assert journey.default_outcome_column(columns, None, found) == "converted"
    assert journey.default_outcome_column(columns, None, asking) == "stage"
    assert journey.default_outcome_column(columns, None, None) == "converted"
    assert journey.starting_mapping("stage", mine, found) is mine
    assert journey.starting_mapping("converted", mine, found) == found.mapping
    assert journey.starting_mapping("converted", None, asking) == asking.proposed
    assert journey.starting_mapping("converted", None, None) is None
