"""The verdicts on a trained model, in words (leadscore/model/readiness.py)."""

from __future__ import annotations

import pandas as pd

from leadscore.model.readiness import honest_range_sentence, judge_readiness, learning_curve_answer

GOOD = {"rows": 2000, "roc_auc": 0.82, "ece": 0.02, "lift_top_decile": 3.5}


def test_readiness_verdicts_say_why():
    assert judge_readiness(GOOD, holdout_converted=250, known_converted=1200)["verdict"] == "ready"
    weak = dict(GOOD, roc_auc=0.55, lift_top_decile=1.1)
    verdict = judge_readiness(weak, 250, 1200)
    assert verdict["verdict"] == "not ready" and "barely better than picking leads at random" in verdict["message"]
    shaky = dict(GOOD, ece=0.09)
    verdict = judge_readiness(shaky, 30, 150)
    assert verdict["verdict"] == "usable with caution"
    assert "only 30 held-out leads converted" in verdict["message"] and "noticeably off" in verdict["message"]
    assert "learned from only 150 conversions" in verdict["message"]
    assert judge_readiness(GOOD, 4, 20)["verdict"] == "not ready"
    assert judge_readiness(GOOD, 250, 1200)["rests_on"] == "as trained"


def test_an_almost_perfect_holdout_is_suspicious_and_names_the_columns():
    too_good = dict(GOOD, roc_auc=0.99, lift_top_decile=8.0)
    verdict = judge_readiness(too_good, 250, 1200, doing_the_work=["deal_stage", "amount_won"])
    assert verdict["verdict"] == "suspicious"
    assert "ROC AUC 0.990" in verdict["message"]
    assert "The columns doing the work: 'deal_stage' and 'amount_won'." in verdict["message"]
    assert "do not trust these scores" in verdict["message"]
    # A good, honest model is not suspicious.
    assert judge_readiness(dict(GOOD, roc_auc=0.90), 250, 1200)["verdict"] == "ready"


def test_with_warned_columns_the_verdict_rests_on_the_honest_figure_and_says_so():
    with_rating = dict(GOOD, roc_auc=0.93, lift_top_decile=5.0)
    without = {"roc_auc": 0.58, "average_precision": 0.2, "lift_top_decile": 1.2, "ece": 0.02, "columns": ["rep_rating"]}
    verdict = judge_readiness(with_rating, 250, 1200, without_warned=without)
    # 0.93 alone would be "ready"; without the rating the model barely ranks.
    assert judge_readiness(with_rating, 250, 1200)["verdict"] == "ready"
    assert verdict["verdict"] == "not ready"
    assert verdict["rests_on"] == "without warned columns"
    assert verdict["message"].startswith("This verdict rests on the model without 'rep_rating'")
    assert "ROC AUC was 0.58" in verdict["message"]


def test_the_honest_range_sentence():
    sentence = honest_range_sentence(0.951, {"roc_auc": 0.874, "columns": ["rep_rating"]})
    assert sentence == (
        "With 'rep_rating' the model ranks leads at 0.95 (ROC AUC); without it, 0.87. If your team "
        "fills in this column after talking to a lead, expect 0.87."
    )
    two = honest_range_sentence(0.9, {"roc_auc": 0.8, "columns": ["a", "b"]})
    assert "With 'a' and 'b'" in two and "without them" in two and "these columns" in two


def test_learning_curve_answer_reads_the_curve():
    climbing = pd.DataFrame({"training_rows": [250, 500, 750, 1000], "roc_auc": [0.70, 0.74, 0.77, 0.80]})
    assert learning_curve_answer(climbing).startswith("Probably yes")
    assert "750 to 1,000 training leads raised ROC AUC by 0.030" in learning_curve_answer(climbing)
    flat = pd.DataFrame({"training_rows": [250, 500, 750, 1000], "roc_auc": [0.800, 0.805, 0.807, 0.808]})
    assert learning_curve_answer(flat).startswith("Probably not much")
    levelling = pd.DataFrame({"training_rows": [250, 500, 750, 1000], "roc_auc": [0.70, 0.75, 0.77, 0.775]})
    assert learning_curve_answer(levelling).startswith("A little")
    assert learning_curve_answer(climbing.head(1)).startswith("Not enough")


def test_a_tiny_calibration_error_is_never_off_by_zero_percent():
    metrics = {"roc_auc": 0.75, "average_precision": 0.1, "lift_top_decile": 2.5, "ece": 0.0004, "rows": 12000}
    verdict = judge_readiness(metrics, 1200, 6000)
    assert "predicted probabilities were off by 0.04% on average" in verdict["message"]
    assert "0.0%" not in verdict["message"]
