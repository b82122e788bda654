"""Clean: review how the data will be cleaned, and which columns are used or left out and why."""

from dataclasses import replace

import streamlit as st

from app_pages import _ui
from leadscore import present
from leadscore.project import CHOICES_FILE_NAME, NO_DATE, CleaningChoices, choices_file_text

_ui.intro(
    "2. Clean the data",
    "Real exports are messy: the same source spelled five ways, blanks, dates as text. LeadScore "
    "suggests a cleaning plan; every choice below shows its default and what it does. The plan is "
    "saved with the model, so new leads are cleaned **exactly** the same way when they are scored. "
    "Columns that only get filled in *after* a lead converts (a deal size, a \"closed won\" "
    "stage, a rep's rating) would make the model look brilliant and be useless: those are left "
    "out, or flagged for you to decide.",
)
_ui.require("Clean")

project = _ui.project()
data = project.data
confirmed = data.choices
draft = confirmed or CleaningChoices()
checked = data.inspection()
key = f"{project.id}:{data.outcome.column}"

if checked.sensitive:  # columns about people: the choice to leave them out, in plain words
    about = "; ".join(f"**{item['column']}**: {item['why']}" for item in checked.sensitive)
    st.warning(f"{present.SENSITIVE_ADVICE} Leave any of them out in the table of columns below. ({about})")

# --- Controls: dates and time window ------------------------------------------------------
st.subheader("Dates and time window")
suggested_date = data.suggested_plan().date_column
date_columns = [p.name for p in checked.profiles if p.kind == "date" and p.name != data.outcome.column]
date_options = ["(none)", *date_columns]
chosen_date = draft.date_column if draft.date_column is not None else suggested_date
date_label = st.selectbox(
    "When each lead came in (the newest leads are held out to test the model)",
    date_options,
    index=date_options.index(chosen_date) if chosen_date in date_options else 0,
    key=f"clean_date:{key}",
)
date_column = NO_DATE if date_label == "(none)" else date_label
draft = data.normalise(replace(draft, date_column=date_column))
suggested = data.suggested_plan(data.date_choice(draft) if draft.date_column is not None else None)
plan = data.plan_for(draft)

left, right = st.columns(2)
with left:
    months = st.number_input(
        "Use only the last N months of leads (0 = all history)",
        min_value=0,
        max_value=120,
        value=int(plan.window_months or 0),
        disabled=plan.date_column is None,
        help="Markets change: very old leads may teach the model outdated habits.",
        key=f"clean_window:{key}",
    )
with right:
    rare = st.slider(
        "Group categories rarer than this share of leads as 'Other' (0.010 = 1%)",
        min_value=0.0,
        max_value=0.05,
        value=float(plan.rare_share),
        step=0.005,
        format="%.3f",
        key=f"clean_rare:{key}",
    )
# Settings equal to LeadScore's suggestion are kept as "LeadScore's choice" (the workflow's rule).
draft = data.normalise(replace(draft, window_months=int(months), rare_share=float(rare)))

# --- Controls: every column ----------------------------------------------------------------
st.subheader("Which columns the model may use")
st.markdown(
    "Every column of your file is listed. Untick **Use** to leave a column out, tick it to use "
    "one LeadScore would leave out, and type a **Label** to rename how a column reads on every "
    "page, reason and download. For each flagged column, ask yourself: **is it known when a new "
    "lead arrives?** If your team fills it in after talking to the lead, leave it out."
)
plan = data.plan_for(draft)
table = present.column_table(plan, suggested, checked.leakage_suspects, labels=draft.label_map)
edited = st.data_editor(
    table,
    key=f"clean_columns:{key}:{date_column}",
    hide_index=True,
    disabled=["column", "kind", "suggestion", "why"],
    column_config={
        "column": st.column_config.TextColumn("Column"),
        "label": st.column_config.TextColumn("Label (how it reads)"),
        "kind": st.column_config.TextColumn("Kind"),
        "suggestion": st.column_config.TextColumn("LeadScore suggests"),
        "why": st.column_config.TextColumn("Why", width="large"),
        "use": st.column_config.CheckboxColumn("Use"),
    },
    column_order=["column", "label", "kind", "suggestion", "use", "why"],
)
exclude, keep = present.overrides_from_column_table(edited, suggested)
draft = replace(draft, exclude=exclude, keep=keep, labels=present.labels_from_column_table(edited))
plan = data.plan_for(draft)

flagged = [s for s in checked.leakage_suspects]
if flagged:
    st.markdown("**Columns that may give the answer away**")
    for suspect in flagged:
        used = suspect.column in plan.used_columns
        # Every flagged column is left out unless the user keeps it.
        status = "**used, by your choice**" if used else "left out"
        box = st.warning if used else st.info
        # The reason already says the evidence in sentences and the question to ask.
        box(f"**{present.plain(suspect.column)}** ({status}): {present.plain(suspect.reason)}")
else:
    st.success("No column looks like it gives the answer away.")

# --- Controls: category spellings ---------------------------------------------------------
st.subheader("Category spellings")
mapping_table = present.category_mapping_table(plan)
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
        spellings = st.data_editor(
            mapping_table,
            key=f"clean_spellings:{key}",
            hide_index=True,
            disabled=["column", "raw_value"],
            column_config={"column": "Column", "raw_value": "Written as", "becomes": "Becomes"},
        )
    draft = replace(draft, spellings=present.spellings_from_table(spellings, suggested))
    plan = data.plan_for(draft)
else:
    st.info("No category needs merging: every value is already spelled one way.")

# --- Results: the plan and its effect -----------------------------------------------------
st.subheader("The cleaning plan")
st.dataframe(
    present.plan_table(plan),
    hide_index=True,
    column_config={
        "choice": st.column_config.TextColumn("Choice", width="small"),
        "setting": st.column_config.TextColumn("Setting", width="medium"),
        "effect": st.column_config.TextColumn("Effect", width="large"),
    },
)

st.subheader("Before and after")
selection = data.training_rows(plan)
summary = present.cleaning_summary(plan, selection.report)
for warning in summary["warnings"]:
    st.warning(present.plain(warning))
left, right = st.columns(2)
with left:
    st.markdown("**Leads**")
    st.dataframe(summary["rows"], hide_index=True, column_config={"leads": st.column_config.NumberColumn(format="localized")})
with right:
    st.markdown("**Columns the model will use**")
    st.dataframe(summary["columns_used"], hide_index=True)
_ui.look_at("the number of leads to learn from, and the columns left out with their reason.")

in_use = confirmed == draft
if in_use:
    st.success("This cleaning plan is in use.")
elif confirmed is not None:
    st.info("You changed the plan in use. Press the button to use the new one (then train again).")
left, right = st.columns([1, 2])
if left.button("Use this cleaning plan", type="primary", disabled=in_use):
    _ui.saved().data.set_choices(draft)
    st.rerun()
right.download_button(
    "Download these choices (for leadscore train --choices)",
    choices_file_text(draft),
    CHOICES_FILE_NAME,
    "application/json",
    on_click="ignore",
    key="clean_download_choices",
)
if in_use:
    _ui.next_step("Train", "Next: train a model →")
