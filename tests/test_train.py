"""Training (leadscore/model/train.py): honest validation, model choice, calibration, the honest range.

The sample data's documented signal (sample_data/README.md) is learned from the 5,000 sample
leads through :class:`LeadProject` (as the app and the command line train), once per module.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from leadscore.model import train
from leadscore.model.bundle import load_bundle, save_bundle
from leadscore.model.card import model_card
from leadscore.errors import LeadScoreInputError
from leadscore.inspect.outcome import OutcomeMapping
from leadscore.model.calibration import calibrate_fitted
from leadscore.model.estimators import make_estimator
from leadscore.model.pipeline import base_estimator, build_pipeline
from leadscore.clean.plan import CleaningChoices, CleaningPlan
from leadscore.project.workflow import LeadProject
from leadscore.io.read import read_leads
from leadscore.clean.rows import select_training_rows
from leadscore.model.train import TrainingSettings, train_lead_model

# Columns of the sample data that the generator gave no effect (sample_data/README.md).
ZERO_EFFECT = {"country", "industry", "forms_submitted", "number_of_visits", "days_since_first_visit"}


@pytest.fixture(autouse=True)
def leadscore_home(tmp_path, monkeypatch):
    monkeypatch.setenv("LEADSCORE_HOME", str(tmp_path / "home"))


def _project(leads: pd.DataFrame, choices: CleaningChoices | None = None) -> LeadProject:
    project = LeadProject.new(leads, "sample", data_name="leads.csv")
    project.data.set_outcome(project.data.outcome_suggestion().mapping)
    project.data.set_choices(choices or CleaningChoices())
    return project


@pytest.fixture(scope="module")
def sample(sample_leads_path):
    """Gradient boosting trained on the 5,000 sample leads, and its progress messages."""
    calls = []
    project = _project(read_leads(sample_leads_path))
    project.training.train(TrainingSettings(model="boosting"), progress=lambda message, fraction: calls.append((message, fraction)))
    return project, project.models.bundle(), project.data.training_rows(), calls


@pytest.fixture(scope="module")
def sample_logistic(sample):
    project, _, rows, _ = sample
    return train_lead_model(rows, project.data.plan, TrainingSettings(model="logistic"))


def _segment(leads: pd.DataFrame) -> np.ndarray:
    """The documented interaction: pricing page AND LinkedIn AND 10-50 employees."""
    source = leads["source"].astype(str).str.lower().str.replace(r"[^a-z]", "", regex=True)
    return ((leads["visited_pricing_page"] == "yes") & (source == "linkedin") & (leads["company_size"] == "10-50")).to_numpy()


def _built_leads(n: int = 600, seed: int = 0) -> pd.DataFrame:
    """Leads whose conversion rises with pages, the pricing page and referrals, plus a rating the
    sales rep fills in after the first call (so it knows the outcome more than it should)."""
    rng = np.random.default_rng(seed)
    pages = rng.integers(0, 15, n).astype(float)
    source = rng.choice(["Referral", "LinkedIn", "Paid Ad", "Event"], n)
    pricing = rng.choice(["yes", "no"], n)
    logit = -2.2 + 0.15 * pages + 1.0 * (pricing == "yes") + 0.8 * (source == "Referral")
    won = rng.random(n) < 1 / (1 + np.exp(-logit))
    rating = np.clip(np.round(2.5 + 1.2 * won + rng.normal(0, 0.8, n)), 1, 5)
    return pd.DataFrame(
        {"pages": pages, "source": source, "pricing": pricing, "rep_rating": rating, "won": np.where(won, "yes", "no")}
    )


def _built_plan(**changes) -> CleaningPlan:
    """The rating is used although the leakage guard warned about it (plan.warned)."""
    settings = {
        "outcome": OutcomeMapping("won", ("yes",), ("no",)),
        "numeric": ("pages", "rep_rating"),
        "categorical": ("source",),
        "boolean": ("pricing",),
        "warned": {"rep_rating": "Reps fill it in after the first call."},
    }
    return CleaningPlan(**{**settings, **changes})


# -- settings and plain errors ----------------------------------------------------------------


def test_settings_refuse_an_unknown_model_in_plain_words():
    with pytest.raises(LeadScoreInputError, match="Choose auto, logistic, forest or boosting"):
        TrainingSettings(model="neural net")
    with pytest.raises(LeadScoreInputError, match="between 5% and 50%"):
        TrainingSettings(holdout_share=0.9)


def test_too_few_conversions_is_a_plain_error(small_leads):
    few = small_leads.copy()
    few.loc[few["converted"] == "yes", "converted"] = ["yes"] * 5 + ["no"] * 55
    project = _project(few)
    with pytest.raises(LeadScoreInputError, match="There are 5 converted and 280 not-converted leads.*at least 10 of each"):
        project.training.train(TrainingSettings(model="logistic"))


def test_unknown_column_in_exclude_is_a_plain_error(small_leads):
    project = _project(small_leads)
    with pytest.raises(LeadScoreInputError, match="There is no column 'budget'"):
        project.data.set_choices(CleaningChoices(exclude=("budget",)))


# -- the sample data: finds the documented signal, honestly validated --------------------------


def test_sample_run_validates_on_the_newest_leads(sample):
    _, bundle, rows, _ = sample
    validation = bundle.metrics["validation"]
    assert validation["method"] == "time"
    assert validation["holdout_rows"] == 937  # 20% of the 4,685 leads with a known outcome, rounded up
    assert "first_engaged_at" in validation["explanation"] and "newest" in validation["explanation"]
    holdout_dates = rows.dates.loc[bundle.holdout.index]
    training_dates = rows.dates.drop(index=bundle.holdout.index)
    assert holdout_dates.min() >= training_dates.max()
    assert bundle.holdout["converted"].tolist() == rows.y[bundle.holdout.index].tolist()
    assert bundle.row_counts["final_rows"] == 4685  # the saved model is refit on all known leads
    assert bundle.row_counts["set_aside"] == {"still in the pipeline (no outcome yet)": 315}


def test_sample_run_is_calibrated_and_ranks_well(sample):
    _, bundle, _, _ = sample
    validation = bundle.metrics["validation"]
    assert validation["ece"] <= 0.03
    assert validation["roc_auc"] >= 0.78
    assert validation["lift_top_decile"] >= 3.0
    # 90% bootstrap ranges around each holdout figure, narrow enough on this holdout to stay "ready".
    low, high = validation["roc_auc_interval"]
    assert low < validation["roc_auc"] < high and low >= 0.70
    low, high = validation["lift_top_decile_interval"]
    assert low < validation["lift_top_decile"] < high
    assert bundle.metrics["readiness"]["verdict"] == "ready"
    # Reliability on the holdout: the top group's predicted and observed rates are close.
    top = bundle.metrics["reliability"][-1]
    assert abs(top["predicted"] - top["observed"]) < 0.15
    # Calibration was decided on validation leads and says what it found.
    assert bundle.calibration in ("sigmoid", "none")
    assert "never the holdout" in bundle.notes["calibration"]


def test_sample_report_is_json_and_leaves_out_post_outcome_columns(sample):
    project, _, _, _ = sample
    report = project.training_report()
    json.dumps(report, allow_nan=False)  # strict JSON: no NaN, no numpy types
    assert report["target"]["column"] == "converted"
    assert report["model"]["kind"] == "boosting"
    assert report["model"]["calibration"] in ("sigmoid", "isotonic", "none")
    assert [row["model"] for row in report["leaderboard"]] == ["boosting"]
    used = set(report["features_used"])
    assert not used & {"deal_stage", "final_deal_size", "converted", "lead_id", "email", "phone", "contact_name"}
    assert {"visited_pricing_page", "source", "company_size", "emails_opened"} <= used
    # Learning curve: 25%, 50%, 75% and all of the 3,748 training leads.
    assert [point["training_rows"] for point in report["learning_curve"]] == [937, 1874, 2811, 3748]
    assert report["learning_curve_answer"]


def test_sample_run_finds_the_documented_drivers(sample):
    _, bundle, rows, _ = sample
    holdout = rows.X.loc[bundle.holdout.index]
    with threadpool_limits(limits=1):  # tiny predictions: threads only add overhead
        importance = permutation_importance(
            bundle.pipeline, holdout, rows.y[bundle.holdout.index], scoring="neg_log_loss", n_repeats=2, random_state=0
        )
    ranked = list(holdout.columns[np.argsort(-importance.importances_mean)])
    top = ranked[:6]
    assert "visited_pricing_page" in top and "source" in top
    assert not set(top) & ZERO_EFFECT


def test_boosting_learns_the_interaction_logistic_regression_cannot(sample, sample_logistic):
    _, bundle, rows, _ = sample
    # On the same holdout, boosting's log loss beats logistic regression's (no interaction term).
    assert bundle.metrics["validation"]["log_loss"] < sample_logistic.validation["log_loss"]
    # The documented segment converts at 63% against 12.5% overall (facts.json): five times.
    holdout_leads = rows.X.loc[bundle.holdout.index]
    in_segment = _segment(holdout_leads)
    probability = bundle.holdout["conversion_probability"].to_numpy()
    assert in_segment.sum() >= 20
    assert probability[in_segment].mean() >= 3 * probability[~in_segment].mean()


def test_progress_reports_steps_and_folds_in_order(sample):
    *_, calls = sample
    fractions = [fraction for _, fraction in calls]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    messages = [message for message, _ in calls]
    assert "Training gradient boosting (fold 5 of 5)" in messages
    assert any(message.startswith("Training the final gradient boosting on all 4,685") for message in messages)


def test_base_estimator_unwraps_calibration_for_shap(sample):
    _, bundle, rows, _ = sample
    model = base_estimator(bundle.pipeline)
    assert isinstance(model, HistGradientBoostingClassifier)
    encoded = bundle.pipeline[:-1].transform(rows.X.head(5))
    assert encoded.shape[1] == model.n_features_in_
    # The calibrated (or plain) final step gives the pipeline's own probabilities.
    np.testing.assert_allclose(
        bundle.pipeline.steps[-1][1].predict_proba(encoded)[:, 1], bundle.pipeline.predict_proba(rows.X.head(5))[:, 1]
    )


def test_saved_model_scores_like_the_trained_one_and_its_card_tells_the_method(sample, tmp_path):
    _, bundle, rows, _ = sample
    path = save_bundle(bundle, tmp_path / "sample.joblib")
    loaded = load_bundle(path)
    np.testing.assert_array_equal(loaded.predict_proba(rows.X), bundle.pipeline.predict_proba(rows.X)[:, 1])
    card = model_card(loaded)
    assert "The newest 937 leads" in card
    assert "trained again on all 4,685 leads" in card
    assert re.search(r"\| ROC AUC \| 0\.\d{3} \|", card)
    assert "**Deal stage**:" in card  # what it leaves out, and why
    assert "- Data: leads.csv" in card


# -- calibration inside training --------------------------------------------------------------


def test_calibration_wraps_only_the_last_step(sample, monkeypatch):
    project, _, rows, _ = sample
    plan = project.data.plan
    X, y, dates = rows.X.iloc[:2000], rows.y[:2000], rows.dates.iloc[:2000]
    with threadpool_limits(limits=1):
        calibrated = train._fit_recipe(X, y, None, plan, "logistic", "sigmoid", 0)
    assert [name for name, _ in calibrated.steps] == ["clean", "encode", "model"]
    assert type(calibrated.steps[-1][1]).__name__ == "CalibratedClassifierCV"
    assert isinstance(base_estimator(calibrated), LogisticRegression)
    # Calibrated on unseen leads: the average prediction matches the real conversion rate.
    assert calibrated.predict_proba(X)[:, 1].mean() == pytest.approx(y.mean(), abs=0.01)

    # Large data: one fit, and a calibrator fit on the newest 20% the model never saw.
    monkeypatch.setattr(train, "CV_CALIBRATION_ROWS", 1000)
    with threadpool_limits(limits=1):
        split_calibrated = train._fit_recipe(X, y, dates, plan, "logistic", "sigmoid", 0)
    calibrator = split_calibrated.steps[-1][1]
    assert type(calibrator.estimator).__name__ == "FrozenEstimator"
    assert isinstance(base_estimator(split_calibrated), LogisticRegression)
    newest = dates.sort_values().index[-len(y) // 5 :]
    assert split_calibrated.predict_proba(X.loc[newest])[:, 1].mean() == pytest.approx(y[newest].mean(), abs=0.02)


# -- built tables: model choice, the honest range, suspicious figures, the same model twice ----


@pytest.fixture(scope="module")
def built_auto():
    leads = _built_leads()
    plan = _built_plan()
    calls = []
    result = train_lead_model(select_training_rows(leads, plan), plan, TrainingSettings(model="auto"),
                              progress=lambda message, fraction: calls.append((message, fraction)))
    return result, calls


def test_auto_compares_all_three_models_and_keeps_the_best(built_auto):
    result, calls = built_auto
    board = {row["model"]: row for row in result.leaderboard}
    assert set(board) == {"logistic", "forest", "boosting"}
    assert [row["model"] for row in result.leaderboard if row["chosen"]] == [result.kind]
    best = min(row["log_loss"] for row in result.leaderboard)
    # The chosen model is the best by validation log loss, or a simpler one within a hair of it.
    assert board[result.kind]["log_loss"] <= best * 1.01
    messages = [message for message, _ in calls]
    for name in ("logistic regression", "random forest", "gradient boosting"):
        assert f"Training {name} (fold 1 of 5)" in messages and f"Training {name} (fold 5 of 5)" in messages


def test_without_a_warned_column_the_holdout_shows_the_honest_range(built_auto):
    result, _ = built_auto
    honest = result.validation["without_warned"]
    assert honest["columns"] == ["rep_rating"]
    # The rating knows the outcome: without it the model ranks clearly worse.
    assert honest["roc_auc"] < result.validation["roc_auc"] - 0.05
    assert honest["sentence"].startswith("With 'rep_rating' the model ranks leads at")
    assert f"without it, {honest['roc_auc']:.2f}" in honest["sentence"]
    assert result.readiness["rests_on"] == "without warned columns"
    assert "rests on the model without 'rep_rating'" in result.readiness["message"]


def test_without_warned_columns_there_is_no_honest_range():
    leads = _built_leads(400)
    plan = _built_plan().with_overrides(exclude=["rep_rating"])
    result = train_lead_model(select_training_rows(leads, plan), plan, TrainingSettings(model="logistic"))
    assert result.validation["without_warned"] is None
    assert result.readiness["rests_on"] == "as trained"


def test_a_column_that_gives_the_answer_away_makes_the_model_suspicious():
    leads = _built_leads(400)
    leads["amount_won"] = np.where(leads["won"] == "yes", 1000.0, 0.0) + np.arange(len(leads)) % 7
    plan = _built_plan(numeric=("pages", "amount_won"), warned={})
    result = train_lead_model(select_training_rows(leads, plan), plan, TrainingSettings(model="logistic"))
    assert result.validation["roc_auc"] >= 0.98
    assert result.readiness["verdict"] == "suspicious"
    assert "The columns doing the work: 'amount_won'" in result.readiness["message"]


def test_the_same_leads_and_settings_give_the_same_model():
    leads = _built_leads(300)
    plan = _built_plan()
    rows = select_training_rows(leads, plan)
    new = _built_leads(200, seed=1)
    first, second = (train_lead_model(rows, plan, TrainingSettings(model="logistic")) for _ in range(2))
    a, b = first.pipeline.predict_proba(new)[:, 1], second.pipeline.predict_proba(new)[:, 1]
    np.testing.assert_array_equal(a, b)
    assert len(np.unique(a)) > 50  # real, varied predictions, not a constant


# -- larger tables: one inner split, fits on rungs of the fitting leads, side by side ----------


def _dated_leads(n: int, seed: int = 2) -> pd.DataFrame:
    leads = _built_leads(n, seed)
    leads["created"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(n) // 10, unit="D")
    return leads


@pytest.fixture(scope="module")
def rungs_auto():
    """8,000 dated leads: 6,400 training leads, so one inner split (5,120 fit, 1,280 validate);
    the kinds are compared on a quarter of the fitting leads (the threshold lowered to 1,000)."""
    leads = _dated_leads(8000)
    plan = _built_plan(date_column="created")
    rows = select_training_rows(leads, plan)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(train, "COMPARE_MIN_ROWS", 1000)
        result = train_lead_model(rows, plan, TrainingSettings(model="auto"))
    return leads, plan, rows, result


def test_many_leads_compare_models_on_a_quarter_of_the_fitting_leads(rungs_auto):
    *_, result = rungs_auto
    assert result.validation["method"] == "time" and result.row_counts["training_rows"] == 6400
    assert [row["training_rows"] for row in result.leaderboard] == [1280, 1280, 1280]
    assert "each trained on a random 1,280 of the other 5,120" in result.notes["validation"]
    # The learning curve: the chosen recipe on a quarter, half and all of the 5,120 fitting leads.
    assert result.learning_curve["training_rows"].tolist() == [1280, 2560, 5120]
    assert result.learning_curve["share"].tolist() == pytest.approx([0.2, 0.4, 0.8])
    assert "random quarter, half or all of the older 5,120" in result.notes["learning_curve"]
    assert "the older 5,120 of the 6,400 training leads" in result.notes["final_fit"]
    assert result.row_counts["final_rows"] == 8000


def test_many_leads_the_holdout_measures_the_recipe_on_the_older_fitting_leads(rungs_auto):
    """The holdout scores are those of the chosen recipe trained on the oldest 64% of the leads
    (calibrated on the next 16% when calibration was chosen), built here from the dates alone."""
    leads, plan, rows, result = rungs_auto
    order = np.argsort(rows.dates.to_numpy(), kind="stable")
    fitting, validating = order[:5120], order[5120:6400]
    assert sorted(result.holdout.index) == sorted(rows.X.index[order[6400:]])
    with threadpool_limits(limits=1):
        model = build_pipeline(plan, result.kind, make_estimator(result.kind, 5120)).fit(rows.X.iloc[fitting], rows.y[fitting])
        if result.calibration != "none":
            model = calibrate_fitted(model, rows.X.iloc[validating], rows.y[validating], result.calibration)
        expected = model.predict_proba(rows.X.loc[result.holdout.index])[:, 1]
    np.testing.assert_allclose(result.holdout["conversion_probability"].to_numpy(), expected, rtol=0, atol=1e-12)
    # The honest range is measured the same way, without the warned rating.
    assert result.validation["without_warned"]["columns"] == ["rep_rating"]
    assert result.validation["without_warned"]["roc_auc"] < result.validation["roc_auc"] - 0.05


def test_many_leads_the_final_model_is_the_recipe_on_all_known_leads(rungs_auto):
    leads, plan, rows, result = rungs_auto
    new = _dated_leads(300, seed=9)
    if result.calibration == "none":
        with threadpool_limits(limits=1):
            expected = build_pipeline(plan, result.kind, make_estimator(result.kind, 8000)).fit(rows.X, rows.y)
            np.testing.assert_array_equal(result.pipeline.predict_proba(new), expected.predict_proba(new))
    else:
        assert type(result.pipeline.steps[-1][1]).__name__ == "CalibratedClassifierCV"


def test_fits_side_by_side_give_the_same_model_as_one_after_another(monkeypatch):
    """Thread counts come from the machine; the model must not depend on them."""
    leads = _dated_leads(6500, seed=4)
    plan = _built_plan(date_column="created")
    rows = select_training_rows(leads, plan)
    settings = TrainingSettings(model="auto")
    monkeypatch.setattr(train, "PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr(train, "usable_cores", lambda: 2)
    monkeypatch.setattr(train, "side_by_side", _spy(train.side_by_side))
    beside = train_lead_model(rows, plan, settings)
    assert max(_spy.workers) == 2
    monkeypatch.setattr(train, "usable_cores", lambda: 1)
    in_turn = train_lead_model(rows, plan, settings)
    new = _dated_leads(400, seed=8)
    np.testing.assert_array_equal(beside.pipeline.predict_proba(new), in_turn.pipeline.predict_proba(new))
    np.testing.assert_array_equal(beside.holdout["conversion_probability"], in_turn.holdout["conversion_probability"])
    assert [row["log_loss"] for row in beside.leaderboard] == [row["log_loss"] for row in in_turn.leaderboard]
    pd.testing.assert_frame_equal(beside.learning_curve, in_turn.learning_curve)


def _spy(function):
    _spy.workers = []

    def spied(tasks, workers, done=None):
        _spy.workers.append(workers)
        return function(tasks, workers, done)

    return spied


def test_a_forest_far_behind_is_compared_on_its_first_trees_only(rungs_auto):
    *_, result = rungs_auto
    board = {row["model"]: row for row in result.leaderboard}
    best_other = min(board["logistic"]["log_loss"], board["boosting"]["log_loss"])
    assert board["forest"]["log_loss"] > best_other * (1 + train.FOREST_BEHIND)
    assert f"compared on its first {train.FOREST_FIRST_TREES} trees" in result.notes["validation"]


def test_a_grown_forest_is_the_forest_fitted_at_once():
    """The warm start adds the recipe's other trees: the same trees, the same scores."""
    leads = _built_leads(1500)
    plan = _built_plan()
    rows = select_training_rows(leads, plan)
    with threadpool_limits(limits=1):
        first = build_pipeline(plan, "forest", make_estimator("forest", 1500, 0).set_params(n_estimators=train.FOREST_FIRST_TREES))
        grown = train._grow_forest(first.fit(rows.X, rows.y), rows.X, rows.y, threads=1)
        at_once = build_pipeline(plan, "forest", make_estimator("forest", 1500, 0)).fit(rows.X, rows.y)
    assert len(base_estimator(grown).estimators_) == make_estimator("forest", 1500).n_estimators
    assert base_estimator(grown).warm_start is False
    np.testing.assert_array_equal(grown.predict_proba(leads), at_once.predict_proba(leads))


def test_a_forest_that_could_win_is_grown_before_the_choice(monkeypatch):
    leads = _dated_leads(8000)
    plan = _built_plan(date_column="created")
    rows = select_training_rows(leads, plan)
    monkeypatch.setattr(train, "COMPARE_MIN_ROWS", 1000)
    monkeypatch.setattr(train, "FOREST_BEHIND", 1.0)  # every forest could win
    grown = []
    monkeypatch.setattr(train, "_grow_forest", lambda *args, real=train._grow_forest: grown.append(1) or real(*args))
    result = train_lead_model(rows, plan, TrainingSettings(model="auto"))
    assert grown == [1]
    assert f"first {train.FOREST_FIRST_TREES} trees" not in result.notes["validation"]


def test_copies_of_a_lead_never_sit_on_both_sides_so_the_figure_is_the_honest_one():
    """Each of 500 leads written three times: a model that saw a lead's copy in training looks
    far better on it (ROC AUC over 0.8 before copies were grouped) than on leads it has never
    seen (about 0.65 on a fresh table of the same kind)."""
    from sklearn.metrics import roc_auc_score

    from tests.tables import copied_leads, suggested_plan

    _, repeated = copied_leads(500, copies=3)
    plan = suggested_plan(repeated, "converted")
    result = train_lead_model(select_training_rows(repeated, plan), plan, TrainingSettings(model="forest"))
    assert result.validation["copies"] == 1000  # 1,500 rows, 500 leads
    assert "1,000 leads are copies of another lead" in result.validation["explanation"]
    fresh, _ = copied_leads(500, copies=1, seed=5)
    unseen = roc_auc_score(fresh["converted"] == "yes", result.pipeline.predict_proba(fresh.drop(columns=["converted"]))[:, 1])
    assert result.validation["roc_auc"] < 0.75 and abs(result.validation["roc_auc"] - unseen) < 0.1


def test_with_nothing_kept_every_figure_is_the_model_in_uses_and_a_kept_column_says_which_model():
    """The CRM pipeline export: the rep's rating, the snapshot, the grades and the close date
    are left out by default; the figures are those of the model that scores the leads. Keeping
    the rating gives the honest range, and each figure says which model it describes."""
    from tests.crm_export import crm_pipeline_export
    from tests.tables import suggested_plan

    leads = read_leads(crm_pipeline_export(3000, seed=4).to_csv(index=False).encode(), filename="crm.csv")
    plan = suggested_plan(leads, "Status", date_column="Create date")
    rows = select_training_rows(leads, plan)
    default = train_lead_model(rows, plan, TrainingSettings(model="logistic"))
    assert set(default.features_used) == {
        "Pages viewed", "Requested demo", "Lead source", "Company size", "What is your current occupation?", "Create date",
    }
    assert default.validation["without_warned"] is None and default.validation["describes"] == "the model in use"
    assert default.readiness["rests_on"] == "as trained"

    from leadscore.clean.plan import plan_for

    kept_plan = plan_for(plan, CleaningChoices(keep=("Lead rating",)))
    kept = train_lead_model(select_training_rows(leads, kept_plan), kept_plan, TrainingSettings(model="logistic"))
    assert "Lead rating" in kept.features_used
    assert kept.validation["describes"] == "the model in use, which reads 'Lead rating' by your choice"
    honest = kept.validation["without_warned"]
    assert honest["describes"] == "the same recipe without 'Lead rating', measured on the same held-out leads"
    # The honest figure is the default model's own figure: same recipe, same held-out leads.
    assert honest["roc_auc"] == pytest.approx(default.validation["roc_auc"])
    assert kept.validation["roc_auc"] > honest["roc_auc"]
