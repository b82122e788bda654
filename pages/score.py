"""Score: score the history or new leads, download the call list, automate it with the CLI."""

import streamlit as st

from leadscore import journey
from leadscore.errors import LeadScoreInputError
from pages import _ui

state = st.session_state

_ui.intro(
    "6. Score leads",
    "Now the model puts a chance of converting on every lead, best first: that is your call "
    "list. Score this week's new leads with the model you just trained, or with a model you "
    "saved earlier, so next week you do not have to train again. New leads are cleaned exactly "
    "like the history was.",
)

# --- Controls: which model ----------------------------------------------------------------
st.subheader("Which model")
saved = _ui.saved_models()
current = "The model trained in this session"
options = ([current] if state["training"] is not None else []) + list(saved)
if options:
    choice = st.selectbox(
        "Model", options, key="score_model_choice",
        help=f"Saved models live in the folder '{journey.models_dir()}' (set LEADSCORE_MODELS_DIR to change it).",
    )
    if choice != current:
        _ui.use_saved_model(saved[choice])
    else:
        _ui.use_session_model()
_ui.require("Score")
bundle = state["bundle"]
model_name = bundle.name or bundle.kind
trained_on = "" if bundle.trained_at[:10] in model_name else f", trained {bundle.trained_at[:10]}"
st.caption(f"Using: **{model_name}**{trained_on}.")

# --- Controls: which leads ----------------------------------------------------------------
st.subheader("Which leads")
source = st.radio(
    "Leads to score",
    ["Upload new leads", "The sample new leads", "My lead history"],
    horizontal=True,
    key="score_source",
    index=1 if journey.SAMPLE_NEW_LEADS.exists() else 2,
)
leads, name = None, None
if source == "Upload new leads":
    upload = st.file_uploader("New leads (CSV or Excel), same columns as the history", type=["csv", "txt", "tsv", "xlsx"], key="score_upload")
    if upload is not None:
        try:
            leads, name = _ui.read_file(upload.getvalue(), upload.name), upload.name
        except LeadScoreInputError as problem:
            st.error(problem.message)
elif source == "The sample new leads":
    leads, name = _ui.read_file(journey.SAMPLE_NEW_LEADS.read_bytes(), journey.SAMPLE_NEW_LEADS.name), "sample new leads"
elif state["leads"] is not None:
    leads, name = state["leads"], state["leads_name"]

if leads is not None and st.button(f"Score {len(leads):,} leads", type="primary"):
    with st.status(f"Scoring {len(leads):,} leads...") as status:
        try:
            result = journey.run_counted(state, "score_runs", lambda: _ui.score(bundle, leads))
        except LeadScoreInputError as problem:
            status.update(label="These leads could not be scored.", state="error")
            st.error(problem.message)
            _ui.end_page()
        status.update(label=f"Scored {len(leads):,} leads.", state="complete")
    state["scored"], state["scored_name"], state["score_warnings"] = result.scored, name, tuple(result.warnings)

if state["scored"] is None:
    st.info("Choose the leads and press **Score** to get your call list.")
    _ui.end_page()

# --- Results ------------------------------------------------------------------------------
# Tiers follow the current thresholds without re-scoring: only the labels are recomputed.
scored = journey.ranked(journey.retier(state["scored"], state["tier_policy"]))
for warning in state["score_warnings"]:
    st.warning(warning)
st.subheader(f"Call list: {state['scored_name']}")
summary = journey.tier_summary(scored)
columns = st.columns(len(summary))
for column, row in zip(columns, summary.itertuples()):
    column.metric(f"{row.tier} leads", f"{row.leads:,}", help=f"About {row.expected_conversions:.0f} expected to convert")
st.dataframe(
    _ui.tier_coloured(scored),
    hide_index=True,
    column_order=journey.call_list_columns(scored, bundle.plan),
    column_config={
        "lead_score": st.column_config.ProgressColumn("Score", min_value=0, max_value=100, format="%d"),
        "conversion_probability": st.column_config.NumberColumn("Chance", format="percent"),
        "tier": _ui.tier_column(),
        "next_action": "Next action",
        "reason_1": "Reason 1",
        "reason_2": "Reason 2",
        "reason_3": "Reason 3",
    },
    key="scored_table",
)
_ui.look_at("start at the top. The reasons say, for each lead, which facts raised or lowered its chance.")

# --- Downloads ----------------------------------------------------------------------------
st.subheader("Take it with you")
stem = "scored_leads"
scored_file, tier_files = _ui.call_list_files(scored)
a, b, c, d = st.columns(4)
a.download_button("Scored leads (CSV)", scored_file, f"{stem}.csv", "text/csv", on_click="ignore", key="download_scored")
b.download_button("One file per tier (zip)", tier_files, f"{stem}_by_tier.zip", "application/zip", on_click="ignore", key="download_tiers")
c.download_button("The model file", _ui.model_file(), "leadscore-model.joblib", "application/octet-stream", on_click="ignore", key="download_model")
d.download_button("Model card (Markdown)", _ui.card(), "model_card.md", "text/markdown", on_click="ignore", key="download_card")
st.caption("A model file only loads on the computer that saved it (it is signed), unless you tell LeadScore to trust it.")

with st.expander("Model card"):
    st.markdown(_ui.card())

# --- Automate -----------------------------------------------------------------------------
st.subheader("Do this every week without the app")
examples = journey.cli_examples(state["model_path"] or "models/your-model.joblib", bundle.schema if bundle else None)
st.markdown("Score a file of new leads into a call list (add `--split-tiers` for one file per tier):")
st.code(examples["csv"] + "\n" + examples["tiers"], language="bash")
st.markdown("Score leads one at a time from a workflow (one JSON lead per line in, one result per line out):")
st.code(examples["jsonl"], language="bash")
st.markdown("Run it on a schedule, e.g. with cron:")
st.code(examples["weekly"], language="bash")
