"""The scoring core (leadscore/score/scoring.py): rows kept, schema drift reported, reasons."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from leadscore.model.bundle import ModelBundle
from leadscore.errors import LeadScoreInputError
from leadscore.inspect.leakage import find_leakage_suspects
from leadscore.inspect.outcome import suggest_outcome
from leadscore.model.pipeline import build_pipeline
from leadscore.clean.plan import suggest_cleaning_plan
from leadscore.inspect.profile import profile_columns
from leadscore.io.read import read_leads
from leadscore.clean.rows import select_training_rows
from leadscore.score.scoring import SCORE_COLUMNS, score_leads
from leadscore.score.score_files import score_file
from leadscore.score.stream import stream_jsonl
from leadscore.model.tiers import TierPolicy

from tests.scoring import REPO, dated_history, history, make_bundle, new_leads  # noqa: F401


@pytest.fixture(scope="module")
def bundle() -> ModelBundle:
    return make_bundle("logistic")


@pytest.fixture(scope="module")
def boosting_bundle() -> ModelBundle:
    return make_bundle("boosting")


@pytest.fixture(scope="module")
def dated_bundle() -> ModelBundle:
    return make_bundle("logistic", dated_history())


def test_scored_table_keeps_rows_order_ids_and_adds_the_score_columns(bundle):
    leads = new_leads()
    result = score_leads(bundle, leads)
    scored = result.scored
    assert list(scored.columns) == [*leads.columns, *SCORE_COLUMNS]
    assert scored.index.tolist() == [10, 11, 12, 13]
    assert scored["lead_id"].tolist() == ["00123", "00124", "00125", "00126"]
    pd.testing.assert_frame_equal(scored[leads.columns], leads)  # originals untouched
    probability = bundle.pipeline.predict_proba(leads)[:, 1]
    assert scored["conversion_probability"].tolist() == pytest.approx(probability, abs=5e-5)
    assert scored["lead_score"].tolist() == np.rint(probability * 100).astype(int).tolist()
    assert scored["lead_score"].between(0, 100).all()
    # The default tiers: Hot from 70%, Warm from 40%, Cool from 15%.
    by_hand = ["Hot" if p >= 0.7 else "Warm" if p >= 0.4 else "Cool" if p >= 0.15 else "Cold" for p in probability]
    assert scored["tier"].tolist() == by_hand
    assert scored.loc[10, "tier"] == "Hot" and scored.loc[13, "tier"] == "Cold"
    assert scored.loc[10, "next_action"] == "Sales outreach within the hour, best rep first"
    assert scored.loc[13, "next_action"] == "Automated emails only"
    # The referral who read 12 pages and saw pricing is the best lead, and says why.
    assert scored["lead_score"].idxmax() == 10
    assert "Pages viewed is 12: +" in " ".join(scored.loc[10, ["reason_1", "reason_2", "reason_3"]])
    assert result.warnings == []
    assert result.report["rows"] == 4
    assert sum(result.report["tiers"].values()) == 4


def test_policy_changes_tiers_not_scores(bundle):
    default = score_leads(bundle, new_leads(), reasons=False).scored
    strict_policy = TierPolicy(hot=0.999, warm=0.998, cool=0.997, actions={"Cold": "Wait"})
    strict = score_leads(bundle, new_leads(), policy=strict_policy, reasons=False).scored
    assert strict["lead_score"].tolist() == default["lead_score"].tolist()
    assert (strict["tier"] == "Cold").all()
    assert (strict["next_action"] == "Wait").all()
    assert (default[["reason_1", "reason_2", "reason_3"]] == "").all().all()


def test_missing_required_column_is_an_error_naming_it(bundle):
    leads = new_leads().drop(columns=["source", "pages_viewed"])
    with pytest.raises(LeadScoreInputError) as error:
        score_leads(bundle, leads)
    assert "'pages_viewed', 'source'" in str(error.value) or "'source', 'pages_viewed'" in str(error.value)
    assert "Add them to the file" in str(error.value)


def test_a_file_of_other_leads_is_refused(bundle):
    with pytest.raises(LeadScoreInputError, match="None of the columns the model reads are in these leads"):
        score_leads(bundle, pd.DataFrame({"customer": ["a"], "revenue": [3]}))


def test_missing_optional_column_is_a_warning_and_still_scores(bundle):
    result = score_leads(bundle, new_leads().drop(columns=["emails_opened"]))
    assert len(result.scored) == 4
    assert result.scored["conversion_probability"].notna().all()
    assert result.warnings == [
        "These leads have no column 'emails_opened'; the model scored them as if the value were "
        "unknown. Add the column to get more precise scores."
    ]


def test_text_in_a_number_column_is_counted_not_a_crash(bundle):
    leads = new_leads()
    leads["pages_viewed"] = pd.array(["12", "lots", "n/a", "inf"], dtype="str")
    result = score_leads(bundle, leads)
    assert result.report["unreadable_numbers"] == {"pages_viewed": 3}
    assert (
        "3 values in 'pages_viewed' were not numbers and were treated as missing. "
        "Check that column if this is unexpected."
    ) in result.warnings
    assert result.scored["pages_viewed"].tolist() == ["12", "lots", "n/a", "inf"]  # shown as given


def test_unseen_category_is_reported_and_scored(bundle):
    leads = new_leads()
    leads.loc[11, "source"] = "TikTok"
    leads.loc[12, "source"] = "linkedin "  # a known value spelled differently is not "unseen"
    result = score_leads(bundle, leads)
    assert result.report["unseen_values"]["source"]["leads"] == 1
    assert any("1 lead has a 'source' value the model never saw in training (for example 'TikTok')" in w for w in result.warnings)
    assert result.scored.loc[11, "conversion_probability"] > 0


NOT_YES_OR_NO = (
    "3 values in 'visited_pricing_page' were not yes or no (such as 'maybe', 'si', 'YES!!'); they were "
    "treated as missing and scored as 'no', as the model scores a blank answer. Write yes or no (also "
    "read: y/n, true/false, 1/0, x for a ticked box) to score them on their answer."
)


def test_yes_no_answers_that_are_neither_are_counted_and_say_how_they_were_scored(bundle):
    leads = new_leads()
    leads["visited_pricing_page"] = ["maybe", "si", "YES!!", " Yes "]  # " Yes " is a yes
    result = score_leads(bundle, leads)
    assert result.report["unseen_values"]["visited_pricing_page"]["leads"] == 3
    assert result.report["unseen_values"]["visited_pricing_page"]["examples"] == ["maybe", "si", "YES!!"]
    assert NOT_YES_OR_NO in result.warnings
    # What the warning says was assumed: the three are scored exactly as "no" (the training fill).
    as_no = new_leads()
    as_no["visited_pricing_page"] = ["no", "no", "no", "yes"]
    expected = score_leads(bundle, as_no).scored["conversion_probability"]
    assert result.scored["conversion_probability"].tolist() == expected.tolist()
    assert result.scored["visited_pricing_page"].tolist() == ["maybe", "si", "YES!!", " Yes "]  # shown as given
    # Blanks and the usual spellings are no news.
    leads["visited_pricing_page"] = ["Y", "false", None, " "]
    result = score_leads(bundle, leads)
    assert result.report["unseen_values"] == {}
    assert not any("visited_pricing_page" in w for w in result.warnings)


def test_yes_no_answers_that_are_neither_are_warned_in_files_and_streams(bundle, tmp_path):
    leads = new_leads()
    leads["visited_pricing_page"] = ["maybe", "si", "YES!!", "no"]
    source = tmp_path / "new.csv"
    leads.to_csv(source, index=False)
    summary = score_file(bundle, source, tmp_path / "scored.csv", chunksize=2)  # the 3 are in 2 chunks
    assert NOT_YES_OR_NO in summary["warnings"]

    out = io.StringIO()
    lines = [json.dumps({"source": "LinkedIn", "pages_viewed": 2, "visited_pricing_page": answer, "emails_opened": 1}) for answer in ("maybe", "no")]
    stream_jsonl(bundle, [lines], out)
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["warnings"] == [
        "1 value in 'visited_pricing_page' was not yes or no (such as 'maybe'); it was treated as missing and "
        "scored as 'no', as the model scores a blank answer. Write yes or no (also read: y/n, true/false, 1/0, "
        "x for a ticked box) to score it on its answer."
    ]
    assert "warnings" not in second
    assert first["conversion_probability"] == second["conversion_probability"]


ENGAGED = ["2026-11-01 08:27", "2026-11-01 10:09", "2026-11-01 18:00", "2026-11-02 21:30"]
# The same moments as Excel day numbers, 5 decimals as a spreadsheet saves them (46327 is 1 November 2026).
ENGAGED_AS_DAY_NUMBERS = ["46327.35208", "46327.42292", "46327.75", "46328.89583"]
DAY_NUMBERS_NOTE = (
    "4 values in the date column 'first_engaged_at' were numbers such as 45231, which is how Excel stores "
    "a date (45231 is 1 November 2023); they were read as those dates. Check them, and format the column "
    "as dates in your spreadsheet."
)


def _leads_engaged(values) -> bytes:
    leads = new_leads()
    leads["first_engaged_at"] = values
    return leads.to_csv(index=False).encode()


def test_a_date_column_of_excel_day_numbers_is_scored_as_those_dates(dated_bundle, tmp_path):
    written = score_leads(dated_bundle, read_leads(_leads_engaged(ENGAGED)))
    # Only day numbers: the reader cannot know they are dates, and keeps them as numbers.
    as_numbers = read_leads(_leads_engaged(ENGAGED_AS_DAY_NUMBERS))
    assert as_numbers["first_engaged_at"].dtype == "float64"
    result = score_leads(dated_bundle, as_numbers)
    # Tiers exactly as with the dates written out (as missing dates, the tiers differ).
    assert result.scored["tier"].tolist() == written.scored["tier"].tolist()
    no_dates = score_leads(dated_bundle, read_leads(_leads_engaged([None] * 4)))
    assert no_dates.scored["tier"].tolist() != written.scored["tier"].tolist()
    assert DAY_NUMBERS_NOTE in result.warnings
    assert result.report["excel_serial_dates"] == {"first_engaged_at": 4}
    assert result.scored["conversion_probability"].tolist() == written.scored["conversion_probability"].tolist()
    assert result.scored["first_engaged_at"].tolist() == [float(v) for v in ENGAGED_AS_DAY_NUMBERS]  # shown as given

    source = tmp_path / "new.csv"
    source.write_bytes(_leads_engaged(ENGAGED_AS_DAY_NUMBERS))
    summary = score_file(dated_bundle, source, tmp_path / "scored.csv", chunksize=2)
    assert DAY_NUMBERS_NOTE in summary["warnings"]
    scored = pd.read_csv(tmp_path / "scored.csv")
    assert scored["tier"].tolist() == written.scored["tier"].tolist()


def test_values_of_a_date_column_that_are_no_date_are_warned(dated_bundle):
    leads = new_leads()
    leads["first_engaged_at"] = ["2026-11-01 08:27", "soon", "1 Nov 2026 10:09", None]
    result = score_leads(dated_bundle, leads)
    assert (
        "1 value in the date column 'first_engaged_at' could not be read as a date and counts as missing. "
        "Check the column in your spreadsheet."
    ) in result.warnings
    assert result.report["unreadable_dates"] == {"first_engaged_at": 1}
    # A date in another format is a date: the 10:09 lead scores as if written like the others.
    other = leads.copy()
    other["first_engaged_at"] = ["2026-11-01 08:27", None, "2026-11-01 10:09", None]
    assert result.scored["conversion_probability"].tolist() == score_leads(dated_bundle, other).scored["conversion_probability"].tolist()


def test_extra_columns_pass_through_and_old_scores_are_replaced(bundle):
    leads = new_leads()
    leads["tier"] = ["old"] * 4
    leads["notes"] = ["=1+1", None, "call back", "-5"]
    result = score_leads(bundle, leads)
    pd.testing.assert_series_equal(result.scored["notes"], leads["notes"])  # untouched in the table
    assert list(result.scored.columns).count("tier") == 1
    assert "old" not in result.scored["tier"].tolist()
    assert any("already had the column(s) tier" in w for w in result.warnings)


def test_column_names_differing_in_case_or_spaces_are_matched(bundle):
    leads = new_leads().rename(columns={"pages_viewed": " Pages_Viewed "})
    result = score_leads(bundle, leads)
    expected = score_leads(bundle, new_leads())
    assert result.scored["lead_score"].tolist() == expected.scored["lead_score"].tolist()
    assert "The column ' Pages_Viewed ' was read as the model's column 'pages_viewed'." in result.warnings


def test_tree_model_reasons(boosting_bundle):
    result = score_leads(boosting_bundle, new_leads())
    assert result.report["reasons"] == "Saabas (approximate tree SHAP)"
    assert (result.scored["reason_1"].str.contains(r": [+-][0-9.]+ points?$")).all()


def test_no_leads_gives_an_empty_table_with_all_columns(bundle):
    result = score_leads(bundle, new_leads().iloc[:0])
    assert list(result.scored.columns) == [*new_leads().columns, *SCORE_COLUMNS]
    assert len(result.scored) == 0


@pytest.mark.parametrize("kind", ["bundle", "boosting_bundle"])
def test_scoring_imports_no_app_or_plotting_libraries(kind, request, tmp_path):
    """Nor shap and numba for a tree model: its reasons are LeadScore's own Saabas values."""
    model = tmp_path / "model.joblib"
    joblib.dump(request.getfixturevalue(kind), model)
    code = (
        "import sys, io, json, joblib\n"
        "from leadscore.score.stream import stream_jsonl\n"
        f"bundle = joblib.load({str(model)!r})\n"
        "out = io.StringIO()\n"
        "stream_jsonl(bundle, [json.dumps({'source': 'Referral', 'pages_viewed': 3, 'visited_pricing_page': 'no'})], out)\n"
        "assert json.loads(out.getvalue())['reason_1'], out.getvalue()\n"
        "print(sorted(m for m in ('streamlit', 'altair', 'shap', 'numba', 'matplotlib') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_downloaded_reasons_match_the_apps_explanation_of_the_same_lead(boosting_bundle):
    """The Score download and the Insights page must tell a lead the same story."""
    import dataclasses

    from leadscore.explain.contributions import explain_lead, explain_reference

    X = history().drop(columns=["converted"])
    reference = explain_reference(boosting_bundle.pipeline, X, random_state=0)
    with_reference = dataclasses.replace(boosting_bundle, explain_reference=reference)
    leads = X.head(5)
    scored = score_leads(with_reference, leads).scored
    for position in range(len(leads)):
        steps = explain_lead(with_reference.pipeline, leads.iloc[[position]], reference=reference)
        factors = steps[steps["kind"] == "factor"]
        top = factors.loc[factors["points"].abs().idxmax(), "factor"]
        assert scored["reason_1"].iloc[position].startswith(top + ":")
        # The waterfall starts at the average lead, as saved with the model.
        assert steps["points"].iloc[0] == pytest.approx(reference.base_probability * 100)


def test_a_value_too_rare_in_training_is_not_called_never_seen():
    leads = history()
    leads.loc[[5, 9], "source"] = "Podcast"  # 2 of 600 leads: grouped as "Other" when training
    mapping = suggest_outcome(leads, "converted").mapping
    profiles = profile_columns(leads)
    plan = suggest_cleaning_plan(leads, mapping, profiles, find_leakage_suspects(leads, mapping.apply(leads), profiles))
    rows = select_training_rows(leads, plan)
    pipeline = build_pipeline(plan, "logistic", LogisticRegression(max_iter=1000)).fit(rows.X, rows.y)
    rare_bundle = ModelBundle(
        pipeline=pipeline, plan=plan, schema=pipeline.named_steps["clean"].input_schema(), policy=TierPolicy(),
        metrics={}, trained_at="2026-11-27T00:00:00+00:00", row_counts={}, versions={}, kind="logistic",
    )
    assert "Podcast" not in pipeline.named_steps["clean"].input_schema()[
        [c["name"] for c in pipeline.named_steps["clean"].input_schema()].index("source")
    ]["categories"]
    scoring = new_leads()
    scoring.loc[0, "source"] = "podcast"  # seen in training (other spelling), but rare
    scoring.loc[1, "source"] = "TikTok"  # never seen
    result = score_leads(rare_bundle, scoring)
    assert result.report["unseen_values"]["source"]["leads"] == 1
    assert result.report["unseen_values"]["source"]["examples"] == ["TikTok"]



# An export without an ID column (an e-mail campaign list): the model's columns, a date, a zip code.
NO_ID_EXPORT = (
    "signed_up,zip,source,pages_viewed,visited_pricing_page,emails_opened\n"
    "2018-05-07,007,Referral,1.0,yes,2\n"
    "2018-05-08,010,LinkedIn,12,no,\n"
    ",,Google Ads,6,yes,1\n"
)


def test_an_export_without_id_gets_each_leads_row_in_the_file(bundle):
    from leadscore.score.export import call_list, crm_csv

    result = score_leads(bundle, read_leads(NO_ID_EXPORT.encode()))
    scored = result.scored
    assert scored["row"].tolist() == [1, 2, 3]  # 1 = the first lead under the header
    assert list(scored.columns)[-1] == "row"
    crm = pd.read_csv(io.BytesIO(crm_csv(scored)), dtype=str, keep_default_na=False)
    assert list(crm.columns)[0] == "row" and crm["row"].tolist() == ["1", "2", "3"]  # the file's order
    calls = call_list(scored, ["zip"])
    assert list(calls.columns)[:2] == ["row", "zip"]
    assert dict(zip(calls["row"], calls["zip"])) == {1: "007", 2: "010", 3: ""}


def test_an_export_with_an_id_column_needs_no_row_number(bundle):
    result = score_leads(bundle, new_leads())
    assert "row" not in result.scored.columns
