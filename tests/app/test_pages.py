"""Each page of the app on a fresh session: opens on the sample leads, points back when an
earlier step is missing, shows bad input as a message, and keeps sessions apart."""

from __future__ import annotations

import pytest

from pages._ui import DONE, NOT_DONE
from tests.app.conftest import button, go, new_app, problems, title


def test_app_opens_on_the_sample_leads_with_the_outcome_mapped():
    at = new_app()

    assert problems(at) == []
    assert title(at) == "1. Your lead history"
    assert at.session_state["leads_name"] == "sample leads"
    assert len(at.session_state["leads"]) == 5000
    metrics = {m.label: m.value for m in at.metric}
    # sample_data/facts.json: 586 converted, 4,099 not, 315 still open
    assert metrics == {"Converted": "586", "Not converted": "4,099", "Still open": "315"}
    assert at.selectbox(key="outcome_column").value == "converted"
    assert any(s.value.startswith("**Good.**") for s in at.success)
    sidebar = " ".join(m.value for m in at.sidebar.markdown)
    assert f"{DONE} 1. **Data** ← you are here" in sidebar
    assert f"{NOT_DONE} 3. Train" in sidebar


@pytest.mark.parametrize(
    ("page", "missing"),
    [("Train", "Clean"), ("Insights", "Clean"), ("Tiers", "Train"), ("Score", "Train")],
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


def test_clean_page_shows_the_plan_and_the_leakage_suspects():
    at = go(new_app(), "Clean")

    assert problems(at) == []
    assert title(at) == "2. Clean the data"
    tables = [frame.value for frame in at.dataframe]
    suspects = next(t for t in tables if "exclude" in t.columns)
    # The sample's post-outcome columns are found and left out by default.
    left_out = set(suspects.loc[suspects["exclude"], "column"])
    assert {"deal_stage", "final_deal_size"} <= left_out
    choices = next(t for t in tables if "choice" in t.columns)
    assert "Left out" in set(choices["choice"])
    leads = next(t for t in tables if list(t.columns) == ["step", "leads"])
    assert leads.iloc[0]["leads"] == 5000
    assert button(at, "Use this cleaning plan").disabled is False


def test_confirming_the_untouched_clean_page_keeps_leadscores_suggested_plan():
    from leadscore.clean import suggest_cleaning_plan
    from leadscore.inspect import inspect_leads

    at = go(new_app(), "Clean")
    button(at, "Use this cleaning plan").click().run()
    assert problems(at) == []
    leads, outcome = at.session_state["leads"], at.session_state["outcome"]
    inspection = inspect_leads(leads, outcome=outcome)
    suggested = suggest_cleaning_plan(leads, outcome, inspection.profiles, inspection.leakage_suspects)
    assert at.session_state["plan"] == suggested
    assert list(at.session_state["plan"].category_mappings) == list(suggested.category_mappings)
    assert len(at.session_state["training_rows"].y) == 586 + 4099


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
    assert any("Still using **sample leads**" in info.value for info in at.info)
    assert len(at.session_state["leads"]) == 5000


def test_an_upload_replaces_the_data_and_the_outcome_values_are_listed(small_history):
    at = new_app()
    at.file_uploader[0].upload("history.csv", small_history, "text/csv")
    at.run()

    assert problems(at) == []
    assert at.session_state["leads_name"] == "history.csv"
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

    assert len(mine.session_state["leads"]) == 4
    assert mine.session_state["leads_name"] == "mine.csv"
    assert theirs.session_state["leads_name"] == "sample leads"
    assert len(theirs.session_state["leads"]) == 5000
    assert "company" not in theirs.session_state["leads"].columns


def test_an_unexpected_error_shows_a_friendly_message_and_is_recorded(monkeypatch):
    import leadscore.profile

    def broken(profiles):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(leadscore.profile, "profile_table", broken)
    at = new_app()

    assert at.exception == []
    assert any(e.value.startswith("Something went wrong on this page") for e in at.error)
    assert "simulated bug" in at.session_state["unexpected_errors"][-1]


def test_the_sample_button_replaces_an_uploaded_file(small_history):
    at = new_app()
    at.file_uploader[0].upload("history.csv", small_history, "text/csv")
    at.run()
    assert len(at.session_state["leads"]) == 1500
    button(at, "Use the sample leads").click().run()
    assert problems(at) == []
    at.run()  # the file is still in the uploader; it must not come back
    assert at.session_state["leads_name"] == "sample leads"
    assert len(at.session_state["leads"]) == 5000


def test_picking_a_column_that_cannot_be_the_outcome_says_why():
    at = new_app()
    at.selectbox(key="outcome_column").set_value("email").run()
    assert problems(at) == []
    assert any("different values" in e.value and "yes/no" in e.value for e in at.error)
    assert at.session_state["outcome"] is None
    at.selectbox(key="outcome_column").set_value("converted").run()
    assert at.session_state["outcome"].positive_values == ("yes",)
