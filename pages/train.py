"""Train: fit a model on the cleaned lead history and check it on leads it never saw."""

import streamlit as st

from leadscore import charts, journey
from leadscore.bundle import bundle_from_training
from leadscore.train import TrainingSettings, train_lead_model
from pages import _ui

state = st.session_state

_ui.intro(
    "3. Train a model",
    "The model looks at the leads with a known outcome and learns which facts go with converting. "
    "To know whether to trust it, part of the history is **held out**: the model never sees those "
    "leads while learning, and is then graded on them, just like on next week's leads. Its "
    "percentages are also *calibrated*: when it says 30%, about 30 in 100 such leads convert.",
)
_ui.require("Train")

plan, rows = state["plan"], state["training_rows"]

# --- Controls -----------------------------------------------------------------------------
label = st.radio("Model", list(journey.MODEL_CHOICES), horizontal=True, key="train_model_choice")
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

if st.button("Train the model", type="primary"):
    bar = st.progress(0.0, text="Starting...")
    settings = TrainingSettings(model=journey.MODEL_CHOICES[label], random_state=0)
    with st.status("Training...", expanded=False) as status:
        result = journey.run_counted(
            state,
            "train_runs",
            lambda: train_lead_model(rows, plan, settings, progress=lambda step, done: bar.progress(min(max(float(done), 0.0), 1.0), text=step)),
        )
        status.update(label="Trained and tested.", state="complete")
    bar.progress(1.0, text="Done.")
    journey.forget_after(state, "Clean")
    state["training"] = result
    state["bundle"] = bundle_from_training(result, plan, state["tier_policy"], rows)
    state["bundle_source"] = "trained"

result = state["training"]
if result is None:
    if state["bundle"] is not None:
        st.info("A saved model is in use (picked on the Score page). Train here to see its full report.")
    _ui.end_page()

# --- Results ------------------------------------------------------------------------------
st.subheader("Is it ready?")
readiness = result.readiness
verdict_box = {"ready": st.success, "usable with caution": st.warning}.get(readiness["verdict"], st.error)
verdict_box(f"**{readiness['verdict'].capitalize()}.** {readiness['message']}")

validation = result.validation
a, b, c, d = st.columns(4)
a.metric("Ranks leads right (ROC AUC)", f"{validation['roc_auc']:.2f}", help="0.5 = coin toss, 1.0 = perfect")
b.metric("Top 10% vs average", f"{validation['lift_top_decile']:.1f}×", help="How much more often the top 10% convert than an average lead")
c.metric("Calibration error", f"{validation['ece']:.1%}", help="Average gap between predicted and real conversion rates")
d.metric("Held-out leads", f"{int(validation['holdout_rows']):,}", help={
    "time": "Tested on the newest leads, by date (method: time).",
    "stratified": "Tested on a random share with the same conversion rate as the rest (method: stratified).",
}.get(validation["method"], f"Tested by: {validation['method']}"))
st.caption(
    f"Model: **{journey.MODEL_NAMES.get(result.kind, result.kind)}**; "
    + (
        f"probabilities calibrated with **{result.calibration}** scaling. "
        if result.calibration != "none"
        else "its own probabilities were already well calibrated, so they are used as they are. "
    )
    + str(validation.get("explanation") or "")
)
with st.expander("How the percentages were calibrated, and which model is saved"):
    for note in ("calibration", "final_fit"):
        if result.notes.get(note):
            st.markdown(f"- {result.notes[note]}")

st.subheader("Leaderboard")
st.dataframe(
    _ui.frame(result.leaderboard),
    hide_index=True,
    column_config={
        "model": "Model",
        "roc_auc": st.column_config.NumberColumn("ROC AUC (higher is better)", format="%.3f"),
        "average_precision": st.column_config.NumberColumn("Average precision", format="%.3f"),
        "log_loss": st.column_config.NumberColumn("Log loss (lower is better)", format="%.3f"),
        "brier": st.column_config.NumberColumn("Brier score (lower is better)", format="%.3f"),
        "fit_seconds": st.column_config.NumberColumn("Seconds to train", format="%.1f"),
        "chosen": st.column_config.CheckboxColumn("Kept"),
    },
)
holdout_rows = int(validation["holdout_rows"])
st.caption(
    "The leaderboard's figures come from **choosing** the model: each model was tried on validation "
    "leads taken from the training part, never on the held-out leads. So its ROC AUC can differ a "
    f"little from the headline figure above, which grades the kept model once on the {holdout_rows:,} "
    "held-out leads: the headline is the one to trust. "
    # notes["validation"] is the holdout sentence (already shown above) plus how models were compared.
    + result.notes.get("validation", "").removeprefix(str(validation.get("explanation") or "")).strip()
)
_ui.look_at("the kept model has the lowest log loss (its percentages fit best); a simpler model that ties is kept.")

left, right = st.columns(2)
with left:
    st.subheader("Can you trust the percentages?")
    _ui.chart(charts.reliability(result.reliability))
    _ui.look_at("points close to the dashed diagonal: a predicted 30% really converts about 30% of the time.")
with right:
    st.subheader("More history, better model?")
    _ui.chart(charts.learning_curve(result.learning_curve))
    st.markdown(result.learning_curve_answer)
    _ui.look_at("if the line is still climbing at the right, more past leads would make the model better.")

# --- Save ---------------------------------------------------------------------------------
st.subheader("Keep this model")
name = st.text_input("Name", value=f"{result.kind} model", key="train_model_name")
if st.button("Save to my models folder"):
    state["model_path"] = str(journey.save_model(state["bundle"], name))
if state["model_path"]:
    st.success(f"Saved as `{state['model_path']}`. Next week, pick it on the Score page to score new leads without retraining.")
_ui.next_step("Insights", "Next: what drives conversion →")
