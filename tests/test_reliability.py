"""Lose nothing, corrupt nothing: what LeadScore writes is whole, and never written over its input.

- Two ``leadscore score ... --out SAME.csv`` at once: anyone reading the file meanwhile sees the
  previous file or one whole new output, never half of one, and the file left is one whole output.
- An output that is also an input (the leads, the model; through a link or another spelling) is
  refused in plain words before anything is written, and the input is left byte for byte.
- A disk that fills up in the middle of any file LeadScore writes (scored leads, tier files, the
  model, the training report, the run summary, the project's tables) leaves the previous file
  whole and no temporary file behind.
"""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
import time
import types
from pathlib import Path

import pandas as pd
import pytest

from leadscore.io import atomic
from leadscore.cli import main
from leadscore.errors import LeadScoreInputError

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data" / "leads.csv"
NEW_LEADS = REPO / "sample_data" / "new_leads.csv"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A private LeadScore home (its own signing key and projects) for this module."""
    folder = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEADSCORE_HOME", str(folder))
        yield folder


@pytest.fixture(scope="module")
def files(home, tmp_path_factory):
    """A trained model, its training file, and two files of new leads of different sizes."""
    root = tmp_path_factory.mktemp("files")
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    history = root / "history.csv"
    history.write_bytes(b"".join(lines[:1501]))
    model = root / "model.leadscore"
    assert main(["train", str(history), "--out", str(model), "--model", "logistic"]) == 0
    new = NEW_LEADS.read_bytes().splitlines(keepends=True)
    bigger = root / "new_leads_6000.csv"
    bigger.write_bytes(new[0] + b"".join(new[1:] * 12))
    smaller = root / "leads_3000.csv"
    smaller.write_bytes(b"".join(lines[:3001]))
    return types.SimpleNamespace(history=history, model=model, bigger=bigger, smaller=smaller, root=root)


def _rows(content: bytes) -> int:
    return len(pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False, encoding="utf-8-sig"))


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --------------------------------------------------------------------------------------------
# Two writers of the same output


def test_two_scorers_writing_the_same_file_at_once_leave_one_whole_output(files, home, tmp_path):
    # What each would write alone.
    whole = {}
    for data in (files.bigger, files.smaller):
        alone = tmp_path / f"alone_{data.stem}.csv"
        assert main(["score", str(files.model), str(data), "--out", str(alone)]) == 0
        whole[data.stem] = alone.read_bytes()
    assert _rows(whole[files.bigger.stem]) == 6000 and _rows(whole[files.smaller.stem]) == 3000

    out_folder = tmp_path / "out"
    out_folder.mkdir()
    out = out_folder / "scored.csv"
    previous = b"lead_id,lead_score\nL-1,50\n"
    out.write_bytes(previous)
    env = dict(os.environ, PYTHONPATH=str(REPO), LEADSCORE_HOME=str(home))
    scorers = [
        subprocess.Popen(
            [sys.executable, "-m", "leadscore.cli", "score", str(files.model), str(data), "--out", str(out)],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        for data in (files.bigger, files.smaller)
    ]
    # A reader (a marketer opening the file, a workflow picking it up) while both write.
    seen = set()
    while any(scorer.poll() is None for scorer in scorers):
        seen.add(out.read_bytes())
        time.sleep(0.005)
    for scorer in scorers:
        assert scorer.wait() == 0, scorer.stderr.read().decode()
        scorer.stderr.close()
    final = out.read_bytes()
    seen.add(final)
    allowed = {previous, *whole.values()}
    assert seen <= allowed, f"a reader saw a file of {sorted(len(s) for s in seen - allowed)} bytes that was no whole output"
    assert final in whole.values()
    assert b"\x00" not in final
    assert _rows(final) in (6000, 3000)
    assert _listing(out_folder) == ["scored.csv"]  # no temporary file left


# --------------------------------------------------------------------------------------------
# Outputs that are inputs


def _refused(capsys, args: list, words: tuple[str, ...]) -> None:
    code = main([str(a) for a in args])
    _, err = capsys.readouterr()
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert all(word in lines[0] for word in words), lines[0]


def test_scoring_into_the_file_being_scored_is_refused_and_the_leads_are_left_as_they_were(files, tmp_path, capsys, monkeypatch):
    data = tmp_path / "new_leads.csv"
    data.write_bytes(NEW_LEADS.read_bytes())
    (tmp_path / "link.csv").symlink_to(data)
    monkeypatch.chdir(tmp_path)
    words = ("is also the file being read", "would destroy your leads", "choose another file name")
    for out in (data, tmp_path / "link.csv", "./new_leads.csv", tmp_path / "sub" / ".." / "new_leads.csv"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        _refused(capsys, ["score", files.model, data, "--out", out], words)
        _refused(capsys, ["score", files.model, "./new_leads.csv", "--out", out, "--format", "crm"], words)
        _refused(capsys, ["score", files.model, data, "--out", tmp_path / "scored.csv", "--summary-json", out], words)
        assert data.read_bytes() == NEW_LEADS.read_bytes()
    # The tier files: a lead file named hot.csv in the tier folder.
    tiers = tmp_path / "tiers"
    tiers.mkdir()
    (tiers / "hot.csv").write_bytes(NEW_LEADS.read_bytes())
    _refused(capsys, ["score", files.model, tiers / "hot.csv", "--out", tmp_path / "scored.csv", "--split-tiers", tiers], words)
    assert (tiers / "hot.csv").read_bytes() == NEW_LEADS.read_bytes()
    assert not (tmp_path / "scored.csv").exists()


def test_scoring_into_the_model_file_is_refused_and_the_model_is_left_as_it_was(files, tmp_path, capsys):
    model = tmp_path / "model.leadscore"
    model.write_bytes(files.model.read_bytes())
    words = ("is also the file being read", "would destroy your model")
    _refused(capsys, ["score", model, NEW_LEADS, "--out", model], words)
    _refused(capsys, ["score", model, NEW_LEADS, "--out", tmp_path / "x.csv", "--summary-json", model], words)
    _refused(capsys, ["score", model, NEW_LEADS, "--out", model, "--format", "crm"], words)
    assert model.read_bytes() == files.model.read_bytes()


def test_training_into_the_data_file_is_refused_before_training(files, tmp_path, capsys):
    data = tmp_path / "history.csv"
    data.write_bytes(files.history.read_bytes())
    (tmp_path / "link.csv").symlink_to(data)
    for out in (data, tmp_path / "link.csv", tmp_path / "." / "history.csv"):
        _refused(capsys, ["train", data, "--out", out], ("is also the file being read", "the model"))
        _refused(capsys, ["train", data, "--out", tmp_path / "m.leadscore", "--report", out], ("the report",))
    assert data.read_bytes() == files.history.read_bytes()
    assert _listing(tmp_path) == ["history.csv", "link.csv"]


# --------------------------------------------------------------------------------------------
# A disk that fills up midway


class _FullDisk:
    """``os`` for leadscore.io.atomic, whose files take ``room`` bytes and then fail as a full disk."""

    def __init__(self, room: int):
        self.room = room
        self.failures = 0

    def __getattr__(self, name):
        return getattr(os, name)

    def fdopen(self, descriptor, mode="r", *args, **kwargs):
        handle = os.fdopen(descriptor, mode, *args, **kwargs)
        disk = self
        written = 0
        original_write = handle.write

        def write(data):
            nonlocal written
            if written + len(data) > disk.room:
                original_write(data[: max(disk.room - written, 0)])  # some bytes get written
                written = disk.room
                disk.failures += 1
                raise OSError(errno.ENOSPC, "No space left on device")
            written += len(data)
            return original_write(data)

        handle.write = write
        return handle


@pytest.fixture
def full_disk(monkeypatch):
    def fill(room: int = 200) -> _FullDisk:
        disk = _FullDisk(room)
        monkeypatch.setattr(atomic, "os", disk)
        return disk

    return fill


def _fails_midway(capsys, disk: _FullDisk, args: list) -> None:
    code = main([str(a) for a in args])
    _, err = capsys.readouterr()
    assert disk.failures >= 1, "the write never reached the (full) disk"
    # A full disk is a place that cannot take the file, not a crash: exit 2 and what to do.
    assert code == 2 and "(the disk is full). Free some space" in err, err
    assert "unexpected" not in err


def test_a_full_disk_while_writing_scored_leads_keeps_the_previous_file(files, tmp_path, capsys, full_disk):
    out = tmp_path / "scored.csv"
    assert main(["score", str(files.model), str(NEW_LEADS), "--out", str(out)]) == 0
    before, listing = out.read_bytes(), _listing(tmp_path)
    _fails_midway(capsys, full_disk(), ["score", files.model, files.smaller, "--out", out])
    assert out.read_bytes() == before
    assert _listing(tmp_path) == listing


def test_a_full_disk_while_writing_tier_files_keeps_the_previous_ones(files, tmp_path, capsys, full_disk):
    tiers = tmp_path / "tiers"
    assert main(["score", str(files.model), str(NEW_LEADS), "--split-tiers", str(tiers), "--no-reasons"]) == 0
    capsys.readouterr()
    before = {name: (tiers / name).read_bytes() for name in _listing(tiers)}
    assert sorted(before) == ["cold.csv", "cool.csv", "hot.csv", "warm.csv"]
    _fails_midway(capsys, full_disk(), ["score", files.model, files.smaller, "--split-tiers", tiers, "--no-reasons"])
    assert {name: (tiers / name).read_bytes() for name in _listing(tiers)} == before


def test_a_full_disk_while_writing_the_run_summary_keeps_the_previous_one(files, tmp_path, capsys, full_disk):
    summary = tmp_path / "summary.json"
    args = ["score", str(files.model), str(NEW_LEADS), "--summary-json", str(summary), "--no-reasons"]
    assert main(args) == 0
    capsys.readouterr()
    before, listing = summary.read_bytes(), _listing(tmp_path)
    _fails_midway(capsys, full_disk(), args)
    assert summary.read_bytes() == before
    assert _listing(tmp_path) == listing


def test_a_full_disk_while_saving_the_model_or_the_report_keeps_the_previous_ones(files, tmp_path, capsys, full_disk):
    model, report = tmp_path / "model.leadscore", tmp_path / "report.json"
    args = ["train", str(files.history), "--out", str(model), "--report", str(report), "--model", "logistic"]
    assert main(args) == 0
    capsys.readouterr()
    before = {model: model.read_bytes(), report: report.read_bytes()}
    listing = _listing(tmp_path)
    # The report is written first: the disk is full there, and the model is not written at all.
    _fails_midway(capsys, full_disk(), args)
    # Then the model alone, the disk full halfway through it.
    _fails_midway(capsys, full_disk(room=len(before[model]) // 2), ["train", files.history, "--out", model, "--model", "logistic"])
    assert {path: path.read_bytes() for path in before} == before
    assert _listing(tmp_path) == listing


def test_a_full_disk_while_saving_a_projects_tables_keeps_what_was_saved(files, tmp_path, full_disk, monkeypatch):
    from leadscore.project.workflow import LeadProject
    from leadscore.io.read import read_leads
    from leadscore.project.store import ProjectStore

    monkeypatch.setenv("LEADSCORE_HOME", str(tmp_path / "home"))
    store = ProjectStore()
    leads = read_leads(files.history)
    project = LeadProject.new(leads, "Spring leads", store=store)
    db = project.db
    saved, listing = (db.folder / "leads.parquet").read_bytes(), _listing(db.folder)

    disk = full_disk(room=4096)
    with pytest.raises(LeadScoreInputError, match=r"\(the disk is full\)"):
        db.save_leads(read_leads(files.smaller))
    assert disk.failures == 1
    assert (db.folder / "leads.parquet").read_bytes() == saved
    assert _listing(db.folder) == listing
    assert len(LeadProject.open(store, db.id).data.leads) == len(leads)  # the project opens with its leads

    # A scoring run's table: the run is not recorded at all, and no table is left.
    with pytest.raises(LeadScoreInputError, match=r"\(the disk is full\)"):
        db.record_run(None, "new_leads.csv", {}, pd.DataFrame({"key": ["a"], "probability": [0.5], "tier": ["Warm"]}), leads)
    assert db.runs().empty
    assert [p.name for p in (db.folder / "runs").iterdir()] == []
