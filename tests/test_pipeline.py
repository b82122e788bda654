"""One pipeline per model (leadscore/model/pipeline.py): clean, encode, model, applied alike to new leads."""

from __future__ import annotations

import io

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from leadscore.errors import LeadScoreInputError
from leadscore.inspect.leakage import find_leakage_suspects
from leadscore.inspect.outcome import suggest_outcome
from leadscore.model.pipeline import base_estimator, build_pipeline, feature_sources
from leadscore.clean.plan import CleaningChoices, plan_for, suggest_cleaning_plan
from leadscore.inspect.profile import profile_columns
from leadscore.io.read import read_leads
from leadscore.clean.rows import select_training_rows


def _plan(df, outcome_column):
    mapping = suggest_outcome(df, outcome_column).mapping
    profiles = profile_columns(df)
    return suggest_cleaning_plan(df, mapping, profiles, find_leakage_suspects(df, mapping.apply(df), profiles))


@pytest.fixture(scope="module")
def sample(sample_leads_path):
    leads = read_leads(sample_leads_path).iloc[:1500]
    plan = _plan(leads, "converted")
    rows = select_training_rows(leads, plan)
    return leads, plan, rows


@pytest.fixture(scope="module")
def fitted(sample):
    _, plan, rows = sample
    return build_pipeline(plan, "logistic", LogisticRegression(max_iter=500)).fit(rows.X, rows.y)


def test_new_leads_get_exactly_the_training_columns_and_unseen_spellings_map_the_same(sample, fitted, sample_leads_path):
    _, _, rows = sample
    encoded_training = fitted[:-1].transform(rows.X)
    new = read_leads(sample_leads_path.with_name("new_leads.csv"))
    encoded_new = fitted[:-1].transform(new)
    assert encoded_new.shape == (len(new), encoded_training.shape[1])
    # The model gets one C-ordered float array (no copies on the way in).
    assert encoded_new.dtype == np.float64 and encoded_new.flags["C_CONTIGUOUS"]

    one = new.iloc[[0, 0]].copy()
    one["source"] = ["LINKED-IN", "LinkedIn"]
    encoded = pd.DataFrame(fitted[:-1].transform(one), columns=fitted[:-1].get_feature_names_out())
    assert encoded.iloc[0].equals(encoded.iloc[1])
    assert encoded.iloc[0]["source = LinkedIn"] == 1.0
    probabilities = fitted.predict_proba(one)[:, 1]
    assert probabilities[0] == probabilities[1]


def test_encoded_features_trace_back_to_cleaned_columns(fitted):
    names = list(fitted[:-1].get_feature_names_out())
    sources = feature_sources(fitted)
    assert len(sources) == len(names)
    by_name = dict(zip(names, sources))
    assert by_name["source = LinkedIn"] == "source"
    assert by_name["pages_viewed"] == "pages_viewed"
    assert by_name["first_engaged_at: hour"] == "first_engaged_at: hour"
    assert any(n.startswith("needs: ") and s == "needs" for n, s in by_name.items())
    assert set(sources) <= set(fitted.named_steps["clean"].get_feature_names_out())


def test_logistic_regression_gets_no_blanks_even_where_the_plan_leaves_them(sample):
    leads, plan, rows = sample
    plan = type(plan)(**{**plan.__dict__, "missing": {**plan.missing, "time_on_site_minutes": "model"}})
    X = rows.X.copy()
    X.loc[X.index[:50], "time_on_site_minutes"] = np.nan
    tree_input = build_pipeline(plan, "boosting", None)[:-1].fit(X, rows.y).transform(X)
    logistic = build_pipeline(plan, "logistic", LogisticRegression(max_iter=500)).fit(X, rows.y)
    assert np.isnan(tree_input).any()
    assert not np.isnan(logistic[:-1].transform(X)).any()


def test_switching_text_off_drops_the_word_features(sample):
    _, plan, rows = sample
    off = plan_for(plan, CleaningChoices(use_text=False))
    pipeline = build_pipeline(off, "logistic", LogisticRegression(max_iter=300)).fit(rows.X, rows.y)
    assert not any(n.startswith("needs") for n in pipeline[:-1].get_feature_names_out())


def test_pipeline_survives_joblib_and_is_deterministic(fitted, sample):
    _, plan, rows = sample
    buffer = io.BytesIO()
    joblib.dump(fitted, buffer)
    buffer.seek(0)
    restored = joblib.load(buffer)
    head = rows.X.head(50)
    assert np.array_equal(restored.predict_proba(head), fitted.predict_proba(head))
    # Two fits on the same leads give the same cleaned and encoded features, bit for bit.
    first = build_pipeline(plan, "boosting", None)[:-1].fit(rows.X)
    second = build_pipeline(plan, "boosting", None)[:-1].fit(rows.X)
    np.testing.assert_array_equal(first.transform(head), second.transform(head))


def test_base_estimator_unwraps_calibration(fitted, sample):
    _, _, rows = sample
    model = fitted[-1]
    encoded = fitted[:-1].transform(rows.X)
    calibrated = CalibratedClassifierCV(FrozenEstimator(model), method="sigmoid").fit(encoded, rows.y)
    wrapped = Pipeline([*fitted.steps[:-1], ("model", calibrated)])
    assert base_estimator(wrapped) is model
    assert base_estimator(fitted) is model


def test_unknown_model_kind_and_no_columns_are_refused(sample):
    _, plan, _ = sample
    with pytest.raises(LeadScoreInputError, match="Choose one of: logistic, forest, boosting"):
        build_pipeline(plan, "neural", LogisticRegression())
    nothing = plan.with_overrides(exclude=plan.used_columns)
    with pytest.raises(LeadScoreInputError, match="nothing to learn from"):
        build_pipeline(nothing, "logistic", LogisticRegression())
