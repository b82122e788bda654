"""The `leadscore` command (leadscore/cli.py), driven through ``main([...])`` on small data.

Every subcommand prints what a script reads (JSON, CSV, one ``error: ...`` line) and returns
its exit code: 0 done, 2 a problem with the user's input (never a traceback).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from leadscore.cli import main
from leadscore.present import examples

REPO = Path(__file__).resolve().parents[1]
NEW_LEADS = REPO / "sample_data" / "new_leads.csv"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def leadscore_home(tmp_path, monkeypatch):
    """Each test gets its own LeadScore home (signing key, projects) unless it asks for the model's."""
    monkeypatch.setenv("LEADSCORE_HOME", str(tmp_path / "home"))


def test_inspect_json_reports_the_sample_documented_counts(capsys, sample_leads_path):
    facts = json.loads((REPO / "sample_data" / "facts.json").read_text())
    code, out, err = run(capsys, "inspect", str(sample_leads_path), "--json")
    assert code == 0, err
    report = json.loads(out)
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
def test_inspect_json_on_the_semicolon_separated_bank_export(capsys, bank_csv_file):
    code, out, err = run(capsys, "inspect", str(bank_csv_file), "--target", "y", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["rows"] == 41188
    assert report["outcomes"]["converted"] == 4640
    assert report["outcomes"]["not_converted"] == 41188 - 4640
    suspects = {s["column"]: s for s in report["leakage_suspects"]}
    assert suspects["duration"]["action"] == "exclude"
    assert suspects["duration"]["reason"]
    for legitimate in ("age", "job", "campaign", "pdays", "poutcome", "euribor3m", "nr.employed"):
        assert legitimate not in report["excluded_columns"]


def test_inspect_prints_a_readable_report(capsys, sample_leads_path):
    code, out, err = run(capsys, "inspect", str(sample_leads_path))
    assert code == 0, err
    assert "586" in out and "converted" in out


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
def test_bad_files_exit_2_with_one_error_line(capsys, tmp_path, content, expected):
    path = tmp_path / "leads.csv"
    path.write_bytes(content)
    code, out, err = run(capsys, "inspect", str(path), "--json")
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert expected.lower() in lines[0].lower()


def test_missing_file_and_unknown_target_are_clear_errors(capsys, tmp_path, sample_leads_path):
    code, _, err = run(capsys, "inspect", str(tmp_path / "nope.csv"))
    assert code == 2 and err.startswith("error: There is no file")
    code, _, err = run(capsys, "inspect", str(sample_leads_path), "--target", "revenue")
    assert code == 2
    assert "revenue" in err and "Traceback" not in err


# -- train, then score with that model -------------------------------------------------------------


@pytest.fixture(scope="module")
def trained_model(tmp_path_factory, sample_leads_path):
    """One logistic model trained by the command on the sample's first 1,500 leads, kept in a project."""
    folder = tmp_path_factory.mktemp("cli")
    home, data = folder / "home", folder / "leads.csv"
    pd.read_csv(sample_leads_path, dtype=str, keep_default_na=False).head(1500).to_csv(data, index=False)
    model, report = folder / "leads.joblib", folder / "report.json"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEADSCORE_HOME", str(home))
        capture = io.StringIO()
        patch.setattr("sys.stdout", capture)
        patch.setattr("sys.stderr", io.StringIO())
        code = main([
            "train", str(data), "--out", str(model), "--model", "logistic", "--exclude", "needs",
            "--project", "Spring leads", "--label", "timeline=Buying timeline", "--report", str(report),
        ])
    assert code == 0
    return {"model": model, "report": json.loads(report.read_text()), "home": home, "stdout": capture.getvalue(), "data": data}


@pytest.fixture
def model_home(trained_model, monkeypatch):
    """The LeadScore home the model was saved in (its signing key)."""
    monkeypatch.setenv("LEADSCORE_HOME", str(trained_model["home"]))
    return trained_model


def test_train_writes_a_report_with_the_documented_keys(trained_model):
    report = trained_model["report"]
    assert report["model"]["kind"] == "logistic"
    validation = report["validation"]
    assert validation["method"] == "time"  # the sample has first_engaged_at
    known = pd.read_csv(trained_model["data"], dtype=str, keep_default_na=False)["converted"].isin(["yes", "no"]).sum()
    assert validation["holdout_rows"] == -(-known // 5)  # the newest 20%, rounded up
    assert 0.6 < validation["roc_auc"] <= 1
    # The held-out tier table: every held-out lead in one tier, each rate inside its 90% range.
    tiers = report["holdout_tiers"]
    assert [row["tier"] for row in tiers] == ["Hot", "Warm", "Cool", "Cold"]
    assert sum(row["leads"] for row in tiers) == validation["holdout_rows"]
    for row in tiers:
        if row["leads"]:
            low, high = row["converted_interval"]
            assert low <= row["conversion_rate"] <= high
    for key in ("average_precision", "brier", "log_loss", "ece", "lift_top_decile"):
        assert isinstance(validation[key], float)
    assert [row["model"] for row in report["leaderboard"]] == ["logistic"]
    assert report["readiness"]["verdict"] in ("ready", "usable with caution", "not ready")
    # --exclude removed the free-text column; the leakage guard removed the post-outcome ones
    assert "needs" not in report["features_used"]
    for column in ("final_deal_size", "deal_stage", "email", "lead_id"):
        assert column not in report["features_used"]
    assert report["choices"]["exclude"] == ["needs"]
    assert report["choices"]["labels"] == [["timeline", "Buying timeline"]]
    assert report["tiers"]["described"].startswith("Tiers by chance of converting: Hot from 70%")
    out = trained_model["stdout"]
    assert out.startswith("Trained a logistic model, saved to ") and "kept in project 'Spring leads'" in out


def test_projects_lists_the_project_train_kept(capsys, model_home):
    code, out, err = run(capsys, "projects")
    assert code == 0, err
    assert "Spring leads  1,500 leads, 1 model version(s)" in out


def test_projects_without_any_says_how_to_start(capsys):
    code, out, _ = run(capsys, "projects")
    assert code == 0 and out.startswith("No projects yet.")


def test_score_keeps_every_row_and_column_and_splits_tiers(capsys, model_home, tmp_path):
    out, tiers = tmp_path / "scored.csv", tmp_path / "tiers"
    code, stdout, err = run(
        capsys, "score", str(model_home["model"]), str(NEW_LEADS), "--out", str(out),
        "--split-tiers", str(tiers), "--hot", "50%", "--warm", "25", "--cool", "0.1",
    )
    assert code == 0, err
    assert stdout == ""
    original = pd.read_csv(NEW_LEADS, dtype=str, keep_default_na=False)
    scored = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(scored) == len(original) == 500
    added = ["lead_score", "conversion_probability", "tier", "next_action", "reason_1", "reason_2", "reason_3"]
    assert list(scored.columns) == list(original.columns) + added
    assert scored["lead_id"].tolist() == original["lead_id"].tolist()
    probability = scored["conversion_probability"].astype(float)
    by_hand = ["Hot" if p >= 0.5 else "Warm" if p >= 0.25 else "Cool" if p >= 0.1 else "Cold" for p in probability]
    assert scored["tier"].tolist() == by_hand
    split_rows = sum(len(pd.read_csv(tiers / f"{t}.csv")) for t in ("hot", "warm", "cool", "cold"))
    assert split_rows == 500
    assert "Scored 500 leads into" in err and "Hot from 50%, Warm from 25%, Cool from 10%" in err
    # Reasons read in the label given when training.
    assert scored.filter(like="reason_").apply(lambda c: c.str.startswith("Buying timeline is")).any().any()


def test_score_by_share_sorted_and_for_a_crm(capsys, model_home, tmp_path):
    code, _, err = run(
        capsys, "score", str(model_home["model"]), str(NEW_LEADS), "--out", str(tmp_path / "call_list.csv"),
        "--sort", "--hot-share", "5", "--warm-share", "15", "--cool-share", "30", "--no-reasons",
    )
    assert code == 0, err
    call_list = pd.read_csv(tmp_path / "call_list.csv")
    assert call_list["conversion_probability"].is_monotonic_decreasing
    # 500 leads: the top 25 Hot, the next 75 Warm, the next 150 Cool (ties could add a lead).
    assert call_list["tier"].value_counts().to_dict() == {"Cold": 250, "Cool": 150, "Warm": 75, "Hot": 25}

    code, _, err = run(capsys, "score", str(model_home["model"]), str(NEW_LEADS), "--format", "crm",
                       "--out", str(tmp_path / "crm.csv"), "--no-reasons", "--sort")
    assert code == 0, err
    content = (tmp_path / "crm.csv").read_bytes()
    assert not content.startswith(b"\xef\xbb\xbf")
    crm = pd.read_csv(io.BytesIO(content))
    assert list(crm.columns)[:1] == ["lead_id"]
    assert {"lead_score", "tier", "next_action"} <= set(crm.columns)
    assert crm["conversion_probability"].is_monotonic_decreasing and len(crm) == 500

    # Without --sort the CRM file keeps the file's order, to join back to the export.
    code, _, err = run(capsys, "score", str(model_home["model"]), str(NEW_LEADS), "--format", "crm",
                       "--out", str(tmp_path / "crm_in_order.csv"), "--no-reasons")
    assert code == 0, err
    in_order = pd.read_csv(tmp_path / "crm_in_order.csv")
    assert in_order["lead_id"].tolist() == pd.read_csv(NEW_LEADS)["lead_id"].tolist()


def test_score_refuses_to_write_over_its_input(capsys, model_home, tmp_path):
    copy = tmp_path / "new_leads.csv"
    copy.write_bytes(NEW_LEADS.read_bytes())
    code, _, err = run(capsys, "score", str(model_home["model"]), str(copy), "--out", str(copy))
    assert code == 2 and err.startswith("error: ") and "is also the file being read" in err
    assert copy.read_bytes() == NEW_LEADS.read_bytes()


def test_outputs_in_a_folder_that_takes_no_files_exit_2_and_keep_the_previous_model(capsys, model_home, tmp_path, unwritable_folder):
    scored = unwritable_folder / "scored.csv"
    code, _, err = run(capsys, "score", str(model_home["model"]), str(NEW_LEADS), "--out", str(scored))
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1
    assert str(scored) in err and "Choose a folder you can write to" in err
    assert not scored.exists()

    previous = tmp_path / "leads-model.leadscore"
    previous.write_bytes(model_home["model"].read_bytes())
    report = unwritable_folder / "report.json"
    code, _, err = run(
        capsys, "train", str(model_home["data"]), "--model", "logistic", "--out", str(previous), "--report", str(report)
    )
    assert code == 2 and str(report) in err and "Choose a folder you can write to for the report" in err
    assert "Training finished" not in err  # refused before minutes of training
    assert previous.read_bytes() == model_home["model"].read_bytes()
    assert not report.exists()


def test_train_into_a_folder_suggests_a_model_file_name(capsys, sample_leads_path, tmp_path):
    code, _, err = run(capsys, "train", str(sample_leads_path), "--out", str(tmp_path))
    assert code == 2
    assert f"Give a file name for the model, e.g. '{tmp_path / 'leads-model.leadscore'}'" in err


def test_score_streams_json_lines_and_an_error_line_does_not_stop_it(capsys, model_home, monkeypatch):
    rows = pd.read_csv(NEW_LEADS, dtype=str, keep_default_na=False).head(2).to_dict("records")
    lines = [json.dumps(rows[0]), "this is not json", json.dumps(rows[1])]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(("\n".join(lines) + "\n").encode("utf-8"))))
    code, out, err = run(capsys, "score", str(model_home["model"]), "-")
    assert code == 0, err
    results = [json.loads(line) for line in out.splitlines()]
    assert len(results) == 3
    assert results[0]["lead_id"] == rows[0]["lead_id"]
    assert results[0]["tier"] in ("Hot", "Warm", "Cool", "Cold") and 0 <= results[0]["lead_score"] <= 100
    assert results[1]["line"] == 2 and "not valid JSON" in results[1]["error"]
    assert results[2]["lead_id"] == rows[1]["lead_id"]


def test_the_apps_json_lines_example_scores_with_that_model(capsys, model_home, monkeypatch):
    from leadscore.model.bundle import load_bundle

    bundle = load_bundle(model_home["model"])
    example = examples(str(model_home["model"]), bundle.schema)["jsonl"]
    lead = example.split("echo '", 1)[1].split("'", 1)[0]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO((lead + "\n").encode("utf-8"))))
    code, out, err = run(capsys, "score", str(model_home["model"]), "-")
    assert code == 0, err
    result = json.loads(out)
    assert "error" not in result, result
    assert result["tier"] in ("Hot", "Warm", "Cool", "Cold")


def test_score_refuses_a_model_from_another_machine_unless_trusted(capsys, trained_model):
    code, _, err = run(capsys, "score", str(trained_model["model"]), str(NEW_LEADS))
    assert code == 2
    assert err.startswith("error: ") and "another computer" in err
    code, out, err = run(capsys, "score", str(trained_model["model"]), str(NEW_LEADS), "--trust-model", "--no-reasons")
    assert code == 0, err
    assert len(out.strip().splitlines()) == 501


def test_score_names_the_missing_columns(capsys, model_home, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("lead_id,country\nL-1,France\n")
    code, _, err = run(capsys, "score", str(model_home["model"]), str(bad))
    assert code == 2
    assert "source" in err and err.startswith("error: ")


def test_tier_options_are_checked_in_plain_words(capsys, model_home):
    code, _, err = run(capsys, "score", str(model_home["model"]), str(NEW_LEADS), "--hot-share", "5", "--warm-share", "15")
    assert code == 2 and "need all three" in err
    code, _, err = run(capsys, "score", str(model_home["model"]), str(NEW_LEADS), "--hot", "60", "--hot-share", "5",
                       "--warm-share", "15", "--cool-share", "30")
    assert code == 2 and "not both" in err
    code, _, err = run(capsys, "score", str(model_home["model"]), str(NEW_LEADS), "--hot-share", "50", "--warm-share", "30",
                       "--cool-share", "20")
    assert code == 2 and "they must leave some for Cold" in err


def test_card_prints_the_model_card(capsys, model_home):
    code, out, err = run(capsys, "card", str(model_home["model"]))
    assert code == 0, err
    assert out.startswith("# Model card: v1")
    assert "Final deal size" in out  # what it leaves out, and why
    assert "Buying timeline (timeline)" in out


def test_train_needs_somewhere_to_keep_the_model(capsys, sample_leads_path, tmp_path):
    code, _, err = run(capsys, "train", str(sample_leads_path))
    assert code == 2 and "--out MODEL_FILE, or --project NAME" in err
    code, _, err = run(capsys, "train", str(sample_leads_path), "--out", str(tmp_path / "missing" / "m.joblib"))
    assert code == 2 and "does not exist" in err


# -- every choice the app offers, and the history contract ----------------------------------------


def _stages(tmp_path) -> Path:
    """A CRM export whose outcome is a deal stage: Won, Lost, a stage LeadScore knows is open and one it does not."""
    import numpy as np

    rng = np.random.default_rng(4)
    n = 900
    source = rng.choice(["Referral", "Ads", "Webinar"], n)
    won = rng.random(n) < np.where(source == "Referral", 0.45, 0.15)
    stage = np.where(won, "Won", "Lost")
    stage = np.where(rng.random(n) < 0.2, rng.choice(["Engaging", "Parked"], n), stage)
    path = tmp_path / "stages.csv"
    pd.DataFrame({"deal": [f"D{i:04d}" for i in range(n)], "source": source, "visits": rng.integers(1, 9, n), "stage": stage}).to_csv(path, index=False)
    return path


def test_an_outcome_it_cannot_read_by_itself_is_named_with_flags(capsys, tmp_path):
    data = _stages(tmp_path)
    code, _, err = run(capsys, "train", str(data), "--out", str(tmp_path / "m.leadscore"), "--model", "logistic")
    assert code == 2 and "--converted" in err  # the question, and how to answer it here
    code, out, err = run(
        capsys, "train", str(data), "--out", str(tmp_path / "m.leadscore"), "--model", "logistic",
        "--target", "stage", "--converted", "Won", "--not-converted", "Lost",
    )
    assert code == 0, err
    stages = pd.read_csv(data)["stage"]
    still_open = int(stages.isin(["Engaging", "Parked"]).sum())
    assert f"{still_open:,} still in the pipeline" in err  # the values not named, counted
    assert f"{int((stages == 'Won').sum()):,} converted (won)" in err


def test_cleaning_choices_from_flags_and_from_a_choices_file(capsys, tmp_path, sample_leads_path):
    data = tmp_path / "leads.csv"
    pd.read_csv(sample_leads_path, dtype=str, keep_default_na=False).head(1200).to_csv(data, index=False)
    choices = tmp_path / "choices.json"
    choices.write_text(json.dumps({"choices": {"exclude": ["industry"], "labels": [["source", "Lead source"]]}}))
    report = tmp_path / "report.json"
    code, _, err = run(
        capsys, "train", str(data), "--out", str(tmp_path / "m.leadscore"), "--model", "logistic", "--report", str(report),
        "--choices", str(choices), "--exclude", "country", "--window", "0", "--rare-share", "2%", "--no-text",
        "--label", "timeline=Buying timeline", "--hot", "60", "--action", "hot=Ring today",
    )
    assert code == 0, err
    saved = json.loads(report.read_text())
    assert saved["choices"]["exclude"] == ["industry", "country"]
    assert dict(map(tuple, saved["choices"]["labels"])) == {"source": "Lead source", "timeline": "Buying timeline"}
    assert saved["choices"]["window_months"] == 0 and saved["choices"]["rare_share"] == 0.02
    assert "industry" not in saved["features_used"] and "needs" not in saved["features_used"]
    assert saved["tiers"]["hot"] == 0.6 and saved["tiers"]["actions"]["Hot"] == "Ring today"


def test_scoring_runs_recorded_with_a_summary_history_and_feedback(capsys, model_home, tmp_path):
    new = pd.read_csv(NEW_LEADS, dtype=str, keep_default_na=False)
    first, later = tmp_path / "week1.csv", tmp_path / "week2.csv"
    new.to_csv(first, index=False)
    new.assign(timeline="this month").to_csv(later, index=False)
    for path, summary in ((first, tmp_path / "s1.json"), (later, tmp_path / "s2.json")):
        code, _, err = run(capsys, "score", str(model_home["model"]), str(path), "--out", str(tmp_path / "out.csv"),
                           "--project", "Weekly", "--summary-json", str(summary))
        assert code == 0, err
    summary = json.loads((tmp_path / "s2.json").read_text())
    assert summary["run"] == 2 and summary["rows"] == 500 and sum(summary["tiers"].values()) == 500
    assert summary["drift"]["verdict"] == "retrain" and "timeline" in summary["drift"]["message"]
    assert {"column", "psi", "unseen_share"} <= set(summary["drift"]["columns"][0])
    assert summary["drift"]["columns"][0]["column"] == "timeline"
    # What the run promises before outcomes arrive: the sum of the written chances, per tier too.
    written = pd.read_csv(tmp_path / "out.csv")
    assert summary["expected"]["conversions"] == pytest.approx(written["conversion_probability"].sum(), abs=1e-6)
    hot = written.loc[written["tier"] == "Hot", "conversion_probability"].sum()
    assert summary["expected"]["per_tier"]["Hot"] == pytest.approx(hot, abs=1e-6)
    assert 0.5 < summary["expected"]["roc_auc"] < 1

    code, out, _ = run(capsys, "history", "Weekly", "--json")
    history = json.loads(out)
    assert [r["run"] for r in history["runs"]] == [1, 2] and history["runs"][1]["rows"] == 500
    movers = history["movers"]
    changes = [m["after"] - m["before"] for m in movers]
    # Largest change first (changes are compared to the tenth of a point the table keeps).
    assert changes and changes[0] > 0 and all(abs(a) >= abs(b) - 0.001 for a, b in zip(changes, changes[1:]))
    key = movers[0]["key"]
    assert key in set(new["lead_id"])  # the ID column tells leads apart
    code, out, _ = run(capsys, "history", "Weekly", "--lead", key, "--json")
    scores = json.loads(out)["lead"]["scores"]
    assert [s["run"] for s in scores] == [1, 2] and scores[1]["probability"] > scores[0]["probability"]

    outcomes = tmp_path / "outcomes.csv"
    new.assign(converted=["yes" if i % 4 == 0 else "no" for i in range(len(new))]).to_csv(outcomes, index=False)
    code, out, err = run(capsys, "feedback", "Weekly", str(outcomes), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["matched"] == 500
    assert sum(t["leads"] for t in report["tiers"]) == 500
    # The real share per tier, counted by hand from the file.
    latest = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    converted = (latest["lead_id"].map(dict(zip(new["lead_id"], [i % 4 == 0 for i in range(len(new))]))))
    for tier in report["tiers"]:
        mask = latest["tier"] == tier["tier"]
        assert tier["converted"] == pytest.approx(converted[mask].mean())


def test_dask_options_are_checked_in_plain_words(capsys, model_home, tmp_path):
    code, _, err = run(capsys, "score", str(model_home["model"]), str(NEW_LEADS), "--engine", "dask")
    assert code == 2 and "--out" in err
    code, _, err = run(capsys, "score", str(model_home["model"]), str(NEW_LEADS), "--scheduler", "tcp://x:1")
    assert code == 2 and "--engine dask" in err


def test_keep_and_exclude_are_saved_in_the_report_and_the_card_with_the_honest_range(capsys, tmp_path):
    """On a CRM-shaped export: --keep uses the snapshot LeadScore left out, --exclude drops a
    column it would use; both are in the report's choices and on the model card, and the
    kept column's warning stays, with the honest range beside the result."""
    from tests.crm_export import crm_export

    data = tmp_path / "crm.csv"
    crm_export(1500, seed=3).to_csv(data, index=False)
    model, report = tmp_path / "crm.leadscore", tmp_path / "report.json"
    code, out, err = run(
        capsys, "train", str(data), "--out", str(model), "--model", "logistic", "--report", str(report),
        "--keep", "Last activity date", "--exclude", "Company size",
    )
    assert code == 0, err
    saved = json.loads(report.read_text(encoding="utf-8"))
    assert saved["choices"]["keep"] == ["Last activity date"]
    assert saved["choices"]["exclude"] == ["Company size"]
    honest = next(line for line in out.splitlines() if line.startswith("Honest range: With "))
    # Only the kept snapshot: the rep's rating is left out by default now, not used unasked.
    assert "'Last activity date'" in honest and "without it," in honest and "Lead rating" not in honest
    code, card, err = run(capsys, "card", str(model))
    assert code == 0, err
    assert "Last activity date" in card and "Company size" in card
    assert "without" in card.lower()  # the honest range is on the card too


def test_score_with_value_adds_expected_value_sorts_by_it_and_refuses_a_post_sale_column(capsys, model_home, tmp_path):
    code, _, err = run(capsys, "score", str(model_home["model"]), str(NEW_LEADS), "--value", "budget_range",
                       "--sort", "--no-reasons", "--out", str(tmp_path / "by_value.csv"))
    assert code == 0, err
    scored = pd.read_csv(tmp_path / "by_value.csv", keep_default_na=False)
    assert len(scored) == 500  # row in = row out, blanks kept
    with_value = scored[scored["expected_value"] != ""]
    assert (with_value["budget_range"] != "").all() and (scored[scored["budget_range"] == ""]["expected_value"] == "").all()
    assert pd.to_numeric(with_value["expected_value"]).is_monotonic_decreasing
    assert scored.index[scored["expected_value"] == ""].min() > with_value.index.max()  # no value: after the rest
    middle = {"$5k-$20k": 12500.0, "$20k-$50k": 35000.0, "< $5k": 2500.0, "$50k+": 50000.0}
    for _, lead in with_value.head(20).iterrows():
        assert float(lead["expected_value"]) == pytest.approx(float(lead["conversion_probability"]) * middle[lead["budget_range"]], abs=0.01)

    code, _, err = run(capsys, "score", str(model_home["model"]), str(NEW_LEADS), "--value", "budget_range",
                       "--format", "crm", "--no-reasons", "--out", str(tmp_path / "crm.csv"))
    assert code == 0, err
    assert "expected_value" in pd.read_csv(tmp_path / "crm.csv").columns
    code, _, err = run(capsys, "score", str(model_home["model"]), str(NEW_LEADS), "--value", "budget_range",
                       "--format", "jsonl", "--no-reasons", "--out", str(tmp_path / "leads.jsonl"))
    assert code == 0, err
    lines = [json.loads(line) for line in (tmp_path / "leads.jsonl").read_text().splitlines()]
    assert len(lines) == 500 and all("expected_value" in line for line in lines)

    with_outcome = tmp_path / "closed.csv"
    pd.read_csv(model_home["data"], dtype=str, keep_default_na=False).head(50).to_csv(with_outcome, index=False)
    code, out, err = run(capsys, "score", str(model_home["model"]), str(with_outcome), "--value", "final_deal_size",
                         "--out", str(tmp_path / "refused.csv"))
    assert code == 2 and "known only after the sale" in err and "Choose a column filled in when the lead arrives" in err
    assert not (tmp_path / "refused.csv").exists()
    code, out, err = run(capsys, "score", str(model_home["model"]), str(NEW_LEADS), "--value", "budget", "--out", str(tmp_path / "x.csv"))
    assert code == 2 and "no column 'budget'" in err and "Traceback" not in err
