"""Tiers: turn probabilities into Hot / Warm / Cool / Cold, and an action for each."""

import streamlit as st

from leadscore import charts, journey, tiers
from leadscore.errors import LeadScoreInputError
from pages import _ui

state = st.session_state

_ui.intro(
    "5. Set the tiers",
    "A probability is precise, but a team needs a simple rule: **whom do we call first?** Tiers "
    "group leads by their chance of converting. Move the thresholds and watch, on leads the model "
    "never saw during training, how many leads land in each tier and how many of the conversions "
    "they hold. Nothing is retrained or re-scored when you move a slider.",
)
_ui.require("Tiers")

prob, converted = _ui.tier_basis()
journey.mark_visited(state, "Tiers")
if converted is not None:
    st.markdown(
        f"The table and charts below use the **{len(prob):,} held-out leads** of your training run: "
        "the model never learned from them, and their real outcomes are known."
    )

# --- Controls: thresholds -----------------------------------------------------------------
policy = state["tier_policy"]
for name in ("hot", "warm", "cool"):
    # Widget keys vanish when the user leaves the page; re-seed them from the saved policy.
    if f"tier_{name}" not in state:
        state[f"tier_{name}"] = journey.slider_percents(policy)[("hot", "warm", "cool").index(name)]

left, middle, right = st.columns(3)
left.slider("Hot from (%)", 1, 99, key="tier_hot", help="Leads at or above this chance are Hot.")
middle.slider("Warm from (%)", 1, 99, key="tier_warm")
right.slider("Cool from (%)", 1, 99, key="tier_cool")
chosen = (state["tier_hot"], state["tier_warm"], state["tier_cool"])
# Only a moved slider replaces the policy: capacity-based thresholds are finer than whole percents.
if chosen != journey.slider_percents(policy):
    try:
        policy = tiers.TierPolicy(hot=chosen[0] / 100, warm=chosen[1] / 100, cool=chosen[2] / 100, actions=policy.actions)
    except LeadScoreInputError as problem:
        st.error(problem.message + " The table below still uses the last valid thresholds.")
state["tier_policy"] = policy

with st.expander("Set Hot by how many leads your team can contact"):
    capacity = st.number_input(
        f"Leads your team can contact (out of these {len(prob):,})", min_value=1, max_value=max(len(prob), 1),
        value=min(50, max(len(prob), 1)), step=10, key="tier_capacity",
    )
    st.button("Make that many leads Hot", on_click=_ui.apply_capacity, args=(prob, int(capacity)))

if state.get("capacity_problem"):
    st.error(state.pop("capacity_problem"))

advice = tiers.tier_advice(prob, policy)
if advice:
    st.warning(advice)

# --- Results: the tier table and gains chart ---------------------------------------------
st.subheader("Leads per tier")
table = tiers.tier_table(prob, policy, converted)
st.dataframe(
    table[["tier", "range", "leads", "share_of_leads", "expected_conversions", "conversion_rate", "share_of_conversions"]],
    hide_index=True,
    column_config={
        "tier": "Tier",
        "range": "Chance",
        "leads": st.column_config.NumberColumn("Leads", format="localized"),
        "share_of_leads": st.column_config.NumberColumn("Share of leads", format="percent"),
        "expected_conversions": st.column_config.NumberColumn("Expected conversions", format="%.1f"),
        "conversion_rate": st.column_config.NumberColumn("Really converted (held-out)", format="percent"),
        "share_of_conversions": st.column_config.NumberColumn("Share of all conversions caught", format="percent"),
    },
    key="tier_table",
)
_ui.look_at(
    "Hot should convert far more often than Cold, and the first tiers should hold most of the "
    "conversions. 'Really converted' is measured on held-out leads, so it is what to expect next."
)

left, right = st.columns([3, 2])
with left:
    _ui.chart(charts.gains(tiers.gains_curve(prob, converted), tiers.threshold_marks(prob, policy, converted)))
with right:
    _ui.chart(charts.tier_bars(table))
_ui.look_at("the higher the curve above the dashed diagonal, the more conversions you reach by calling the top-scored leads first.")

# --- Controls: actions --------------------------------------------------------------------
st.subheader("What to do with each tier")
actions = st.data_editor(
    journey.action_table(policy),
    key="tier_actions",
    hide_index=True,
    disabled=["tier"],
    column_config={"tier": "Tier", "action": st.column_config.TextColumn("Next action", width="large")},
)
edited_actions = journey.actions_from_table(actions)
if edited_actions != dict(policy.actions):
    state["tier_policy"] = tiers.TierPolicy(policy.hot, policy.warm, policy.cool, actions=edited_actions)
st.caption("These actions go into the `next_action` column of every scored lead, and are saved with the model.")

_ui.next_step("Score", "Next: score leads →")
