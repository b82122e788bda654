"""Train: fit a model on the cleaned lead history and check it on leads it never saw."""

import pandas as pd
import streamlit as st

from app_pages import _ui
from leadscore import present
from leadscore.present import MODEL_NAMES, charts
from leadscore.project import MODEL_CHOICES, TrainingSettings

_ui.intro(
    "3. Train a model",
    "The model looks at the leads with a known outcome and learns which facts go with converting. "
    "To know whether to trust it, part of the history is **held out**: the model never sees those "
    "leads while learning, and is then graded on them, just like on next week's leads. Its "
    "percentages are also *calibrated*: when it says 30%, about 30 in 100 such leads convert.",
)
_ui.require("Train")

project = _ui.project()
plan = project.data.plan

# --- Controls -----------------------------------------------------------------------------
labels = list(MODEL_CHOICES)
chosen = next((text for text, value in MODEL_CHOICES.items() if value == project.training.settings.model), labels[0])
label = st.radio("Model", labels, index=labels.index(chosen), horizontal=True, key="train_model_choice")
if plan.date_column:
    st.markdown(
        f"**How it is tested:** the newest 20% of leads (by *{plan.date_column}*) are held out. "
        "Testing on the most recent leads is the honest check: it is how the model will be used."
    )
else:
    st.markdown(
        "**How it is tested:** a random 20% of leads are held out, with the same share of "
        "conversions as the whole history. There is no date column, so the newest leads cannot "
        "be singled out."
    )

job = _ui.training_progress()
running = job is not None and job["state"] == "running"
if st.button("Train the model", type="primary", disabled=running, help="A training is running; its result appears here." if running else None):
    _ui.saved().training.start(TrainingSettings(model=MODEL_CHOICES[label], random_state=0))
    st.rerun()
if job is not None and job["state"] in ("failed", "stopped"):
    st.error(f"The last training did not finish: {job['message']}")

if not project.models.has_model:
    _ui.end_page()

# --- Results ------------------------------------------------------------------------------
bundle = project.models.bundle()
metrics = bundle.metrics
validation = metrics["validation"]
if not project.models.matches_choices():
    st.info(
        f"The model in use ({bundle.name}) was trained before your latest outcome or cleaning "
        "choices. Train again to use them."
    )

st.subheader("Is it ready?")
kind, text = present.verdict_box(metrics["readiness"])
getattr(st, kind)(text)
honest = validation.get("without_warned")
if honest:
    st.warning(f"**The honest range.** {honest['sentence']}")

a, b, c, d = st.columns(4)
if honest:
    # The honest range itself: what to expect without the warned columns, up to the figure with them.
    a.metric(
        "Ranks leads right", f"{honest['roc_auc']:.2f} to {validation['roc_auc']:.2f}",
        help="ROC AUC (0.5 = coin toss, 1.0 = perfect): the first figure without the columns LeadScore warned about, the second with them.",
    )
else:
    a.metric("Ranks leads right", f"{validation['roc_auc']:.2f}", help="ROC AUC: 0.5 = coin toss, 1.0 = perfect. The chance a converter scores above a non-converter.")
b.metric("Top 10% vs average", f"{validation['lift_top_decile']:.1f}×", help="How much more often the top-scored 10% convert than an average lead")
c.metric("Percentages off by", f"{validation['ece']:.1%}", help="Average gap between the predicted and the real conversion rate (calibration error)")
if present.holdout_ranges(validation):
    st.caption(present.holdout_ranges(validation))
d.metric("Held-out leads", f"{int(validation['holdout_rows']):,}", help={
    "time": "Tested on the newest leads, by date.",
    "stratified": "Tested on a random share with the same conversion rate as the rest.",
}.get(validation["method"], validation["method"]))
st.caption(
    f"Model: **{MODEL_NAMES.get(bundle.kind, bundle.kind)}**; "
    + (
        f"probabilities calibrated with **{bundle.calibration}** scaling. "
        if bundle.calibration != "none"
        else "its own probabilities were already well calibrated, so they are used as they are. "
    )
    + str(validation.get("explanation") or "")
)
with st.expander("How the percentages were calibrated, and which model is saved"):
    for note in ("calibration", "final_fit"):
        if bundle.notes.get(note):
            st.markdown(f"- {bundle.notes[note]}")

st.subheader("Models compared")
leaderboard = _ui.frame(metrics["leaderboard"])
leaderboard["model"] = leaderboard["model"].map(lambda kind: MODEL_NAMES.get(kind, kind))
plain = ["model", "roc_auc", "lift_top_decile", "ece", "fit_seconds", "chosen"]
st.dataframe(
    leaderboard[[c for c in plain if c in leaderboard.columns]],
    hide_index=True,
    column_config={
        "model": "Model",
        "roc_auc": st.column_config.NumberColumn("Ranks leads right (ROC AUC)", format="%.3f"),
        "lift_top_decile": st.column_config.NumberColumn("Top 10% vs average", format="%.1f×"),
        "ece": st.column_config.NumberColumn("Percentages off by", format="percent"),
        "fit_seconds": st.column_config.NumberColumn("Seconds to train", format="%.1f"),
        "chosen": st.column_config.CheckboxColumn("Kept"),
    },
)
with st.expander("Technical measures (log loss, Brier score, average precision)"):
    st.dataframe(
        leaderboard[["model", "log_loss", "brier", "average_precision"]],
        hide_index=True,
        column_config={
            "model": "Model",
            "log_loss": st.column_config.NumberColumn("Log loss (lower is better)", format="%.3f"),
            "brier": st.column_config.NumberColumn("Brier score (lower is better)", format="%.3f"),
            "average_precision": st.column_config.NumberColumn("Average precision", format="%.3f"),
        },
    )
    st.caption(
        "The model kept is the one whose percentages fit best on validation leads (lowest log "
        "loss); a simpler model that ties is kept."
    )
st.caption(
    "These figures come from **choosing** the model: each was tried on validation leads taken from "
    "the training part, never on the held-out leads. The headline figures above grade the kept "
    f"model once on the {int(validation['holdout_rows']):,} held-out leads: those are the ones to trust."
)

left, right = st.columns(2)
with left:
    st.subheader("Can you trust the percentages?")
    _ui.chart(charts.reliability(pd.DataFrame(metrics["reliability"])))
    _ui.look_at("points close to the dashed diagonal: a predicted 30% really converts about 30% of the time.")
with right:
    st.subheader("More history, better model?")
    _ui.chart(charts.learning_curve(pd.DataFrame(metrics["learning_curve"])))
    st.markdown(metrics["learning_curve_answer"])
    _ui.look_at("if the line is still climbing at the right, more past leads would make the model better.")

# --- Versions -----------------------------------------------------------------------------
st.subheader("Model versions")
versions = project.models.list()
st.dataframe(
    present.version_rows(versions, project.models.current),
    hide_index=True,
    column_config={"Ranks leads right": st.column_config.NumberColumn(format="%.3f")},
)
if len(versions) > 1:
    names = {v.name: v.id for v in versions}
    with st.expander("Compare two versions on the same held-out leads"):
        left, right = st.columns(2)
        first = left.selectbox("Version", list(names), index=1, key="train_compare_first")
        second = right.selectbox("Against", list(names), index=0, key="train_compare_second")
        if names[first] != names[second]:
            compared = project.models.compare(names[first], names[second])
            st.dataframe(compared, column_config={c: st.column_config.NumberColumn(format="%.3f") for c in compared.columns})
            st.caption(
                f"On the {compared.attrs['leads']:,} held-out leads both versions were tested on, each with its own "
                "held-out predictions (made without those leads). Higher is better for the first two rows, lower for the others."
            )
    picked = st.selectbox("Use another version (its saved tiers come with it)", list(names), key="train_version_pick")
    if st.button("Use this version", disabled=names[picked] == project.models.current):
        project.models.make_current(names[picked])
        st.rerun()
st.download_button(
    "Download the model file (for the leadscore command)",
    present.model_file_bytes(project.models.with_policy()),
    f"leadscore-v{project.models.current}.leadscore",
    "application/octet-stream",
    on_click="ignore",
    key="train_download_model",
)
if project.id:
    st.caption(f"Every version is kept in this project on this computer: `{project.db.model_path(project.models.current)}`.")
_ui.next_step("Insights", "Next: what drives conversion →")
