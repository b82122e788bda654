"""Score: score new leads with the model in use, download the call list, automate it."""

import streamlit as st

from app_pages import _ui
from leadscore import present
from leadscore.errors import LeadScoreInputError
from leadscore.present import MODEL_NAMES, charts
from leadscore.project import TIERS

state = st.session_state

_ui.intro(
    "6. Score leads",
    "Now the model puts a chance of converting on every lead, best first: that is your call "
    "list. Score this week's new leads with the model in use, so next week you do not have to "
    "train again. New leads are cleaned exactly like the history was.",
)
_ui.require("Score")
project = _ui.project()

# --- Controls: which model ----------------------------------------------------------------
st.subheader("Which model")
models, runs = project.models, project.scoring
versions = models.list()
names = {v.name: v.id for v in versions}
current = next(text for text, number in names.items() if number == models.current)
picked = st.selectbox("Model version", list(names), index=list(names).index(current), key=f"score_version:{project.id}")
if names[picked] != models.current:
    models.make_current(names[picked])
    st.rerun()
bundle = models.bundle()
st.caption(f"{MODEL_NAMES.get(bundle.kind, bundle.kind).capitalize()}, trained {bundle.trained_at[:10]} on {bundle.data_name}. {models.policy.describe()}")
# The verdict travels with the model: said before the call list, in the Train page's words.
kind, text = present.verdict_box(models.verdict())
if kind != "success":
    getattr(st, kind)(f"{text} Scores from this model are shown below, but check the Train page before you act on them.")

# --- Controls: which leads ----------------------------------------------------------------
st.subheader("Which leads")
offered = project.offered_sample_leads()
options = ["Upload new leads", *(["The sample new leads"] if offered else []), "My lead history"]
source = st.radio("Leads to score", options, horizontal=True, index=1 if offered and project.is_sample else 0, key=f"score_source:{project.id}")
leads, name = None, None
if source == "Upload new leads":
    upload = st.file_uploader("New leads (CSV or Excel), same columns as the history", type=["csv", "txt", "tsv", "xlsx"], key="score_upload")
    if upload is not None:
        try:
            leads, name = _ui.read_file(upload.getvalue(), upload.name), upload.name
        except LeadScoreInputError as problem:
            st.error(problem.message)
elif source == "The sample new leads":
    name, leads = offered
else:
    leads, name = project.data.leads, project.data_name

value = None
if leads is not None:
    # The value of a lead: a deal-size estimate known at arrival (the guard's post-sale columns are not offered).
    choices = ["None: rank by chance", *runs.scorer().value_columns(leads.columns)]
    picked_value = st.selectbox("Value of a lead (a column with each lead's deal-size estimate)", choices,
                                key=f"score_value:{project.id}",
                                help="An amount ($12,000, 12k) or a range read as its middle ($5k-$20k). Adds expected value = chance x value, and the call list is ranked by it.")
    value = None if picked_value == choices[0] else picked_value
if leads is not None and st.button(f"Score {len(leads):,} leads", type="primary"):
    with st.spinner(f"Scoring {len(leads):,} leads..."):
        try:
            runs.score(leads, name=name, value=value)
        except LeadScoreInputError as problem:
            st.error(f"**These leads could not be scored.** {problem.message}")
            _ui.end_page()

runs.restore_last()
run = runs.last
if run is None:
    st.info("Choose the leads and press **Score** to get your call list.")
    _ui.end_page()

# --- Results ------------------------------------------------------------------------------
# Tiers follow the tiers in use without re-scoring: only the labels are recomputed.
scored = present.ranked(present.retier(run.scored, models.policy))
for warning in run.warnings:
    st.warning(present.plain(warning))
st.subheader(f"Call list: {runs.last_name}")
summary = present.tier_summary(scored)
columns = st.columns(len(summary))
for column, row in zip(columns, summary.itertuples()):
    column.metric(f"{row.tier} leads", f"{row.leads:,}", help=f"About {row.expected_conversions:.0f} expected to convert")
st.caption(present.expected_words(present.expected_outcomes(scored)))

# Why the tier shares here can differ from the Tiers page's held-out figures.
prob, converted = models.holdout()
promised = present.tier_table(prob, models.policy, converted).set_index("tier")["share_of_leads"].to_dict()
note = present.tier_gap_note(promised, summary.set_index("tier")["leads"].to_dict(), len(scored), models.policy.by == "share")
if note:
    st.info(note)

who = present.identifier_columns(bundle.plan, scored.columns, personal="names")
calls = present.call_list(scored, who)
st.dataframe(
    _ui.tier_coloured(calls),
    hide_index=True,
    row_height=76,  # three lines: the reasons wrap instead of running off to the right
    column_config={
        **{column: st.column_config.TextColumn(width="medium") for column in calls.columns if column not in ("lead_score", "tier", "expected_value", "why")},
        "expected_value": st.column_config.NumberColumn("Expected value", format="localized", help="Chance of converting x the lead's value"),
        "lead_score": st.column_config.ProgressColumn("Score", min_value=0, max_value=100, format="%d", width="small"),
        "tier": _ui.tier_column(),
        "why": st.column_config.TextColumn("Why (the top reasons)", width="large"),
    },
    key="scored_table",
)
st.markdown("  \n".join(f"**{tier}**: {present.plain(models.policy.actions[tier])}" for tier in TIERS))
_ui.look_at("the reasons say, for each lead, which facts raised or lowered its chance. Every column of your file is in the downloads.")

# --- Is the model still right? -----------------------------------------------------------
st.subheader("Is the model still right?")
drift = run.drift
if drift:
    box = {"stable": st.success, "watch": st.warning}.get(drift["verdict"], st.error)
    box(f"**{present.plain(drift['message'])}**")
    with st.expander("How these leads compare with the leads the model learned from"):
        st.dataframe(
            present.drift_table(drift, project.data.labels),
            hide_index=True,
            column_config={
                "psi": st.column_config.NumberColumn("Change (PSI)", format="%.2f", help="Population stability index: under 0.1 stable, 0.1 to 0.25 worth watching, above 0.25 shifted."),
                "unseen_share": st.column_config.NumberColumn("Values never seen in training", format="percent"),
            },
        )
        st.caption("A PSI under 0.1 means the column looks as it did in training; from 0.25 it has clearly shifted. Values never seen in training get scores that are guesses.")
moved = runs.movers()
if moved is not None and moved.attrs.get("tier_rules"):
    st.info(present.plain(moved.attrs["tier_rules"]))
if moved is not None and len(moved):
    changes = present.tier_changes(moved)
    st.markdown(f"**Since the previous scoring run**, {int(moved['tier_changed'].sum()):,} leads changed tier:")
    if len(changes):
        st.dataframe(
            changes[["key", "summary", "before", "after"]].head(200),
            hide_index=True,
            column_config={
                "key": "Lead",
                "summary": st.column_config.TextColumn("Tier change", width="medium"),
                "before": st.column_config.NumberColumn("Before", format="percent"),
                "after": st.column_config.NumberColumn("Now", format="percent"),
            },
        )
    left, right = st.columns([2, 3])
    with left:
        picked_key = st.selectbox("Follow one lead (the biggest movers first)", moved["key"].head(200).tolist(), key="score_trend_lead")
    with right:
        _ui.chart(charts.lead_trend(runs.lead_trend(picked_key), title=f"{picked_key}: chance over time"))
    st.download_button("Download the movers (CSV)", present.scored_csv(moved), "movers.csv", "text/csv", on_click="ignore", key="download_movers")
elif project.id:
    st.caption("Score these leads again later (say next week): the leads whose score rose or fell, and every tier change, will show here.")

with st.expander("Did the scores come true? Check them against outcomes"):
    st.markdown(
        "Upload a later export of leads you scored here, with their outcomes filled in: LeadScore "
        "matches them to their earlier scores and shows how each tier really converted."
    )
    outcomes_file = st.file_uploader("Export with outcomes", type=["csv", "txt", "tsv", "xlsx"], key="score_feedback_upload")
    if outcomes_file is not None:
        report = runs.feedback(_ui.read_file(outcomes_file.getvalue(), outcomes_file.name))
        box = st.error if report.verdict == "retrain" else st.info
        box(present.plain(report.message))
        st.dataframe(
            [row.to_dict() for row in report.tiers],
            hide_index=True,
            column_config={
                "tier": "Tier",
                "leads": st.column_config.NumberColumn("Leads", format="localized"),
                "promised": st.column_config.NumberColumn("The model promised", format="percent"),
                "converted": st.column_config.NumberColumn("Really converted", format="percent"),
            },
        )
        if report.roc_auc is not None:
            st.caption(f"{report.matched:,} leads matched; on them the scores rank leads at {report.roc_auc:.2f} (ROC AUC).")

# --- What if, for one lead of the call list ----------------------------------------------
with st.expander("What would move one of these leads up?"):
    top = scored.head(200)
    labels = {
        f"{' · '.join(str(top.at[i, c]) for c in who[:2]) or f'Row {i + 1}'}: {top.at[i, 'lead_score']} ({top.at[i, 'tier']})": i
        for i in top.index
    }
    lead = labels[st.selectbox("Lead (the 200 best)", list(labels), key="score_whatif_lead")]
    _ui.what_if_panel(models.insights(), run.scored.loc[[lead]].drop(columns=list(present.SCORE_COLUMNS), errors="ignore"), key="score_whatif")

# --- Downloads ----------------------------------------------------------------------------
st.subheader("Take it with you")
stem = "scored_leads"
a, b, c = st.columns(3)
a.download_button("Call list for Excel (CSV)", present.scored_csv(scored), f"{stem}.csv", "text/csv", on_click="ignore", key="download_scored")
b.download_button(
    "For CRM import (CSV)", present.crm_csv(scored, present.identifier_columns(bundle.plan, scored.columns)),
    f"{stem}_crm.csv", "text/csv", on_click="ignore", key="download_crm",
    help="Identifier, score, tier, next action and top reason; UTF-8 without formula escaping. For importing into a CRM, not for opening in Excel.",
)
c.download_button("One file per tier (zip)", present.tier_zip(scored), f"{stem}_by_tier.zip", "application/zip", on_click="ignore", key="download_tiers")
a, b = st.columns(2)
model = models.with_policy()
a.download_button("The model file", present.model_file_bytes(model), f"leadscore-v{models.current}.leadscore", "application/octet-stream", on_click="ignore", key="download_model")
b.download_button("Model card (Markdown)", present.model_card(model), "model_card.md", "text/markdown", on_click="ignore", key="download_card")
st.caption(
    "The Excel file puts an apostrophe in front of cells a spreadsheet would run as a formula; phone "
    "numbers and other values stay as they are. A model file only opens on the computer that saved "
    "it (it is signed), unless you tell LeadScore to trust it."
)
with st.expander("Model card"):
    st.markdown(present.model_card(model))

# --- Automate -----------------------------------------------------------------------------
with st.expander("Automate this: score each lead as it arrives, or every file a form tool drops, without the app"):
    path = str(project.db.model_path(models.current)) if project.id else "your-model.leadscore"
    snippets = present.automation_snippets(bundle.schema, project=project.id) if project.id else present.automation_snippets(bundle.schema, model_path=path)
    st.markdown(
        "**Each lead the moment it arrives.** Start LeadScore's local scoring service (it listens on this "
        "computer only, and uses whichever version you make current here):"
    )
    st.code(snippets["serve"], language="bash")
    st.markdown("Then send it a lead from a script, a form tool or a CRM workflow, and route the answer by its `tier`:")
    st.code(snippets["curl"], language="bash")
    st.markdown("In n8n, paste this HTTP Request node into a workflow (after your form or CRM trigger):")
    st.code(snippets["n8n"], language="json")
    st.markdown("**Every file that lands in a folder** (a synced drive, a form tool's export): scored into another folder, whole.")
    st.code(snippets["watch"], language="bash")
    examples = present.examples(path, bundle.schema)
    st.markdown("**Files by hand or on a schedule:** a call list, best first (`--split-tiers` adds one file per tier, `--format crm` a CRM import file):")
    st.code("\n".join([examples["sorted"], examples["tiers"], examples["crm"]]), language="bash")
    st.code(examples["weekly"], language="bash")
