"""`leadscore watch` (leadscore/automate/folder.py): files dropped in a folder are scored whole,
recorded once, moved to done/ or failed/ with a reason; a kill half-way is redone on restart."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

import pandas as pd
import pytest

from leadscore.automate.folder import Inbox, watch
from leadscore.automate.webhooks import Webhooks
from tests.serving import NEW_LEADS, Receiver, env, free_port, train_project, wait_for

ROWS = 500  # sample_data/new_leads.csv: 501 lines, one of them the header


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    root = tmp_path_factory.mktemp("watch-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEADSCORE_HOME", str(root))
        yield root


@pytest.fixture(scope="module")
def project(home):
    return train_project("Watch test")


def _runs_from(project, source: str) -> int:
    runs = project.db.runs()
    return int((runs["source"] == source).sum())


def _start(home, inbox, *args):
    return subprocess.Popen(
        [sys.executable, "-m", "leadscore.cli", "watch", str(inbox), *args],
        env=env(home), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )


def test_a_dropped_file_is_scored_whole_and_moved_to_done(tmp_path, project):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "new_leads.csv").write_bytes(NEW_LEADS.read_bytes())
    lines = []
    watch(inbox, model=project.db.model_path(1), every=0.05, once=True, say=lines.append)
    scored = pd.read_csv(inbox / "scored" / "new_leads-scored.csv", dtype=str)
    assert len(scored) == ROWS
    assert scored["lead_id"].tolist() == pd.read_csv(NEW_LEADS, dtype=str)["lead_id"].tolist()
    assert {"lead_score", "conversion_probability", "tier", "reason_1"} <= set(scored.columns)
    assert (inbox / "done" / "new_leads.csv").is_file() and not (inbox / "new_leads.csv").exists()
    assert any("Scored new_leads.csv: 500 leads" in line for line in lines)


def test_a_bad_file_goes_to_failed_beside_the_reason(tmp_path, project):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "wrong.csv").write_text("colour,size\nblue,3\nred,4\n", encoding="utf-8")
    (inbox / "broken.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    (inbox / "good.csv").write_bytes(NEW_LEADS.read_bytes())
    watch(inbox, project="Watch test", every=0.05, once=True, say=lambda line: None)
    assert (inbox / "failed" / "wrong.csv").is_file() and (inbox / "failed" / "broken.xlsx").is_file()
    assert "None of the columns the model reads" in (inbox / "failed" / "wrong.csv.txt").read_text()
    assert (inbox / "failed" / "broken.xlsx.txt").read_text().strip()
    assert sorted(p.name for p in (inbox / "scored").glob("*.csv")) == ["good-scored.csv"]
    assert _runs_from(project, "good.csv") == 1 and _runs_from(project, "wrong.csv") == 0


def test_a_file_still_being_written_is_scored_once_it_is_whole(tmp_path, home, project):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    watcher = _start(home, inbox, "--project", "Watch test", "--every", "0.5")
    try:
        content = NEW_LEADS.read_bytes()
        pieces = [content[i : i + len(content) // 20 + 1] for i in range(0, len(content), len(content) // 20 + 1)]
        with open(inbox / "arriving.csv", "wb") as handle:
            for piece in pieces:  # a new piece every 0.1 s: no two looks 0.5 s apart see the same size
                handle.write(piece)
                handle.flush()
                time.sleep(0.1)
        assert wait_for(lambda: (inbox / "done" / "arriving.csv").is_file(), 120)
    finally:
        watcher.send_signal(signal.SIGTERM)
        watcher.wait(60)
    assert len(pd.read_csv(inbox / "scored" / "arriving-scored.csv")) == ROWS
    assert _runs_from(project, "arriving.csv") == 1


def test_killed_mid_file_it_is_redone_on_restart_and_scored_once(tmp_path, home, project):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    big = pd.concat([pd.read_csv(NEW_LEADS, dtype=str)] * 40, ignore_index=True)  # 20,000 leads
    big.to_csv(tmp_path / "big.csv", index=False)
    watcher = _start(home, inbox, "--project", "Watch test", "--every", "0.2")
    try:
        (tmp_path / "big.csv").replace(inbox / "big.csv")
        assert wait_for(lambda: list((inbox / "scored").glob(".big-scored.csv.*.partial")), 120, every=0.02)
        watcher.send_signal(signal.SIGKILL)
        watcher.wait(60)
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.wait(60)
    assert (inbox / "big.csv").is_file() and not (inbox / "scored" / "big-scored.csv").exists()
    assert _runs_from(project, "big.csv") == 0

    again = _start(home, inbox, "--project", "Watch test", "--every", "0.2", "--once")
    assert again.wait(300) == 0, again.stderr.read()
    assert [p.name for p in (inbox / "scored").iterdir() if p.name.endswith(".csv") or ".partial" in p.name] == ["big-scored.csv"]
    assert len(pd.read_csv(inbox / "scored" / "big-scored.csv", dtype=str)) == 20_000
    assert (inbox / "done" / "big.csv").is_file() and not (inbox / "big.csv").exists()
    assert _runs_from(project, "big.csv") == 1


def test_killed_after_recording_the_run_is_not_recorded_twice(tmp_path, project, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "twice.csv").write_bytes(NEW_LEADS.read_bytes())
    finish = Inbox.finish

    def killed(self, path, fingerprint, reason=None):
        raise KeyboardInterrupt  # the process stops after the run was recorded, before the move

    monkeypatch.setattr(Inbox, "finish", killed)
    with pytest.raises(KeyboardInterrupt):
        watch(inbox, project="Watch test", every=0.05, once=True, say=lambda line: None)
    assert _runs_from(project, "twice.csv") == 1 and (inbox / "twice.csv").is_file()
    monkeypatch.setattr(Inbox, "finish", finish)
    watch(inbox, project="Watch test", every=0.05, once=True, say=lambda line: None)
    assert _runs_from(project, "twice.csv") == 1
    assert sorted(p.name for p in (inbox / "scored").glob("*.csv")) == ["twice-scored.csv"]
    assert (inbox / "done" / "twice.csv").is_file()


def test_webhooks_fire_for_the_leads_of_a_watched_file(tmp_path, home):
    train_project("Watch hooks")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "leads.csv").write_bytes(NEW_LEADS.read_bytes())
    receiver = Receiver(free_port()).start()
    try:
        hooks = Webhooks({"Hot": f"http://127.0.0.1:{receiver.port}/hot"}, "s3cret")
        watch(inbox, project="Watch hooks", webhooks=hooks, every=0.05, once=True, say=lambda line: None)
        assert wait_for(lambda: receiver.got, 30)
    finally:
        receiver.stop()
    # The sample model puts one of the 500 new leads in Hot (L-005150).
    assert [path for path, _, _ in receiver.got] == ["/hot"]
    assert b'"lead_id": "L-005150"' in receiver.got[0][2]
