"""One file gives one answer in the app and the command: both drive the same workflow."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from leadscore.cli import main
from tests.app.conftest import new_app, problems, project


def deal_pipeline(n: int = 600, seed: int = 2) -> pd.DataFrame:
    """A CRM deal-pipeline export: the outcome is a stage (Won, Lost, and two stages still open),
    beside an amount known only at close, as such exports come."""
    rng = np.random.default_rng(seed)
    product = rng.choice(["GTX Basic", "GTX Pro", "MG Special"], n)
    agent = rng.choice(["Anna Snelling", "Cecily Lampkin", "Darcel Schlecht"], n)
    won = rng.random(n) < np.where(product == "GTX Pro", 0.6, 0.35)
    stage = np.where(won, "Won", "Lost").astype(object)
    still_open = rng.random(n) < 0.25
    stage[still_open] = rng.choice(["Engaging", "Prospecting"], int(still_open.sum()))
    close_value = np.where(stage == "Won", rng.integers(500, 5000, n), np.where(stage == "Lost", 0, np.nan))
    return pd.DataFrame({
        "opportunity_id": [f"{rng.integers(16**7, 16**8):08X}" for _ in range(n)],
        "sales_agent": agent,
        "product": product,
        "account": rng.choice(["Acme", "Globex", "Initech", "Umbrella"], n),
        "deal_stage": stage,
        "engage_date": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D"),
        "close_value": close_value,
    })


def test_the_app_and_inspect_pick_the_stage_column_with_open_stages_set_aside(tmp_path, capsys):
    table = deal_pipeline()
    path = tmp_path / "pipeline.csv"
    table.to_csv(path, index=False)
    expected_open = int(table["deal_stage"].isin(["Engaging", "Prospecting"]).sum())  # counted by hand

    code = main(["inspect", str(path), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["target"]["column"] == "deal_stage"
    assert report["outcomes"]["open"] == expected_open
    assert report["target"]["question"] is None

    at = new_app()
    at.file_uploader[0].upload("pipeline.csv", path.read_bytes(), "text/csv")
    at.run()
    assert problems(at) == [] and not at.error
    assert at.selectbox(key=f"outcome_column:{project(at).id}").value == "deal_stage"
    outcome = project(at).data.outcome
    assert outcome.column == "deal_stage"
    assert {v.lower() for v in outcome.positive_values} == {"won"} and {v.lower() for v in outcome.negative_values} == {"lost"}
    assert outcome.counts(table)["open"] == expected_open
    assert {m.label: m.value for m in at.metric}["Still open"] == f"{expected_open:,}"
