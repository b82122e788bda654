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
def test_inspect_json_on_the_semicolon_separated_bank_export(bank_csv_path):
    done = run_cli("inspect", str(bank_csv_path), "--target", "y", "--json")
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
