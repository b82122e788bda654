"""Insights: what drives conversion in this business, why one lead got its score, and what if."""

import streamlit as st

from app_pages import _ui
from leadscore import present
from leadscore.present import charts

_ui.intro(
    "4. What drives conversion",
    "A score is only useful if you can see why. Here the model shows which of **your columns** "
    "move the chance of converting, and in which direction, and the plain conversion rates by "
    "segment that back it up. Use it to check the model makes business sense, and to learn "
    "about your own customers.",
)
_ui.require("Insights")

project = _ui.project()
with st.spinner("Working out what drives the scores..."):
    insights = project.models.insights()
    importance = insights.importance()
_ui.mark_visited("Insights")

# --- Results: importance ------------------------------------------------------------------
st.subheader("Which columns matter most")
_ui.chart(charts.importance_bars(importance, column="label", value="share", value_title="Share of what moves the score"))
_ui.chart(charts.beeswarm(insights.beeswarm()))
_ui.look_at(
    "in the second chart each dot is one lead: dots to the right raise its chance, to the left lower "
    "it; red dots are high values of the column, blue low. A column you know matters should be "
    "near the top; a column that should not matter at all deserves a second look."
)

# --- Controls + results: one column ------------------------------------------------------
st.subheader("One column up close")
names = dict(zip(importance["label"], importance["column"]))
picked = st.selectbox("Column", list(names), key="insights_column")
column = names[picked]
left, right = st.columns(2)
with left:
    _ui.chart(charts.dependence(insights.dependence(column), column_name=picked))
with right:
    rates = insights.segments(column)
    overall = float(rates["overall_rate"].iloc[0]) if len(rates) else None
    _ui.chart(charts.segment_rates(rates, overall=overall))
story = insights.story()
if story:
    st.markdown(
        "**What stands out in your history** (across the most important columns, not only the one picked):\n"
        + "\n".join(f"- {present.plain(sentence)}" for sentence in story)
    )
_ui.look_at("the conversion rates are plain counts from your history; the dashed line is the rate over all leads.")

with st.expander("Rename a column (every page, reason and download uses the new name)"):
    original = st.selectbox("Column", [c for c in project.data.leads.columns], key="insights_rename_column")
    text = st.text_input("Reads as", value=present.label(original, project.data.labels), key=f"insights_rename_text:{original}")
    if st.button("Rename", key="insights_rename"):
        _ui.saved().data.set_label(original, text)
        st.rerun()

# --- Controls + results: one lead --------------------------------------------------------
st.subheader("Why did this lead get its score?")
choices = insights.lead_choices()
if choices:
    picked_lead = st.selectbox("Pick a lead (from the leads held out for testing, most likely first)", list(choices), key="insights_lead")
    index = choices[picked_lead]
    steps = insights.explain_training_lead(index)
    _ui.chart(charts.waterfall(steps))
    st.dataframe(steps.loc[steps["kind"] == "factor", ["reason"]], hide_index=True, column_config={"reason": "Factor and its effect"})
    _ui.look_at("the bars start at the average lead's chance and add or remove points until they reach this lead's chance.")

    st.subheader("What if this lead's answers were different?")
    st.markdown("Change one or two of the lead's answers and see its new chance, tier and reasons at once.")
    _ui.what_if_panel(insights, insights.X.loc[[index]], key="insights_whatif")

fairness = project.training_report().get("fairness", [])
if fairness:
    st.subheader("Does the score treat groups of people differently?")
    st.markdown(present.SENSITIVE_ADVICE + " Per group, the held-out leads: how many the model puts in Hot, and how many really converted.")
    for entry in fairness:
        st.markdown(f"**{entry['column']}** ({entry['why']})")
        st.dataframe(present.fairness_display(entry), hide_index=True)

_ui.next_step("Tiers", "Next: set the tiers →")
