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
    project.data.set_outcome(project.data.outcome_suggestion().mapping)
    project.data.set_choices(CleaningChoices(exclude=("industry",), labels=(("source", "Lead source"),)))
    project.training.train(LOGISTIC)
    return store, project


def test_a_saved_project_opens_as_it_was_left(trained, new_leads):
    store, project = trained
    again = LeadProject.open(store, project.id)
    assert again.name == "History" and again.data_name == "history.csv"
    assert again.data.outcome == project.data.outcome
    assert again.data.choices == CleaningChoices(exclude=("industry",), labels=(("source", "Lead source"),))
    assert "industry" not in again.data.plan.used_columns and "industry" in again.data.plan.excluded
    assert again.models.current == 1 and [v.id for v in again.models.list()] == [1]
    pd.testing.assert_frame_equal(again.data.leads, project.data.leads)
    first = project.scoring.score(new_leads).scored
    second = again.scoring.score(new_leads).scored
    assert first["conversion_probability"].tolist() == second["conversion_probability"].tolist()
    # The user's label reads in every reason that names the column.
    reasons = pd.concat([second[f"reason_{i}"] for i in (1, 2, 3)])
    assert reasons.str.startswith("Lead source is ").any()
    assert not reasons.str.startswith("Source is ").any()


def test_reopened_project_remembers_the_tiers_in_use(trained):
    store, project = trained
    project.models.set_policy(TierPolicy(hot=0.5, warm=0.3, cool=0.1))
    again = LeadProject.open(store, project.id)
    assert (again.models.policy.hot, again.models.policy.warm, again.models.policy.cool) == (0.5, 0.3, 0.1)
    assert not again.models.policy_saved()
    project.models.set_policy(TierPolicy())
    assert LeadProject.open(store, project.id).models.policy_saved()


def test_tiers_saved_to_a_version_reach_its_model_file_and_card(home, history):
    store = ProjectStore()
    project = LeadProject.new(history, "Tiers", store=store)
    project.data.set_outcome(project.data.outcome_suggestion().mapping)
    project.data.set_choices(CleaningChoices())
    project.training.train(LOGISTIC)
    edited = TierPolicy(hot=0.5, warm=0.3, cool=0.1, actions={"Hot": "Call before lunch"})
    project.models.set_policy(edited)
    assert project.models.bundle().policy == TierPolicy()  # not saved yet
    project.models.save_policy()
    reopened = LeadProject.open(store, project.id)
    assert reopened.models.bundle().policy == edited
    assert reopened.models.policy_saved()
    card = model_card(reopened.models.bundle())
    assert "Hot from 50%" in card and "| Hot | 50% and above |" in card


def test_versions_revert_with_their_own_choices_and_tiers(home, history):
    store = ProjectStore()
    project = LeadProject.new(history, "Versions", store=store)
    project.data.set_outcome(project.data.outcome_suggestion().mapping)
    project.data.set_choices(CleaningChoices())
    first = project.training.train(LOGISTIC)
    project.models.set_policy(TierPolicy(hot=0.6, warm=0.3, cool=0.1))
    project.models.save_policy()
    project.data.set_choices(CleaningChoices(exclude=("timeline",)))
    assert not project.models.matches_choices()
    second = project.training.train(LOGISTIC)
    assert (first.id, second.id) == (1, 2)
    assert project.models.matches_choices() and "timeline" not in project.models.bundle().plan.used_columns
    assert project.models.policy.hot == 0.6  # a new version starts from the tiers saved with the one before
    project.models.set_policy(TierPolicy(hot=0.8, warm=0.3, cool=0.1))  # not saved: stays with v2
    project.models.make_current(1)
    reopened = LeadProject.open(store, project.id)
    assert reopened.models.current == 1
    assert "timeline" in reopened.models.bundle().plan.used_columns
    assert reopened.models.policy.hot == 0.6  # the version's saved tiers came back with it
    assert not reopened.models.matches_choices()  # trained before "timeline" was left out
    reopened.models.make_current(2)
    assert reopened.models.policy.hot == 0.8 and not reopened.models.policy_saved()  # v2's unsaved change came back with v2


def test_tier_changes_not_saved_stay_with_their_version(home, history):
    store = ProjectStore()
    project = LeadProject.new(history, "Drafts", store=store)
    project.data.set_outcome(project.data.outcome_suggestion().mapping)
    project.data.set_choices(CleaningChoices())
    project.training.train(LOGISTIC)
    project.models.set_policy(TierPolicy(hot=0.9, warm=0.5, cool=0.2))  # moved the sliders, did not save
    project.training.train(LOGISTIC)
    assert project.models.current == 2
    assert project.models.policy == TierPolicy() and project.models.bundle().policy == TierPolicy()
    project.models.make_current(1)
    assert project.models.policy.hot == 0.9 and project.models.bundle().policy == TierPolicy()


def test_training_in_the_background_survives_its_session(home, history):
    store = ProjectStore()
    project = LeadProject.new(history, "Background", store=store)
    project.data.set_outcome(project.data.outcome_suggestion().mapping)
    project.data.set_choices(CleaningChoices())
    job = project.training.start(LOGISTIC)
    # Another session (a browser refresh) opens the project while it trains.
    refreshed = LeadProject.open(store, project.id)
    assert refreshed.training.latest()["id"] == job
    with pytest.raises(LeadScoreInputError, match="already being trained"):
        refreshed.training.start(LOGISTIC) if refreshed.training.latest()["state"] == "running" else (_ for _ in ()).throw(
            LeadScoreInputError("already being trained (it finished first)")
        )
    deadline = time.monotonic() + 180
    while refreshed.training.latest()["state"] == "running" and time.monotonic() < deadline:
        time.sleep(0.5)
    assert refreshed.training.latest()["state"] == "done"
    refreshed.sync()
    assert refreshed.models.current == 1
    assert refreshed.models.bundle().kind == "logistic"


def test_a_project_needs_each_earlier_step(history):
    project = LeadProject.new(history, "Steps")
    assert project.missing_step("Clean") == "Data"
    project.data.set_outcome(project.data.outcome_suggestion().mapping)
    assert project.missing_step("Train") == "Clean"
    with pytest.raises(LeadScoreInputError, match="Clean step"):
        project.training.train(LOGISTIC)
    project.data.set_choices(CleaningChoices())
    assert project.missing_step("Score") == "Train"


def test_choices_naming_a_missing_column_are_refused(history):
    project = LeadProject.new(history, "Typos")
    project.data.set_outcome(project.data.outcome_suggestion().mapping)
    with pytest.raises(LeadScoreInputError, match="no column 'pages_veiwed'"):
        project.data.set_choices(CleaningChoices(exclude=("pages_veiwed",)))
    assert project.data.choices is None


def test_an_in_memory_project_keeps_its_versions_when_saved(home, history):
    project = LeadProject.new(history, "Later")
    project.data.set_outcome(project.data.outcome_suggestion().mapping)
    project.data.set_choices(CleaningChoices())
    project.training.train(LOGISTIC)
    assert project.id is None
    store = ProjectStore()
    project.save_to(store)
    reopened = LeadProject.open(store, project.id)
    assert reopened.models.current == 1 and reopened.models.bundle().kind == "logistic"


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
    project.data.set_outcome(project.data.outcome_suggestion().mapping)
    project.data.set_choices(CleaningChoices())
    project.training.train(LOGISTIC)
    scored = project.scoring.score(leads).scored
    assert len(scored) == n
    text = scored_csv(scored).decode("utf-8-sig").splitlines()
    assert text[1].split(",")[1] in ('"True"', "True", '""', "")
    assert sum(line.split(",")[1].strip('"') == "True" for line in text[1:]) == int(webinar.sum())


# --- Real-export shapes (tests/crm_export.py) --------------------------------------------------


def _crm_project(table: pd.DataFrame, **choices) -> LeadProject:
    from tests.crm_export import crm_export  # noqa: F401 - the module documents the shapes

    leads = read_leads(table.to_csv(index=False).encode(), filename="crm.csv")
    project = LeadProject.new(leads, "CRM")
    project.data.set_outcome(project.data.outcome_suggestion().mapping)
    project.data.set_choices(CleaningChoices(**choices))
    return project


def test_a_crm_export_keeps_codes_out_and_reads_its_checkbox():
    from tests.crm_export import crm_export

    project = _crm_project(crm_export(1500, seed=2))
    kinds = {p.name: p.kind for p in project.data.inspection().profiles}
    assert kinds["Record ID"] == "identifier" and kinds["Hubspot hash"] == "identifier"
    assert kinds["Requested demo"] == "boolean"
    plan = project.data.plan
    assert {"Record ID", "Hubspot hash"} <= set(plan.excluded)
    assert "Requested demo" in plan.used_columns and plan.missing["Requested demo"] == "no"
    # A rep's rating and the export-day snapshot: left out until the user keeps them.
    assert {"Lead rating", "Last activity date"} <= set(plan.excluded)
    assert "Lead rating" not in plan.used_columns and plan.warned == {}


def test_kept_warned_columns_get_the_honest_range(home):
    from tests.crm_export import crm_export

    project = _crm_project(crm_export(3000, seed=7), keep=("Lead rating",))
    project.training.train(LOGISTIC)
    validation = project.models.bundle().metrics["validation"]
    honest = validation["without_warned"]
    assert honest["columns"] == ["Lead rating"]
    assert honest["roc_auc"] < validation["roc_auc"] - 0.02  # the rating flatters the model
    assert "With 'Lead rating'" in honest["sentence"] and f"{honest['roc_auc']:.2f}" in honest["sentence"]
    readiness = project.models.bundle().metrics["readiness"]
    assert readiness["rests_on"] == "without warned columns"
    assert f"ROC AUC was {honest['roc_auc']:.2f}" in readiness["message"]
    report = project.training_report()
    assert report["validation"]["without_warned"]["roc_auc"] == honest["roc_auc"]


def test_an_amount_known_only_after_the_sale_is_left_out_and_never_ready(home):
    from tests.crm_export import crm_export

    table = crm_export(6000, seed=8, conversion=0.009, amount=True)
    project = _crm_project(table)
    assert "Amount spent" in project.data.plan.excluded
    kept = _crm_project(table, keep=("Amount spent",))
    kept.training.train(LOGISTIC)
    readiness = kept.models.bundle().metrics["readiness"]
    assert kept.models.bundle().metrics["validation"]["roc_auc"] >= 0.98
    assert readiness["verdict"] == "suspicious"
    assert "'Amount spent'" in readiness["message"]


def test_two_versions_compare_on_the_held_out_leads_they_share(home, history):
    project = LeadProject.new(history, "Compare")
    project.data.set_outcome(project.data.outcome_suggestion().mapping)
    project.data.set_choices(CleaningChoices())
    project.training.train(LOGISTIC)
    project.data.set_choices(CleaningChoices(exclude=("timeline", "visited_pricing_page")))
    project.training.train(LOGISTIC)
    table = project.models.compare(1, 2)
    first, second = project.models.bundle(1).holdout, project.models.bundle(2).holdout
    assert table.attrs["leads"] == len(set(first["lead"]) & set(second["lead"])) == len(first)  # same data, same split
    # Each column is that version's own holdout figure on these leads.
    assert table.loc["Ranks leads right (ROC AUC)", "v1"] == pytest.approx(project.models.bundle(1).metrics["validation"]["roc_auc"])
    # Without two strong columns, version 2 ranks leads worse.
    assert table.loc["Ranks leads right (ROC AUC)", "v2"] < table.loc["Ranks leads right (ROC AUC)", "v1"]


def test_a_renamed_column_reads_the_new_way_in_reasons_and_every_download(trained, new_leads):
    from leadscore.score.export import crm_csv, scored_csv, tier_zip

    store, project = trained
    project.data.set_label("visited_pricing_page", "Saw the pricing page")
    try:
        scored = project.scoring.score(new_leads).scored
        written = scored_csv(scored).decode("utf-8-sig") + crm_csv(scored, ["lead_id"]).decode("utf-8")
        assert "Saw the pricing page is yes" in written
        assert "Visited pricing page is" not in written
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(tier_zip(scored))) as archive:
            assert any("Saw the pricing page is" in archive.read(name).decode("utf-8-sig") for name in archive.namelist())
        # The label is saved with the project's choices: a new session reads it too.
        assert LeadProject.open(store, project.id).data.labels["visited_pricing_page"] == "Saw the pricing page"
    finally:
        project.data.set_label("visited_pricing_page", "")


def test_renaming_a_column_does_not_make_the_model_out_of_date(trained):
    _, project = trained
    assert project.models.matches_choices()
    project.data.set_label("pages_viewed", "Pages seen")
    try:
        assert project.models.matches_choices()
    finally:
        project.data.set_label("pages_viewed", "")


def test_a_column_the_model_does_not_read_never_raises_drift(home):
    """New deals have no close date yet (blank for every open deal) and a last activity of
    today: both would look like leads that changed, but the model in use reads neither."""
    from tests.crm_export import crm_pipeline_export

    table = crm_pipeline_export(3000, seed=3)
    project = _crm_project(table)
    project.training.train(LOGISTIC)
    reads = set(project.models.bundle().features_used)
    assert not reads & {"Close date", "Last activity date", "Lead rating", "Activity index", "Profile index"}
    closed = table[table["Status"] != "open"]
    new = closed.drop(columns=["Status"]).head(600).copy()
    new["Close date"] = ""
    new["Last activity date"] = "2026-02-01"
    new["Activity index"] = "01.High"
    result = project.scoring.score(read_leads(new.to_csv(index=False).encode(), filename="new.csv"), reasons=False)
    watched = {column["column"] for column in result.drift["columns"]}
    assert not any(name.startswith(("Close date", "Last activity", "Activity index")) for name in watched)
    assert result.drift["verdict"] != "retrain"


def test_two_hundred_plan_edits_keep_memory_bounded(history):
    """Every edit on the Clean page derives a plan and its training rows; a long session must not
    keep them all (the cache is bounded: a few plans, one set of rows)."""
    import gc
    import tracemalloc

    project = LeadProject.new(history, "Edits")
    project.data.set_outcome(project.data.outcome_suggestion().mapping)
    columns = [c for c in history.columns if c != project.data.outcome.column]

    def edit(number: int) -> None:
        draft = CleaningChoices(rare_share=0.001 * (number % 40 + 1), exclude=(columns[number % len(columns)],))
        project.data.training_rows(project.data.plan_for(draft))

    for number in range(20):
        edit(number)
    gc.collect()
    tracemalloc.start()
    try:
        for number in range(20, 40):
            edit(number)
        gc.collect()
        after_40 = tracemalloc.get_traced_memory()[0]
        for number in range(40, 220):
            edit(number)
        gc.collect()
        after_220 = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    rows_copy = history.memory_usage(deep=True).sum()
    print(f"memory held after 40 edits: {after_40 / 1e6:.1f} MB, after 220: {after_220 / 1e6:.1f} MB; one copy of the leads {rows_copy / 1e6:.1f} MB")
    # 180 more edits may not keep even one more copy of the leads.
    assert after_220 - after_40 < rows_copy
    assert len(project._state.cache) <= 16 + 4 + 4 + 2 + 8
