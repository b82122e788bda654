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


def test_one_crm_export_gives_one_model_and_one_call_list_in_the_app_and_the_command(tmp_path, capsys):
    """A CRM-shaped export (rep rating, last-activity snapshot, grades, a close date blank for open
    deals, a source, a form question): the app and the command read the same outcome, use the
    same columns, and their call lists carry the same scores and the upload's own cells."""
    import io

    from leadscore import present
    from tests.app.conftest import button, go, wait_for_training
    from tests.crm_export import crm_pipeline_export

    path = tmp_path / "crm.csv"
    crm_pipeline_export(1500, seed=5).to_csv(path, index=False)
    model, report = tmp_path / "crm.leadscore", tmp_path / "report.json"
    assert main(["train", str(path), "--out", str(model), "--report", str(report), "--model", "logistic"]) == 0
    command = json.loads(report.read_text(encoding="utf-8"))
    scored_file = tmp_path / "scored.csv"
    assert main(["score", str(model), str(path), "--out", str(scored_file), "--sort"]) == 0
    capsys.readouterr()

    at = new_app()
    at.file_uploader[0].upload("crm.csv", path.read_bytes(), "text/csv")
    at.run()
    go(at, "Clean")
    button(at, "Use this cleaning plan").click().run()
    go(at, "Train")
    at.radio(key="train_model_choice").set_value("Logistic regression (simple, fast)").run()
    wait_for_training(button(at, "Train the model").click().run())
    assert problems(at) == []
    app = project(at)
    assert app.data.outcome.column == command["target"]["column"]
    assert app.models.bundle().features_used == command["features_used"]
    assert app.models.bundle().metrics["validation"]["roc_auc"] == command["validation"]["roc_auc"]

    at = go(at, "Score")
    at.radio(key=f"score_source:{app.id}").set_value("My lead history").run()
    button(at, "Score 1,500 leads").click().run()
    assert problems(at) == []
    runs, models = project(at).scoring, project(at).models
    # The page's "Call list for Excel (CSV)" download, built as the page builds it.
    download = present.scored_csv(present.ranked(present.retier(runs.last.scored, models.policy)))
    from_app = pd.read_csv(io.BytesIO(download), dtype=str, keep_default_na=False)
    from_command = pd.read_csv(scored_file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    uploaded = pd.read_csv(path, dtype=str, keep_default_na=False)
    key = "Record ID"
    from_app, from_command = from_app.set_index(key), from_command.set_index(key)
    assert sorted(from_app.index) == sorted(from_command.index) == sorted(uploaded[key])  # row in = row out
    same = from_command.loc[from_app.index]
    for column in ("conversion_probability", "lead_score", "tier", "reason_1"):
        assert (from_app[column] == same[column]).all(), column
    # Every cell of the upload comes back as written (dates without times, blanks as blanks).
    written = uploaded.set_index(key).loc[from_app.index]
    for column in written.columns:
        assert (from_app[column] == written[column]).all(), column
        assert (same[column] == written[column]).all(), column
