"""Every broken or hostile file of the corpus (tests/hostile.py) uploaded on the Data page.

What a user sees after each upload: the preview of the file ("12 leads") and the page's own
steps, or one clear red message, never a crash (no exception, nothing the page caught as
unexpected); and after a refused file the data they had before is still there, on screen and in
the session's project.

One session takes every upload in turn, as a user trying file after file would. A workbook with
several sheets asks which one holds the leads: a fresh session picks the wrong sheet (one clear
message naming the sheets, the data kept) and then the right one (its leads).
"""

from __future__ import annotations

import io

import pytest

from tests.app.conftest import button, new_app, problems, project
from tests.hostile import CASES, Case

# Words the page must never show: a traceback, or the catch-all for what it did not expect.
NEVER = ("Traceback", "did not expect")
VERDICT = "**Not enough.**"


@pytest.fixture(scope="module")
def session():
    """One app session for the whole corpus (it opens on the 5,000 sample leads)."""
    at = new_app()
    assert not problems(at)
    assert len(project(at).data.leads) == 5000
    return at


def _upload(at, case: Case):
    filename, data = case.make()
    at.session_state["unexpected_errors"] = []
    at.file_uploader[0].set_value((filename, data, "application/octet-stream")).run()
    return at


def _preview(at) -> str:
    """The preview line: '**leads.csv**: 12 leads, 4 columns.'"""
    lines = [m.value for m in at.markdown if " leads, " in m.value and m.value.startswith("**")]
    assert len(lines) == 1, [m.value for m in at.markdown]
    return lines[0]


def _sheet_names(data: bytes) -> list[str]:
    import openpyxl

    return openpyxl.load_workbook(io.BytesIO(data), read_only=True).sheetnames


def _sheet_leads(data: bytes, sheet: str):
    import pandas as pd

    return pd.read_excel(io.BytesIO(data), sheet_name=sheet)


def _messages(at) -> list[str]:
    """The red messages on the page, except the verdict on the amount of data (a result, shown
    in red when there is not enough)."""
    return [e.value for e in at.error if not e.value.startswith(VERDICT)]


def _before(at) -> dict:
    """The page as the user has it before the next upload (run again, so an earlier refusal's
    message is gone, as it is after any click)."""
    at.run()
    current = project(at)
    return {"project": current, "rows": len(current.data.leads), "data_name": current.data_name, "name": current.name,
            "messages": _messages(at)}


def _check_refused(at, case: Case, before, words) -> None:
    errors = [text for text in _messages(at) if text not in before["messages"]]
    assert len(errors) == 1, errors
    assert all(word.lower() in errors[0].lower() for word in words), errors[0]
    assert not any(word in errors[0] for word in NEVER)
    # The data the user had is still there: the same project, its leads, its preview.
    assert project(at) is before["project"]
    assert len(project(at).data.leads) == before["rows"]
    assert _preview(at).startswith(f"**{before['data_name']}**: {before['rows']:,} leads")
    assert any(f"Still using **{before['name']}**" in i.value for i in at.info)


def _sheets(case: Case) -> int:
    """How many sheets the upload has (0 for anything that is not a readable workbook)."""
    filename, data = case.make()
    try:
        return len(_sheet_names(data)) if filename.endswith(".xlsx") else 0
    except Exception:  # noqa: BLE001 - damaged workbooks are the corpus's point
        return 0


# Workbooks of several sheets go through the sheet picker (the test after this one).
SINGLE = [c for c in CASES if not c.read_kwargs and _sheets(c) < 2]
SEVERAL = [c for c in CASES if not c.read_kwargs and _sheets(c) >= 2]


@pytest.mark.parametrize("case", SINGLE, ids=lambda c: c.name)
def test_an_upload_gives_its_leads_or_one_clear_message(session, case: Case):
    before = _before(session)
    at = _upload(session, case)
    assert not problems(at), problems(at)
    if case.expect == "refused":
        _check_refused(at, case, before, case.message_words)
        return
    # A new project on this file, and its preview counts the leads in the file.
    assert project(at) is not before["project"]
    assert project(at).data_name == case.filename
    preview = _preview(at)
    assert preview.startswith(f"**{case.filename}**: ")
    if case.rows is not None:
        assert f": {case.rows:,} leads, " in preview, preview
        assert len(project(at).data.leads) == case.rows
    if isinstance(case.columns, int):
        assert f" leads, {case.columns} columns." in preview
    elif case.columns is not None:
        assert list(project(at).data.leads.columns) == list(case.columns)
    # Later steps of the page may say what is missing (one class only, no outcome), in words.
    assert len(_messages(at)) <= 1, _messages(at)
    assert not any(word in e.value for e in at.error for word in NEVER)


@pytest.mark.parametrize("case", SEVERAL, ids=lambda c: c.name)
def test_a_workbook_with_several_sheets_asks_which_one_holds_the_leads(case: Case):
    at = new_app()
    _upload(at, case)
    assert not problems(at), problems(at)
    assert any("has 2 sheets. Which one holds your leads?" in i.value for i in at.info)
    sheets = _sheet_names(case.data())
    assert at.selectbox(key="data_sheet").options == sheets
    assert sheets[-1] == "Leads"
    # The wrong sheet: one clear message naming the sheets; the sample leads are kept.
    before = _before(at)
    at.selectbox(key="data_sheet").set_value(sheets[0])
    button(at, "Use this sheet").click().run()
    assert not problems(at), problems(at)
    _check_refused(at, case, before, case.message_words)
    # Uploading again and choosing the sheet with the leads reads them.
    at.session_state["last_upload"] = None
    _upload(at, case)
    at.selectbox(key="data_sheet").set_value("Leads")
    button(at, "Use this sheet").click().run()
    assert not problems(at), problems(at)
    assert project(at).data_name == "leads.xlsx"
    rows = len(_sheet_leads(case.data(), "Leads"))
    assert rows > 0 and len(project(at).data.leads) == rows
    assert _preview(at).startswith(f"**leads.xlsx**: {rows} leads, ")
