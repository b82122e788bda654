"""Scoring new leads (leadscore/score.py): rows kept, schema drift reported, files written whole, JSON lines."""

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

from leadscore.bundle import ModelBundle
from leadscore.errors import LeadScoreInputError
from leadscore.leakage import find_leakage_suspects
from leadscore.outcome import suggest_outcome
from leadscore.pipeline import build_pipeline
from leadscore.plan import suggest_cleaning_plan
from leadscore.profile import profile_columns
from leadscore.rows import select_training_rows
from leadscore.score import SCORE_COLUMNS, score_leads
from leadscore.score_files import score_file
from leadscore.stream import stream_jsonl
from leadscore.tiers import TierPolicy

REPO = Path(__file__).resolve().parents[1]


def history(n: int = 600) -> pd.DataFrame:
    """Past leads: conversion rises with pages viewed, the pricing page and referrals.
    ``emails_opened`` is blank for every 10th lead, so the model can do without it."""
    i = np.arange(n)
    rng = np.random.default_rng(0)
    source = np.array(["LinkedIn", "Google Ads", "Referral", "Trade show"])[i % 4]
    pages = ((i * 7) % 13).astype(float)
    pricing = np.where(i % 3 == 0, "yes", "no")
    emails = np.where(i % 10 == 0, np.nan, (i * 3) % 8)
    logit = -2.0 + 0.3 * pages + 1.5 * (pricing == "yes") + 1.0 * (source == "Referral")
    converted = np.where(rng.random(n) < 1 / (1 + np.exp(-logit)), "yes", "no")
    return pd.DataFrame(
        {
            "lead_id": [f"L-{k:04d}" for k in i],
            "source": source,
            "pages_viewed": pages,
            "visited_pricing_page": pricing,
            "emails_opened": emails,
            "converted": converted,
        }
    )


def make_bundle(kind: str = "logistic") -> ModelBundle:
    leads = history()
    mapping = suggest_outcome(leads, "converted").mapping
    profiles = profile_columns(leads)
    plan = suggest_cleaning_plan(leads, mapping, profiles, find_leakage_suspects(leads, mapping.apply(leads), profiles))
    rows = select_training_rows(leads, plan)
    estimator = (
        LogisticRegression(max_iter=1000)
        if kind == "logistic"
        else HistGradientBoostingClassifier(max_iter=30, max_leaf_nodes=8, random_state=0)
    )
    with threadpool_limits(limits=1):  # small data: threads on a busy machine only wait
        pipeline = build_pipeline(plan, kind, estimator).fit(rows.X, rows.y)
    return ModelBundle(
        pipeline=pipeline,
        plan=plan,
        schema=pipeline.named_steps["clean"].input_schema(),
        policy=TierPolicy(),
        metrics={},
        trained_at="2026-11-27T00:00:00+00:00",
        row_counts={},
        versions={},
        kind=kind,
    )


@pytest.fixture(scope="module")
def bundle() -> ModelBundle:
    return make_bundle("logistic")


@pytest.fixture(scope="module")
def boosting_bundle() -> ModelBundle:
    return make_bundle("boosting")


def new_leads() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lead_id": ["00123", "00124", "00125", "00126"],
            "source": ["Referral", "LinkedIn", "Google Ads", "Trade show"],
            "pages_viewed": [12.0, 1.0, 6.0, 0.0],
            "visited_pricing_page": ["yes", "no", "yes", "no"],
            "emails_opened": [3.0, 1.0, np.nan, 0.0],
            "owner": ["Ana", "Ben", "Cy", "Di"],
        },
        index=[10, 11, 12, 13],
    )


# --------------------------------------------------------------------------------------------
# score_leads


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


# --------------------------------------------------------------------------------------------
# Tier files


def test_split_tiers_writes_one_safe_file_per_tier_best_first(bundle, tmp_path):
    leads = new_leads()
    leads["owner"] = ["=cmd", "Ben", "Cy", "Di"]
    source = tmp_path / "new.csv"
    leads.to_csv(source, index=False)
    summary = score_file(bundle, source, tmp_path / "scored.csv", policy=TierPolicy(hot=0.6, warm=0.3, cool=0.1),
                         split_dir=tmp_path / "tiers")
    assert sorted(p.name for p in (tmp_path / "tiers").iterdir()) == ["cold.csv", "cool.csv", "hot.csv", "warm.csv"]
    scored = pd.read_csv(tmp_path / "scored.csv", dtype=str, keep_default_na=False)
    for tier in ("Hot", "Warm", "Cool", "Cold"):
        raw = (tmp_path / "tiers" / f"{tier.lower()}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # a byte-order mark, so Excel reads accents
        written = pd.read_csv(tmp_path / "tiers" / f"{tier.lower()}.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False)
        assert len(written) == summary["tiers"][tier] == (scored["tier"] == tier).sum()
        assert list(written.columns) == list(scored.columns)
        assert (written["tier"] == tier).all()
    everyone = pd.concat([pd.read_csv(p, dtype=str, encoding="utf-8-sig") for p in (tmp_path / "tiers").iterdir()])
    assert sorted(everyone["lead_id"]) == ["00123", "00124", "00125", "00126"]
    assert "'=cmd" in everyone["owner"].tolist()


# --------------------------------------------------------------------------------------------
# score_file


MESSY_CSV = (
    "lead_id;source;pages_viewed;visited_pricing_page;owner\n"
    "00123;Referral;12;yes;=HYPERLINK(\"x\")\n"
    "\n"
    "00124;TikTok;lots;no;Ben\n"
    ";;;;\n"
    "00125;Google Ads;;yes;-12.5\n"
    "\n"
    "00126;linkedin;3;no;Di\n"
)


def test_score_file_keeps_every_lead_with_messy_rows(bundle, tmp_path):
    source = tmp_path / "new.csv"
    source.write_text(MESSY_CSV, encoding="cp1252")
    out = tmp_path / "scored.csv"
    summary = score_file(bundle, source, out, chunksize=2, split_dir=tmp_path / "tiers")
    scored = pd.read_csv(out, dtype=str, keep_default_na=False)
    # Row in = row out: the row of delimiters only (";;;;") is kept as a blank lead; truly empty
    # lines are not rows of the table.
    assert scored["lead_id"].tolist() == ["00123", "00124", "", "00125", "00126"]  # IDs as written
    assert list(scored.columns) == ["lead_id", "source", "pages_viewed", "visited_pricing_page", "owner", *SCORE_COLUMNS]
    assert scored["pages_viewed"].tolist() == ["12", "lots", "", "", "3"]
    assert scored["owner"].tolist() == ["'=HYPERLINK(\"x\")", "Ben", "", "-12.5", "Di"]
    assert scored["tier"].iloc[2] in ("Hot", "Warm", "Cool", "Cold")
    assert summary["rows"] == 5 and summary["blank_rows"] == 1
    assert sum(summary["tiers"].values()) == 5
    warnings = " ".join(summary["warnings"])
    assert "no column 'emails_opened'" in warnings
    assert "1 value in 'pages_viewed' was not a number and was treated as missing" in warnings
    assert "'TikTok'" in warnings and "'linkedin'" not in warnings
    assert "1 row(s) were completely empty; they were scored as leads with nothing known" in warnings
    tier_rows = sum(len(pd.read_csv(p, encoding="utf-8-sig")) for p in (tmp_path / "tiers").glob("*.csv"))
    assert tier_rows == 5


@pytest.mark.parametrize("form", ["utf-16 tab", "xlsx"])
def test_score_file_reads_excel_exports(bundle, tmp_path, form):
    leads = new_leads().reset_index(drop=True)
    if form == "xlsx":
        source = tmp_path / "new.xlsx"
        leads.to_excel(source, index=False)
    else:  # Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated
        source = tmp_path / "new.txt"
        source.write_bytes(leads.to_csv(sep="\t", index=False).encode("utf-16"))
    out = tmp_path / "scored.csv"
    summary = score_file(bundle, source, out)
    scored = pd.read_csv(out)
    assert summary["rows"] == 4
    expected = score_leads(bundle, leads).scored
    assert scored["conversion_probability"].tolist() == pytest.approx(expected["conversion_probability"].tolist())
    assert scored["owner"].tolist() == ["Ana", "Ben", "Cy", "Di"]


def test_score_file_matches_score_leads_whatever_the_chunk_size(bundle, tmp_path):
    leads = pd.concat([new_leads()] * 5, ignore_index=True)
    leads["lead_id"] = [f"L{i}" for i in range(len(leads))]
    source = tmp_path / "leads.csv"
    leads.to_csv(source, index=False)
    expected = score_leads(bundle, leads).scored
    for chunksize in (3, 1000):
        out = tmp_path / f"out_{chunksize}.jsonl"
        score_file(bundle, source, out, fmt="jsonl", chunksize=chunksize)
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert [r["lead_id"] for r in records] == expected["lead_id"].tolist()
        assert [r["conversion_probability"] for r in records] == expected["conversion_probability"].tolist()
        assert [r["reason_1"] for r in records] == expected["reason_1"].tolist()


def test_score_file_refuses_missing_required_column_before_writing(bundle, tmp_path):
    source = tmp_path / "new.csv"
    source.write_text("lead_id,pages_viewed\n1,3\n", encoding="utf-8")
    out = tmp_path / "scored.csv"
    with pytest.raises(LeadScoreInputError, match="which the model needs") as error:
        score_file(bundle, source, out)
    assert "'source'" in str(error.value) and "'visited_pricing_page'" in str(error.value)
    assert not out.exists()


def test_score_file_header_only_is_a_clear_error(bundle, tmp_path):
    source = tmp_path / "new.csv"
    source.write_text("lead_id,source,pages_viewed,visited_pricing_page\n", encoding="utf-8")
    with pytest.raises(LeadScoreInputError, match="no leads"):
        score_file(bundle, source, tmp_path / "out.csv")


# --------------------------------------------------------------------------------------------
# JSON lines


def test_stream_answers_each_line_before_reading_the_next(bundle):
    out = io.StringIO()
    lead = {"lead_id": "A1", "source": "Referral", "pages_viewed": 9, "visited_pricing_page": "yes", "emails_opened": 2}

    def lines():
        yield json.dumps(lead) + "\n"
        # The first answer must already be out, flushed, before the second lead arrives.
        assert out.getvalue().count("\n") == 1
        assert json.loads(out.getvalue())["lead_id"] == "A1"
        yield "this is not json\n"
        assert out.getvalue().count("\n") == 2
        yield "\n"
        yield json.dumps({**lead, "lead_id": "A2", "pages_viewed": "many"}) + "\n"
        yield json.dumps(["not", "an", "object"]) + "\n"
        yield json.dumps({"lead_id": "A3"}) + "\n"

    counts = stream_jsonl(bundle, lines(), out)
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert counts == {"scored": 2, "errors": 3}
    assert len(results) == 5  # the blank line gets no answer
    first = results[0]
    assert list(first)[:5] == ["lead_id", "source", "pages_viewed", "visited_pricing_page", "emails_opened"]
    assert 0 <= first["lead_score"] <= 100 and first["tier"] in {"Hot", "Warm", "Cool", "Cold"}
    assert first["reason_1"].endswith(("points", "point"))
    expected = bundle.pipeline.predict_proba(pd.DataFrame([lead]))[0, 1]
    assert first["conversion_probability"] == pytest.approx(expected, abs=5e-5)
    assert results[1]["line"] == 2 and "not valid JSON" in results[1]["error"]
    assert results[2]["lead_id"] == "A2"
    assert results[2]["warnings"] == [
        "1 value in 'pages_viewed' was not a number and was treated as missing. Check that column if this is unexpected."
    ]
    assert results[3] == {"line": 5, "error": results[3]["error"]} and "not a JSON object" in results[3]["error"]
    assert results[4]["line"] == 6 and "'source'" in results[4]["error"]


def test_scoring_imports_no_app_or_plotting_libraries(bundle, tmp_path):
    model = tmp_path / "model.joblib"
    joblib.dump(bundle, model)
    code = (
        "import sys, io, json, joblib\n"
        "from leadscore.stream import stream_jsonl\n"
        f"bundle = joblib.load({str(model)!r})\n"
        "out = io.StringIO()\n"
        "stream_jsonl(bundle, [json.dumps({'source': 'Referral', 'pages_viewed': 3, 'visited_pricing_page': 'no'})], out)\n"
        "assert json.loads(out.getvalue())['reason_1'], out.getvalue()\n"
        "print(sorted(m for m in ('streamlit', 'altair', 'shap', 'matplotlib') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_downloaded_reasons_match_the_apps_explanation_of_the_same_lead(boosting_bundle):
    """The Score download and the Insights page must tell a lead the same story."""
    import dataclasses

    from leadscore.explain import explain_lead, explain_reference

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


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "is an image (PNG)"),
        (b"<!DOCTYPE html><html><body>Login</body></html>", "is a web page"),
        (b"lead_id,source,source\nL-1,LinkedIn,Referral\n", "more than one column named 'source'"),
    ],
    ids=["image", "html", "duplicate-header"],
)
def test_score_file_gives_the_same_bad_file_messages_as_intake(bundle, tmp_path, content, expected):
    path = tmp_path / "new_leads.csv"
    path.write_bytes(content)
    with pytest.raises(LeadScoreInputError, match=re.escape(expected)):
        score_file(bundle, path, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


# --------------------------------------------------------------------------------------------
# Files written whole, never over their input


def test_writing_over_the_input_is_refused_and_the_input_is_intact(bundle, tmp_path):
    source = tmp_path / "leads.csv"
    new_leads().to_csv(source, index=False)
    before = source.read_bytes()
    with pytest.raises(LeadScoreInputError, match="is also the file being read.*choose another file name"):
        score_file(bundle, source, source)
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.csv").symlink_to(source)
    for other_spelling in (tmp_path / "sub" / ".." / "leads.csv", tmp_path / "link.csv"):
        with pytest.raises(LeadScoreInputError, match="is also the file being read"):
            score_file(bundle, source, other_spelling)
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leads.csv", "link.csv", "sub"]  # nothing else written


def test_a_failed_run_leaves_an_existing_output_unchanged(bundle, tmp_path, monkeypatch):
    from leadscore import score_files as score_module

    out = tmp_path / "scored.csv"
    out.write_bytes(b"lead_id,tier\nOLD-1,Hot\n")
    missing = tmp_path / "missing_source.csv"
    missing.write_text("lead_id,pages_viewed\n1,3\n", encoding="utf-8")
    with pytest.raises(LeadScoreInputError, match="which the model needs"):
        score_file(bundle, missing, out)
    assert out.read_bytes() == b"lead_id,tier\nOLD-1,Hot\n"

    # A crash after the first chunk was written: the old file stays, no half file is left.
    source = tmp_path / "leads.csv"
    pd.concat([new_leads()] * 3, ignore_index=True).to_csv(source, index=False)
    real, calls = score_module.score_batch, []

    def crash_on_second_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk unplugged")
        return real(*args, **kwargs)

    monkeypatch.setattr(score_module, "score_batch", crash_on_second_chunk)
    with pytest.raises(RuntimeError, match="disk unplugged"):
        score_file(bundle, source, out, chunksize=4, split_dir=tmp_path / "tiers")
    assert len(calls) == 2
    assert out.read_bytes() == b"lead_id,tier\nOLD-1,Hot\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leads.csv", "missing_source.csv", "scored.csv", "tiers"]
    assert list((tmp_path / "tiers").iterdir()) == []  # no tier file, whole or half


def test_split_tiers_naming_a_file_is_refused_before_anything_is_written(bundle, tmp_path):
    source = tmp_path / "leads.csv"
    new_leads().to_csv(source, index=False)
    not_a_folder = tmp_path / "tiers.csv"
    not_a_folder.write_text("keep me")
    out = tmp_path / "scored.csv"
    with pytest.raises(LeadScoreInputError, match="is a file, not a folder. Give --split-tiers a folder name"):
        score_file(bundle, source, out, split_dir=not_a_folder)
    assert not out.exists()
    assert not_a_folder.read_text() == "keep me"


def test_an_output_in_a_missing_folder_is_refused_before_scoring(bundle, tmp_path):
    source = tmp_path / "leads.csv"
    new_leads().to_csv(source, index=False)
    with pytest.raises(LeadScoreInputError, match="does not exist. Create it first"):
        score_file(bundle, source, tmp_path / "nowhere" / "scored.csv")


def _ladder(n: int = 20) -> pd.DataFrame:
    """n leads alike but for pages viewed: more pages, a higher chance (in a shuffled order)."""
    order = np.random.default_rng(4).permutation(n)
    return pd.DataFrame(
        {
            "lead_id": [f"P{pages:02d}" for pages in order],
            "source": "LinkedIn",
            "pages_viewed": order.astype(float),
            "visited_pricing_page": "no",
            "emails_opened": 2.0,
        }
    )


def test_sort_writes_the_best_leads_first_and_the_default_keeps_the_files_order(bundle, tmp_path):
    source = tmp_path / "leads.csv"
    _ladder().to_csv(source, index=False)
    score_file(bundle, source, tmp_path / "sorted.csv", sort=True, reasons=False)
    score_file(bundle, source, tmp_path / "as_is.csv", reasons=False)
    best_first = pd.read_csv(tmp_path / "sorted.csv", dtype=str)
    as_is = pd.read_csv(tmp_path / "as_is.csv", dtype=str)
    assert best_first["lead_id"].tolist() == [f"P{pages:02d}" for pages in range(19, -1, -1)]
    assert as_is["lead_id"].tolist() == _ladder()["lead_id"].tolist()


def test_tiers_by_share_of_one_file_take_exact_shares(bundle, tmp_path):
    source = tmp_path / "leads.csv"
    _ladder().to_csv(source, index=False)
    policy = TierPolicy.by_share(0.10, 0.20, 0.30)  # of 20 leads: 2 Hot, 4 Warm, 6 Cool, 8 Cold
    summary = score_file(bundle, source, tmp_path / "scored.csv", policy=policy, reasons=False)
    assert summary["tiers"] == {"Hot": 2, "Warm": 4, "Cool": 6, "Cold": 8}
    scored = pd.read_csv(tmp_path / "scored.csv", dtype=str).set_index("lead_id")
    assert sorted(scored.index[scored["tier"] == "Hot"]) == ["P18", "P19"]
    assert sorted(scored.index[scored["tier"] == "Warm"]) == ["P14", "P15", "P16", "P17"]
    assert summary["policy"].startswith("Tiers by share of scored leads: Hot is the top 10%")


def test_a_line_that_is_not_utf8_is_scored_with_a_warning_and_the_stream_goes_on(bundle):
    lead = {"lead_id": "A1", "source": "Referral", "pages_viewed": 9, "visited_pricing_page": "yes", "emails_opened": 2}
    windows_line = json.dumps({**lead, "owner": "JOSE"}).replace("JOSE", "Jos\u00e9").encode("cp1252") + b"\n"
    assert b"Jos\xe9" in windows_line  # \xe9 alone is not valid UTF-8
    lines = [json.dumps(lead).encode("utf-8") + b"\n", windows_line, json.dumps({**lead, "lead_id": "A3"}).encode("utf-8") + b"\n"]
    out = io.StringIO()
    counts = stream_jsonl(bundle, iter(lines), out)
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert counts == {"scored": 3, "errors": 0}
    assert [r["lead_id"] for r in results] == ["A1", "A1", "A3"]
    assert results[1]["owner"] == "José"
    assert results[1]["warnings"] == [
        "Line 2 was not valid UTF-8; it was read as Windows-1252 text. Check accented letters in this lead."
    ]
    assert results[1]["conversion_probability"] == results[0]["conversion_probability"]
    assert "warnings" not in results[0] and "warnings" not in results[2]
