"""The cleaner (leadscore/cleaner.py): each plan choice applied identically to training and new leads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from leadscore import _parallel
from leadscore.cleaner import LeadCleaner
from leadscore.leakage import find_leakage_suspects
from leadscore.outcome import OutcomeMapping, suggest_outcome
from leadscore.plan import CleaningPlan, suggest_cleaning_plan
from leadscore.profile import profile_columns
from leadscore.read import read_leads
from leadscore.rows import select_training_rows

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
    cleaner = LeadCleaner(plan).fit(rows.X)
    return leads, plan, rows, cleaner


def test_sample_source_spellings_are_merged(sample):
    leads, _, rows, cleaner = sample
    assert set(cleaner.transform(rows.X)["source"]) == {
        "Email Campaign", "Event", "LinkedIn", "Organic Search", "Paid Ad", "Referral", "Social"
    }
    raw_linkedin = leads["source"].isin(LINKEDIN_SPELLINGS).sum()
    assert (cleaner.transform(leads)["source"] == "LinkedIn").sum() == raw_linkedin
    one = leads.iloc[[0, 0]].copy()
    one["source"] = ["LINKED-IN", "LinkedIn"]  # a spelling training never saw
    assert cleaner.transform(one)["source"].tolist() == ["LinkedIn", "LinkedIn"]


def _gappy_leads() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    n = 600
    converted = rng.random(n) < 0.3
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


def test_blanks_are_filled_as_the_plan_says_with_an_indicator_where_it_asks():
    leads = _gappy_leads()
    plan = _plan(leads, "won")
    cleaned = LeadCleaner(plan).fit(leads).transform(leads)
    assert cleaned["visits"].isna().sum() == 0
    assert (cleaned.loc[leads["visits"].isna(), "visits"] == leads["visits"].median()).all()
    assert (cleaned.loc[leads["plan"].isna(), "plan"] == "Unknown").all()
    assert set(cleaned["newsletter"]) == {0.0, 1.0}
    assert (cleaned.loc[leads["newsletter"].isna(), "newsletter"] == 1.0).all()  # "yes" is most frequent
    assert cleaned["time_on_site: missing"].tolist() == leads["time_on_site"].isna().astype(float).tolist()


def test_the_model_strategy_leaves_blanks_for_tree_models():
    leads = _gappy_leads()
    plan = _plan(leads, "won")
    plan = CleaningPlan(**{**plan.__dict__, "missing": {**plan.missing, "visits": "model"}})
    cleaned = LeadCleaner(plan).fit(leads).transform(leads)
    assert cleaned["visits"].isna().sum() == leads["visits"].isna().sum()


def test_rare_and_unseen_values_become_other_and_bad_numbers_are_counted(sample):
    _, _, rows, cleaner = sample
    new = rows.X.head(3).copy()
    new["industry"] = ["Aerospace", "Technology", None]
    new["pages_viewed"] = ["7", "lots", None]
    new = new.drop(columns=["timeline"])
    cleaned = cleaner.transform(new)
    assert cleaned["industry"].tolist() == ["Other", "Technology", "Unknown"]
    typical = rows.X["pages_viewed"].median()
    assert cleaner.fill_values_["pages_viewed"] == typical
    assert cleaned["pages_viewed"].tolist() == [7.0, typical, typical]
    report = cleaner.last_transform_report_
    assert report["unreadable_numbers"] == {"pages_viewed": 1}
    assert report["missing_columns"] == ["timeline"]
    assert report["grouped_as_other"] == {"industry": 1}
    assert (cleaned["timeline"] == "Unknown").all()

    rare = pd.DataFrame({"tier": ["a"] * 98 + ["b", "c"], "won": ["yes", "no"] * 50})
    rare_plan = CleaningPlan(outcome=OutcomeMapping("won", ("yes",), ("no",)), categorical=("tier",), rare_share=0.05)
    assert LeadCleaner(rare_plan).fit(rare).transform(rare)["tier"].value_counts().to_dict() == {"a": 98, "Other": 2}


def test_free_text_is_read_answer_by_answer():
    """1 and True (equal to pandas) stay different answers, as each lead wrote them."""
    notes = pd.Series([1, True, "demo call", 0, False, None], dtype="object")
    leads = pd.DataFrame({"notes": notes, "won": ["yes", "no"] * 3})
    plan = CleaningPlan(outcome=OutcomeMapping("won", ("yes",), ("no",)), text=("notes",), use_text=True)
    cleaned = LeadCleaner(plan).fit(leads).transform(leads)
    assert cleaned["notes"].astype("object").tolist() == ["1", "True", "demo call", "0", "False", ""]
    # Alone or in a batch, a lead reads the same.
    assert LeadCleaner(plan).fit(leads).transform(leads.iloc[[1]])["notes"].tolist() == ["True"]


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
    assert (cleaned["arrived: hour"] == 9.0).all()
    assert set(cleaned["arrived: day of week"]) == {
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
    }


def test_input_schema_lists_what_a_new_file_needs(sample):
    _, plan, rows, cleaner = sample
    schema = {entry["name"]: entry for entry in cleaner.input_schema()}
    assert list(schema) == list(plan.used_columns)
    assert schema["source"]["kind"] == "category" and "LinkedIn" in schema["source"]["categories"]
    assert schema["pages_viewed"]["kind"] == "number"
    assert schema["pages_viewed"]["fill"] == rows.X["pages_viewed"].median() == 6.0
    assert schema["first_engaged_at"]["kind"] == "date"
    assert schema["source"]["required"] is True
    assert schema["time_on_site_minutes"]["required"] is False


def test_large_tables_clean_alike_on_several_threads(sample, monkeypatch):
    """Above a size, columns are cleaned on threads: nothing else changes."""
    import sklearn.utils.parallel

    _, plan, rows, _ = sample
    new_leads = rows.X.iloc[::3].astype({"source": "object", "pages_viewed": "object"})
    new_leads.iloc[:5, new_leads.columns.get_loc("source")] = "Carrier pigeon"
    new_leads.iloc[3:9, new_leads.columns.get_loc("pages_viewed")] = "many"

    def run():
        cleaner = LeadCleaner(plan)
        trained = cleaner.fit_transform(rows.X)
        cleaned = cleaner.transform(new_leads)
        return cleaner, trained, cleaned, cleaner.last_transform_report_

    one = run()
    pools = []

    class CountedParallel(sklearn.utils.parallel.Parallel):
        def __call__(self, iterable):
            pools.append(self.n_jobs)
            return super().__call__(iterable)

    monkeypatch.setattr(sklearn.utils.parallel, "Parallel", CountedParallel)
    monkeypatch.setattr(_parallel, "PARALLEL_ROWS", 1)
    monkeypatch.setattr(_parallel, "THREADS", 3)
    several = run()
    assert pools and all(jobs > 1 for jobs in pools)  # threads did the work
    assert several[0].fill_values_ == one[0].fill_values_
    assert several[0].vocabulary_ == one[0].vocabulary_
    pd.testing.assert_frame_equal(several[1], one[1])
    pd.testing.assert_frame_equal(several[2], one[2])
    assert several[3] == one[3]
    assert several[3]["grouped_as_other"]["source"] == 5 and several[3]["unreadable_numbers"] == {"pages_viewed": 6}
