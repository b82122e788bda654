"""Why the model scores leads as it does (leadscore/explain/contributions.py): importance, reasons, waterfall."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from leadscore.errors import LeadScoreInputError
from leadscore.explain.contributions import (
    beeswarm_data,
    dependence_data,
    explain_lead,
    explain_reference,
    global_contributions,
    global_importance,
    lead_contributions,
    lead_reasons,
    predict_and_explain,
    tree_explainer,
)
from leadscore.inspect.leakage import find_leakage_suspects
from leadscore.inspect.outcome import suggest_outcome
from leadscore.model.pipeline import base_estimator, build_pipeline
from leadscore.clean.plan import suggest_cleaning_plan
from leadscore.inspect.profile import profile_columns
from leadscore.clean.rows import select_training_rows

from tests.tables import make_leads

USER_COLUMNS = {"source", "pages_viewed", "visited_pricing_page"}


ESTIMATORS = {
    "logistic": lambda: LogisticRegression(max_iter=1000),
    "forest": lambda: RandomForestClassifier(n_estimators=40, max_depth=6, min_samples_leaf=10, random_state=0, n_jobs=1),
    "boosting": lambda: HistGradientBoostingClassifier(max_iter=40, max_leaf_nodes=8, random_state=0),
}


def fit_pipeline(kind: str, calibrate: bool = False, leads: pd.DataFrame | None = None):
    """A real LeadScore pipeline [clean, encode, model] (optionally calibrated) and its rows."""
    leads = make_leads() if leads is None else leads
    mapping = suggest_outcome(leads).mapping
    profiles = profile_columns(leads)
    plan = suggest_cleaning_plan(leads, mapping, profiles, find_leakage_suspects(leads, mapping.apply(leads), profiles))
    rows = select_training_rows(leads, plan)
    with threadpool_limits(limits=1):  # small data: OpenMP threads on a busy machine only wait
        pipeline = build_pipeline(plan, kind, ESTIMATORS[kind]()).fit(rows.X, rows.y)
    if calibrate:
        encoded = pipeline[:-1].transform(rows.X)
        calibrator = CalibratedClassifierCV(FrozenEstimator(pipeline[-1]), method="sigmoid").fit(encoded, rows.y)
        pipeline = Pipeline([*pipeline.steps[:-1], ("model", calibrator)])
    return pipeline, rows


@pytest.fixture(scope="module", params=["logistic", "forest", "boosting"])
def fitted(request):
    return (request.param, *fit_pipeline(request.param, calibrate=True))


@pytest.fixture(scope="module")
def logistic_plain():
    return fit_pipeline("logistic")


@pytest.fixture(scope="module")
def boosting_plain():
    return fit_pipeline("boosting")


def test_importance_is_grouped_back_to_the_users_columns(fitted):
    kind, pipeline, rows = fitted
    table = global_importance(global_contributions(pipeline, rows.X, sample=300))
    assert set(table["column"]) == USER_COLUMNS  # "source = LinkedIn" etc. all count as "source"
    assert table["share"].sum() == pytest.approx(1.0)
    assert table["importance"].is_monotonic_decreasing
    # The made-up signal: the pricing page and pages viewed matter, the ID was never used.
    assert table["column"].iloc[0] in {"visited_pricing_page", "pages_viewed", "source"}
    assert table["unit"].iloc[0] == ("probability" if kind == "forest" else "log-odds")


def test_logistic_contributions_are_exact_linear_terms(logistic_plain):
    pipeline, rows = logistic_plain
    reference = explain_reference(pipeline, rows.X)
    contributions = lead_contributions(pipeline, rows.X.head(20), reference)
    model = pipeline[-1]
    encoded = pipeline[:-1].transform(rows.X.head(20))
    expected = (encoded - reference.mean_encoded) @ model.coef_.ravel()
    assert contributions.raw.sum(axis=1) == pytest.approx(expected)
    assert contributions.method == "linear"


def test_exact_tree_shap_adds_up_to_the_boosting_log_odds(boosting_plain):
    pipeline, rows = boosting_plain
    contributions = lead_contributions(pipeline, rows.X.head(30), exact=True)
    log_odds = pipeline[-1].decision_function(pipeline[:-1].transform(rows.X.head(30)))
    base = np.log(contributions.base_probability / (1 - contributions.base_probability))
    assert base + contributions.raw.sum(axis=1) == pytest.approx(log_odds, abs=1e-6)
    assert contributions.method == "tree SHAP"


def test_waterfall_starts_at_the_average_and_ends_at_the_lead(fitted):
    _, pipeline, rows = fitted
    reference = explain_reference(pipeline, rows.X)
    lead = rows.X.iloc[[5]]
    waterfall = explain_lead(pipeline, lead, reference=reference)
    probability = pipeline.predict_proba(lead)[0, 1] * 100
    assert waterfall["kind"].iloc[0] == "start" and waterfall["kind"].iloc[-1] == "end"
    assert waterfall["end"].iloc[0] == pytest.approx(reference.base_probability * 100)
    assert waterfall["end"].iloc[-2] == pytest.approx(probability)  # the last step lands on the lead
    assert waterfall["end"].iloc[-1] == pytest.approx(probability)
    steps = waterfall.iloc[1:-1]
    assert steps["start"].iloc[1:].tolist() == pytest.approx(steps["end"].iloc[:-1].tolist())
    assert (steps["end"] - steps["start"]).tolist() == pytest.approx(steps["points"].tolist())
    assert set(steps.loc[steps["kind"] == "factor", "column"]) <= USER_COLUMNS


def test_points_split_the_change_in_proportion_when_factors_agree(logistic_plain):
    pipeline, rows = logistic_plain
    reference = explain_reference(pipeline, rows.X)
    contributions = lead_contributions(pipeline, rows.X, reference)
    change = (contributions.probability - reference.base_probability) * 100
    proportional = np.abs(contributions.adjustment) < 1e-9
    assert proportional.mean() > 0.5
    assert contributions.points[proportional].sum(axis=1) == pytest.approx(change[proportional])
    # Each column's points have the sign of its log-odds contribution.
    assert np.all(np.sign(contributions.points) == np.sign(contributions.raw))


def test_reasons_are_plain_words_largest_first(fitted):
    _, pipeline, rows = fitted
    leads = rows.X.iloc[[0, 1, 2, 3]]
    reasons = lead_reasons(pipeline, leads, reference=explain_reference(pipeline, rows.X))
    assert list(reasons.columns) == ["reason_1", "reason_2", "reason_3"]
    assert reasons.index.tolist() == leads.index.tolist()
    first = reasons.loc[leads.index[0]].tolist()
    # Lead 0 visited the pricing page (i % 3 == 0), came from LinkedIn and viewed 0 pages.
    assert any(r.startswith("Visited pricing page is yes: +") for r in first)
    assert any(r.startswith("Source is LinkedIn: ") for r in first)
    assert any(r.startswith("Pages viewed is 0: -") for r in first)
    sizes = [abs(float(r.split(": ")[-1].split(" ")[0])) for r in first]
    assert sizes == sorted(sizes, reverse=True)
    assert all(r.endswith(("points", "point")) for r in first)


def test_blank_numbers_show_as_missing_not_as_the_fill_value(logistic_plain):
    pipeline, rows = logistic_plain
    lead = rows.X.iloc[[1]].copy()
    lead["pages_viewed"] = np.nan
    waterfall = explain_lead(pipeline, lead, reference=explain_reference(pipeline, rows.X))
    assert "Pages viewed is missing" in waterfall["factor"].tolist()


def test_reasons_for_many_leads_keep_rows_and_order(fitted):
    _, pipeline, rows = fitted
    shuffled = rows.X.sample(frac=1.0, random_state=1)
    reasons = lead_reasons(pipeline, shuffled)
    assert reasons.index.equals(shuffled.index)
    assert (reasons["reason_1"] != "").all()


def test_beeswarm_data_shape_and_colour_scale(boosting_plain):
    pipeline, rows = boosting_plain
    swarm = beeswarm_data(global_contributions(pipeline, rows.X, sample=100), columns=2)
    assert list(swarm.columns) == ["column", "shap", "points", "value_rank", "value"]
    assert len(swarm) == 200  # 100 sampled leads x the 2 most important columns
    assert swarm["value_rank"].between(0, 1).all()
    pages = beeswarm_data(global_contributions(pipeline, rows.X, sample=300), columns=["pages_viewed"])
    assert set(pages["column"]) == {"pages_viewed"}
    # More pages viewed push the score up: high ranks have higher SHAP on average.
    high = pages.loc[pages["value_rank"] > 0.5, "shap"].mean()
    low = pages.loc[pages["value_rank"] <= 0.5, "shap"].mean()
    assert high > low


def test_dependence_of_score_on_pages_viewed(logistic_plain):
    pipeline, rows = logistic_plain
    contributions = global_contributions(pipeline, rows.X, sample=200)
    curve = dependence_data(contributions, "pages_viewed")
    assert len(curve) == 200
    assert pd.api.types.is_numeric_dtype(curve["value"])
    # Logistic: the contribution is a straight rising line in the number of pages.
    assert np.corrcoef(curve["value"], curve["shap"])[0, 1] == pytest.approx(1.0)
    with pytest.raises(LeadScoreInputError, match="does not use a column called 'budget'"):
        dependence_data(contributions, "budget")


def test_reasons_read_in_the_users_labels(logistic_plain):
    pipeline, rows = logistic_plain
    lead = rows.X.iloc[[0]]  # LinkedIn, pricing page visited, 0 pages
    reasons = lead_reasons(pipeline, lead, labels={"source": "Lead source", "visited_pricing_page": "Saw pricing"})
    texts = reasons.iloc[0].tolist()
    assert any(r.startswith("Lead source is LinkedIn: ") for r in texts)
    assert any(r.startswith("Saw pricing is yes: +") for r in texts)
    waterfall = explain_lead(pipeline, lead, labels={"source": "Lead source"})
    assert "Lead source is LinkedIn" in waterfall["factor"].tolist()


def _calibrated_by_folds(kind: str):
    """Small-data calibration as training does it: a calibrator on out-of-fold predictions and one
    model refit on all leads (``ensemble=False``)."""
    leads = make_leads()
    plain, rows = fit_pipeline(kind, leads=leads)
    calibrated = CalibratedClassifierCV(ESTIMATORS[kind](), method="isotonic", cv=3, ensemble=False)
    with threadpool_limits(limits=1):
        encoded = plain[:-1].transform(rows.X)
        calibrated.fit(encoded, rows.y)
    return Pipeline([*plain.steps[:-1], ("model", calibrated)]), rows


@pytest.mark.parametrize("kind", ["forest", "boosting"])
@pytest.mark.parametrize("calibration", ["none", "frozen sigmoid", "isotonic on folds"])
def test_one_walk_gives_the_pipelines_own_probabilities_and_shaps_saabas(kind, calibration):
    """Scoring with reasons walks the trees once: the probabilities are exactly the pipeline's
    predict_proba (calibrator included) and the reasons are shap's Saabas values."""
    import shap

    if calibration == "isotonic on folds":
        pipeline, rows = _calibrated_by_folds(kind)
    else:
        pipeline, rows = fit_pipeline(kind, calibrate=calibration != "none")
    encoded = pipeline[:-1].transform(rows.X)
    probability, (values, expected) = predict_and_explain(pipeline, encoded, tree_explainer(pipeline))
    np.testing.assert_array_equal(probability, pipeline.predict_proba(rows.X)[:, 1])
    by_shap = lead_contributions(pipeline, rows.X, explainer=shap.TreeExplainer(base_estimator(pipeline)))
    np.testing.assert_allclose(values, by_shap.raw, rtol=0, atol=1e-8)
    assert expected == pytest.approx(float(np.atleast_1d(shap.TreeExplainer(base_estimator(pipeline)).expected_value)[-1]), abs=1e-8)
    # The reasons written from them are the same as from shap's values.
    ours = lead_reasons(pipeline, rows.X, contributions=lead_contributions(pipeline, rows.X, tree_values=(values, expected)))
    theirs = lead_reasons(pipeline, rows.X, contributions=by_shap)
    pd.testing.assert_frame_equal(ours, theirs)
