"""The cleaning plan and cleaner: each choice, applied identically to training and new leads."""

from __future__ import annotations

import io
import json
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from leadscore.clean import (
    CategoryEncoder,
    CleaningPlan,
    LeadCleaner,
    LeadEncoder,
    TextFeatures,
    build_pipeline,
    cleaned_columns,
    cleaning_summary,
    feature_sources,
    select_training_rows,
    suggest_cleaning_plan,
)
from leadscore.errors import LeadScoreInputError
from leadscore.leakage import find_leakage_suspects
from leadscore.outcome import OutcomeMapping, suggest_outcome
from leadscore.profile import profile_columns
from leadscore.read import read_leads

LINKEDIN_SPELLINGS = ["LINKEDIN", "Linked In", "LinkedIn", "Linkedin", "linkedin", "linkedin "]


def _plan(df, outcome_column, date_column=None):
    mapping = suggest_outcome(df, outcome_column).mapping
    profiles = profile_columns(df)
    suspects = find_leakage_suspects(df, mapping.apply(df), profiles, date_column=date_column)
    return suggest_cleaning_plan(df, mapping, profiles, suspects, date_column=date_column)


@pytest.fixture(scope="module")
def sample(sample_leads_path):
    leads = read_leads(sample_leads_path)
    plan = _plan(leads, "converted")
    rows = select_training_rows(leads, plan)
    return leads, plan, rows


@pytest.fixture(scope="module")
def fitted(sample):
    _, plan, rows = sample
    pipeline = build_pipeline(plan, "logistic", LogisticRegression(max_iter=500))
    return pipeline.fit(rows.X, rows.y)


# -- the plan on the sample data ------------------------------------------------------------------


def test_sample_plan_leaves_out_post_outcome_columns_ids_and_personal_data(sample):
    _, plan, _ = sample
    assert {"final_deal_size", "deal_stage", "lead_id", "email", "contact_name", "phone"} <= set(plan.excluded)
    used = set(plan.used_columns)
    assert not used & set(plan.excluded)
    assert {"source", "pages_viewed", "visited_pricing_page", "first_engaged_at"} <= used
    assert "converted" not in used
    assert plan.date_column == "first_engaged_at" and plan.window_months == 12
    assert plan.followup == (("first_engaged_at", "first_followup_at"),)


def test_sample_source_spellings_are_merged(sample, fitted):
    leads, plan, rows = sample
    assert {plan.category_mappings["source"][s] for s in LINKEDIN_SPELLINGS} == {"LinkedIn"}
    cleaned = fitted.named_steps["clean"].transform(rows.X)
    assert set(cleaned["source"]) == {
        "Email Campaign", "Event", "LinkedIn", "Organic Search", "Paid Ad", "Referral", "Social"
    }
    raw_linkedin = leads["source"].isin(LINKEDIN_SPELLINGS).sum()
    cleaned_all = fitted.named_steps["clean"].transform(leads)
    assert (cleaned_all["source"] == "LinkedIn").sum() == raw_linkedin


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
    cleaned = fitted.named_steps["clean"].transform(one)
    assert cleaned["source"].tolist() == ["LinkedIn", "LinkedIn"]
    encoded = pd.DataFrame(fitted[:-1].transform(one), columns=fitted[:-1].get_feature_names_out())
    assert encoded.iloc[0].equals(encoded.iloc[1])
    assert encoded.iloc[0]["source = LinkedIn"] == 1.0
    probabilities = fitted.predict_proba(one)[:, 1]
    assert probabilities[0] == probabilities[1]


# -- rows: outcome window and open leads ----------------------------------------------------------


def _dated_leads() -> pd.DataFrame:
    # 24 monthly leads, 2025-01-15 to 2026-12-15; every fourth still open.
    dates = [pd.Timestamp("2025-01-15") + pd.DateOffset(months=i) for i in range(24)]
    outcome = [["yes", "no", "no", None][i % 4] for i in range(24)]
    return pd.DataFrame({"arrived": dates, "pages": np.arange(24) % 5, "won": outcome})


def test_window_is_measured_from_the_newest_lead_and_open_leads_are_set_aside():
    leads = _dated_leads()
    mapping = OutcomeMapping("won", ("yes",), ("no",))
    plan = CleaningPlan(outcome=mapping, date_column="arrived", window_months=12, numeric=("pages",))
    rows = select_training_rows(leads, plan)
    report = rows.report
    # Newest lead 2026-12-15; the window starts 2025-12-15 and holds 13 monthly leads, 4 still open.
    assert report["window_end"].startswith("2026-12-15")
    assert report["set_aside"]["older than the 12-month window"] == 11
    assert report["set_aside"]["still in the pipeline (no outcome yet)"] == 4
    assert report["rows_kept"] == 9 == len(rows.X) == len(rows.y)
    assert report["rows_in"] == report["rows_kept"] + sum(report["set_aside"].values())
    assert (report["converted"], report["not_converted"]) == (3, 6) == (rows.y.sum(), 9 - rows.y.sum())
    assert rows.dates.min() >= pd.Timestamp("2025-12-15")
    assert "won" not in rows.X.columns

    no_window = select_training_rows(leads, CleaningPlan(outcome=mapping, date_column="arrived", numeric=("pages",)))
    assert no_window.report["rows_kept"] == 18

    later = select_training_rows(leads, plan, now="2026-06-15")
    assert later.report["window_end"].startswith("2026-06-15")


def test_no_lead_left_is_explained():
    leads = _dated_leads()
    plan = CleaningPlan(outcome=OutcomeMapping("won", ("maybe",), ("no",)), numeric=("pages",))
    with pytest.raises(LeadScoreInputError, match="No converted lead is left"):
        select_training_rows(leads, plan)


# -- missing values --------------------------------------------------------------------------------


def _gappy_leads() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    n = 600
    converted = rng.random(n) < 0.3
    # Blank time on site goes with not converting (cookie declined); blank visits are random.
    time_on_site = np.where(converted | (rng.random(n) < 0.5), rng.normal(10, 2, n).round(1), np.nan)
    visits = np.where(rng.random(n) < 0.2, np.nan, rng.integers(1, 9, n).astype(float))
    return pd.DataFrame(
        {
            "time_on_site": time_on_site,
            "visits": visits,
            "plan": rng.choice(["basic", "pro", None], n, p=[0.5, 0.3, 0.2]),
            "newsletter": rng.choice(["yes", "no", None], n, p=[0.6, 0.3, 0.1]),
            "won": np.where(converted, "yes", "no"),
        }
    )


def test_missing_value_defaults_and_indicator_where_missingness_predicts():
    leads = _gappy_leads()
    plan = _plan(leads, "won")
    assert plan.missing["visits"] == "median"
    assert plan.missing["plan"] == "unknown"
    assert plan.missing["newsletter"] == "most_frequent"
    assert plan.missing_indicators == ("time_on_site",)

    cleaner = LeadCleaner(plan).fit(leads)
    cleaned = cleaner.transform(leads)
    assert cleaned["visits"].isna().sum() == 0
    assert (cleaned.loc[leads["visits"].isna(), "visits"] == leads["visits"].median()).all()
    assert (cleaned.loc[leads["plan"].isna(), "plan"] == "Unknown").all()
    assert set(cleaned["newsletter"]) == {0.0, 1.0}
    assert (cleaned.loc[leads["newsletter"].isna(), "newsletter"] == 1.0).all()
    assert cleaned["time_on_site: missing"].tolist() == leads["time_on_site"].isna().astype(float).tolist()


def test_model_strategy_leaves_blanks_for_tree_models_and_logistic_still_fills():
    leads = _gappy_leads()
    plan = _plan(leads, "won")
    plan = CleaningPlan(**{**plan.__dict__, "missing": {**plan.missing, "visits": "model"}})
    cleaned = LeadCleaner(plan).fit(leads).transform(leads)
    assert cleaned["visits"].isna().sum() == leads["visits"].isna().sum()
    y = (leads["won"] == "yes").astype(int).to_numpy()
    logistic = build_pipeline(plan, "logistic", LogisticRegression()).fit(leads, y)
    assert not np.isnan(logistic[:-1].transform(leads)).any()


def test_plan_refuses_unknown_strategies_in_plain_words():
    mapping = OutcomeMapping("won", ("yes",), ("no",))
    with pytest.raises(LeadScoreInputError, match="holds numbers"):
        CleaningPlan(outcome=mapping, numeric=("visits",), missing={"visits": "unknown"})
    with pytest.raises(LeadScoreInputError, match="Choose one of"):
        CleaningPlan(outcome=mapping, missing={"visits": "average"})


# -- rare values, bad numbers, absent columns ----------------------------------------------------


def test_rare_and_unseen_values_become_other_and_bad_numbers_are_counted(sample, fitted):
    leads, plan, rows = sample
    cleaner = fitted.named_steps["clean"]
    new = rows.X.head(3).copy()
    new["industry"] = ["Aerospace", "Technology", None]
    new["pages_viewed"] = ["7", "lots", None]
    new = new.drop(columns=["timeline"])
    cleaned = cleaner.transform(new)
    assert cleaned["industry"].tolist() == ["Other", "Technology", "Unknown"]
    typical = cleaner.fill_values_["pages_viewed"]
    assert cleaned["pages_viewed"].tolist() == [7.0, typical, typical]
    report = cleaner.last_transform_report_
    assert report["unreadable_numbers"] == {"pages_viewed": 1}
    assert report["missing_columns"] == ["timeline"]
    assert report["grouped_as_other"] == {"industry": 1}
    assert (cleaned["timeline"] == "Unknown").all()

    rare = pd.DataFrame({"tier": ["a"] * 98 + ["b", "c"], "won": ["yes", "no"] * 50})
    rare_plan = CleaningPlan(outcome=OutcomeMapping("won", ("yes",), ("no",)), categorical=("tier",), rare_share=0.05)
    assert LeadCleaner(rare_plan).fit(rare).transform(rare)["tier"].value_counts().to_dict() == {"a": 98, "Other": 2}


# -- overrides -------------------------------------------------------------------------------------


def test_overrides_return_a_new_plan_and_warn_about_personal_data(sample):
    _, plan, _ = sample
    changed = plan.with_overrides(exclude=["source"], keep=["email", "final_deal_size"])
    assert "source" not in changed.used_columns and changed.excluded["source"] == "You chose to leave it out."
    assert "email" in changed.categorical and "final_deal_size" in changed.numeric
    assert "email" not in changed.excluded
    assert any("'email' holds personal data" in w for w in changed.warnings)
    assert any("'final_deal_size' is used by your choice" in w for w in changed.warnings)
    # The original plan is untouched.
    assert "source" in plan.used_columns and "email" in plan.excluded and plan.warnings == ()
    with pytest.raises(LeadScoreInputError, match="There is no column 'sourse'"):
        plan.with_overrides(exclude=["sourse"])
    with pytest.raises(LeadScoreInputError, match="is the outcome"):
        plan.with_overrides(keep=["converted"])


def test_text_can_be_switched_off(sample):
    _, plan, rows = sample
    assert plan.use_text and plan.text == ("needs",)
    off = CleaningPlan(**{**plan.__dict__, "use_text": False})
    pipeline = build_pipeline(off, "logistic", LogisticRegression(max_iter=300)).fit(rows.X, rows.y)
    names = list(pipeline[:-1].get_feature_names_out())
    assert not any(n.startswith("needs") for n in names)
    summary = cleaning_summary(off)
    assert "needs" in summary["columns_left_out"]["column"].tolist()


# -- encoders: scikit-learn's results, faster ------------------------------------------------------


def test_category_encoder_matches_scikit_learn_one_hot_with_other_values():
    """Same columns, order and values as OneHotEncoder(max_categories=15, infrequent_if_exist)."""
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.default_rng(7)
    # 30 values, 20 of them tied at 20 leads each, so which 4 of the tied ones keep their own
    # column depends on tie-breaking; 4 values (no "other values" column); a single value.
    many = [f"v{i:02d}" for i in range(30)]
    train = pd.DataFrame(
        {
            "source": rng.permutation(np.repeat(many, [20] * 20 + list(range(21, 31)))),
            "size": rng.choice(["1-10", "11-50", "51-200", "200+"], 655),
            "country": ["UK"] * 655,
        }
    )
    new = pd.DataFrame({"source": ["v00", "v29", "never seen", "v15"], "size": ["11-50", "5000+", "1-10", "200+"],
                        "country": ["UK", "FR", "UK", "UK"]})
    ours = CategoryEncoder(max_categories=15)
    theirs = OneHotEncoder(max_categories=15, handle_unknown="infrequent_if_exist", sparse_output=False)
    np.testing.assert_array_equal(ours.fit_transform(train), theirs.fit_transform(train))
    np.testing.assert_array_equal(ours.transform(train), theirs.transform(train))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn warns that unseen values are ignored
        expected_new = theirs.transform(new)
    np.testing.assert_array_equal(ours.transform(new), expected_new)
    expected_names = [n.replace("_infrequent_sklearn", " = other values").replace("_", " = ", 1)
                      for n in theirs.get_feature_names_out()]
    assert list(ours.get_feature_names_out()) == expected_names
    assert "source = other values" in expected_names and "size = other values" not in expected_names
    # A value never seen goes to "other values" when there is one, else nowhere.
    assert ours.transform(new)[2, list(expected_names).index("source = other values")] == 1
    assert ours.transform(new)[1, [i for i, n in enumerate(expected_names) if n.startswith("size")]].sum() == 0
    assert ours.feature_sources_ == [n.split(" = ")[0] for n in expected_names]
    # Columns are matched by name, not position.
    np.testing.assert_array_equal(ours.transform(new[["country", "size", "source"]]), ours.transform(new))
    # The cleaner hands over categoricals: same result, whatever their order or unused values.
    def categorical(frame):
        return frame.apply(lambda c: c.astype(pd.CategoricalDtype([*sorted(set(c), reverse=True), "zz unused"])))

    from_codes = CategoryEncoder(max_categories=15)
    np.testing.assert_array_equal(from_codes.fit_transform(categorical(train)), theirs.transform(train))
    np.testing.assert_array_equal(from_codes.transform(categorical(new)), expected_new)
    assert list(from_codes.get_feature_names_out()) == expected_names


@pytest.mark.parametrize("distinct", [1, 2, 14, 15, 16])
@pytest.mark.parametrize("max_categories", [1, 2, 15])
def test_category_encoder_groups_exactly_where_scikit_learn_does(distinct, max_categories):
    from sklearn.preprocessing import OneHotEncoder

    values = [f"v{i:02d}" for i in range(distinct) for _ in range(i + 1)]
    train = pd.DataFrame({"source": values}, dtype="object")
    ours = CategoryEncoder(max_categories=max_categories).fit(train)
    theirs = OneHotEncoder(max_categories=max_categories, handle_unknown="infrequent_if_exist",
                           sparse_output=False).fit(train)
    np.testing.assert_array_equal(ours.transform(train), theirs.transform(train))
    assert [n.replace(" = ", "_").replace("_other values", "_infrequent_sklearn")
            for n in ours.get_feature_names_out()] == list(theirs.get_feature_names_out())


TRICKY_ANSWERS = [
    "Need a DEMO, pricing for 10-50 seats", "", None, "need SLA-reminders; demo!", "ÉCOLE école Straße 3D x",
    "naïve café résumé", "hello hello__ world", "İstanbul istanbul ΣΊΣΥΦΟΣ σίσυφος", "e\u0301cole x² ½ ٣٤ 中文",
    "pricing pricing pricing", "the and of", "Demo", 42, "tab\tseparated\nnew line\r\nend",
    "non\u00a0breaking\u2003em\u3000wide\u200bzero", "  spaced   out  ", "x,y;demo--pricing...seats",
]


@pytest.mark.parametrize("max_words", [5, 20, 1000])
def test_text_features_match_scikit_learn_tfidf(max_words, sample):
    """The words and TF-IDF values equal TfidfVectorizer(max_features, stop_words="english", min_df=2)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    _, _, rows = sample
    tied = [f"w{i:02d}" for i in range(40) for _ in range(2 + i % 3)]  # many words used equally often
    for answers in (pd.Series(TRICKY_ANSWERS * 3, dtype="object"), rows.X["needs"], pd.Series(tied)):
        ours = TextFeatures("needs", max_words=max_words)
        got = ours.fit_transform(answers)
        theirs = TfidfVectorizer(stop_words="english", min_df=2, max_features=max_words)
        expected = theirs.fit_transform(answers.fillna("").astype("str")).toarray()
        assert ours.words_ == list(theirs.get_feature_names_out())
        np.testing.assert_allclose(got, expected, atol=1e-12)
        np.testing.assert_allclose(ours.transform(answers), got, atol=1e-12)
        assert list(ours.get_feature_names_out()) == [f"needs: {w}" for w in ours.words_]
        # As the cleaner hands it over: a categorical of the distinct answers.
        answers_as_categories = answers.fillna("").astype("str").astype("category")
        from_codes = TextFeatures("needs", max_words=max_words)
        np.testing.assert_allclose(from_codes.fit_transform(answers_as_categories), expected, atol=1e-12)
        assert from_codes.words_ == ours.words_


def test_free_text_is_read_answer_by_answer():
    """1 and True (equal to pandas) stay different answers, as each lead wrote them."""
    notes = pd.Series([1, True, "demo call", 0, False, None], dtype="object")
    leads = pd.DataFrame({"notes": notes, "won": ["yes", "no"] * 3})
    plan = CleaningPlan(outcome=OutcomeMapping("won", ("yes",), ("no",)), text=("notes",), use_text=True)
    cleaned = LeadCleaner(plan).fit(leads).transform(leads)
    assert cleaned["notes"].astype("object").tolist() == ["1", "True", "demo call", "0", "False", ""]
    # Alone or in a batch, a lead reads the same.
    assert LeadCleaner(plan).fit(leads).transform(leads.iloc[[1]])["notes"].tolist() == ["True"]


def test_text_features_without_usable_words_add_no_columns():
    blank = pd.Series(["", None, "the and", "a"], dtype="object")
    features = TextFeatures("notes")
    assert features.fit_transform(blank).shape == (4, 0)
    assert features.transform(pd.Series(["pricing demo"])).shape == (1, 0)
    assert list(features.get_feature_names_out()) == []


def test_lead_encoder_equals_the_column_transformer_it_replaces(sample, fitted):
    """One array written block by block: what ColumnTransformer's side-by-side copy returns."""
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import StandardScaler

    _, plan, rows = sample
    cleaned = fitted.named_steps["clean"].transform(rows.X)
    columns = cleaned_columns(plan)
    plain = cleaned.astype({c: "object" for c in [*columns["category"], *columns["text"]]})
    reference = ColumnTransformer(
        [("numbers", StandardScaler(), columns["number"]), ("categories", CategoryEncoder(), columns["category"]),
         ("text", TextFeatures(column="needs"), "needs")],
        verbose_feature_names_out=False,
    )
    expected = reference.fit_transform(plain)
    encoder = LeadEncoder(columns["number"], columns["category"], columns["text"], StandardScaler())
    got = encoder.fit_transform(cleaned)
    np.testing.assert_allclose(got, expected, atol=1e-12)
    assert got.flags["C_CONTIGUOUS"] and got.dtype == np.float64
    assert list(encoder.get_feature_names_out()) == list(reference.get_feature_names_out())
    np.testing.assert_allclose(encoder.transform(cleaned.head(7)), expected[:7], atol=1e-12)
    with pytest.raises(LeadScoreInputError, match="source"):
        encoder.transform(cleaned.drop(columns=["source"]))


def test_large_tables_clean_and_encode_alike_on_several_threads(sample, monkeypatch):
    """Above a size, columns are cleaned and features written on threads: nothing else changes."""
    from leadscore import clean

    _, plan, rows = sample
    new_leads = rows.X.iloc[::3].astype({"source": "object", "pages_viewed": "object"})
    new_leads.iloc[:5, new_leads.columns.get_loc("source")] = "Carrier pigeon"
    new_leads.iloc[3:9, new_leads.columns.get_loc("pages_viewed")] = "many"

    def run():
        pipeline = build_pipeline(plan, "logistic", None)[:-1]
        encoded = pipeline.fit_transform(rows.X)
        cleaner = pipeline.named_steps["clean"]
        cleaned = cleaner.transform(new_leads)
        return cleaner, cleaner.last_transform_report_, cleaned, encoded, pipeline.transform(new_leads)

    one = run()
    pools = []

    class CountedPool(clean.ThreadPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(clean, "ThreadPoolExecutor", CountedPool)
    monkeypatch.setattr(clean, "_PARALLEL_ROWS", 1)
    monkeypatch.setattr(clean, "_THREADS", 3)  # three uneven row ranges
    several = run()
    # Threads did the work: the cleaner's fit_transform (read, fills, vocabularies, categories)
    # and two transforms (read, categories); the encoder's fit_transform and transform (blocks, rows).
    assert len(pools) == 4 + 2 * 2 + 2 * 2
    assert several[0].fill_values_ == one[0].fill_values_
    assert several[0].vocabulary_ == one[0].vocabulary_
    assert several[1] == one[1]
    assert several[1]["grouped_as_other"]["source"] == 5 and several[1]["unreadable_numbers"] == {"pages_viewed": 6}
    pd.testing.assert_frame_equal(several[2], one[2])
    for got, expected in zip(several[3:], one[3:]):
        assert got.shape == expected.shape and got.tobytes() == expected.tobytes()  # bit for bit
        assert got.flags["C_CONTIGUOUS"]


# -- pipeline, schema, persistence -----------------------------------------------------------------


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
    # Modest width: one-hot capped, text a few dozen words at most.
    assert len(names) <= 150


def test_input_schema_lists_what_a_new_file_needs(fitted, sample):
    _, plan, _ = sample
    schema = {entry["name"]: entry for entry in fitted.named_steps["clean"].input_schema()}
    assert list(schema) == list(plan.used_columns)
    assert schema["source"]["kind"] == "category" and "LinkedIn" in schema["source"]["categories"]
    assert schema["pages_viewed"]["kind"] == "number" and schema["pages_viewed"]["fill"] == 6.0
    assert schema["first_engaged_at"]["kind"] == "date"
    assert schema["source"]["required"] is True
    assert schema["time_on_site_minutes"]["required"] is False


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


def test_unknown_model_kind_is_refused(sample):
    _, plan, _ = sample
    with pytest.raises(LeadScoreInputError, match="Choose one of: logistic, forest, boosting"):
        build_pipeline(plan, "neural", LogisticRegression())


def test_cleaned_columns_names_the_timing_features(sample):
    _, plan, _ = sample
    columns = cleaned_columns(plan)
    assert "first_engaged_at: hour" in columns["number"]
    assert "minutes from first_engaged_at to first_followup_at" in columns["number"]
    assert "first_engaged_at: day of week" in columns["category"]


# -- what the page shows ---------------------------------------------------------------------------


def test_cleaning_summary_shows_rows_columns_and_merges(sample, sample_leads_path):
    _, plan, rows = sample
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


def test_gaps_are_measured_between_timestamps_in_their_natural_order():
    arrived = pd.date_range("2026-01-05 09:00", periods=40, freq="D")
    leads = pd.DataFrame(
        {
            "arrived": arrived,
            "first_visit": arrived - pd.Timedelta(hours=2),
            "called_back": arrived + pd.Timedelta(minutes=45),
            "won": ["yes", "no", "no", "no"] * 10,
        }
    )
    plan = _plan(leads, "won", date_column="arrived")
    assert set(plan.followup) == {("arrived", "called_back"), ("first_visit", "arrived")}
    cleaned = LeadCleaner(plan).fit(leads).transform(leads)
    assert (cleaned["minutes from arrived to called_back"] == 45.0).all()
    assert (cleaned["minutes from first_visit to arrived"] == 120.0).all()
    assert set(cleaned["arrived: day of week"]) == {
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
    }


def test_plan_round_trips_through_json(sample):
    _, plan, _ = sample
    changed = plan.with_overrides(keep=["email"])
    assert CleaningPlan.from_dict(json.loads(json.dumps(changed.to_dict()))) == changed
