"""Training, honest validation, calibration and model choice (leadscore/train.py, leadscore/metrics.py)."""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from leadscore import train
from leadscore.bundle import load_bundle, model_card, save_bundle
from leadscore.clean import select_training_rows, suggest_cleaning_plan
from leadscore.errors import LeadScoreInputError
from leadscore.inspect import inspect_leads
from leadscore.metrics import expected_calibration_error, holdout_metrics, lift_top_share, reliability_curve
from leadscore.read import read_leads
from leadscore.train import (
    TrainingSettings,
    base_estimator,
    make_estimator,
    train_from_frame,
)

# Columns of the sample data that the generator gave no effect (sample_data/README.md).
ZERO_EFFECT = {"country", "industry", "forms_submitted", "number_of_visits", "days_since_first_visit"}


@pytest.fixture(autouse=True)
def leadscore_home(tmp_path, monkeypatch):
    monkeypatch.setenv("LEADSCORE_HOME", str(tmp_path / "home"))


@pytest.fixture(scope="module")
def sample_leads(sample_leads_path) -> pd.DataFrame:
    return read_leads(sample_leads_path)


@pytest.fixture(scope="module")
def sample_run(sample_leads):
    """One "auto" training run on the 5,000 sample leads, shared by the tests below."""
    calls = []
    result, bundle, report = train_from_frame(sample_leads, progress=lambda message, fraction: calls.append((message, fraction)))
    rows = select_training_rows(sample_leads, bundle.plan)
    return result, bundle, report, rows, calls


def _segment(leads: pd.DataFrame) -> np.ndarray:
    """The documented interaction: pricing page AND LinkedIn AND 10-50 employees."""
    source = leads["source"].astype(str).str.lower().str.replace(r"[^a-z]", "", regex=True)
    return ((leads["visited_pricing_page"] == "yes") & (source == "linkedin") & (leads["company_size"] == "10-50")).to_numpy()


# ---------------------------------------------------------------------------------------------
# Metrics


def test_metrics_on_hand_checked_numbers():
    converted = np.array([0, 0, 0, 0, 1, 0, 1, 1, 0, 1])
    probability = np.array([0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 0.8, 0.8, 0.9, 0.9])
    # per bin, leads x |predicted - observed|: 2x0.1, 2x0.2, 2x|0.3-0.5|, 2x|0.8-1.0|, 2x|0.9-0.5|
    assert expected_calibration_error(converted, probability) == pytest.approx((0.2 + 0.4 + 0.4 + 0.4 + 0.8) / 10)
    # top 10% = the first 0.9 lead (stable order), which did not convert
    assert lift_top_share(converted, probability) == 0.0
    # top 40% = 0.9, 0.9, 0.8, 0.8: 3 of 4 converted, against 40% overall
    assert lift_top_share(converted, probability, share=0.4) == pytest.approx((3 / 4) / 0.4)
    figures = holdout_metrics(converted, probability)
    assert figures["roc_auc"] == pytest.approx(roc_auc_score(converted, probability))
    assert figures["rows"] == 10 and figures["conversion_rate"] == pytest.approx(0.4)
    curve = reliability_curve(converted, probability, n_bins=5)
    assert curve["leads"].tolist() == [2, 2, 2, 2, 2]
    assert curve["observed"].tolist() == [0.0, 0.0, 0.5, 1.0, 0.5]


def test_perfectly_calibrated_probabilities_have_small_ece():
    rng = np.random.default_rng(0)
    probability = rng.uniform(0, 1, 20000)
    converted = (rng.uniform(0, 1, 20000) < probability).astype(int)
    assert expected_calibration_error(converted, probability) < 0.015
    assert expected_calibration_error(converted, np.clip(probability + 0.2, 0, 1)) > 0.15


# ---------------------------------------------------------------------------------------------
# Settings, models, splits, calibration choice, verdicts


def test_settings_refuse_an_unknown_model_in_plain_words():
    with pytest.raises(LeadScoreInputError, match="Choose auto, logistic, forest or boosting"):
        TrainingSettings(model="neural net")
    with pytest.raises(LeadScoreInputError, match="between 5% and 50%"):
        TrainingSettings(holdout_share=0.9)


def test_models_never_rebalance_classes_and_forests_stay_small():
    for kind in train.MODEL_KINDS:
        assert getattr(make_estimator(kind, 5000), "class_weight", None) is None
    forest = make_estimator("forest", 1_000_000)
    assert isinstance(forest, RandomForestClassifier)
    assert forest.max_depth == 10 and forest.min_samples_leaf >= 20 and forest.n_estimators == 150
    assert forest.max_samples == pytest.approx(0.1)  # 100k leads per tree on a million
    assert make_estimator("forest", 5000).max_samples is None
    boosting = make_estimator("boosting", 100_000)
    assert isinstance(boosting, HistGradientBoostingClassifier) and boosting.early_stopping is True
    assert make_estimator("forest", 10, random_state=3).random_state == 3


def test_dated_leads_hold_out_the_newest():
    n = 500
    dates = pd.Series(pd.date_range("2025-01-01", periods=n, freq="D")).sample(frac=1, random_state=0).reset_index(drop=True)
    y = np.array([1, 0, 0, 0, 0] * 100)
    split = train._split_holdout(y, dates, 0.2, 0, "created_at")
    assert split.method == "time" and len(split.holdout) == 100
    assert dates.iloc[split.holdout].min() > dates.iloc[split.train].max()
    assert "newest 100 leads" in split.explanation and "created_at" in split.explanation


def test_without_dates_the_holdout_is_stratified_and_says_so():
    y = np.array([1] * 50 + [0] * 450)
    split = train._split_holdout(y, None, 0.2, 0, None)
    assert split.method == "stratified"
    assert y[split.holdout].mean() == pytest.approx(0.1)
    assert split.explanation.startswith("There is no date column, so a random 20% of leads (100,")


def test_mostly_blank_dates_fall_back_to_a_stratified_holdout():
    y = np.array([1] * 50 + [0] * 450)
    dates = pd.Series([pd.NaT] * 400 + list(pd.date_range("2025-01-01", periods=100)))
    split = train._split_holdout(y, dates, 0.2, 0, "created_at")
    assert split.method == "stratified"
    assert "blank for more than 10%" in split.explanation


def test_calibration_is_applied_only_when_it_helps_on_validation_leads():
    rng = np.random.default_rng(1)
    truth = rng.uniform(0.01, 0.6, 4000)
    converted = (rng.uniform(0, 1, 4000) < truth).astype(int)
    squashed = truth**2  # systematically too low: calibration should fix it
    method, note = train._choose_calibration(squashed, converted, "sigmoid", 0)
    assert method == "sigmoid" and "It helped" in note
    method, note = train._choose_calibration(truth, converted, "sigmoid", 0)
    assert method == "none" and "did not help" in note
    assert train._calibration_method(50_000, 5000) == "isotonic"
    assert train._calibration_method(3_000, 400) == "sigmoid"


def test_readiness_verdicts_say_why():
    good = {"rows": 2000, "roc_auc": 0.82, "ece": 0.02, "lift_top_decile": 3.5}
    assert train._readiness(good, holdout_converted=250, known_converted=1200)["verdict"] == "ready"
    weak = dict(good, roc_auc=0.55, lift_top_decile=1.1)
    verdict = train._readiness(weak, 250, 1200)
    assert verdict["verdict"] == "not ready" and "barely better than picking leads at random" in verdict["message"]
    shaky = dict(good, ece=0.09)
    verdict = train._readiness(shaky, 30, 150)
    assert verdict["verdict"] == "usable with caution"
    assert "only 30 held-out leads converted" in verdict["message"] and "noticeably off" in verdict["message"]
    assert train._readiness(good, 4, 20)["verdict"] == "not ready"


def test_learning_curve_answer_reads_the_curve():
    climbing = pd.DataFrame({"training_rows": [250, 500, 750, 1000], "roc_auc": [0.70, 0.74, 0.77, 0.80]})
    assert train._learning_curve_answer(climbing).startswith("Probably yes")
    flat = pd.DataFrame({"training_rows": [250, 500, 750, 1000], "roc_auc": [0.800, 0.805, 0.807, 0.808]})
    assert train._learning_curve_answer(flat).startswith("Probably not much")


def test_too_few_conversions_is_a_plain_error(small_leads):
    few = small_leads.copy()
    few.loc[few["converted"] == "yes", "converted"] = ["yes"] * 5 + ["no"] * 55
    with pytest.raises(LeadScoreInputError, match="at least 10 of each"):
        train_from_frame(few)


def test_unknown_column_in_exclude_is_a_plain_error(small_leads):
    with pytest.raises(LeadScoreInputError, match="There is no column 'budget'"):
        train_from_frame(small_leads, exclude=("budget",))


# ---------------------------------------------------------------------------------------------
# The sample data: finds the documented signal, honestly validated


def test_sample_run_validates_on_the_newest_leads(sample_run):
    result, bundle, report, rows, _ = sample_run
    validation = report["validation"]
    assert validation["method"] == "time"
    assert validation["holdout_rows"] == 937  # 20% of the 4,685 leads with a known outcome
    assert "first_engaged_at" in validation["explanation"] and "newest" in validation["explanation"]
    holdout_dates = rows.dates.iloc[result.holdout.index]
    training_dates = rows.dates.drop(index=result.holdout.index)
    assert holdout_dates.min() >= training_dates.max()
    assert result.row_counts["final_rows"] == 4685  # the saved model is refit on all known leads


def test_sample_run_is_calibrated_and_ranks_well(sample_run):
    result, _, report, _, _ = sample_run
    validation = report["validation"]
    assert validation["ece"] <= 0.03
    assert validation["roc_auc"] >= 0.78
    assert validation["lift_top_decile"] >= 3.0
    assert report["readiness"]["verdict"] == "ready"
    # Tier rates on the holdout: each tier converts more often than the one below it.
    rates = [row["conversion_rate"] for row in validation["tiers"] if row["leads"] >= 20]
    assert rates == sorted(rates, reverse=True) and len(rates) >= 3
    # Reliability: predicted and observed rates of the top group are close.
    top = result.reliability.iloc[-1]
    assert abs(top["predicted"] - top["observed"]) < 0.15


def test_sample_run_report_is_json_and_leaves_out_post_outcome_columns(sample_run):
    _, _, report, _, _ = sample_run
    json.dumps(report, allow_nan=False)  # strict JSON: no NaN, no numpy types
    assert report["target"]["column"] == "converted"
    assert set(report["model"]) == {"kind", "calibration"}
    assert report["model"]["calibration"] in ("sigmoid", "isotonic", "none")
    assert {row["model"] for row in report["leaderboard"]} == {"logistic", "forest", "boosting"}
    assert set(report["leaderboard"][0]) >= {"model", "roc_auc", "log_loss", "brier", "fit_seconds"}
    used = set(report["features_used"])
    assert not used & {"deal_stage", "final_deal_size", "converted", "lead_id", "email", "phone", "contact_name"}
    assert {"visited_pricing_page", "source", "company_size", "emails_opened"} <= used
    assert report["learning_curve"][-1]["training_rows"] == 3748
    assert report["learning_curve_answer"]


def test_sample_run_finds_the_documented_drivers(sample_run):
    result, _, _, rows, _ = sample_run
    holdout = rows.X.iloc[result.holdout.index]
    with threadpool_limits(limits=1):  # tiny predictions: threads only add overhead
        importance = permutation_importance(
            result.pipeline, holdout, rows.y[result.holdout.index], scoring="neg_log_loss", n_repeats=2, random_state=0
        )
    ranked = list(holdout.columns[np.argsort(-importance.importances_mean)])
    top = ranked[:6]
    assert "visited_pricing_page" in top and "source" in top
    assert not set(top) & ZERO_EFFECT


def test_tree_models_learn_the_interaction_logistic_cannot(sample_leads, sample_run):
    result, _, report, rows, _ = sample_run
    # The winner is a tree model, chosen on validation leads inside the training part.
    leaderboard = {row["model"]: row for row in report["leaderboard"]}
    assert report["model"]["kind"] in ("forest", "boosting")
    assert leaderboard[report["model"]["kind"]]["log_loss"] < leaderboard["logistic"]["log_loss"]
    # On the holdout too: boosting's log loss beats logistic regression's (no interaction term).
    _, _, logistic_report = train_from_frame(sample_leads, model="logistic")
    assert report["validation"]["log_loss"] < logistic_report["validation"]["log_loss"]
    # And the segment gets a probability far above everyone else's.
    holdout_leads = rows.X.iloc[result.holdout.index]
    in_segment = _segment(holdout_leads)
    probability = result.holdout["conversion_probability"].to_numpy()
    assert in_segment.sum() >= 20
    assert probability[in_segment].mean() >= 3 * probability[~in_segment].mean()


def test_progress_reports_steps_models_and_folds(sample_run):
    *_, calls = sample_run
    fractions = [fraction for _, fraction in calls]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    messages = [message for message, _ in calls]
    assert "Training gradient boosting (fold 5 of 5)" in messages
    assert any(message.startswith("Training logistic regression (fold 1 of 5)") for message in messages)
    assert any(message.startswith("Training the final") for message in messages)


def test_base_estimator_unwraps_calibration_for_shap(sample_run):
    result, _, _, rows, _ = sample_run
    model = base_estimator(result.pipeline)
    assert isinstance(model, (LogisticRegression, RandomForestClassifier, HistGradientBoostingClassifier))
    encoded = result.pipeline[:-1].transform(rows.X.head(5))
    assert encoded.shape[1] == model.n_features_in_
    # The calibrated (or plain) final step gives the pipeline's own probabilities.
    np.testing.assert_allclose(
        result.pipeline.steps[-1][1].predict_proba(encoded)[:, 1], result.pipeline.predict_proba(rows.X.head(5))[:, 1]
    )


def test_calibration_wraps_only_the_last_step(sample_leads, monkeypatch):
    leads = sample_leads.iloc[:2000]
    inspection = inspect_leads(leads)
    plan = suggest_cleaning_plan(leads, inspection.mapping, inspection.profiles, inspection.leakage_suspects)
    rows = select_training_rows(leads, plan)
    calibrated = train._fit_recipe(rows.X, rows.y, None, plan, "logistic", "sigmoid", 0)
    assert [name for name, _ in calibrated.steps] == ["clean", "encode", "model"]
    assert type(calibrated.steps[-1][1]).__name__ == "CalibratedClassifierCV"
    assert isinstance(base_estimator(calibrated), LogisticRegression)
    probability = calibrated.predict_proba(rows.X)[:, 1]
    # Calibrated on unseen leads: the average prediction matches the real conversion rate.
    assert probability.mean() == pytest.approx(rows.y.mean(), abs=0.01)

    # Large data: one fit, and a calibrator fit on the newest 20% the model never saw.
    monkeypatch.setattr(train, "CV_CALIBRATION_ROWS", 1000)
    split_calibrated = train._fit_recipe(rows.X, rows.y, rows.dates, plan, "logistic", "sigmoid", 0)
    calibrator = split_calibrated.steps[-1][1]
    assert type(calibrator.estimator).__name__ == "FrozenEstimator"
    assert isinstance(base_estimator(split_calibrated), LogisticRegression)
    newest = rows.dates.sort_values().index[-len(rows.y) // 5 :]
    assert split_calibrated.predict_proba(rows.X.loc[newest])[:, 1].mean() == pytest.approx(rows.y[newest].mean(), abs=0.02)


def test_saved_model_scores_like_the_trained_one_and_its_card_tells_the_method(sample_run, tmp_path):
    result, bundle, _, rows, _ = sample_run
    path = save_bundle(bundle, tmp_path / "sample.joblib")
    loaded = load_bundle(path)
    np.testing.assert_array_equal(loaded.predict_proba(rows.X), result.pipeline.predict_proba(rows.X)[:, 1])
    card = model_card(loaded)
    assert "The newest 937 leads" in card
    assert "trained again on all 4,685 leads" in card
    assert re.search(r"\| ROC AUC \| 0\.\d{3} \|", card)
    assert "deal_stage" in card  # what it leaves out, and why


def test_same_data_and_settings_give_identical_saved_predictions(sample_leads, sample_leads_path, tmp_path):
    leads = sample_leads.iloc[:1000]
    new_leads = read_leads(sample_leads_path.parent / "new_leads.csv")
    first, second = (
        save_bundle(train_from_frame(leads)[1], tmp_path / f"run{i}.joblib") for i in (1, 2)
    )
    a, b = load_bundle(first).predict_proba(new_leads), load_bundle(second).predict_proba(new_leads)
    np.testing.assert_array_equal(a, b)
    assert len(np.unique(a)) > 50  # real, varied predictions, not a constant


# ---------------------------------------------------------------------------------------------
# Real data


@pytest.mark.slow
def test_bank_marketing_beats_a_plain_logistic_regression_on_the_same_split(bank_csv):
    leads = read_leads(bank_csv)
    result, bundle, report = train_from_frame(leads, target="y", exclude=("duration",))
    assert "duration" not in report["features_used"]
    assert report["validation"]["method"] == "stratified"  # no date column in this file

    rows = select_training_rows(leads, bundle.plan)
    X = rows.X.drop(columns=["duration"])
    holdout = np.zeros(len(X), dtype=bool)
    holdout[result.holdout.index] = True
    categories = list(X.select_dtypes(exclude="number").columns)
    numbers = list(X.select_dtypes(include="number").columns)
    plain = make_pipeline(
        ColumnTransformer([("one_hot", OneHotEncoder(handle_unknown="ignore"), categories), ("scale", StandardScaler(), numbers)]),
        LogisticRegression(),  # scikit-learn defaults
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # default max_iter may not fully converge; that is the baseline
        plain.fit(X[~holdout], rows.y[~holdout])
    plain_auc = roc_auc_score(rows.y[holdout], plain.predict_proba(X[holdout])[:, 1])
    ours = report["validation"]["roc_auc"]
    print(f"bank holdout ROC AUC: LeadScore {result.kind} {ours:.4f} vs plain logistic {plain_auc:.4f}")
    assert ours >= plain_auc
    assert report["validation"]["ece"] <= 0.03
