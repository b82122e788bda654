"""Clean: review how the data will be cleaned, and which columns are left out and why."""

from dataclasses import replace

import streamlit as st

from leadscore import journey
from pages import _ui

state = st.session_state

_ui.intro(
    "2. Clean the data",
    "Real exports are messy: the same source spelled five ways, blanks, dates as text. LeadScore "
    "suggests a cleaning plan; every choice below shows its default and what it does. The plan is "
    "saved with the model, so new leads are cleaned **exactly** the same way when they are scored. "
    "Columns that only get filled in *after* a lead converts (a deal size, a \"closed won\" "
    "stage) would make the model look brilliant and be useless: those are left out.",
)
_ui.require("Clean")

leads, outcome = state["leads"], state["outcome"]
checked = _ui.inspection(target=outcome.column, outcome=outcome)

# --- Controls: dates and time window ------------------------------------------------------
st.subheader("Dates and time window")
suspects = list(checked.leakage_suspects)
suggested_date = _ui.cleaning_plan(outcome, suspects, None).date_column
date_columns = [p.name for p in checked.profiles if p.kind == "date" and p.name != outcome.column]
date_options = ["(none)", *date_columns]
date_column = st.selectbox(
    "When each lead came in (the newest leads are held out to test the model)",
    date_options,
    index=date_options.index(suggested_date) if suggested_date in date_options else 0,
    key="clean_date_column",
)
date_column = None if date_column == "(none)" else date_column

# --- Controls: leakage suspects -----------------------------------------------------------
st.subheader("Columns that may give the answer away")
if suspects:
    st.markdown(
        "These columns look like they are filled in **after** the outcome is known. Tick "
        "**Leave out** to keep a column away from the model. Keep one only if you know it is "
        "filled in before the sale is decided."
    )
    draft = _ui.cleaning_plan(outcome, suspects, date_column)
    switches = st.data_editor(
        journey.exclusion_table(suspects, draft),
        key=f"leakage:{state['leads_key']}:{outcome.column}",
        hide_index=True,
        disabled=["column", "advice", "reason", "evidence"],
        # Reason and evidence are long sentences: they are listed in full under the table.
        column_order=["column", "advice", "exclude"],
        column_config={
            "column": "Column",
            "advice": "LeadScore suggests",
            "reason": st.column_config.TextColumn("Why", width="large"),
            "evidence": st.column_config.TextColumn("Evidence", width="medium"),
            "exclude": st.column_config.CheckboxColumn("Leave out"),
        },
    )
    # The table cuts long sentences; the full reason and evidence must be readable.
    for suspect, evidence in zip(suspects, switches["evidence"]):
        st.markdown(f"- **{suspect.column}**: {suspect.reason} *Evidence: {evidence}.*")
    suspects = journey.suspects_as_chosen(suspects, dict(zip(switches["column"], switches["exclude"])))
else:
    st.success("No column looks like it gives the answer away.")

plan = _ui.cleaning_plan(outcome, suspects, date_column)
if date_column is None and plan.date_column is not None:
    # None asks the library to pick a date; the user chose to use none.
    plan = replace(plan, date_column=None, window_months=None)

# --- Controls: time window and rare categories --------------------------------------------
left, right = st.columns(2)
with left:
    months = st.number_input(
        "Use only the last N months of leads (0 = all history)",
        min_value=0,
        max_value=120,
        value=int(plan.window_months or 0),
        disabled=plan.date_column is None,
        help="Markets change: very old leads may teach the model outdated habits.",
        key="clean_window_months",
    )
with right:
    rare = st.slider(
        "Group categories rarer than this share of leads as 'Other' (0.010 = 1%)",
        min_value=0.0,
        max_value=0.05,
        value=float(plan.rare_share),
        step=0.005,
        format="%.3f",
        key="clean_rare_share",
    )
plan = replace(plan, window_months=int(months) or None, rare_share=float(rare))

# --- Controls: category spellings ---------------------------------------------------------
st.subheader("Category spellings")
mapping_table = journey.category_mapping_table(plan)
if len(mapping_table):
    merged = int((mapping_table["raw_value"] != mapping_table["becomes"]).sum())
    if merged:
        st.markdown(
            f"Different spellings of the same thing are merged (\"Linked In\", \"linkedin \" → "
            f"\"LinkedIn\"): **{merged:,} spellings** are merged here, listed first. Change the "
            "**Becomes** column to merge or split values your way."
        )
    else:
        st.markdown(
            "Every category value is already written one way, so nothing is merged. To merge values "
            "yourself (say two regions into one), open the table and change the **Becomes** column."
        )
    with st.expander(f"Category values ({len(mapping_table):,})", expanded=bool(merged)):
        edited = st.data_editor(
            mapping_table,
            key=f"categories:{state['leads_key']}:{outcome.column}",
            hide_index=True,
            disabled=["column", "raw_value"],
            column_config={"column": "Column", "raw_value": "Written as", "becomes": "Becomes"},
        )
    plan = journey.plan_with_category_table(plan, edited)
else:
    st.info("No category needs merging: every value is already spelled one way.")

# --- Results: the plan and its effect -----------------------------------------------------
st.subheader("The cleaning plan")
st.dataframe(
    journey.cleaning_choices(plan),
    hide_index=True,
    column_config={
        "choice": st.column_config.TextColumn("Choice", width="small"),
        "setting": st.column_config.TextColumn("Setting", width="medium"),
        "effect": st.column_config.TextColumn("Effect", width="large"),
    },
)

st.subheader("Before and after")
selection = _ui.training_rows(plan)
summary = _ui.cleaning_summary(plan, selection.report)
for warning in summary["warnings"]:
    st.warning(warning)
left, right = st.columns(2)
with left:
    st.markdown("**Leads**")
    st.dataframe(summary["rows"], hide_index=True, column_config={"leads": st.column_config.NumberColumn(format="localized")})
with right:
    st.markdown("**Columns the model will use**")
    st.dataframe(summary["columns_used"], hide_index=True)
st.markdown("**Columns left out**")
st.dataframe(
    summary["columns_left_out"],
    hide_index=True,
    column_config={"column": st.column_config.TextColumn("Column", width="small"), "reason": st.column_config.TextColumn("Reason", width="large")},
)
with st.expander("The first cleaned leads, as the model will see them"):
    st.dataframe(_ui.cleaned_preview(plan), hide_index=True)
_ui.look_at("the number of leads to learn from, and the columns left out with their reason.")

in_use = state["plan"] == plan
if in_use:
    st.success("This cleaning plan is in use.")
if st.button("Use this cleaning plan", type="primary", disabled=in_use):
    state["plan"] = plan
    state["training_rows"] = selection
    journey.forget_after(state, "Clean")
    st.rerun()
if in_use:
    _ui.next_step("Train", "Next: train a model →")
