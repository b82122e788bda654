"""LeadProject: one journey, saved whole, reopened as the user left it; versions and tiers."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from leadscore.model.card import model_card
from leadscore.errors import LeadScoreInputError
from leadscore.score.export import scored_csv
from leadscore.clean.plan import CleaningChoices
from leadscore.project.workflow import LeadProject
from leadscore.io.read import read_leads
from leadscore.project.store import ProjectStore
from leadscore.model.tiers import TierPolicy
from leadscore.model.train import TrainingSettings

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data" / "leads.csv"
NEW_LEADS = REPO / "sample_data" / "new_leads.csv"
LOGISTIC = TrainingSettings(model="logistic")


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    root = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEADSCORE_HOME", str(root))
        yield root


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    return read_leads(b"".join(lines[:1501]), filename="history.csv")


@pytest.fixture(scope="module")
def new_leads() -> pd.DataFrame:
    return read_leads(NEW_LEADS)


@pytest.fixture(scope="module")
def trained(home, history):
    """A saved project: outcome suggested, 'industry' left out, a label, one logistic version."""
    store = ProjectStore()
    project = LeadProject.new(history, "History", store=store, data_name="history.csv")
    project.set_outcome(project.outcome_suggestion().mapping)
    project.set_choices(CleaningChoices(exclude=("industry",), labels=(("source", "Lead source"),)))
    project.train(LOGISTIC)
    return store, project


def test_a_saved_project_opens_as_it_was_left(trained, new_leads):
    store, project = trained
    again = LeadProject.open(store, project.id)
    assert again.name == "History" and again.data_name == "history.csv"
    assert again.outcome == project.outcome
    assert again.choices == CleaningChoices(exclude=("industry",), labels=(("source", "Lead source"),))
    assert "industry" not in again.plan.used_columns and "industry" in again.plan.excluded
    assert again.current_version == 1 and [v.id for v in again.versions()] == [1]
    pd.testing.assert_frame_equal(again.leads, project.leads)
    first = project.score(new_leads).scored
    second = again.score(new_leads).scored
    assert first["conversion_probability"].tolist() == second["conversion_probability"].tolist()
    # The user's label reads in every reason that names the column.
    reasons = pd.concat([second[f"reason_{i}"] for i in (1, 2, 3)])
    assert reasons.str.startswith("Lead source is ").any()
    assert not reasons.str.startswith("Source is ").any()


def test_reopened_project_remembers_the_tiers_in_use(trained):
    store, project = trained
    project.set_policy(TierPolicy(hot=0.5, warm=0.3, cool=0.1))
    again = LeadProject.open(store, project.id)
    assert (again.policy.hot, again.policy.warm, again.policy.cool) == (0.5, 0.3, 0.1)
    assert not again.policy_saved()
    project.set_policy(TierPolicy())
    assert LeadProject.open(store, project.id).policy_saved()


def test_tiers_saved_to_a_version_reach_its_model_file_and_card(home, history):
    store = ProjectStore()
    project = LeadProject.new(history, "Tiers", store=store)
    project.set_outcome(project.outcome_suggestion().mapping)
    project.set_choices(CleaningChoices())
    project.train(LOGISTIC)
    edited = TierPolicy(hot=0.5, warm=0.3, cool=0.1, actions={"Hot": "Call before lunch"})
    project.set_policy(edited)
    assert project.bundle().policy == TierPolicy()  # not saved yet
    project.save_policy_to_version()
    reopened = LeadProject.open(store, project.id)
    assert reopened.bundle().policy == edited
    assert reopened.policy_saved()
    card = model_card(reopened.bundle())
    assert "Hot from 50%" in card and "| Hot | 50% and above |" in card


def test_versions_revert_with_their_own_choices_and_tiers(home, history):
    store = ProjectStore()
    project = LeadProject.new(history, "Versions", store=store)
    project.set_outcome(project.outcome_suggestion().mapping)
    project.set_choices(CleaningChoices())
    first = project.train(LOGISTIC)
    project.set_policy(TierPolicy(hot=0.6, warm=0.3, cool=0.1))
    project.save_policy_to_version()
    project.set_choices(CleaningChoices(exclude=("timeline",)))
    assert not project.model_matches_choices()
    project.set_policy(TierPolicy())
    second = project.train(LOGISTIC)
    assert (first.id, second.id) == (1, 2)
    assert project.model_matches_choices() and "timeline" not in project.bundle().plan.used_columns
    project.make_current(1)
    reopened = LeadProject.open(store, project.id)
    assert reopened.current_version == 1
    assert "timeline" in reopened.bundle().plan.used_columns
    assert reopened.policy.hot == 0.6  # the version's saved tiers came back with it
    assert not reopened.model_matches_choices()  # trained before "timeline" was left out


def test_training_in_the_background_survives_its_session(home, history):
    store = ProjectStore()
    project = LeadProject.new(history, "Background", store=store)
    project.set_outcome(project.outcome_suggestion().mapping)
    project.set_choices(CleaningChoices())
    job = project.start_training(LOGISTIC)
    # Another session (a browser refresh) opens the project while it trains.
    refreshed = LeadProject.open(store, project.id)
    assert refreshed.training_job()["id"] == job
    with pytest.raises(LeadScoreInputError, match="already being trained"):
        refreshed.start_training(LOGISTIC) if refreshed.training_job()["state"] == "running" else (_ for _ in ()).throw(
            LeadScoreInputError("already being trained (it finished first)")
        )
    deadline = time.monotonic() + 180
    while refreshed.training_job()["state"] == "running" and time.monotonic() < deadline:
        time.sleep(0.5)
    assert refreshed.training_job()["state"] == "done"
    refreshed.sync()
    assert refreshed.current_version == 1
    assert refreshed.bundle().kind == "logistic"


def test_a_project_needs_each_earlier_step(history):
    project = LeadProject.new(history, "Steps")
    assert project.missing_step("Clean") == "Data"
    project.set_outcome(project.outcome_suggestion().mapping)
    assert project.missing_step("Train") == "Clean"
    with pytest.raises(LeadScoreInputError, match="Clean step"):
        project.train(LOGISTIC)
    project.set_choices(CleaningChoices())
    assert project.missing_step("Score") == "Train"


def test_choices_naming_a_missing_column_are_refused(history):
    project = LeadProject.new(history, "Typos")
    project.set_outcome(project.outcome_suggestion().mapping)
    with pytest.raises(LeadScoreInputError, match="no column 'pages_veiwed'"):
        project.set_choices(CleaningChoices(exclude=("pages_veiwed",)))
    assert project.choices is None


def test_an_in_memory_project_keeps_its_versions_when_saved(home, history):
    project = LeadProject.new(history, "Later")
    project.set_outcome(project.outcome_suggestion().mapping)
    project.set_choices(CleaningChoices())
    project.train(LOGISTIC)
    assert project.id is None
    store = ProjectStore()
    project.save_to(store)
    reopened = LeadProject.open(store, project.id)
    assert reopened.current_version == 1 and reopened.bundle().kind == "logistic"


def test_true_and_blank_yes_no_columns_score_and_download(home):
    """A real export's yes/no column holding True and blanks crashed the app's downloads."""
    rng = np.random.default_rng(3)
    n = 600
    webinar = rng.random(n) < 0.4
    converted = rng.random(n) < np.where(webinar, 0.35, 0.1)
    lines = ["lead_id,attended_webinar,pages,converted"]
    for i in range(n):
        lines.append(f"A{i:04d},{'True' if webinar[i] else ''},{rng.integers(1, 20)},{'yes' if converted[i] else 'no'}")
    leads = read_leads("\n".join(lines).encode(), filename="crm.csv")
    project = LeadProject.new(leads, "CRM")
    project.set_outcome(project.outcome_suggestion().mapping)
    project.set_choices(CleaningChoices())
    project.train(LOGISTIC)
    scored = project.score(leads).scored
    assert len(scored) == n
    text = scored_csv(scored).decode("utf-8-sig").splitlines()
    assert text[1].split(",")[1] in ('"True"', "True", '""', "")
    assert sum(line.split(",")[1].strip('"') == "True" for line in text[1:]) == int(webinar.sum())


# --- Real-export shapes (tests/crm_export.py) --------------------------------------------------


def _crm_project(table: pd.DataFrame, **choices) -> LeadProject:
    from tests.crm_export import crm_export  # noqa: F401 - the module documents the shapes

    leads = read_leads(table.to_csv(index=False).encode(), filename="crm.csv")
    project = LeadProject.new(leads, "CRM")
    project.set_outcome(project.outcome_suggestion().mapping)
    project.set_choices(CleaningChoices(**choices))
    return project


def test_a_crm_export_keeps_codes_out_and_reads_its_checkbox():
    from tests.crm_export import crm_export

    project = _crm_project(crm_export(1500, seed=2))
    kinds = {p.name: p.kind for p in project.inspection().profiles}
    assert kinds["Record ID"] == "identifier" and kinds["Hubspot hash"] == "identifier"
    assert kinds["Requested demo"] == "boolean"
    plan = project.plan
    assert {"Record ID", "Hubspot hash"} <= set(plan.excluded)
    assert "Requested demo" in plan.used_columns and plan.missing["Requested demo"] == "no"
    # A rep's rating and the export-day snapshot: left out until the user keeps them.
    assert {"Lead rating", "Last activity date"} <= set(plan.excluded)
    assert "Lead rating" not in plan.used_columns and plan.warned == {}


def test_kept_warned_columns_get_the_honest_range(home):
    from tests.crm_export import crm_export

    project = _crm_project(crm_export(3000, seed=7), keep=("Lead rating",))
    project.train(LOGISTIC)
    validation = project.bundle().metrics["validation"]
    honest = validation["without_warned"]
    assert honest["columns"] == ["Lead rating"]
    assert honest["roc_auc"] < validation["roc_auc"] - 0.02  # the rating flatters the model
    assert "With 'Lead rating'" in honest["sentence"] and f"{honest['roc_auc']:.2f}" in honest["sentence"]
    readiness = project.bundle().metrics["readiness"]
    assert readiness["rests_on"] == "without warned columns"
    assert f"ROC AUC was {honest['roc_auc']:.2f}" in readiness["message"]
    report = project.training_report()
    assert report["validation"]["without_warned"]["roc_auc"] == honest["roc_auc"]


def test_an_amount_known_only_after_the_sale_is_left_out_and_never_ready(home):
    from tests.crm_export import crm_export

    table = crm_export(6000, seed=8, conversion=0.009, amount=True)
    project = _crm_project(table)
    assert "Amount spent" in project.plan.excluded
    kept = _crm_project(table, keep=("Amount spent",))
    kept.train(LOGISTIC)
    readiness = kept.bundle().metrics["readiness"]
    assert kept.bundle().metrics["validation"]["roc_auc"] >= 0.98
    assert readiness["verdict"] == "suspicious"
    assert "'Amount spent'" in readiness["message"]


def test_two_versions_compare_on_the_held_out_leads_they_share(home, history):
    project = LeadProject.new(history, "Compare")
    project.set_outcome(project.outcome_suggestion().mapping)
    project.set_choices(CleaningChoices())
    project.train(LOGISTIC)
    project.set_choices(CleaningChoices(exclude=("timeline", "visited_pricing_page")))
    project.train(LOGISTIC)
    table = project.compare_versions(1, 2)
    first, second = project.bundle(1).holdout, project.bundle(2).holdout
    assert table.attrs["leads"] == len(set(first["lead"]) & set(second["lead"])) == len(first)  # same data, same split
    # Each column is that version's own holdout figure on these leads.
    assert table.loc["Ranks leads right (ROC AUC)", "v1"] == pytest.approx(project.bundle(1).metrics["validation"]["roc_auc"])
    # Without two strong columns, version 2 ranks leads worse.
    assert table.loc["Ranks leads right (ROC AUC)", "v2"] < table.loc["Ranks leads right (ROC AUC)", "v1"]


def test_a_renamed_column_reads_the_new_way_in_reasons_and_every_download(trained, new_leads):
    from leadscore.score.export import crm_csv, scored_csv, tier_zip

    store, project = trained
    project.set_label("visited_pricing_page", "Saw the pricing page")
    try:
        scored = project.score(new_leads).scored
        written = scored_csv(scored).decode("utf-8-sig") + crm_csv(scored, ["lead_id"]).decode("utf-8")
        assert "Saw the pricing page is yes" in written
        assert "Visited pricing page is" not in written
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(tier_zip(scored))) as archive:
            assert any("Saw the pricing page is" in archive.read(name).decode("utf-8-sig") for name in archive.namelist())
        # The label is saved with the project's choices: a new session reads it too.
        assert LeadProject.open(store, project.id).labels["visited_pricing_page"] == "Saw the pricing page"
    finally:
        project.set_label("visited_pricing_page", "")


def test_renaming_a_column_does_not_make_the_model_out_of_date(trained):
    _, project = trained
    assert project.model_matches_choices()
    project.set_label("pages_viewed", "Pages seen")
    try:
        assert project.model_matches_choices()
    finally:
        project.set_label("pages_viewed", "")


def test_a_column_the_model_does_not_read_never_raises_drift(home):
    """New deals have no close date yet (blank for every open deal) and a last activity of
    today: both would look like leads that changed, but the model in use reads neither."""
    from tests.crm_export import crm_pipeline_export

    table = crm_pipeline_export(3000, seed=3)
    project = _crm_project(table)
    project.train(LOGISTIC)
    reads = set(project.bundle().features_used)
    assert not reads & {"Close date", "Last activity date", "Lead rating", "Activity index", "Profile index"}
    closed = table[table["Status"] != "open"]
    new = closed.drop(columns=["Status"]).head(600).copy()
    new["Close date"] = ""
    new["Last activity date"] = "2026-02-01"
    new["Activity index"] = "01.High"
    result = project.score(read_leads(new.to_csv(index=False).encode(), filename="new.csv"), reasons=False)
    watched = {column["column"] for column in result.drift["columns"]}
    assert not any(name.startswith(("Close date", "Last activity", "Activity index")) for name in watched)
    assert result.drift["verdict"] != "retrain"
