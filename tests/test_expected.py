"""Expected outcomes before they happen: the sum of the chances, and ROC AUC from the chances alone (CBPE)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from leadscore.present import expected_words
from leadscore.score.expected import expected_auc, expected_outcomes


def test_expected_auc_matches_the_mean_realised_auc_when_outcomes_follow_the_chances():
    rng = np.random.default_rng(11)
    chances = np.round(rng.beta(1.2, 5.0, 3000), 4)  # rounded like scored chances, so ties occur
    realised = []
    for _ in range(200):
        outcomes = (rng.random(chances.size) < chances).astype(int)
        realised.append(roc_auc_score(outcomes, chances))
    estimate = expected_auc(chances)
    print(f"CBPE {estimate:.4f}, mean realised {np.mean(realised):.4f} (sd {np.std(realised):.4f})")
    assert abs(estimate - np.mean(realised)) < 0.005
    assert 0.6 < estimate < 0.9


def test_expected_auc_against_pairs_counted_one_by_one():
    chances = np.array([0.9, 0.5, 0.5, 0.2, 0.05])
    num = den = 0.0
    for i in range(5):
        for j in range(5):
            if i != j:
                w = chances[i] * (1 - chances[j])
                den += w
                num += w * ((chances[i] > chances[j]) + 0.5 * (chances[i] == chances[j]))
    assert expected_auc(chances) == pytest.approx(num / den, abs=1e-12)
    assert expected_auc([0.3]) is None and expected_auc([1.0, 1.0]) is None


def test_expected_conversions_per_tier_and_in_words():
    scored = pd.DataFrame({"conversion_probability": [0.9, 0.8, 0.4, 0.1, 0.05], "tier": ["Hot", "Hot", "Warm", "Cool", "Cold"]})
    expected = expected_outcomes(scored)
    assert expected["conversions"] == pytest.approx(2.25)
    assert expected["per_tier"] == pytest.approx({"Hot": 1.7, "Warm": 0.4, "Cool": 0.1, "Cold": 0.05})
    words = expected_words(expected)
    assert words == (
        "If these leads convert the way your history did, expect about 2 conversions (2 of them Hot); "
        f"the model should rank them at about ROC AUC {expected['roc_auc']:.2f}."
    )
    assert expected_words({"conversions": 41_234.4, "per_tier": {"Hot": 12_000.2}, "roc_auc": 0.781}) == (
        "If these leads convert the way your history did, expect about 41,234 conversions (12,000 of them Hot); "
        "the model should rank them at about ROC AUC 0.78."
    )
    assert expected_words(None) == ""
