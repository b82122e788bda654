"""Insights: what drives conversion in this business, and why one lead got its score."""

import streamlit as st

from leadscore import charts, journey
from pages import _ui

state = st.session_state

_ui.intro(
    "4. What drives conversion",
    "A score is only useful if you can see why. Here the model shows which of **your columns** "
    "move the chance of converting, and in which direction, and the plain conversion rates by "
    "segment that back it up. Use it to check the model makes business sense, and to learn "
    "about your own customers.",
)
_ui.require("Insights")

training, rows = state["training"], state["training_rows"]
insights = _ui.model_insights()
journey.mark_visited(state, "Insights")

# --- Results: importance ------------------------------------------------------------------
st.subheader("Which columns matter most")
_ui.chart(charts.importance_bars(insights["importance"], value="share", value_title="Share of what moves the score"))
_ui.chart(charts.beeswarm(insights["beeswarm"]))
_ui.look_at(
    "in the second chart each dot is one lead: dots to the right raise its chance, to the left lower "
    "it; red dots are high values of the column, blue low. A column you know matters should be "
    "near the top; a column that should not matter at all deserves a second look."
)

# --- Controls + results: one column ------------------------------------------------------
st.subheader("One column up close")
columns = list(insights["importance"]["column"])
column = st.selectbox("Column", columns, key="insights_column")
left, right = st.columns(2)
with left:
    _ui.chart(charts.dependence(_ui.dependence(column), column_name=column))
with right:
    rates = _ui.segments(column)
    overall = float(rates["overall_rate"].iloc[0]) if len(rates) else None
    _ui.chart(charts.segment_rates(rates, overall=overall))
story = _ui.segment_story()
if story:
    st.markdown(
        "**What stands out in your history** (across the most important columns, not only the one picked):\n"
        + "\n".join(f"- {sentence}" for sentence in story)
    )
_ui.look_at("the conversion rates are plain counts from your history; the dashed line is the rate over all leads.")

# --- Controls + results: one lead --------------------------------------------------------
st.subheader("Why did this lead get its score?")
choices = _ui.lead_choices()
picked = st.selectbox("Pick a lead (from the leads held out for testing, most likely first)", list(choices), key="insights_lead")
steps = _ui.lead_explanation(choices[picked])
_ui.chart(charts.waterfall(steps))
st.dataframe(steps.loc[steps["kind"] == "factor", ["reason"]], hide_index=True, column_config={"reason": "Factor and its effect"})
_ui.look_at("the bars start at the average lead's chance and add or remove points until they reach this lead's chance.")

_ui.next_step("Tiers", "Next: set the tiers →")
