"""Each page of the app on a fresh session: opens on the sample leads, points back when an
earlier step is missing, shows bad input as a message, and keeps sessions apart."""

from __future__ import annotations

import pytest

from app_pages._ui import DONE, NOT_DONE
from tests.app.conftest import button, go, new_app, problems, project, title


def test_app_opens_on_the_sample_leads_with_the_outcome_mapped():
    at = new_app()

    assert problems(at) == []
    assert title(at) == "1. Your lead history"
    assert project(at).name == "Sample leads" and project(at).id is None  # not saved until a change
    assert len(project(at).data.leads) == 5000
    metrics = {m.label: m.value for m in at.metric}
    # sample_data/facts.json: 586 converted, 4,099 not, 315 still open
    assert metrics == {"Converted": "586", "Not converted": "4,099", "Still open": "315"}
    assert at.selectbox(key="outcome_column:None").value == "converted"
    assert any(s.value.startswith("**Good.**") for s in at.success)
    sidebar = " ".join(m.value for m in at.sidebar.markdown)
    assert f"{DONE} 1. **Data** ← you are here" in sidebar
    assert f"{NOT_DONE} 3. Train" in sidebar


@pytest.mark.parametrize(
    ("page", "missing"),
    [("Train", "Clean"), ("Insights", "Train"), ("Tiers", "Train"), ("Score", "Train")],
)
def test_a_page_whose_earlier_step_is_missing_says_so_with_a_button(page, missing):
    at = go(new_app(), page)

    assert problems(at) == []
    assert at.error == []
    assert any(f"finished **{missing}** step" in info.value for info in at.info)
    sidebar = " ".join(m.value for m in at.sidebar.markdown)
    assert f"**{page}** ← you are here" in sidebar  # the journey is drawn even when a page ends early
    button(at, f"Go to {missing}").click().run()
    assert problems(at) == []
    expected = {"Clean": "2. Clean the data", "Train": "3. Train a model"}[missing]
    assert title(at) == expected


def test_clean_page_lists_every_column_with_the_leaks_left_out():
    at = go(new_app(), "Clean")

    assert problems(at) == []
    assert title(at) == "2. Clean the data"
    columns = next(frame.value for frame in at.dataframe if "suggestion" in frame.value.columns)
    # Every column of the file but the outcome is listed, each with a switch.
    assert len(columns) == 26 - 1  # sample_data/README.md lists 26 columns
    use = dict(zip(columns["column"], columns["use"]))
    assert use["deal_stage"] is False and use["final_deal_size"] is False
    assert use["lead_id"] is False and use["email"] is False
    assert use["source"] is True and use["timeline"] is True
    choices = next(frame.value for frame in at.dataframe if "choice" in frame.value.columns)
    assert "Left out" in set(choices["choice"])
    leads = next(frame.value for frame in at.dataframe if list(frame.value.columns) == ["step", "leads"])
    assert leads.iloc[0]["leads"] == 5000
    assert button(at, "Use this cleaning plan").disabled is False


def test_confirming_the_untouched_clean_page_keeps_leadscores_suggested_plan():
    at = go(new_app(), "Clean")
    button(at, "Use this cleaning plan").click().run()
    assert problems(at) == []
    confirmed = project(at)
    from leadscore.clean.plan import CleaningChoices

    assert confirmed.data.choices == CleaningChoices()
    assert confirmed.data.plan.to_dict() == confirmed.data.suggested_plan().to_dict()
    assert len(confirmed.data.training_rows().y) == 586 + 4099
    # Confirming a step saves the sample project, and the address names it.
    assert confirmed.id is not None and at.query_params["project"] == confirmed.id


def test_leaving_out_any_column_and_keeping_a_flagged_one(tmp_path):
    at = go(new_app(), "Clean")
    table_key = next(key for key in at.session_state if str(key).startswith("clean_columns:"))
    edits = at.session_state[table_key] if table_key in at.session_state else None
    frame = next(f for f in at.dataframe if "suggestion" in f.value.columns).value
    rows = list(frame["column"])
    # Untick 'industry' (LeadScore would use it) and tick 'deal_stage' (a leak it leaves out).
    at.session_state[table_key] = {
        "edited_rows": {rows.index("industry"): {"use": False}, rows.index("deal_stage"): {"use": True}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert problems(at) == [], edits
    button(at, "Use this cleaning plan").click().run()
    plan = project(at).data.plan
    assert "industry" not in plan.used_columns and plan.excluded["industry"] == "You chose to leave it out."
    assert "deal_stage" in plan.used_columns and "deal_stage" in plan.warned
    # The warning on the kept leak stays visible.
    assert any("deal_stage" in w.value and "used, by your choice" in w.value for w in at.warning)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
        ("empty.csv", b""),
        ("header_only.csv", b"name,email,converted\n"),
    ],
)
def test_a_bad_upload_shows_a_message_and_keeps_the_previous_data(name, content):
    at = new_app()
    at.file_uploader[0].upload(name, content, "text/csv")
    at.run()

    assert problems(at) == []
    assert len(at.error) >= 1
    message = at.error[0].value
    assert len(message) > 30  # a sentence saying what is wrong and what to do
    assert "Traceback" not in message
    assert any("Still using **Sample leads**" in info.value for info in at.info)
    assert len(project(at).data.leads) == 5000


def test_an_upload_replaces_the_data_and_the_outcome_values_are_listed(small_history):
    at = new_app()
    at.file_uploader[0].upload("history.csv", small_history, "text/csv")
    at.run()

    assert problems(at) == []
    assert project(at).data_name == "history.csv" and project(at).id is not None  # a new saved project
    assert at.query_params["project"] == project(at).id
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Converted": "182", "Not converted": "1,300", "Still open": "18"}
    values = next(frame.value for frame in at.dataframe if "meaning" in frame.value.columns)
    meanings = dict(zip(values["value"], values["meaning"]))
    assert meanings == {"no": "not converted", "yes": "converted", "(blank)": "still open"}


def test_two_sessions_never_see_each_others_data():
    mine, theirs = new_app(), new_app()
    tiny = b"company,visits,converted\nA,1,yes\nB,2,no\nC,3,no\nD,4,yes\n"
    mine.file_uploader[0].upload("mine.csv", tiny, "text/csv")
    mine.run()
    theirs.run()

    assert len(project(mine).data.leads) == 4
    assert project(mine).data_name == "mine.csv"
    assert project(theirs).name == "Sample leads"
    assert len(project(theirs).data.leads) == 5000
    assert "company" not in project(theirs).data.leads.columns
    assert "project" not in theirs.query_params


def test_an_unexpected_error_shows_a_friendly_message_and_is_recorded(monkeypatch):
    import leadscore.inspect.profile

    def broken(profiles):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(leadscore.inspect.profile, "profile_table", broken)
    at = new_app()

    assert at.exception == []
    assert any(e.value.startswith("Something went wrong on this page") for e in at.error)
    assert "simulated bug" in at.session_state["unexpected_errors"][-1]


def test_the_sample_button_replaces_an_uploaded_file(small_history):
    at = new_app()
    at.file_uploader[0].upload("history.csv", small_history, "text/csv")
    at.run()
    assert len(project(at).data.leads) == 1500
    button(at, "Use the sample leads").click().run()
    assert problems(at) == []
    at.run()  # the file is still in the uploader; it must not come back
    assert project(at).name == "Sample leads"
    assert len(project(at).data.leads) == 5000


def test_picking_a_column_that_cannot_be_the_outcome_says_why():
    at = new_app()
    at.selectbox(key="outcome_column:None").set_value("email").run()
    assert problems(at) == []
    assert any("different values" in e.value and "yes/no" in e.value for e in at.error)
    assert project(at).data.outcome.column == "converted"  # the last valid choice stays
    at.selectbox(key="outcome_column:None").set_value("converted").run()
    assert project(at).data.outcome.positive_values == ("yes",)


def test_a_one_zero_outcome_with_blanks_reads_as_one_and_zero():
    """Read as floats (1.0, 0.0, blank), the values were shown as still open."""
    lines = ["company,visits,won"] + [f"C{i},{i % 7},{'1' if i % 4 == 0 else '0' if i % 5 else ''}" for i in range(300)]
    at = new_app()
    at.file_uploader[0].upload("won.csv", "\n".join(lines).encode(), "text/csv")
    at.run()
    assert problems(at) == []
    values = next(frame.value for frame in at.dataframe if "meaning" in frame.value.columns)
    meanings = dict(zip(values["value"], values["meaning"]))
    assert meanings == {"0": "not converted", "1": "converted", "(blank)": "still open"}
    counts = {m.label: m.value for m in at.metric}
    assert counts == {"Converted": "75", "Not converted": "180", "Still open": "45"}


def test_a_workbook_with_several_sheets_asks_which_one_holds_the_leads():
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Notes"
    book.active.append(["This export was made on Monday"])
    leads = book.create_sheet("Leads")
    leads.append(["company", "visits", "converted"])
    for i in range(40):
        leads.append([f"C{i}", i % 9, "yes" if i % 4 == 0 else "no"])
    buffer = io.BytesIO()
    book.save(buffer)

    at = new_app()
    at.file_uploader[0].upload("crm.xlsx", buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    at.run()
    assert problems(at) == []
    assert any("has 2 sheets" in info.value for info in at.info)
    assert project(at).name == "Sample leads"  # nothing replaced until the user picks
    at.selectbox(key="data_sheet").set_value("Leads").run()
    button(at, "Use this sheet").click().run()
    assert problems(at) == []
    assert project(at).name == "crm (Leads)" and len(project(at).data.leads) == 40
    assert {m.label: m.value for m in at.metric} == {"Converted": "10", "Not converted": "30", "Still open": "0"}


def test_what_the_reader_noticed_is_shown_on_the_data_page():
    lines = ["lead,visits,converted"] + [f"L{i},{i % 5},{'yes' if i % 3 == 0 else 'no'}" for i in range(60)]
    lines[1] += ",SURPLUS"  # one row with a cell too many
    at = new_app()
    at.file_uploader[0].upload("ragged.csv", "\n".join(lines).encode(), "text/csv")
    at.run()
    assert problems(at) == []
    assert any("more cells than the header" in w.value for w in at.warning)
    assert list(project(at).data.leads.columns) == ["lead", "visits", "converted", "(extra 1)"]
