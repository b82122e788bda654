"""How well probabilities match what happened (leadscore/model/metrics.py), checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from leadscore.model.metrics import expected_calibration_error, holdout_metrics, lift_top_share, reliability_curve


def test_metrics_on_hand_checked_numbers():
    converted = np.array([0, 0, 0, 0, 1, 0, 1, 1, 0, 1])
    probability = np.array([0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 0.8, 0.8, 0.9, 0.9])
    # per bin, leads x |predicted - observed|: 2x0.1, 2x0.2, 2x|0.3-0.5|, 2x|0.8-1.0|, 2x|0.9-0.5|
    assert expected_calibration_error(converted, probability) == pytest.approx((0.2 + 0.4 + 0.4 + 0.4 + 0.8) / 10)
    # top 10% = the first 0.9 lead (stable order), which did not convert
    assert lift_top_share(converted, probability) == 0.0
    # top 40% = 0.9, 0.9, 0.8, 0.8: 3 of 4 converted, against 40% overall
    assert lift_top_share(converted, probability, share=0.4) == pytest.approx((3 / 4) / 0.4)
    figures = holdout_metrics(converted, probability)
    # 4 converters x 6 others = 24 pairs, a tie counting half: the converter at 0.3 beats 4 and
    # ties 1 (4.5), each at 0.8 beats 5 (10), the one at 0.9 beats 5 and ties 1 (5.5): 20 of 24.
    assert figures["roc_auc"] == pytest.approx(20 / 24)
    assert figures["rows"] == 10 and figures["conversion_rate"] == pytest.approx(0.4)
    curve = reliability_curve(converted, probability, n_bins=5)
    assert curve["leads"].tolist() == [2, 2, 2, 2, 2]
    assert curve["observed"].tolist() == [0.0, 0.0, 0.5, 1.0, 0.5]


def test_perfectly_calibrated_probabilities_have_small_ece():
    rng = np.random.default_rng(0)
    probability = rng.uniform(0, 1, 20000)
    converted = (rng.uniform(0, 1, 20000) < probability).astype(int)
    assert expected_calibration_error(converted, probability) < 0.015
    assert expected_calibration_error(converted, np.clip(probability + 0.2, 0, 1)) > 0.15
