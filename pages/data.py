"""Data: load the lead history, say which column is the outcome, see if there is enough."""

import streamlit as st

from leadscore import journey
from leadscore.errors import LeadScoreInputError
from leadscore.profile import profile_table
from pages import _ui

state = st.session_state

_ui.intro(
    "1. Your lead history",
    "LeadScore learns from **your own past leads and what happened to them**: which ones became "
    "customers and which did not. Hand-written scoring rules (\"+10 points for visiting the "
    "pricing page\") reflect assumptions; a model learns the real weights from outcomes. "
    "Start with an export of past leads (CSV or Excel) that has a column saying whether each "
    "lead converted.",
)

# --- Controls: the file -------------------------------------------------------------------
left, right = st.columns([3, 1])
with left:
    upload = st.file_uploader(
        "Upload your lead export (CSV or Excel)",
        type=["csv", "txt", "tsv", "xlsx"],
        help="One row per lead, a header row, and a column with the outcome (e.g. converted yes/no).",
    )
with right:
    st.write("")
    st.write("")
    if st.button("Use the sample leads", help="5,000 made-up leads of a small software company"):
        _ui.use_sample_leads()

# Read each upload once: a later click on "Use the sample leads" must not be undone by it.
if upload is not None and state["last_upload"] != upload.file_id:
    state["last_upload"] = upload.file_id
    key = f"upload:{upload.file_id}"
    if state["leads_key"] != key:
        try:
            leads = _ui.read_file(upload.getvalue(), upload.name)
        except LeadScoreInputError as problem:
            st.error(problem.message)
            if state["leads"] is not None:
                st.info(f"Still using **{state['leads_name']}**. Fix the file and upload it again.")
        else:
            _ui.set_leads(leads, upload.name, key=key)

leads = state["leads"]
if leads is None:
    st.info("Upload a file above, or click **Use the sample leads** to try LeadScore first.")
    _ui.end_page()

# --- Results: preview ---------------------------------------------------------------------
st.subheader("Preview")
st.markdown(f"**{state['leads_name']}**: {len(leads):,} leads, {leads.shape[1]} columns.")
st.dataframe(leads.head(20), hide_index=True)
_ui.look_at("each row should be one lead, each column one fact about it. Numbers should look like numbers.")

# --- Controls: the outcome ----------------------------------------------------------------
st.subheader("The outcome: what happened to each lead")
st.markdown(
    "The model learns from this column. Say which of its values mean **converted**, which mean "
    "**not converted**, and which mean the lead is **still open** (still open leads are not used "
    "for learning; they are the ones you will want to score)."
)
try:
    found = _ui.outcome_suggestion(None)
except LeadScoreInputError as problem:
    found = None
    st.warning(problem.message)
columns = list(leads.columns)
default_column = journey.default_outcome_column(columns, state["outcome"], found)
column = st.selectbox("Outcome column", columns, index=columns.index(default_column), key="outcome_column")
try:
    suggested = _ui.outcome_suggestion(column)
except LeadScoreInputError as problem:
    suggested = None
    st.warning(problem.message)
if suggested is not None and suggested.question:
    st.warning(suggested.question)
try:
    table = journey.outcome_value_table(leads, column, journey.starting_mapping(column, state["outcome"], suggested))
except LeadScoreInputError as problem:
    st.error(problem.message)
    state["outcome"] = None
    _ui.end_page()
edited = st.data_editor(
    table,
    key=f"outcome_values:{state['leads_key']}:{column}",
    hide_index=True,
    disabled=["value", "leads"],
    column_config={
        "value": st.column_config.TextColumn("Value in the file"),
        "leads": st.column_config.NumberColumn("Leads", format="localized"),
        "meaning": st.column_config.SelectboxColumn("Means", options=list(journey.MEANINGS), required=True),
    },
)
try:
    mapping = journey.mapping_from_table(column, edited)
except LeadScoreInputError as problem:
    st.error(problem.message)
    state["outcome"] = None
    _ui.end_page()
if mapping != state["outcome"]:
    state["outcome"] = mapping
    journey.forget_after(state, "Data")

checked = _ui.inspection(target=column, outcome=mapping)
counts = checked.outcome_counts
a, b, c = st.columns(3)
a.metric("Converted", f"{counts['converted']:,}")
b.metric("Not converted", f"{counts['not_converted']:,}")
c.metric("Still open", f"{counts['open']:,}")

# --- Results: is there enough? ------------------------------------------------------------
st.subheader("Is there enough history to learn from?")
verdict = checked.sufficiency
show = {"good": st.success, "usable with caution": st.warning, "not enough": st.error}[verdict.verdict]
show(f"**{verdict.verdict.capitalize()}.** {verdict.message} {verdict.advice}")

st.subheader("Your columns")
st.dataframe(
    profile_table(checked.profiles),
    hide_index=True,
    column_config={"examples": st.column_config.TextColumn(width="medium"), "note": st.column_config.TextColumn(width="large")},
)
_ui.look_at(
    "the kind LeadScore found for each column. Personal details (names, emails, phones) and ID "
    "codes are never used to score: they identify a lead, they do not predict."
)

_ui.next_step("Clean", "Next: check the cleaning →")
