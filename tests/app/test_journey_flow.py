"""The whole journey in one session, and the moments it broke on real exports: upload, map the
outcome, clean, train in the background, insights, tiers saved to a version, score, downloads;
a refresh and a new session find the project where it was left."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from app_pages._ui import DONE
from tests.app.conftest import button, go, new_app, problems, project, title, train_journey, wait_for_training


@pytest.fixture(scope="module")
def trained(small_history):
    """One session that went through Data, Clean and Train (logistic) on 1,500 sample leads."""
    return train_journey(new_app(), small_history)


def table_with(at, column: str) -> pd.DataFrame:
    """The first table on the page that has ``column``."""
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with a '{column}' column")


def slider(at, label: str):
    """The slider whose label starts with ``label``."""
    return next(s for s in at.slider if s.label.startswith(label))


def charts_on(at) -> int:
    """How many Altair (Vega-Lite) charts the page shows."""
    return len(at.get("vega_lite_chart"))


def test_training_reports_holdout_metrics_and_the_readiness_verdict(trained):
    at = trained
    assert problems(at) == []
    assert [v.id for v in project(at).models.list()] == [1]
    metrics = {m.label: m.value for m in at.metric}
    assert 0.6 < float(metrics["Ranks leads right"]) <= 1.0
    # 1,482 leads with an outcome, 20% held out
    assert int(metrics["Held-out leads"].replace(",", "")) == pytest.approx(1482 * 0.2, abs=2)
    ranges = " ".join(c.value for c in at.caption)
    assert f"Ranks leads right: {metrics['Ranks leads right']}, most likely between" in ranges
    verdicts = [box.value for box in (*at.success, *at.warning, *at.error)]
    assert any(v.startswith(("**Ready.**", "**Usable with caution.**", "**Not ready.**")) for v in verdicts)
    plain = table_with(at, "fit_seconds")
    assert list(plain["model"]) == ["logistic regression"]
    assert "log_loss" not in plain.columns  # technical measures wait behind an expander
    assert "log_loss" in table_with(at, "log_loss").columns
    assert charts_on(at) == 2  # reliability and learning curve
    sidebar = " ".join(m.value for m in at.sidebar.markdown)
    assert f"{DONE} 3. **Train**" in sidebar


def test_a_refresh_opens_the_project_where_it_was_left(trained):
    """A browser refresh is a new session on the same address (``?project=<id>``)."""
    saved = project(trained)
    refreshed = go(new_app(saved.id), "Train")
    assert problems(refreshed) == []
    again = project(refreshed)
    assert again.id == saved.id and again.data_name == "history.csv"
    assert again.data.outcome == saved.data.outcome and again.data.choices == saved.data.choices
    assert again.models.current == 1
    metrics = {m.label: m.value for m in refreshed.metric}
    assert metrics["Ranks leads right"] == {m.label: m.value for m in trained.metric}["Ranks leads right"]


def test_insights_show_importance_segments_one_lead_and_what_if(trained):
    at = go(trained, "Insights")
    assert problems(at) == []
    assert title(at) == "4. What drives conversion"
    assert charts_on(at) == 5  # importance, beeswarm, dependence, segments, waterfall
    top = project(at).models.insights().importance()["label"].iloc[0]
    assert at.selectbox(key="insights_column").value == top
    reasons = table_with(at, "reason")
    assert len(reasons) >= 3
    assert reasons["reason"].str.contains("points").all()
    # What if this lead's timeline were "this month"?
    at.multiselect(key="insights_whatif_fields").set_value(["Timeline"]).run()
    at.selectbox(key="insights_whatif_timeline").set_value("this month").run()
    assert problems(at) == []
    chance = {m.label: m for m in at.metric}
    assert "With these answers" in chance and "Chance now" in chance


def test_moving_a_tier_slider_changes_the_table_and_asks_to_save_it_to_the_version(trained):
    at = go(trained, "Tiers")
    assert problems(at) == []
    before = table_with(at, "share_of_conversions").set_index("tier")
    holdout_rows = len(project(at).models.bundle().holdout)
    assert before["leads"].sum() == holdout_rows
    assert slider(at, "Hot from").value == 70
    assert any("saved with model v1" in s.value for s in at.success)
    # Each tier's held-out rate with its 90% range, in words.
    ranges = next(c.value for c in at.caption if c.value.startswith("Held-out leads converted:"))
    hot_rate = before.loc["Hot", "conversion_rate"]
    assert f"Hot {hot_rate}, most likely between " in ranges  # the rate as the table shows it

    slider(at, "Hot from").set_value(45).run()
    assert problems(at) == []
    after = table_with(at, "share_of_conversions").set_index("tier")
    assert after.loc["Hot", "range"] == "45% and above"
    assert after.loc["Hot", "leads"] > before.loc["Hot", "leads"]
    assert after["leads"].sum() == holdout_rows
    assert project(at).models.policy.hot == 0.45
    assert [v.id for v in project(at).models.list()] == [1]  # nothing retrained
    assert any("differ from the ones saved with model v1" in i.value for i in at.info)

    # Warm above Hot is refused in words; the last valid thresholds stay.
    slider(at, "Warm from").set_value(60).run()
    assert problems(at) == []
    assert any("go down from Hot to Cool" in e.value for e in at.error)
    assert project(at).models.policy.warm == 0.40
    slider(at, "Warm from").set_value(40).run()

    button(at, "Save these tiers to v1").click().run()
    assert problems(at) == []
    assert project(at).models.bundle().policy.hot == 0.45  # in the version's model file
    assert any("saved with model v1" in s.value for s in at.success)


def test_tiers_by_share_put_the_top_five_percent_in_hot(trained):
    at = go(trained, "Tiers")
    mode = next(r for r in at.radio if r.label == "Set the tiers")
    mode.set_value("By share of leads").run()
    assert problems(at) == []
    table = table_with(at, "share_of_conversions").set_index("tier")
    held_out = table["leads"].sum()
    assert table.loc["Hot", "leads"] == pytest.approx(0.05 * held_out, abs=2)
    assert project(at).models.policy.by == "share"
    next(r for r in at.radio if r.label == "Set the tiers").set_value("By chance of converting").run()


def test_the_capacity_planner_makes_that_many_leads_hot(trained):
    at = go(trained, "Tiers")
    at.number_input(key="tier_capacity").set_value(30).run()
    button(at, "Make that many leads Hot").click().run()
    assert problems(at) == []
    assert table_with(at, "share_of_conversions").set_index("tier").loc["Hot", "leads"] == 30


def test_scoring_new_leads_gives_a_ranked_call_list_and_the_downloads(trained):
    at = go(trained, "Score")
    assert problems(at) == []
    # After an upload, the Score page starts on uploading new leads, not on the sample's.
    assert at.radio(key=f"score_source:{project(at).id}").value == "Upload new leads"
    at.radio(key=f"score_source:{project(at).id}").set_value("The sample new leads").run()
    button(at, "Score 500 leads").click().run()
    assert problems(at) == []

    call_list = table_with(at, "lead_score")
    assert len(call_list) == 500
    # What these leads should bring, said before any outcome arrives.
    chances = project(at).scoring.last.scored["conversion_probability"]
    expected = next(c.value for c in at.caption if c.value.startswith("If these leads convert the way your history did"))
    assert f"expect about {round(chances.sum()):,} conversions" in expected and "ROC AUC 0." in expected
    assert call_list["lead_score"].is_monotonic_decreasing
    # Who the lead is first, then score, tier and the reasons in one readable column.
    assert list(call_list.columns) == ["lead_id", "contact_name", "lead_score", "tier", "why"]
    assert call_list["why"].str.count(" · ").eq(2).all()
    shown = [w.value for w in at.warning]
    assert all(warning in shown for warning in project(at).scoring.last.warnings)
    tiers = {m.label: int(m.value.replace(",", "")) for m in at.metric if m.label.endswith(" leads")}
    assert sum(tiers.values()) == 500
    assert [d.label for d in at.download_button] == [
        "Call list for Excel (CSV)",
        "For CRM import (CSV)",
        "One file per tier (zip)",
        "The model file",
        "Model card (Markdown)",
    ]
    code = " ".join(block.value for block in at.code)
    assert "leadscore score" in code and "--sort" in code  # files: the call list, best first
    assert f"leadscore serve --project {project(at).id}" in code and "curl" in code and "n8n-nodes-base.httpRequest" in code  # each lead as it arrives


def test_the_value_of_a_lead_ranks_the_call_list_by_expected_value(trained):
    at = go(trained, "Score")
    at.radio(key=f"score_source:{project(at).id}").set_value("The sample new leads").run()
    choice = at.selectbox(key=f"score_value:{project(at).id}")
    assert "budget_range" in choice.options and "final_deal_size" not in choice.options  # post-sale: never offered
    choice.set_value("budget_range").run()
    button(at, "Score 500 leads").click().run()
    assert problems(at) == []
    call_list = table_with(at, "expected_value")
    assert len(call_list) == 500
    assert list(call_list.columns) == ["lead_id", "contact_name", "lead_score", "tier", "expected_value", "why"]
    valued = call_list["expected_value"].dropna()
    assert valued.is_monotonic_decreasing and len(valued) == 500 - call_list["expected_value"].isna().sum()
    assert call_list["expected_value"].isna().tolist() == sorted(call_list["expected_value"].isna().tolist())  # blanks last
    scored = project(at).scoring.last.scored.set_index("lead_id")
    middle = {"$5k-$20k": 12500.0, "$20k-$50k": 35000.0, "< $5k": 2500.0, "$50k+": 50000.0}
    for lead in call_list.head(10).itertuples():
        row = scored.loc[lead.lead_id]
        assert lead.expected_value == pytest.approx(row["conversion_probability"] * middle[row["budget_range"]], abs=0.01)
    at.selectbox(key=f"score_value:{project(at).id}").set_value(choice.options[0]).run()


def test_the_model_download_carries_the_tiers_in_use(trained, tmp_path):
    from leadscore.model.bundle import load_bundle, model_file_bytes
    from leadscore.model.tiers import TierPolicy

    current = project(trained)
    current.models.set_policy(TierPolicy(hot=0.5, warm=0.3, cool=0.1))
    path = tmp_path / "download.leadscore"
    path.write_bytes(model_file_bytes(current.models.with_policy()))
    loaded = load_bundle(path)
    assert loaded.policy.hot == 0.5
    rows = current.data.training_rows().X.head(5)
    assert list(loaded.predict_proba(rows)) == pytest.approx(list(current.models.bundle().predict_proba(rows)))
    current.models.set_policy(current.models.bundle().policy)


def test_new_leads_without_the_models_columns_get_a_message_in_plain_sight(trained):
    at = go(trained, "Score")
    key = f"score_source:{project(at).id}"
    at.radio(key=key).set_value("Upload new leads").run()
    at.file_uploader(key="score_upload").upload("other.csv", b"company,city\nAcme,Oslo\nBeta,Rome\n", "text/csv")
    at.run()
    button(at, "Score 2 leads").click().run()
    assert problems(at) == []
    assert len(at.error) == 1
    assert at.error[0].value.startswith("**These leads could not be scored.**")
    assert "column" in at.error[0].value  # names what is missing


def test_picking_another_version_brings_its_own_saved_tiers(trained):
    """Picking a saved model silently reset the tiers to 70/40/15 and the default actions."""
    from leadscore.model.tiers import TierPolicy

    current = project(trained)
    current.models.set_policy(TierPolicy(hot=0.55, warm=0.35, cool=0.12, actions={"Hot": "Ring today"}))
    current.models.save_policy()
    current.data.set_choices(current.data.choices.__class__(exclude=("timeline",)))
    current.training.train(current.training.settings)
    assert current.models.current == 2
    at = go(new_app(current.id), "Score")
    picker = at.selectbox(key=f"score_version:{current.id}")
    picker.set_value(next(option for option in picker.options if option.startswith("v1 "))).run()
    assert problems(at) == []
    policy = project(at).models.policy
    assert project(at).models.current == 1
    assert (policy.hot, policy.warm, policy.cool, policy.actions["Hot"]) == (0.55, 0.35, 0.12, "Ring today")


def test_clicking_during_training_never_loses_the_model(small_history):
    """Clicking "Save" 2 seconds before the run ended lost the trained model."""
    at = new_app()
    at.file_uploader[0].upload("history.csv", small_history, "text/csv")
    at.run()
    go(at, "Clean")
    button(at, "Use this cleaning plan").click().run()
    go(at, "Train")
    saved = project(at)
    saved.training.start()  # as the button does, without waiting for the page to come back
    go(at, "Insights")  # the impatient user leaves while it trains
    go(at, "Train")  # and comes back: the page shows the run's progress, then the model
    wait_for_training(at)
    assert problems(at) == []
    assert project(at).models.current == 1
    assert project(at).training.latest()["state"] == "done"


def test_scoring_again_shows_drift_movers_a_trend_and_outcome_feedback(trained):
    import numpy as np

    new_leads = pd.read_csv(Path(__file__).resolve().parents[2] / "sample_data" / "new_leads.csv", dtype=str, keep_default_na=False)
    at = go(trained, "Score")
    key = f"score_source:{project(at).id}"
    at.radio(key=key).set_value("The sample new leads").run()
    button(at, "Score 500 leads").click().run()
    assert any("look like your history" in s.value for s in at.success)

    # A week later the same leads all say they will buy this month.
    engaged = new_leads.assign(timeline="this month").to_csv(index=False).encode()
    at.radio(key=key).set_value("Upload new leads").run()
    at.file_uploader(key="score_upload").upload("week2.csv", engaged, "text/csv")
    at.run()
    button(at, "Score 500 leads").click().run()
    assert problems(at) == []
    assert any(e.value.startswith("**Retrain: your leads have changed") and "timeline" in e.value for e in at.error)
    assert any(m.value.startswith("**Since the previous scoring run**") for m in at.markdown)
    changes = table_with(at, "summary")
    assert len(changes) > 0 and changes["summary"].str.contains(" -> ").all()
    assert (changes["after"] >= changes["before"]).iloc[0]  # the first listed change is an upgrade
    assert "Download the movers (CSV)" in [d.label for d in at.download_button]
    assert at.selectbox(key="score_trend_lead").value == project(at).scoring.movers()["key"].iloc[0]
    followed = at.selectbox(key="score_trend_lead").value
    assert any(f"{followed}: chance over time" in chart.proto.spec for chart in at.get("vega_lite_chart"))

    # Outcomes come in: how did each tier really convert?
    rng = np.random.default_rng(0)
    outcomes = new_leads.assign(converted=np.where(rng.random(len(new_leads)) < 0.15, "yes", "no")).to_csv(index=False).encode()
    at.file_uploader(key="score_feedback_upload").upload("outcomes.csv", outcomes, "text/csv")
    at.run()
    assert problems(at) == []
    promised = table_with(at, "promised")
    assert set(promised["tier"]) <= {"Hot", "Warm", "Cool", "Cold"} and promised["leads"].sum() == 500


def test_an_empty_tier_shows_a_dash_not_none(trained):
    from leadscore.model.tiers import TierPolicy

    current = project(trained)
    current.models.set_policy(TierPolicy(hot=0.99, warm=0.4, cool=0.15))  # nobody reaches 99%
    at = go(trained, "Tiers")
    assert problems(at) == []
    table = table_with(at, "share_of_conversions").set_index("tier")
    assert table.loc["Hot", "leads"] == 0
    assert table.loc["Hot", "conversion_rate"] == "-"
    assert "None" not in table.astype(str).to_numpy().ravel().tolist()
    current.models.set_policy(current.models.bundle().policy)
