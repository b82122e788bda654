"""Intervals that cover: on simulated leads with a known true ROC AUC, 90% intervals contain it ~90% of the time."""

import numpy as np
from scipy.stats import norm

from leadscore.model.readiness import judge_readiness
from leadscore.model.uncertainty import auc_interval, interval_words, lift_interval, rate_interval


def test_auc_interval_covers_the_true_auc_about_nine_times_in_ten():
    separation = 1.0
    truth = norm.cdf(separation / np.sqrt(2))  # AUC of N(1,1) vs N(0,1) scores: 0.760
    rng = np.random.default_rng(7)
    runs, hits = 200, 0
    for run in range(runs):
        y = (rng.random(150) < 0.3).astype(int)
        scores = rng.normal(0, 1, 150) + separation * y
        low, high = auc_interval(y, scores, resamples=500, seed=run)
        hits += low <= truth <= high
    coverage = hits / runs
    print(f"coverage {coverage:.3f} truth {truth:.3f}")
    assert 0.80 <= coverage <= 0.97


def test_small_holdout_has_a_wide_range_and_a_big_one_narrow():
    rng = np.random.default_rng(1)
    def width(n):
        y = (rng.random(n) < 0.3).astype(int)
        low, high = auc_interval(y, rng.normal(0, 1, n) + y)
        return high - low
    assert width(100) > 2 * width(2000)


def test_lift_and_rate_intervals_contain_the_figure():
    rng = np.random.default_rng(2)
    y = (rng.random(1000) < 0.2).astype(int)
    p = rng.normal(0, 1, 1000) + 1.5 * y
    low, high = lift_interval(y, p)
    assert 1.0 < low < high
    low, high = rate_interval(30, 100)
    assert low < 0.30 < high


def test_words_and_verdict_rest_on_the_low_end():
    assert interval_words(0.87, [0.85, 0.89]) == "0.87, most likely between 0.85 and 0.89"
    metrics = {"roc_auc": 0.80, "ece": 0.01, "lift_top_decile": 3.0, "rows": 200}
    assert judge_readiness(metrics, 300, 900)["verdict"] == "ready"
    verdict = judge_readiness({**metrics, "roc_auc_interval": [0.66, 0.90]}, 300, 900)
    assert verdict["verdict"] == "usable with caution"
    assert "as low as 0.66" in verdict["message"]


def test_train_page_words_give_the_figure_with_its_range():
    from leadscore.present import holdout_ranges

    words = holdout_ranges({"roc_auc": 0.871, "roc_auc_interval": [0.852, 0.889], "lift_top_decile": 3.42, "lift_top_decile_interval": [3.1, 3.8]})
    assert words.startswith("Ranks leads right: 0.87, most likely between 0.85 and 0.89. Top 10% vs average: 3.4×, most likely between 3.1× and 3.8×.")
    assert holdout_ranges({"roc_auc": 0.8}) == ""


def _tier_rows(leads: int):
    from leadscore.model.tiers import TierPolicy, tier_table

    rng = np.random.default_rng(3)
    prob = rng.random(leads)
    converted = (rng.random(leads) < prob).astype(int)
    return tier_table(prob, TierPolicy(hot=0.7, warm=0.4, cool=0.1), converted).set_index("tier")


def test_each_held_out_tier_has_a_range_around_its_rate_that_narrows_with_more_leads():
    small, big = _tier_rows(200), _tier_rows(5000)
    for tier in ("Hot", "Warm", "Cool"):
        low, high = small.loc[tier, "converted_interval"]
        assert low <= small.loc[tier, "conversion_rate"] <= high
        big_low, big_high = big.loc[tier, "converted_interval"]
        assert big_low <= big.loc[tier, "conversion_rate"] <= big_high
        assert big_high - big_low < (high - low) / 2


def test_tier_ranges_are_seeded_and_in_words():
    from leadscore.present import tier_rate_ranges

    first, again = _tier_rows(300), _tier_rows(300)
    assert first["converted_interval"].tolist() == again["converted_interval"].tolist()
    hot = first.loc["Hot"]
    low, high = hot["converted_interval"]
    words = tier_rate_ranges(first.reset_index())
    from leadscore.labels import rate_text

    assert f"Hot {rate_text(hot['conversion_rate'])}, most likely between {rate_text(low, high)} and {rate_text(high, low)}" in words
    from leadscore.model.tiers import tier_table

    assert tier_rate_ranges(tier_table([0.9, 0.2])) == ""  # no outcomes: no ranges


def test_the_model_card_gives_each_held_out_tier_its_range():
    import pandas as pd

    from leadscore.model.card import _tier_lines
    from leadscore.model.tiers import TierPolicy

    class _Bundle:
        policy = TierPolicy(hot=0.7, warm=0.4, cool=0.1)
        holdout = pd.DataFrame({"conversion_probability": [0.9] * 40 + [0.2] * 40, "converted": [1] * 30 + [0] * 10 + [1] * 8 + [0] * 32})

    hot_row = next(line for line in _tier_lines(_Bundle()) if line.startswith("| Hot"))
    low, high = (float(v.rstrip("%")) for v in hot_row.rstrip(" |").split(" | ")[-1].split(" and "))
    assert low < 75 < high
