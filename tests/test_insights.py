"""What the Insights page shows about one model (leadscore/explain/insights.py), through LeadProject."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from leadscore.errors import LeadScoreInputError
from leadscore.clean.plan import CleaningChoices
from leadscore.project.workflow import LeadProject
from leadscore.model.train import TrainingSettings


def _leads(n: int = 600) -> pd.DataFrame:
    """Leads that convert more after the pricing page and after a quick call back."""
    rng = np.random.default_rng(5)
    arrived = pd.Timestamp("2026-01-05 09:00") + pd.to_timedelta(rng.integers(0, 300 * 24, n), unit="h")
    minutes = rng.choice([10, 30, 600, 3000], n)
    pricing = rng.choice(["yes", "no"], n)
    source = rng.choice(["Referral", "LinkedIn", "Paid Ad"], n)
    logit = -1.8 + 1.6 * (pricing == "yes") + 1.2 * (minutes <= 30) + 0.5 * (source == "Referral")
    won = rng.random(n) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame(
        {
            "lead_id": [f"L-{i:04d}" for i in range(n)],
            "arrived_at": arrived,
            "called_back_at": arrived + pd.to_timedelta(minutes, unit="m"),
            "pricing": pricing,
            "source": source,
            "won": np.where(won, "yes", "no"),
        }
    )


@pytest.fixture(scope="module")
def insights():
    project = LeadProject.new(_leads(), "insights")
    project.data.set_outcome(project.data.outcome_suggestion("won").mapping)
    project.data.set_choices(CleaningChoices(labels=(("pricing", "Saw pricing"),)))
    project.training.train(TrainingSettings(model="logistic"))
    return project.models.insights()


def test_importance_names_the_drivers_in_the_users_labels(insights):
    table = insights.importance()
    top = set(table["column"].head(3))
    assert {"pricing", "minutes from arrived_at to called_back_at"} <= top
    assert table.set_index("column").loc["pricing", "label"] == "Saw pricing"
    assert "lead_id" not in set(table["column"])


def test_segments_count_the_training_leads(insights):
    table = insights.segments("pricing").set_index("segment")
    X, y = insights.X, insights.y
    saw = (X["pricing"] == "yes").to_numpy()
    assert table.loc["yes", "leads"] == saw.sum()
    assert table.loc["yes", "conversion_rate"] == pytest.approx(y[saw].mean())
    assert any(sentence.startswith("Leads with Saw pricing yes converted at") for sentence in insights.story())


def test_what_if_pricing_and_a_quicker_call_back_raise_the_chance(insights):
    fields = {field.name: field for field in insights.what_if_fields()}
    assert fields["pricing"].kind == "boolean" and fields["pricing"].label == "Saw pricing"
    followup = "minutes from arrived_at to called_back_at"
    assert fields[followup].kind == "minutes"
    slow = insights.X[(insights.X["pricing"] == "no")].iloc[[0]].copy()
    slow["called_back_at"] = slow["arrived_at"] + pd.Timedelta(minutes=3000)
    answer = insights.what_if(slow, {"pricing": "yes", followup: 10})
    assert answer["after"] > answer["before"]
    assert answer["waterfall"]["kind"].iloc[-1] == "end"
    assert answer["waterfall"]["end"].iloc[-1] == pytest.approx(answer["after"] * 100)
    with pytest.raises(LeadScoreInputError, match="'budget' is not an answer the model reads"):
        insights.what_if(slow, {"budget": 5})


def test_lead_choices_list_held_out_leads_most_likely_first(insights):
    choices = insights.lead_choices(limit=5)
    assert len(choices) == 5
    first = next(iter(choices))
    assert first.startswith("L-") and "% chance (" in first
    chances = [int(text.split(": ")[1].split("%")[0]) for text in choices]
    assert chances == sorted(chances, reverse=True)
    assert set(choices.values()) <= set(insights.bundle.holdout.index)
