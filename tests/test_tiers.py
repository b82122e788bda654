"""Tier thresholds, per-tier statistics, gains and capacity-based thresholds, checked by hand."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from leadscore.errors import LeadScoreInputError
from leadscore.model.tiers import (
    DEFAULT_ACTIONS,
    TierPolicy,
    TierStats,
    assign_tiers,
    capacity_policy,
    format_percent,
    gains_curve,
    threshold_marks,
    tier_advice,
    tier_table,
)

# Ten leads: 2 Hot, 3 Warm, 2 Cool, 3 Cold under the default 70/40/15 thresholds.
PROB = np.array([0.95, 0.70, 0.69, 0.50, 0.40, 0.39, 0.15, 0.149, 0.05, 0.0])
CONVERTED = np.array([1, 1, 0, 1, 0, 0, 1, 0, 0, 0])


def test_default_policy_has_the_issue_thresholds_and_actions():
    policy = TierPolicy()
    assert (policy.hot, policy.warm, policy.cool) == (0.70, 0.40, 0.15)
    assert policy.actions["Hot"] == "Sales outreach within the hour, best rep first"
    assert policy.actions["Cold"] == "Automated emails only"
    assert policy.ranges() == {
        "Hot": "70% and above",
        "Warm": "40% to 70%",
        "Cool": "15% to 40%",
        "Cold": "under 15%",
    }


def test_boundaries_belong_to_the_higher_tier():
    tiers = assign_tiers(PROB, TierPolicy())
    assert tiers.tolist() == ["Hot", "Hot", "Warm", "Warm", "Warm", "Cool", "Cool", "Cold", "Cold", "Cold"]


def test_tier_table_against_hand_computed_values():
    table = tier_table(PROB, TierPolicy(), converted=CONVERTED).set_index("tier")
    assert table["leads"].tolist() == [2, 3, 2, 3]
    assert table["share_of_leads"].tolist() == pytest.approx([0.2, 0.3, 0.2, 0.3])
    # Expected conversions are sums of probabilities.
    assert table["expected_conversions"].tolist() == pytest.approx([1.65, 1.59, 0.54, 0.199])
    assert table["converted"].tolist() == [2, 1, 1, 0]
    assert table["conversion_rate"].tolist() == pytest.approx([1.0, 1 / 3, 0.5, 0.0])
    # 4 conversions in all: Hot captures 2 of them.
    assert table["share_of_conversions"].tolist() == pytest.approx([0.5, 0.25, 0.25, 0.0])
    assert table.loc["Warm", "action"] == DEFAULT_ACTIONS["Warm"]
    assert table.loc["Cool", "range"] == "15% to 40%"


def test_tier_table_without_outcomes_uses_expected_conversions():
    table = tier_table(PROB, TierPolicy()).set_index("tier")
    assert table["conversion_rate"].isna().all()
    assert table["share_of_conversions"].tolist() == pytest.approx(np.array([1.65, 1.59, 0.54, 0.199]) / 3.979)


def test_open_leads_are_left_out_of_actual_rates():
    converted = CONVERTED.astype(float)
    converted[0] = np.nan  # the 95% lead is still open
    table = tier_table(PROB, TierPolicy(), converted=converted).set_index("tier")
    assert table.loc["Hot", "leads"] == 2
    assert table.loc["Hot", "conversion_rate"] == pytest.approx(1.0)  # 1 known, converted
    assert table.loc["Hot", "share_of_conversions"] == pytest.approx(1 / 3)


def test_changing_thresholds_reuses_the_precomputed_stats():
    stats = TierStats.from_scores(PROB, CONVERTED)
    table = tier_table(stats, TierPolicy(hot=0.5, warm=0.3, cool=0.1)).set_index("tier")
    assert table["leads"].tolist() == [4, 2, 2, 2]
    assert table["converted"].tolist() == [3, 0, 1, 0]
    assert table.loc["Hot", "range"] == "50% and above"


def test_empty_tier_has_zero_leads_and_no_rate():
    table = tier_table([0.2, 0.3], TierPolicy(), converted=[0, 1]).set_index("tier")
    assert table.loc["Hot", "leads"] == 0
    assert np.isnan(table.loc["Hot", "conversion_rate"])
    assert table.loc["Cool", "conversion_rate"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"hot": 0.4, "warm": 0.5, "cool": 0.1}, "go down from Hot to Cool"),
        ({"hot": 0.7, "warm": 0.4, "cool": 0.4}, "go down from Hot to Cool"),
        ({"hot": 1.0}, "between 0% and 100%"),
        ({"cool": 0.0}, "between 0% and 100%"),
        ({"hot": 70}, "between 0% and 100%"),
        ({"warm": "high"}, "not a number"),
        ({"actions": {"Lukewarm": "call"}}, "Unknown tier name"),
    ],
)
def test_invalid_policies_say_what_to_fix(kwargs, words):
    with pytest.raises(LeadScoreInputError, match=words):
        TierPolicy(**kwargs)


def test_edited_actions_keep_defaults_for_the_others_and_round_trip():
    policy = TierPolicy(hot=0.6, actions={"Hot": "Call now"})
    assert policy.actions["Hot"] == "Call now"
    assert policy.actions["Warm"] == DEFAULT_ACTIONS["Warm"]
    assert TierPolicy.from_dict(policy.to_dict()) == policy
    assert hash(policy) == hash(TierPolicy.from_dict(policy.to_dict()))


def test_gains_curve_by_hand():
    gains = gains_curve(PROB, CONVERTED, points=11)
    assert gains["leads_contacted"].tolist() == list(range(11))
    # Contacting the top 2 (both converted) reaches 2 of 4 conversions; top 7 reaches all 4.
    assert gains.loc[2, "share_of_conversions"] == pytest.approx(0.5)
    assert gains.loc[4, "share_of_conversions"] == pytest.approx(0.75)
    assert gains.loc[7, "share_of_conversions"] == pytest.approx(1.0)
    assert gains.loc[0, "share_of_conversions"] == 0.0
    assert gains.loc[2, "min_probability"] == pytest.approx(0.70)
    assert gains["share_of_leads"].iloc[-1] == 1.0


def test_threshold_marks_sit_on_the_gains_curve():
    marks = threshold_marks(PROB, TierPolicy(), converted=CONVERTED).set_index("tier")
    assert marks["leads"].tolist() == [2, 5, 7]
    assert marks["share_of_leads"].tolist() == pytest.approx([0.2, 0.5, 0.7])
    assert marks["share_of_conversions"].tolist() == pytest.approx([0.5, 0.75, 1.0])
    assert marks.loc["Warm", "label"] == "Warm: 40%"


def test_advice_when_no_lead_is_hot():
    low = np.linspace(0.01, 0.3, 200)
    advice = tier_advice(low, TierPolicy())
    assert "No lead reaches the Hot threshold of 70%" in advice
    assert "the most likely lead is at 30%" in advice
    assert "Set the tiers by share instead (for example the top 5% Hot" in advice
    assert "Or lower the Hot threshold below 30%." in advice
    assert tier_advice(PROB, TierPolicy()) is None


def test_advice_when_most_leads_are_hot():
    advice = tier_advice(np.full(40, 0.9), TierPolicy())
    assert advice.startswith("100% of your leads are Hot")


def test_capacity_policy_makes_exactly_that_many_hot():
    rng = np.random.default_rng(0)
    prob = rng.beta(1, 12, size=1000)  # a low base rate: nobody reaches 70%
    policy = capacity_policy(prob, 40, TierPolicy(actions={"Hot": "Call now"}))
    assert (assign_tiers(prob, policy) == "Hot").sum() == 40
    assert policy.hot > policy.warm > policy.cool
    assert policy.actions["Hot"] == "Call now"
    # Warm and Cool were above the new Hot threshold, so they were scaled down in proportion.
    assert policy.warm / policy.hot == pytest.approx(0.40 / 0.70)


def test_capacity_policy_keeps_warm_and_cool_when_they_still_fit():
    policy = capacity_policy(PROB, 1)
    assert policy.hot == pytest.approx((0.95 + 0.70) / 2)
    assert (policy.warm, policy.cool) == (0.40, 0.15)


def test_capacity_larger_than_the_list_makes_everyone_hot():
    policy = capacity_policy(PROB[:5], 50)
    assert (assign_tiers(PROB[:5], policy) == "Hot").all()


@pytest.mark.parametrize("capacity", [0, -3, 2.5, True])
def test_capacity_must_be_a_positive_whole_number(capacity):
    with pytest.raises(LeadScoreInputError, match="whole number of at least 1"):
        capacity_policy(PROB, capacity)


def test_probabilities_outside_zero_one_are_refused():
    with pytest.raises(LeadScoreInputError, match="between 0 and 1"):
        tier_table([0.5, 1.5])


def test_outcomes_must_match_the_leads():
    with pytest.raises(LeadScoreInputError, match="10 probabilities but 3 outcomes"):
        tier_table(PROB, converted=[1, 0, 1])


def test_format_percent_reads_naturally():
    assert [format_percent(v) for v in (0.7, 0.125, 0.0004, 0.05)] == ["70%", "12.5%", "0.04%", "5%"]


def test_tier_table_is_a_plain_dataframe_in_tier_order():
    table = tier_table(pd.Series(PROB), TierPolicy(), converted=pd.Series(CONVERTED))
    assert table["tier"].tolist() == ["Hot", "Warm", "Cool", "Cold"]
    assert table["leads"].sum() == len(PROB)


# -- tiers by share of scored leads ---------------------------------------------------------


def _thousand() -> np.ndarray:
    """1,000 leads with distinct probabilities 0.0005, 0.0015, ... 0.9995, shuffled."""
    return np.random.default_rng(0).permutation((np.arange(1000) + 0.5) / 1000)


def test_share_policy_makes_the_top_shares_hot_warm_and_cool():
    prob = _thousand()
    tiers = assign_tiers(prob, TierPolicy.by_share(0.05, 0.15, 0.30))
    # Counted: the 50 highest (0.9505 and up) Hot, the next 150 Warm, the next 300 Cool, 500 Cold.
    assert pd.Series(tiers).value_counts().to_dict() == {"Cold": 500, "Cool": 300, "Warm": 150, "Hot": 50}
    assert (prob[tiers == "Hot"] > 0.95).all() and (prob[tiers != "Hot"] < 0.95).all()
    assert (prob[tiers == "Cold"] < 0.5).all() and (prob[tiers == "Cool"] > 0.5).all()


def test_share_policy_resolves_to_thresholds_on_these_scores():
    policy = TierPolicy.by_share(0.05, 0.15, 0.30)
    resolved = policy.resolved(_thousand())
    assert resolved.by == "probability"
    # The 50th, 200th and 500th most likely leads.
    assert (resolved.hot, resolved.warm, resolved.cool) == pytest.approx((0.9505, 0.8005, 0.5005))
    assert TierPolicy(hot=0.6, warm=0.3, cool=0.1).resolved(_thousand()) == TierPolicy(hot=0.6, warm=0.3, cool=0.1)


def test_share_tier_table_counts_and_rates_by_hand():
    # Ten leads, top 20% Hot, next 30% Warm, next 20% Cool, last 30% Cold.
    table = tier_table(PROB, TierPolicy.by_share(0.2, 0.3, 0.2), converted=CONVERTED).set_index("tier")
    assert table["leads"].tolist() == [2, 3, 2, 3]
    assert table["converted"].tolist() == [2, 1, 1, 0]


def test_share_policy_describes_itself():
    assert TierPolicy.by_share(0.05, 0.15, 0.30).describe() == (
        "Tiers by share of scored leads: Hot is the top 5%, Warm the next 15%, Cool the next 30%, Cold the rest."
    )
    assert TierPolicy(hot=0.6, warm=0.3, cool=0.125).describe() == (
        "Tiers by chance of converting: Hot from 60%, Warm from 30%, Cool from 12.5%, Cold below."
    )


@pytest.mark.parametrize(
    "shares, words",
    [
        ((0.5, 0.3, 0.2), "together take 100% of the leads; they must leave some for Cold"),
        ((0.6, 0.3, 0.2), "together take 110% of the leads"),
        ((0.0, 0.1, 0.1), "between 0% and 100% of the scored leads"),
        ((5, 15, 30), "between 0% and 100% of the scored leads"),
        (("lots", 0.1, 0.1), "are not numbers"),
    ],
)
def test_impossible_shares_say_what_to_fix(shares, words):
    with pytest.raises(LeadScoreInputError, match=words):
        TierPolicy.by_share(*shares)


def test_share_policy_round_trips_and_keeps_its_actions():
    policy = TierPolicy.by_share(0.05, 0.15, 0.30, actions={"Hot": "Call today"})
    again = TierPolicy.from_dict(json.loads(json.dumps(policy.to_dict())))
    assert again == policy and again.by == "share" and again.shares == (0.05, 0.15, 0.30)
    assert again.actions["Hot"] == "Call today" and again.actions["Cold"] == DEFAULT_ACTIONS["Cold"]
    assert TierPolicy.from_dict(TierPolicy(hot=0.5, warm=0.2, cool=0.1).to_dict()).by == "probability"


def test_rare_conversions_get_advice_to_use_shares():
    # 1,000 leads from 0% to 2%, 1% on average: thresholds by probability leave everyone Cold.
    prob = np.linspace(0.0, 0.02, 1000)
    advice = tier_advice(prob, TierPolicy())
    assert advice.startswith("100% of these leads are Cold: your leads convert rarely (about 1% on average, the most likely at 2%)")
    assert "Set the tiers by share instead (for example the top 5% Hot, the next 15% Warm, the next 30% Cool)" in advice
    # Tiers by share need no advice.
    assert tier_advice(prob, TierPolicy.by_share(0.05, 0.15, 0.30)) is None


def test_a_handful_of_leads_gets_no_advice_on_the_thresholds():
    # Five leads say nothing about whether 70% / 40% / 15% fit a business.
    assert tier_advice(np.full(5, 0.01), TierPolicy()) is None
    assert tier_advice(np.full(25, 0.01), TierPolicy()) is not None


def test_no_hot_lead_at_a_high_conversion_rate_is_not_called_normal_for_rare_conversions():
    from leadscore.model.tiers import TierPolicy, tier_advice

    # 200 leads between 55% and 68%: 63% convert on average, none reaches Hot at 70%.
    common = np.linspace(0.55, 0.68, 200)
    advice = tier_advice(common, TierPolicy(hot=0.7, warm=0.4, cool=0.15))
    assert advice.startswith("No lead reaches the Hot threshold of 70%")
    assert "normal when few of your leads convert" not in advice
    rare = np.linspace(0.01, 0.2, 200)
    assert "normal when few of your leads convert" in tier_advice(rare, TierPolicy(hot=0.7, warm=0.4, cool=0.15))
