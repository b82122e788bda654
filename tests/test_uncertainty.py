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
