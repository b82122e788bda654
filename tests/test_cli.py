"""The `leadscore` command as a workflow would call it: real processes, real files, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run_cli(*args: str, stdin: str | None = None, cwd: Path = REPO, env_extra: dict | None = None):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "leadscore.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
    )


def test_inspect_json_reports_the_sample_documented_counts(sample_leads_path):
    facts = json.loads((REPO / "sample_data" / "facts.json").read_text())
    done = run_cli("inspect", str(sample_leads_path), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["rows"] == 5000
    assert report["target"]["column"] == "converted"
    assert report["target"]["positive_values"] == ["yes"]
    assert report["target"]["negative_values"] == ["no"]
    assert report["outcomes"] == {
        "converted": facts["converted"],
        "not_converted": facts["not_converted"],
        "open": facts["still_open"],
    }
    kinds = {column["name"]: column["kind"] for column in report["columns"]}
    assert kinds["email"] == "personal"
    assert kinds["lead_id"] == "identifier"
    assert report["sufficiency"]["verdict"] == "good"
    excluded = report["excluded_columns"]
    for column in ("lead_id", "email", "final_deal_size", "deal_stage"):
        assert column in excluded, f"{column} should be left out by default"
    assert {s["column"] for s in report["leakage_suspects"] if s["action"] == "exclude"} >= {
        "final_deal_size",
        "deal_stage",
    }


@pytest.mark.slow
def test_inspect_json_on_the_semicolon_separated_bank_export(bank_csv_file):
    done = run_cli("inspect", str(bank_csv_file), "--target", "y", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["rows"] == 41188
    assert report["outcomes"]["converted"] == 4640
    assert report["outcomes"]["not_converted"] == 41188 - 4640
    suspects = {s["column"]: s for s in report["leakage_suspects"]}
    assert suspects["duration"]["action"] == "exclude"
    assert suspects["duration"]["reason"]
    for legitimate in ("age", "job", "campaign", "pdays", "poutcome", "euribor3m", "nr.employed"):
        assert legitimate not in report["excluded_columns"]


def test_inspect_prints_a_readable_report(sample_leads_path):
    done = run_cli("inspect", str(sample_leads_path))
    assert done.returncode == 0, done.stderr
    assert "586" in done.stdout and "converted" in done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "empty"),
        (b"lead_id,converted\n", "no leads"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "is an image"),
        (b"<!DOCTYPE html><html><body>Login</body></html>", "web page"),
    ],
    ids=["empty", "header-only", "image", "html"],
)
def test_bad_files_exit_2_with_one_error_line(tmp_path, content, expected):
    path = tmp_path / "leads.csv"
    path.write_bytes(content)
    done = run_cli("inspect", str(path), "--json")
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert expected.lower() in lines[0].lower()
    assert "Traceback" not in done.stderr


def test_missing_file_and_unknown_target_are_clear_errors(tmp_path, sample_leads_path):
    done = run_cli("inspect", str(tmp_path / "nope.csv"))
    assert done.returncode == 2 and done.stderr.startswith("error: There is no file")
    done = run_cli("inspect", str(sample_leads_path), "--target", "revenue")
    assert done.returncode == 2
    assert "revenue" in done.stderr and "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def trained_model(tmp_path_factory, sample_leads_path):
    """One logistic model trained by the CLI on the sample, with its JSON report."""
    folder = tmp_path_factory.mktemp("cli")
    home = folder / "home"
    model, report = folder / "leads.joblib", folder / "report.json"
    done = run_cli(
        "train", str(sample_leads_path), "--out", str(model), "--model", "logistic",
        "--exclude", "needs", "--report", str(report),
        env_extra={"LEADSCORE_HOME": str(home)},
    )
    assert done.returncode == 0, done.stderr
    return {"model": model, "report": json.loads(report.read_text()), "home": home, "stdout": done.stdout}


def test_train_writes_a_report_with_the_documented_keys(trained_model):
    report = trained_model["report"]
    assert report["model"]["kind"] == "logistic"
    validation = report["validation"]
    assert validation["method"] == "time"  # the sample has first_engaged_at
    assert 0.7 < validation["roc_auc"] <= 1
    assert validation["holdout_rows"] > 0
    for key in ("average_precision", "brier", "log_loss", "ece", "lift_top_decile"):
        assert isinstance(validation[key], float)
    assert [row["model"] for row in report["leaderboard"]] == ["logistic"]
    assert report["readiness"]["verdict"] in ("ready", "usable with caution", "not ready")
    # --exclude removed the free-text column; the leakage guard removed the post-outcome ones
    assert "needs" not in report["features_used"]
    for column in ("final_deal_size", "deal_stage", "email", "lead_id"):
        assert column not in report["features_used"]
    assert "Saved logistic model" in trained_model["stdout"]


def test_score_keeps_every_row_and_column_and_splits_tiers(trained_model, tmp_path):
    import pandas as pd

    out, tiers = tmp_path / "scored.csv", tmp_path / "tiers"
    new_leads = REPO / "sample_data" / "new_leads.csv"
    done = run_cli(
        "score", str(trained_model["model"]), str(new_leads), "--out", str(out),
        "--split-tiers", str(tiers), "--hot", "50%", "--warm", "25", "--cool", "0.1",
        env_extra={"LEADSCORE_HOME": str(trained_model["home"])},
    )
    assert done.returncode == 0, done.stderr
    original = pd.read_csv(new_leads, dtype=str, keep_default_na=False)
    scored = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(scored) == len(original) == 500
    added = ["lead_score", "conversion_probability", "tier", "next_action", "reason_1", "reason_2", "reason_3"]
    assert list(scored.columns) == list(original.columns) + added
    assert scored["lead_id"].tolist() == original["lead_id"].tolist()
    probability = scored["conversion_probability"].astype(float)
    expected_tier = pd.cut(probability, [-1, 0.1, 0.25, 0.5, 2], right=False, labels=["Cold", "Cool", "Warm", "Hot"])
    assert (scored["tier"] == expected_tier.astype(str)).all()
    split_rows = sum(len(pd.read_csv(tiers / f"{t}.csv")) for t in ("hot", "warm", "cool", "cold"))
    assert split_rows == 500


def test_score_streams_json_lines_one_result_per_lead_before_input_ends(trained_model):
    new_leads = (REPO / "sample_data" / "new_leads.csv").read_text().splitlines()
    import csv

    rows = list(csv.DictReader(new_leads[:3]))
    env = {**os.environ, "LEADSCORE_HOME": str(trained_model["home"])}
    process = subprocess.Popen(
        [sys.executable, "-m", "leadscore.cli", "score", str(trained_model["model"]), "-"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO,
    )
    try:
        process.stdin.write(json.dumps(rows[0]) + "\n")
        process.stdin.flush()
        first = json.loads(process.stdout.readline())  # arrives while stdin is still open
        assert first["lead_id"] == rows[0]["lead_id"]
        assert first["tier"] in ("Hot", "Warm", "Cool", "Cold")
        assert 0 <= first["lead_score"] <= 100
        process.stdin.write("this is not json\n")
        process.stdin.write(json.dumps(rows[1]) + "\n")
        process.stdin.close()
        rest = [json.loads(line) for line in process.stdout.read().splitlines()]
    finally:
        process.wait(timeout=120)
    assert process.returncode == 0, process.stderr.read()
    assert len(rest) == 2
    assert "error" in rest[0]
    assert rest[1]["lead_id"] == rows[1]["lead_id"]


def test_score_refuses_a_model_from_another_machine_unless_trusted(trained_model, tmp_path):
    new_leads = REPO / "sample_data" / "new_leads.csv"
    other_home = {"LEADSCORE_HOME": str(tmp_path / "other")}
    done = run_cli("score", str(trained_model["model"]), str(new_leads), env_extra=other_home)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr
    done = run_cli("score", str(trained_model["model"]), str(new_leads), "--trust-model", "--no-reasons", env_extra=other_home)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip().splitlines()) == 501


def test_score_names_the_missing_columns(trained_model, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("lead_id,country\nL-1,France\n")
    done = run_cli(
        "score", str(trained_model["model"]), str(bad),
        env_extra={"LEADSCORE_HOME": str(trained_model["home"])},
    )
    assert done.returncode == 2, done.stdout
    assert "Traceback" not in done.stderr
    assert "source" in done.stderr and done.stderr.startswith("error: ")


def test_card_prints_the_model_card(trained_model):
    done = run_cli("card", str(trained_model["model"]), env_extra={"LEADSCORE_HOME": str(trained_model["home"])})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("#")
    assert "final_deal_size" in done.stdout  # what it leaves out, and why


def test_the_apps_json_lines_example_scores_with_that_model(trained_model, monkeypatch):
    from leadscore.bundle import load_bundle
    from leadscore.journey import cli_examples

    env = {"LEADSCORE_HOME": str(trained_model["home"])}
    monkeypatch.setenv("LEADSCORE_HOME", env["LEADSCORE_HOME"])
    bundle = load_bundle(trained_model["model"])
    example = cli_examples(str(trained_model["model"]), bundle.schema)["jsonl"]
    lead = example.split("echo '", 1)[1].split("'", 1)[0]
    done = run_cli("score", str(trained_model["model"]), "-", stdin=lead + "\n", env_extra=env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert "error" not in result, result
    assert result["tier"] in ("Hot", "Warm", "Cool", "Cold")
