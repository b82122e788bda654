"""The cleaner (leadscore/clean/cleaner.py): each plan choice applied identically to training and new leads."""

from __future__ import annotations

import pandas as pd
import pytest

from leadscore.clean.cleaner import LeadCleaner
from leadscore.inspect.outcome import OutcomeMapping
from leadscore.clean.plan import CleaningPlan
from leadscore.io.read import read_leads
from leadscore.clean.rows import select_training_rows

from tests.tables import LINKEDIN_SPELLINGS, gappy_leads
from tests.tables import suggested_plan as _plan


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


def test_blanks_are_filled_as_the_plan_says_with_an_indicator_where_it_asks():
    leads = gappy_leads()
    plan = _plan(leads, "won")
    cleaned = LeadCleaner(plan).fit(leads).transform(leads)
    assert cleaned["visits"].isna().sum() == 0
    assert (cleaned.loc[leads["visits"].isna(), "visits"] == leads["visits"].median()).all()
    assert (cleaned.loc[leads["plan"].isna(), "plan"] == "Unknown").all()
    assert set(cleaned["newsletter"]) == {0.0, 1.0}
    assert (cleaned.loc[leads["newsletter"].isna(), "newsletter"] == 1.0).all()  # "yes" is most frequent
    assert cleaned["time_on_site: missing"].tolist() == leads["time_on_site"].isna().astype(float).tolist()


def test_the_model_strategy_leaves_blanks_for_tree_models():
    leads = gappy_leads()
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


def test_large_tables_clean_alike_on_several_threads(sample, request):
    """Above a size, columns are cleaned on threads: nothing else changes."""
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
    pools = request.getfixturevalue("forced_threads")  # from here on, threads even on small tables
    several = run()
    assert pools and all(jobs > 1 for jobs in pools)  # threads did the work
    assert several[0].fill_values_ == one[0].fill_values_
    assert several[0].vocabulary_ == one[0].vocabulary_
    pd.testing.assert_frame_equal(several[1], one[1])
    pd.testing.assert_frame_equal(several[2], one[2])
    assert several[3] == one[3]
    assert several[3]["grouped_as_other"]["source"] == 5 and several[3]["unreadable_numbers"] == {"pages_viewed": 6}


def test_the_fill_for_blanks_never_equals_a_value_in_the_file():
    """Blank sources filled as 'Unknown' merged with the file's own 'unknown' into two reasons
    that read alike (issue 21): the fill must differ from every value, in any spelling."""
    leads = pd.DataFrame(
        {
            "source": ["LinkedIn", None, "unknown", "Referral", None, "unknown"] * 50,
            "won": ["yes", "no", "no", "yes", "no", "no"] * 50,
        }
    )
    plan = CleaningPlan(outcome=OutcomeMapping("won", ("yes",), ("no",)), categorical=("source",), missing={"source": "unknown"})
    cleaned = LeadCleaner(plan).fit_transform(leads)
    assert cleaned["source"].head(6).tolist() == ["LinkedIn", "(blank)", "unknown", "Referral", "(blank)", "unknown"]
    # Without the word in the file, blanks read "Unknown" as before.
    plain = leads.assign(source=leads["source"].replace("unknown", "Webinar"))
    assert LeadCleaner(plan).fit_transform(plain)["source"].iloc[1] == "Unknown"


def test_numbers_too_large_to_use_count_as_blank_for_every_model_kind():
    """1e309, inf and -inf (issue 25) are blanks, filled like any other; training never fails."""
    import numpy as np

    from leadscore.model.train import TrainingSettings, train_lead_model

    n = 300
    pages = np.arange(n) % 9 * 1.0
    pages[:3] = [np.inf, -np.inf, float("1e309")]
    leads = pd.DataFrame({"pages": pages, "won": np.where(np.arange(n) % 9 >= 5, "yes", "no")})
    plan = CleaningPlan(outcome=OutcomeMapping("won", ("yes",), ("no",)), numeric=("pages",), missing={"pages": "median"})
    cleaner = LeadCleaner(plan)
    cleaned = cleaner.fit_transform(leads)
    assert cleaned["pages"].head(3).tolist() == [4.0, 4.0, 4.0]  # the median of 0..8
    assert cleaner.last_transform_report_["unreadable_numbers"] == {"pages": 3}
    rows = select_training_rows(leads, plan)
    for kind in ("logistic", "forest", "boosting"):
        result = train_lead_model(rows, plan, TrainingSettings(model=kind))
        assert np.isfinite(result.validation["roc_auc"])
