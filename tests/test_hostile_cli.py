"""Every broken or hostile file of the corpus (tests/hostile.py) through the command line.

Each file gets a correct result or one clear message: exit 0 or 2, never 1 ("something
unexpected"), never a traceback, never a hang; and the accounting adds up: leads read = leads
converted + not converted + still open (inspect), rows in = rows out (score).

The stream cases (``leadscore score MODEL -``) never stop the stream: each bad line gets one
``error`` line, every good lead around it is scored, in order, and the command exits 0.
Run this file with ``LEADSCORE_STREAM_TABLE=path`` to write the stream cases' table there.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from leadscore.cli import main
from tests.hostile import CASES, LEAD_HEADER, SOURCES, STREAM_CASES, _table, stream_table

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    """A model trained, in a private LEADSCORE_HOME, on 1,200 leads with the corpus's own columns
    (lead_id, source, pages_viewed, converted), so that a file that reads is really scored rather
    than refused for lacking the model's columns."""
    root = tmp_path_factory.mktemp("hostile")
    rng = np.random.default_rng(7)
    rows = []
    for i in range(1, 1201):
        source, pages = SOURCES[i % 5], int(rng.integers(0, 13))
        chance = 0.1 + 0.3 * (source == "Referral") + 0.03 * pages
        rows.append([f"H-{i:04d}", source, str(pages), "yes" if rng.random() < chance else "no"])
    history = root / "history.csv"
    history.write_text(_table(LEAD_HEADER, rows), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEADSCORE_HOME", str(root / "home"))
        assert main(["train", str(history), "--out", str(root / "model.leadscore"), "--model", "logistic"]) == 0
        yield root / "model.leadscore"


class _Hang(Exception):
    pass


def _run(capsys, *args) -> tuple[int, str, str]:
    def stop(signum, frame):
        raise _Hang

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(60)
    try:
        code = main([str(a) for a in args])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    out, err = capsys.readouterr()
    return code, out, err


def _sheet(case) -> list[str]:
    sheet = case.read_kwargs.get("sheet")
    return [] if sheet is None else ["--sheet", str(sheet)]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_inspect_gives_a_result_or_one_clear_message(case, tmp_path, capsys):
    path = case.write(tmp_path)
    code, out, err = _run(capsys, "inspect", path, "--json", *_sheet(case))
    assert code in (0, 2), err
    assert "Traceback" not in err and "something unexpected" not in err
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and len(lines[0]) > 40, err
        if case.expect == "refused":
            assert all(word.lower() in err.lower() for word in case.message_words), err
        return
    assert case.expect == "reads", f"{case.name} should have been refused"
    report = json.loads(out)
    if case.rows is not None:
        assert report["rows"] == case.rows
    if report["outcomes"] is not None:
        assert sum(report["outcomes"].values()) == report["rows"]  # every lead accounted for


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_scoring_gives_every_row_a_result_or_one_clear_message(case, model, tmp_path, capsys):
    path = case.write(tmp_path)
    out_path = tmp_path / "scored.csv"
    code, _, err = _run(capsys, "score", model, path, "--out", out_path, *_sheet(case))
    assert code in (0, 2), err
    assert "Traceback" not in err and "something unexpected" not in err
    if code == 2:
        assert not out_path.exists()  # nothing half-written
        errors = [line for line in err.splitlines() if line.startswith("error: ")]
        assert len(errors) == 1 and len(errors[0]) > 40, err
        if case.expect == "reads":  # a file that reads is scored, unless it lacks the model's columns
            assert "which the model needs" in err or "None of the columns the model reads" in err, err
        return
    scored = pd.read_csv(out_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if case.rows is not None:
        assert len(scored) == case.rows  # row in = row out
    assert scored["tier"].isin(["Hot", "Warm", "Cool", "Cold"]).all()


def _outcome(line: dict) -> str:
    return f"scored {line['lead_id']}" if "tier" in line else f"error: {line['error'][:60]}"


@pytest.fixture(scope="module")
def stream_results():
    results: dict[str, list[str]] = {}
    yield results
    if os.environ.get("LEADSCORE_STREAM_TABLE"):
        Path(os.environ["LEADSCORE_STREAM_TABLE"]).write_text(stream_table(results) + "\n", encoding="utf-8")


@pytest.mark.parametrize("stream", STREAM_CASES, ids=[stream.name for stream in STREAM_CASES])
def test_a_stream_answers_every_line_and_never_stops(stream, model, tmp_path, capsys, monkeypatch, stream_results):
    piped = tmp_path / "piped.jsonl"
    piped.write_bytes(stream.data())
    with piped.open("rb") as stdin:  # a real file descriptor, as a pipe gives
        monkeypatch.setattr("sys.stdin", type("Stdin", (), {"buffer": stdin})())
        code, out, err = _run(capsys, "score", model, "-")
    assert code == 0, err
    assert "Traceback" not in err and "something unexpected" not in err
    answers = [json.loads(line) for line in out.splitlines()]
    stream_results[stream.name] = [_outcome(answer) for answer in answers]
    assert len(answers) == len(stream.lines), out[:2000]
    for answer, (kind, detail) in zip(answers, stream.lines):
        if kind == "scored":
            assert answer["lead_id"] == detail and answer["tier"] in ("Hot", "Warm", "Cool", "Cold"), answer
        else:
            assert set(answer) == {"line", "error"}, answer
            assert all(word in answer["error"] for word in detail), answer["error"]
