"""Tiers: turn probabilities into Hot / Warm / Cool / Cold, and an action for each."""

import streamlit as st

from app_pages import _ui
from leadscore import present
from leadscore.errors import LeadScoreInputError
from leadscore.present import charts
from leadscore.project import DEFAULT_SHARES, TierPolicy, capacity_policy, policy_from_options

_ui.intro(
    "5. Set the tiers",
    "A probability is precise, but a team needs a simple rule: **whom do we call first?** Tiers "
    "group leads by their chance of converting, or by share (the top 5% Hot, the next 15% "
    "Warm, ...). Move the thresholds and watch, on leads the model never saw during training, "
    "how many leads land in each tier and how many of the conversions they hold. Nothing is "
    "retrained or re-scored when you move a slider.",
)
_ui.require("Tiers")

project = _ui.project()
models = project.models
prob, converted = models.holdout()
_ui.mark_visited("Tiers")
st.markdown(
    f"The table and charts below use the **{len(prob):,} held-out leads** of the model in use "
    f"(v{models.current}): the model never learned from them, and their real outcomes are known."
)
policy = models.policy
# Widgets are named after the version and an epoch that moves on whenever LeadScore sets the
# tiers itself (capacity planner, "put back"), so the sliders then start from the new tiers.
suffix = f"{models.current}:{st.session_state.setdefault('tier_epoch', 0)}"

# --- Controls: thresholds or shares -------------------------------------------------------
modes = ["By chance of converting", "By share of leads"]
mode = st.radio("Set the tiers", modes, index=int(policy.by == "share"), horizontal=True, key=f"tier_mode:{suffix}")
if mode == modes[0]:
    base = policy if policy.by == "probability" else TierPolicy(actions=policy.actions)
    left, middle, right = st.columns(3)
    hot = left.slider("Hot from (%)", 1, 99, int(round(base.hot * 100)), key=f"tier_hot:{suffix}", help="Leads at or above this chance are Hot.")
    warm = middle.slider("Warm from (%)", 1, 99, int(round(base.warm * 100)), key=f"tier_warm:{suffix}")
    cool = right.slider("Cool from (%)", 1, 99, int(round(base.cool * 100)), key=f"tier_cool:{suffix}")
    moved = (hot, warm, cool) != tuple(int(round(v * 100)) for v in (base.hot, base.warm, base.cool))
    # Only a moved slider replaces the thresholds: the capacity planner's are finer than whole percents.
    candidate = policy_from_options(base, hot=hot / 100, warm=warm / 100, cool=cool / 100) if moved else base
    with st.expander("Set Hot by how many leads your team can contact"):
        capacity = st.number_input(
            f"Leads your team can contact (out of these {len(prob):,})", min_value=1, max_value=max(len(prob), 1),
            value=min(50, max(len(prob), 1)), step=10, key="tier_capacity",
        )
        if st.button("Make that many leads Hot"):
            models.set_policy(capacity_policy(prob, int(capacity), base))
            st.session_state["tier_epoch"] += 1
            st.rerun()
else:
    shares = policy.shares or DEFAULT_SHARES
    left, middle, right = st.columns(3)
    hot = left.slider("Hot: the top (% of leads)", 1, 50, int(round(shares[0] * 100)), key=f"tier_hot_share:{suffix}")
    warm = middle.slider("Warm: the next (%)", 1, 60, int(round(shares[1] * 100)), key=f"tier_warm_share:{suffix}")
    cool = right.slider("Cool: the next (%)", 1, 80, int(round(shares[2] * 100)), key=f"tier_cool_share:{suffix}")
    candidate = policy_from_options(policy, hot_share=hot / 100, warm_share=warm / 100, cool_share=cool / 100)
try:
    # Building the policy checks the order (Hot above Warm above Cool) and the shares' sum.
    models.set_policy(candidate)
except LeadScoreInputError as problem:
    st.error(problem.message + " The table below still uses the last valid tiers.")
policy = models.policy

advice = present.tier_advice(prob, policy)
if advice:
    st.warning(advice)

# --- Results: the tier table and gains chart ---------------------------------------------
st.subheader("Leads per tier")
st.caption(policy.describe())
table = present.tier_table(prob, policy, converted)
st.dataframe(
    present.tier_table_text(table[["tier", "range", "leads", "share_of_leads", "expected_conversions", "conversion_rate", "share_of_conversions"]]),
    hide_index=True,
    column_config={
        "tier": "Tier",
        "range": "Chance",
        "leads": st.column_config.NumberColumn("Leads", format="localized"),
        "share_of_leads": "Share of leads",
        "expected_conversions": "Expected conversions",
        "conversion_rate": "Really converted (held-out)",
        "share_of_conversions": "Share of all conversions caught",
    },
    key="tier_table",
)
if present.tier_rate_ranges(table):
    st.caption(present.tier_rate_ranges(table))
_ui.look_at(
    "Hot should convert far more often than Cold, and the first tiers should hold most of the "
    "conversions. 'Really converted' is measured on held-out leads, so it is what to expect next."
)

left, right = st.columns([3, 2])
with left:
    _ui.chart(charts.gains(present.gains_curve(prob, converted), present.threshold_marks(prob, policy, converted)))
with right:
    _ui.chart(charts.tier_bars(table))
_ui.look_at("the higher the curve above the dashed diagonal, the more conversions you reach by calling the top-scored leads first.")

# --- Controls: actions --------------------------------------------------------------------
st.subheader("What to do with each tier")
actions = st.data_editor(
    present.action_table(policy),
    key=f"tier_actions:{suffix}",
    hide_index=True,
    disabled=["tier"],
    column_config={"tier": "Tier", "action": st.column_config.TextColumn("Next action", width="large")},
)
edited = present.actions_from_table(actions)
if edited != dict(policy.actions):
    models.set_policy(present.replace_actions(policy, edited))
    policy = models.policy
st.caption("These actions go into the `next_action` column of every scored lead.")

# --- Save to the model version ------------------------------------------------------------
if not models.policy_saved():
    saved_policy = models.bundle().policy
    st.info(
        f"These tiers differ from the ones saved with model v{models.current} "
        f"({saved_policy.describe().rstrip('.')}). Scoring here uses the tiers above; save them to the version "
        "so its model file (and the command line) uses them too."
    )
    left, right = st.columns(2)
    if left.button(f"Save these tiers to v{models.current}", type="primary"):
        _ui.saved().models.save_policy()
        st.rerun()
    if right.button(f"Put back v{models.current}'s tiers"):
        models.set_policy(saved_policy)
        st.session_state["tier_epoch"] += 1
        st.rerun()
else:
    st.success(f"These tiers are saved with model v{models.current}.")

_ui.next_step("Score", "Next: score leads →")
