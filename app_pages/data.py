"""Data: load the lead history, say which column is the outcome, see if there is enough."""

import streamlit as st

from app_pages import _ui
from leadscore import present
from leadscore.errors import LeadScoreInputError
from leadscore.project import LeadProject, list_sheets

state = st.session_state

_ui.intro(
    "1. Your lead history",
    "LeadScore learns from **your own past leads and what happened to them**: which ones became "
    "customers and which did not. Hand-written scoring rules (\"+10 points for visiting the "
    "pricing page\") reflect assumptions; a model learns the real weights from outcomes. "
    "Start with an export of past leads (CSV or Excel) that has a column saying whether each "
    "lead converted. Each file you upload becomes a **project**, saved on this computer.",
)

# --- Controls: the projects -----------------------------------------------------------------
projects = _ui.store().list()
with st.expander(f"Your projects ({len(projects)})", expanded=False):
    if projects:
        st.dataframe(
            [
                {"Project": p.name, "Leads": p.leads, "Models": p.versions, "Changed": p.updated_at[:16].replace("T", " "), "Problem": p.problem or ""}
                for p in projects
            ],
            hide_index=True,
        )
        labels = {f"{p.name} ({p.id})": p for p in projects}
        picked = labels[st.selectbox("Project", list(labels), key="data_project_pick")]
        if picked.leads is None and not picked.problem:
            st.caption("This project only keeps scoring runs recorded from the command line (leadscore score --project); it has no lead history to open.")
        left, middle, right = st.columns(3)
        if left.button("Open", key="data_project_open", disabled=picked.id == _ui.project().id or bool(picked.problem) or picked.leads is None):
            _ui.open_project(LeadProject.open(_ui.store(), picked.id))
            st.rerun()
        new_name = middle.text_input("New name", value=picked.name, key=f"data_project_name:{picked.id}")
        if middle.button("Rename", key="data_project_rename"):
            target = _ui.project() if picked.id == _ui.project().id else LeadProject.open(_ui.store(), picked.id)
            target.rename(new_name)
            st.rerun()
        sure = right.checkbox("Yes, delete it and its models", key=f"data_project_sure:{picked.id}")
        if right.button("Delete", key="data_project_delete", disabled=not sure):
            _ui.store().delete(picked.id)
            if picked.id == _ui.project().id:
                _ui.use_sample_leads()
            st.rerun()
    else:
        st.caption("No saved projects yet: upload a file below, or confirm a step on the sample leads.")

# --- Controls: the file -------------------------------------------------------------------
left, right = st.columns([3, 1])
with left:
    # Any file is taken: LeadScore's reader says what a .xls, a PDF or a zip is and what to do,
    # where Streamlit's own type check only says "not allowed" (and raises on the server).
    upload = st.file_uploader(
        "Upload your lead export (CSV or Excel): it starts a new project",
        help="One row per lead, a header row, and a column with the outcome (e.g. converted yes/no).",
    )
with right:
    if st.button("Use the sample leads", help="5,000 made-up leads of a small software company"):
        _ui.use_sample_leads()
        st.rerun()
    if st.button(
        "Try a real bank's calls",
        help="A real bank's telemarketing history: 41,188 calls and whether each client subscribed (UCI Bank Marketing, CC BY 4.0).",
    ):
        _ui.use_bank_sample()
        st.rerun()

# Read each upload once: a later click on "Use the sample leads" must not be undone by it.
if upload is not None and state.get("last_upload") != upload.file_id:
    state["last_upload"] = upload.file_id
    data = upload.getvalue()
    try:
        sheets = list_sheets(data, filename=upload.name)
    except LeadScoreInputError:
        sheets = []  # a broken workbook: reading it says what is wrong
    if len(sheets) > 1:
        # A workbook with several sheets: the user says which one holds the leads.
        state["pending_workbook"] = (upload.name, data, sheets)
    else:
        _ui.start_project(data, upload.name)

if state.get("pending_workbook"):
    name, data, sheets = state["pending_workbook"]
    st.info(f"**{name}** has {len(sheets)} sheets. Which one holds your leads?")
    sheet = st.selectbox("Sheet", sheets, key="data_sheet")
    if st.button("Use this sheet", type="primary"):
        del state["pending_workbook"]
        _ui.start_project(data, name, sheet=sheet)

project = _ui.project()
leads = project.data.leads

# --- Results: preview ---------------------------------------------------------------------
st.subheader("Preview")
st.markdown(f"**{project.data_name}**: {len(leads):,} leads, {leads.shape[1]} columns.")
for warning in leads.attrs.get("leadscore_read", {}).get("warnings", []):
    st.warning(present.plain(warning))
st.dataframe(leads.head(20), hide_index=True)
_ui.look_at("each row should be one lead, each column one fact about it. Numbers should look like numbers.")

# --- Controls: the outcome ----------------------------------------------------------------
st.subheader("The outcome: what happened to each lead")
st.markdown(
    "The model learns from this column. Say which of its values mean **converted**, which mean "
    "**not converted**, and which mean the lead is **still open** (still open leads are not used "
    "for learning; they are the ones you will want to score)."
)
columns = list(leads.columns)
current = project.data.outcome
# The same guess as `leadscore inspect`: the column LeadScore examined, even when it asks about some values.
default = project.data.outcome_column_guess()
column = st.selectbox("Outcome column", columns, index=columns.index(default) if default in columns else len(columns) - 1, key=f"outcome_column:{project.id}")
try:
    suggested = project.data.outcome_suggestion(column)
except LeadScoreInputError as problem:
    suggested = None
    st.warning(problem.message)
if suggested is not None and suggested.question and (current is None or current.column != column):
    st.warning(present.plain(suggested.question))
start = current if current is not None and current.column == column else (suggested.mapping or suggested.proposed if suggested else None)
table = present.value_table(leads, column, start)
edited = st.data_editor(
    table,
    key=f"outcome_values:{project.id}:{column}",
    hide_index=True,
    disabled=["value", "leads"],
    column_config={
        "value": st.column_config.TextColumn("Value in the file"),
        "leads": st.column_config.NumberColumn("Leads", format="localized"),
        "meaning": st.column_config.SelectboxColumn("Means", options=list(present.MEANINGS), required=True),
    },
)
project.data.set_outcome(present.mapping_from_table(column, edited))

checked = project.data.inspection()
counts = checked.outcome_counts
a, b, c = st.columns(3)
a.metric("Converted", f"{counts['converted']:,}")
b.metric("Not converted", f"{counts['not_converted']:,}")
c.metric("Still open", f"{counts['open']:,}", help="Values you mark as neither converted nor not converted, and blanks.")

# --- Results: is there enough? ------------------------------------------------------------
st.subheader("Is there enough history to learn from?")
verdict = checked.sufficiency
show = {"good": st.success, "usable with caution": st.warning, "not enough": st.error}[verdict.verdict]
show(f"**{verdict.verdict.capitalize()}.** {verdict.message} {verdict.advice}")

st.subheader("Your columns")
st.dataframe(
    present.profile_table(checked.profiles),
    hide_index=True,
    column_config={"examples": st.column_config.TextColumn(width="medium"), "note": st.column_config.TextColumn(width="large")},
)
_ui.look_at(
    "the kind LeadScore found for each column. Personal details (names, emails, phones) and ID "
    "codes are never used to score: they identify a lead, they do not predict."
)

_ui.next_step("Clean", "Next: check the cleaning →")
