"""The whole journey in one session: upload, map outcome, clean, train, insights, tiers, score,
downloads and a saved model picked up again by a new session."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pages._ui import DONE
from tests.app.conftest import button, go, new_app, problems, title, train_journey


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


def charts_on(at) -> int:
    """How many Altair (Vega-Lite) charts the page shows."""
    return len(at.get("vega_lite_chart"))


def test_training_reports_holdout_metrics_and_the_readiness_verdict(trained):
    at = trained
    assert problems(at) == []
    assert at.session_state["train_runs"] == 1
    metrics = {m.label: m.value for m in at.metric}
    assert 0.6 < float(metrics["Ranks leads right (ROC AUC)"]) <= 1.0
    # 1,482 leads with an outcome, 20% held out
    assert int(metrics["Held-out leads"].replace(",", "")) == pytest.approx(1482 * 0.2, abs=2)
    verdicts = [box.value for box in (*at.success, *at.warning, *at.error)]
    assert any(v.startswith(("**Ready.**", "**Usable with caution.**", "**Not ready.**")) for v in verdicts)
    leaderboard = table_with(at, "fit_seconds")
    assert list(leaderboard["model"]) == ["logistic"]
    assert charts_on(at) == 2  # reliability and learning curve
    sidebar = " ".join(m.value for m in at.sidebar.markdown)
    assert f"{DONE} 3. **Train**" in sidebar


def test_insights_show_importance_segments_and_one_leads_explanation(trained):
    at = go(trained, "Insights")
    assert problems(at) == []
    assert title(at) == "4. What drives conversion"
    assert charts_on(at) == 5  # importance, beeswarm, dependence, segments, waterfall
    assert at.selectbox(key="insights_column").value == at.session_state["insights"]["importance"]["column"][0]
    reasons = table_with(at, "reason")
    assert len(reasons) >= 3
    assert reasons["reason"].str.contains("points").all()

    other = at.selectbox(key="insights_lead").options[-1]
    at.selectbox(key="insights_lead").set_value(other).run()
    assert problems(at) == []


def test_moving_a_tier_slider_updates_the_table_without_retraining_or_rescoring(trained):
    at = go(trained, "Tiers")
    assert problems(at) == []
    before = table_with(at, "share_of_conversions").set_index("tier")
    holdout_rows = len(at.session_state["training"].holdout)
    assert before["leads"].sum() == holdout_rows
    assert at.slider(key="tier_hot").value == 70

    at.slider(key="tier_hot").set_value(45).run()
    assert problems(at) == []
    after = table_with(at, "share_of_conversions").set_index("tier")
    assert after.loc["Hot", "range"] == "45% and above"
    assert after.loc["Hot", "leads"] > before.loc["Hot", "leads"]
    assert after.loc["Hot", "leads"] + after.loc["Warm", "leads"] == before.loc["Hot", "leads"] + before.loc["Warm", "leads"]
    assert after["leads"].sum() == holdout_rows
    assert at.session_state["tier_policy"].hot == 0.45
    assert at.session_state["train_runs"] == 1
    assert at.session_state["score_runs"] == 0

    # Warm above Hot is refused in words; the last valid thresholds stay.
    at.slider(key="tier_warm").set_value(60).run()
    assert problems(at) == []
    assert any("go down from Hot to Cool" in e.value for e in at.error)
    assert at.session_state["tier_policy"].warm == 0.40
    at.slider(key="tier_warm").set_value(40).run()


def test_the_capacity_planner_makes_that_many_leads_hot(trained):
    at = go(trained, "Tiers")
    at.number_input(key="tier_capacity").set_value(30).run()
    button(at, "Make that many leads Hot").click().run()
    assert problems(at) == []
    table = table_with(at, "share_of_conversions").set_index("tier")
    assert table.loc["Hot", "leads"] == 30


def test_scoring_new_leads_gives_a_ranked_call_list_and_the_downloads(trained):
    at = go(trained, "Score")
    assert problems(at) == []
    assert at.radio(key="score_source").value == "The sample new leads"
    button(at, "Score 500 leads").click().run()
    assert problems(at) == []
    assert at.session_state["score_runs"] == 1

    call_list = table_with(at, "lead_score")
    assert len(call_list) == 500
    assert call_list["conversion_probability"].is_monotonic_decreasing
    for column in ("lead_score", "conversion_probability", "tier", "next_action", "reason_1", "reason_2", "reason_3"):
        assert column in call_list.columns
    shown = [w.value for w in at.warning]
    assert all(warning in shown for warning in at.session_state["score_warnings"])
    tiers = {m.label: int(m.value.replace(",", "")) for m in at.metric}
    assert sum(tiers.values()) == 500
    assert [d.label for d in at.download_button] == [
        "Scored leads (CSV)",
        "One file per tier (zip)",
        "The model file",
        "Model card (Markdown)",
    ]
    code = " ".join(block.value for block in at.code)
    assert "leadscore score" in code and " -\n" in code  # the JSON-lines example reads stdin


def test_the_model_download_is_a_model_file_that_loads_with_the_chosen_tiers(trained, tmp_path):
    from dataclasses import replace

    from leadscore import journey
    from leadscore.bundle import load_bundle, model_card
    from leadscore.tiers import TierPolicy

    bundle = replace(trained.session_state["bundle"], policy=TierPolicy(hot=0.5, warm=0.3, cool=0.1))
    path = tmp_path / "download.joblib"
    path.write_bytes(journey.bundle_bytes(bundle))
    loaded = load_bundle(path)
    assert loaded.policy.hot == 0.5
    rows = trained.session_state["training_rows"].X.head(5)
    assert list(loaded.predict_proba(rows)) == pytest.approx(list(bundle.predict_proba(rows)))
    assert "logistic" in model_card(loaded).lower()


def test_new_leads_without_the_models_columns_get_a_message(trained):
    at = go(trained, "Score")
    at.radio(key="score_source").set_value("Upload new leads").run()
    at.file_uploader(key="score_upload").upload("other.csv", b"company,city\nAcme,Oslo\nBeta,Rome\n", "text/csv")
    at.run()
    button(at, "Score 2 leads").click().run()
    assert problems(at) == []
    assert len(at.error) == 1
    assert "column" in at.error[0].value  # names what is missing
    at.radio(key="score_source").set_value("The sample new leads").run()


def test_a_saved_model_scores_in_a_new_session_without_training(trained, tmp_path, monkeypatch):
    monkeypatch.setenv("LEADSCORE_MODELS_DIR", str(tmp_path))
    at = go(trained, "Train")
    button(at, "Save to my models folder").click().run()
    assert problems(at) == []
    saved = Path(at.session_state["model_path"])
    assert saved.parent == tmp_path and saved.exists()

    later = go(new_app(), "Score")
    choice = later.selectbox(key="score_model_choice")
    assert len(choice.options) == 1 and choice.options[0].startswith("Saved:")
    later.run()
    assert problems(later) == []
    button(later, "Score 500 leads").click().run()
    assert problems(later) == []
    assert len(table_with(later, "lead_score")) == 500
    assert later.session_state["train_runs"] == 0
    assert later.session_state["bundle_source"] == str(saved)


def test_a_model_file_from_elsewhere_is_not_offered(tmp_path, monkeypatch):
    monkeypatch.setenv("LEADSCORE_MODELS_DIR", str(tmp_path))
    (tmp_path / "someone_elses.joblib").write_bytes(b"LEADSCORE-MODEL\n" + b"\x00" * 64)
    at = go(new_app(), "Score")
    assert problems(at) == []
    assert len(at.selectbox) == 0
    assert any("finished **Train** step" in info.value for info in at.info)
