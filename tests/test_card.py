"""The model card (leadscore/model/card.py): what a model learned from, how well it did, its tiers."""

from __future__ import annotations

import pandas as pd

from leadscore.model.bundle import ModelBundle
from leadscore.model.card import model_card
from leadscore.inspect.outcome import OutcomeMapping
from leadscore.model.tiers import TierPolicy

# Ten held-out leads, hand-counted under Hot 50% / Warm 30% / Cool 10%:
#   Hot  (>= 50%): 0.95 0.60 0.55 0.50 -> 4 leads, 3 converted, 75.0%, expected 2.6
#   Warm (30-50%): 0.42 0.30           -> 2 leads, 0 converted,  0.0%, expected 0.72
#   Cool (10-30%): 0.20 0.12 0.10      -> 3 leads, 1 converted, 33.3%, expected 0.42
#   Cold (< 10%) : 0.04                -> 1 lead,  0 converted,  0.0%, expected 0.04
HOLDOUT = pd.DataFrame(
    {
        "conversion_probability": [0.95, 0.60, 0.55, 0.50, 0.42, 0.30, 0.20, 0.12, 0.10, 0.04],
        "converted": [1, 1, 0, 1, 0, 0, 1, 0, 0, 0],
    },
    index=range(100, 110),
)


class _Plan:
    """Just what the model card reads from a cleaning plan."""

    outcome = OutcomeMapping(column="converted", positive_values=("yes",), negative_values=("no",))
    excluded = {"deal_stage": "only known after the outcome", "email": "personal data"}
    warned = {"rep_rating": "Reps fill it in after the first call."}
    labels = {"first_engaged_at": "First contact"}


def _bundle(policy: TierPolicy, holdout=HOLDOUT) -> ModelBundle:
    return ModelBundle(
        pipeline=None,
        plan=_Plan(),
        schema=[],
        policy=policy,
        metrics={
            "validation": {"method": "stratified", "holdout_rows": 10, "roc_auc": 0.91, "ece": 0.021,
                           "lift_top_decile": 3.2, "brier": 0.08, "log_loss": 0.27, "average_precision": 0.8,
                           "without_warned": {"roc_auc": 0.74, "columns": ["rep_rating"],
                                              "sentence": "With 'rep_rating' the model ranks leads at 0.91 (ROC AUC); without it, 0.74."}},
            "leaderboard": [{"model": "logistic", "roc_auc": 0.9, "log_loss": 0.28, "brier": 0.08, "fit_seconds": 0.01}],
            "readiness": {"verdict": "usable with caution", "message": "It ranks leads fairly.", "rests_on": "without warned columns"},
            "learning_curve_answer": "Probably not much.",
            # A table saved by an older version, with other thresholds: the card must not show it.
            "tiers": [{"tier": "Hot", "range": "70% and above", "leads": 5, "converted": 4, "conversion_rate": 0.8,
                       "expected_conversions": 3.6}],
        },
        trained_at="2026-11-27T04:00:00+00:00",
        row_counts={"known_rows": 2000, "converted": 600, "not_converted": 1400, "training_rows": 1600, "holdout_rows": 400,
                    "set_aside": {"still in the pipeline (no outcome yet)": 1234}},
        versions={"scikit-learn": "1.7.2"},
        kind="logistic",
        calibration="sigmoid",
        features_used=["pages_viewed", "first_engaged_at"],
        notes={"validation": "A random 20% were held out.", "calibration": "Sigmoid helped.", "final_fit": "Refit on all leads."},
        name="test model",
        content_hash="ab" * 32,
        holdout=holdout,
        data_name="spring leads.csv",
    )


def test_model_card_tells_what_how_well_and_what_was_left_out():
    card = model_card(_bundle(TierPolicy()))
    assert card.startswith("# Model card: test model")
    assert "- Data: spring leads.csv" in card
    assert "2,000 past leads with a known outcome (600 converted, 1,400 not converted)" in card
    assert "1,234 leads set aside: still in the pipeline (no outcome yet)." in card
    assert "Outcome column 'converted': converted = yes; not converted = no." in card
    assert "- Columns used (2): Pages viewed (pages_viewed), First contact (first_engaged_at)." in card
    assert "| ROC AUC | 0.910 |" in card
    assert "| Calibration error (ECE) | 2.1% |" in card
    assert "**Deal stage**: only known after the outcome" in card  # read in labels
    assert "A random 20% were held out." in card
    assert "Calibration method: sigmoid" in card
    assert "Refit on all leads." in card
    assert "ab" * 32 in card


def test_the_honest_range_and_warned_columns_are_on_the_card():
    card = model_card(_bundle(TierPolicy()))
    assert "**The honest range.** With 'rep_rating' the model ranks leads at 0.91 (ROC AUC); without it, 0.74." in card
    assert "The verdict rests on the figure without them." in card
    assert "Kept by your choice although LeadScore flagged them:" in card
    assert "- **Rep rating**: Reps fill it in after the first call." in card


def test_the_tiers_table_uses_the_models_own_policy():
    card = model_card(_bundle(TierPolicy(hot=0.5, warm=0.3, cool=0.1)))
    assert "- Tiers by chance of converting: Hot from 50%, Warm from 30%, Cool from 10%, Cold below." in card
    assert "On the 10 held-out leads, with these tiers:" in card
    # Rates with the digits that tell them apart (labels.rate_text): whole percents here.
    assert "| Hot | 50% and above | 4 | 3 | 75% | 2.6 |" in card
    assert "| Warm | 30% to 50% | 2 | 0 | 0% | 0.7 |" in card
    assert "| Cool | 10% to 30% | 3 | 1 | 33% | 0.4 |" in card
    assert "| Cold | under 10% | 1 | 0 | 0% | 0.0 |" in card
    # The table saved with other thresholds is not shown.
    assert "| Hot | 70% and above | 5 | 4 |" not in card and "70%" not in card


def test_tiers_by_share_are_described_and_counted_on_the_holdout():
    card = model_card(_bundle(TierPolicy.by_share(0.2, 0.3, 0.2)))
    assert "- Tiers by share of scored leads: Hot is the top 20%, Warm the next 30%, Cool the next 20%, Cold the rest." in card
    # The top 2 of 10 (0.95, 0.60) are Hot, the next 3 Warm, the next 2 Cool, the last 3 Cold.
    rows = {line.split(" | ")[0].strip("| "): line.split(" | ") for line in card.splitlines() if line.startswith(("| Hot", "| Warm", "| Cool", "| Cold"))}
    assert [int(rows[tier][2]) for tier in ("Hot", "Warm", "Cool", "Cold")] == [2, 3, 2, 3]
    assert [int(rows[tier][3]) for tier in ("Hot", "Warm", "Cool", "Cold")] == [2, 1, 1, 0]


def test_without_held_out_leads_the_card_describes_the_tiers_only():
    card = model_card(_bundle(TierPolicy(), holdout=None))
    assert "Hot from 70%" in card
    assert "held-out leads, with these tiers" not in card
