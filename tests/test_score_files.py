"""Scoring files (leadscore/score/score_files.py, chunks.py): every row kept, outputs written whole, never over their input."""

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
from leadscore.clean.rows import select_training_rows
from leadscore.score.scoring import SCORE_COLUMNS, score_leads
from leadscore.score.score_files import score_file
from leadscore.score.stream import stream_jsonl
from leadscore.model.tiers import TierPolicy

from tests.scoring import REPO, history, make_bundle, new_leads  # noqa: F401


@pytest.fixture(scope="module")
def bundle() -> ModelBundle:
    return make_bundle("logistic")


@pytest.fixture(scope="module")
def boosting_bundle() -> ModelBundle:
    return make_bundle("boosting")


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
    # Expected conversions without a project too: the sum of the chances written, per tier.
    chances = pd.to_numeric(scored["conversion_probability"])
    assert summary["expected"]["conversions"] == pytest.approx(chances.sum())
    for tier in ("Hot", "Warm", "Cool", "Cold"):
        assert summary["expected"]["per_tier"][tier] == pytest.approx(chances[scored["tier"] == tier].sum())


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


def _ten_leads() -> pd.DataFrame:
    leads = pd.concat([new_leads()] * 3, ignore_index=True).head(10).astype(object).fillna("").astype(str)
    leads["lead_id"] = [f"L-{i:03d}" for i in range(1, 11)]
    return leads


@pytest.mark.parametrize("row", [3, 7], ids=["first-chunk", "later-chunk"])
def test_a_row_with_an_extra_cell_further_down_keeps_every_row_and_cell(bundle, tmp_path, row):
    leads = _ten_leads()
    lines = leads.to_csv(index=False).splitlines(keepends=True)
    lines[row] = lines[row].rstrip("\n") + ",Acme Inc\n"  # lead `row` (line row + 1) has one cell too many
    source = tmp_path / "new.csv"
    source.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "scored.csv"
    summary = score_file(bundle, source, out, chunksize=4)
    scored = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert summary["rows"] == 10
    pd.testing.assert_frame_equal(scored[list(leads.columns)], leads)  # no cell moved, none lost
    assert scored["(extra 1)"].tolist() == ["Acme Inc" if n == row else "" for n in range(1, 11)]
    assert (
        f"1 row has more cells than the header has names (line {row + 1}); the extra cells are kept in the "
        "column '(extra 1)'"
    ) in summary["warnings"][0]


def test_a_file_mixing_utf8_and_windows_1252_lines_scores_every_name_as_written(bundle, tmp_path):
    leads = pd.concat([_ten_leads()] * 4, ignore_index=True)
    leads["owner"] = [f"José Müller {i}" for i in range(40)]
    lines = leads.to_csv(index=False).splitlines(keepends=True)
    data = b"".join(line.encode("cp1252" if n % 11 == 1 else "utf-8") for n, line in enumerate(lines))
    source = tmp_path / "new.csv"
    source.write_bytes(data)
    out = tmp_path / "scored.csv"
    summary = score_file(bundle, source, out, chunksize=7)
    scored = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert scored["owner"].tolist() == [f"José Müller {i}" for i in range(40)]
    assert (
        "This file mixes two encodings: 36 lines with accents are UTF-8, 4 lines are Windows-1252 "
        "(lines 2, 13, 24, 35)"
    ) in summary["warnings"][0]


def test_windows_1252_lines_past_the_first_megabyte_are_read_and_told(tmp_path):
    from leadscore.io.chunks import FileNotes, iter_lead_chunks

    names = [f"José Müller {i}" for i in range(30_000)]
    lines = [f"{name},{'x' * 40}\n".encode("cp1252" if i in (25_000, 29_999) else "utf-8") for i, name in enumerate(names)]
    source = tmp_path / "new.csv"
    source.write_bytes(b"owner,notes\n" + b"".join(lines))
    assert source.stat().st_size > 1_500_000  # the start alone reads as UTF-8
    notes = FileNotes()
    read = pd.concat(iter_lead_chunks(source, chunksize=10_000, notes=notes))
    assert read["owner"].tolist() == names
    assert "29,998 lines with accents are UTF-8, 2 lines are Windows-1252 (lines 25002, 30001)" in notes.warnings()[0]


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
    from leadscore.score import score_files as score_module

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


def test_a_quote_never_closed_is_named_by_its_line_as_the_reader_names_it(bundle, tmp_path):
    from tests.hostile import CASES

    case = next(c for c in CASES if c.name == "unterminated_quote")
    source = case.write(tmp_path)
    out = tmp_path / "scored.csv"
    with pytest.raises(LeadScoreInputError) as error:
        score_file(bundle, source, out, chunksize=5)
    assert all(word in str(error.value) for word in case.message_words), str(error.value)
    assert "Error tokenizing" not in str(error.value)
    assert not out.exists()


def test_an_excel_export_is_scored_into_files_with_its_cells_as_written(bundle, tmp_path):
    """Dates without times stay dates, text cells of digits keep their zeros, blanks stay blank,
    and without an ID column every lead carries its row in the file."""
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["signed_up", "zip", "source", "pages_viewed", "visited_pricing_page", "emails_opened", "note"])
    sheet.append([dt.datetime(2018, 5, 7), "007", "Referral", 12, "yes", 3, None])
    sheet.append([dt.datetime(2018, 5, 8), "010", "LinkedIn", 1, "no", None, "call back"])
    sheet.append([None, None, "Google Ads", 6, "yes", 1, None])
    source = tmp_path / "export.xlsx"
    book.save(source)
    out, tiers = tmp_path / "scored.csv", tmp_path / "tiers"
    score_file(bundle, source, out, split_dir=tiers, reasons=False)
    scored = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    columns = ["signed_up", "zip", "source", "pages_viewed", "visited_pricing_page", "emails_opened", "note"]
    assert scored[columns].values.tolist() == [
        ["2018-05-07", "007", "Referral", "12", "yes", "3", ""],
        ["2018-05-08", "010", "LinkedIn", "1", "no", "", "call back"],
        ["", "", "Google Ads", "6", "yes", "1", ""],
    ]
    assert scored["row"].tolist() == ["1", "2", "3"]
    by_tier = pd.concat(
        [pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig") for path in sorted(tiers.iterdir())]
    ).sort_values("row")
    assert by_tier[columns].values.tolist() == scored[columns].values.tolist()

    score_file(bundle, source, tmp_path / "scored.jsonl", fmt="jsonl", reasons=False)
    lines = [json.loads(line) for line in (tmp_path / "scored.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(line["signed_up"], line["zip"], line["note"], line["row"]) for line in lines] == [
        ("2018-05-07", "007", "", 1), ("2018-05-08", "010", "call back", 2), ("", "", "", 3)
    ]


def test_a_csv_without_id_gets_each_leads_row_also_when_sorted(bundle, tmp_path):
    source = tmp_path / "leads.csv"
    _ladder().drop(columns="lead_id").to_csv(source, index=False)
    score_file(bundle, source, tmp_path / "as_is.csv", reasons=False, chunksize=7)
    score_file(bundle, source, tmp_path / "sorted.csv", reasons=False, sort=True)
    as_is = pd.read_csv(tmp_path / "as_is.csv")
    assert as_is["row"].tolist() == list(range(1, 21))
    best_first = pd.read_csv(tmp_path / "sorted.csv")
    # The ladder's leads, best first: the one with 19 pages viewed is in the file's row ...
    pages = _ladder()["pages_viewed"].tolist()
    assert best_first["row"].tolist() == [pages.index(float(p)) + 1 for p in range(19, -1, -1)]
