"""``leadscore watch INBOX``: score every CSV or Excel file that appears in a folder.

A form tool, a CRM export or a synced drive (Dropbox, OneDrive, Google Drive) drops lead files
into INBOX. Once a file's size and time stay the same between two looks, it is scored whole into
OUTBOX (``<name>-scored.csv``, written to a temporary file and renamed, so OUTBOX never holds half
a file), recorded as a run of the project (with its webhooks), and moved to ``INBOX/done/``; a
file that cannot be scored goes to ``INBOX/failed/`` beside ``<name>.txt`` saying why.

Killed half-way, it does that file again on restart: the file is still in INBOX, its scored file
keeps its name (a journal in OUTBOX, ``.leadscore-watch.json``, maps the file's content to it) and
the project records it once (the run and a claim on the file's content are saved together).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pandas as pd

from leadscore.errors import LeadScoreInputError
from leadscore.io.atomic import atomic_output
from leadscore.automate.recorder import record_in
from leadscore.automate.source import ModelSource
from leadscore.automate.webhooks import Deliverer, Webhooks, ensure_outbox
from leadscore.score.export import records
from leadscore.score.runs import run_summary
from leadscore.score.score_files import score_file

__all__ = ["watch", "Inbox"]

LEAD_FILES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls")
JOURNAL = ".leadscore-watch.json"
_CLAIMS = "CREATE TABLE IF NOT EXISTS watched_files (fingerprint TEXT PRIMARY KEY, name TEXT NOT NULL, run INTEGER NOT NULL)"


def _fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _free_name(folder: Path, stem: str, suffix: str, taken=()) -> Path:
    candidate, number = folder / f"{stem}{suffix}", 1
    while candidate.exists() or candidate.name in taken:
        number += 1
        candidate = folder / f"{stem}-{number}{suffix}"
    return candidate


class Inbox:
    """The watched folder: which files are ready, and where each one goes.

    Parameters
    ----------
    inbox : path
    outbox : path, optional
        Default ``INBOX/scored``.
    """

    def __init__(self, inbox, outbox=None):
        self.folder = Path(inbox)
        if not self.folder.is_dir():
            raise LeadScoreInputError(f"There is no folder '{inbox}' to watch. Create it, or give the folder your form tool writes to.")
        self.outbox = Path(outbox) if outbox else self.folder / "scored"
        for folder in (self.outbox, self.folder / "done", self.folder / "failed"):
            folder.mkdir(parents=True, exist_ok=True)
        self._looks: dict[str, tuple] = {}
        for name in self._journal().values():  # what a killed run was writing
            for partial in self.outbox.glob(f".{name}.*.partial"):
                partial.unlink(missing_ok=True)

    def ready(self) -> list[Path]:
        """Lead files whose size and time did not change since the last look (oldest first)."""
        now_seen, ready = {}, []
        for path in sorted(self.folder.iterdir(), key=lambda p: p.name):
            name = path.name
            if name.startswith((".", "~$")) or path.suffix.lower() not in LEAD_FILES or not path.is_file():
                continue
            stat = path.stat()
            look = (stat.st_size, stat.st_mtime_ns)
            now_seen[name] = look
            if self._looks.get(name) == look and stat.st_size > 0:
                ready.append(path)
        self._looks = now_seen
        return ready

    def _journal(self) -> dict:
        try:
            return json.loads((self.outbox / JOURNAL).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _save_journal(self, journal: dict) -> None:
        with atomic_output(self.outbox / JOURNAL, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(journal, indent=1))

    def output_for(self, path: Path, fingerprint: str) -> Path:
        """The scored file of this content: the same name again after a restart, else a free one."""
        journal = self._journal()
        if fingerprint not in journal:
            journal[fingerprint] = _free_name(self.outbox, f"{path.stem}-scored", ".csv", taken=set(journal.values())).name
            self._save_journal(journal)
        return self.outbox / journal[fingerprint]

    def finish(self, path: Path, fingerprint: str | None, reason: str | None = None) -> Path:
        """Move the file to done/ (or failed/ with a .txt saying why); forget its journal line."""
        folder = self.folder / ("failed" if reason else "done")
        target = _free_name(folder, path.stem, path.suffix)
        if reason:
            with atomic_output(folder / f"{target.name}.txt", "w", encoding="utf-8") as handle:
                handle.write(reason + "\n")
        os.replace(path, target)
        journal = self._journal()
        if fingerprint in journal:
            del journal[fingerprint]
            self._save_journal(journal)
        return target


def _record(source: ModelSource, scoring, name: str, fingerprint: str, batches: dict, summary: dict, webhooks) -> int | None:
    """Record the file's run (and its webhooks) once: a redo after a kill finds its claim."""
    db = source.db
    scored = pd.concat([batches[number] for number in sorted(batches)]) if batches else pd.DataFrame()
    results = [{**result, "model_version": scoring.version} for result in records(scored)]
    with db.transaction() as connection:
        connection.execute(_CLAIMS)
        row = connection.execute("SELECT run FROM watched_files WHERE fingerprint = ?", (fingerprint,)).fetchone()
        if row is not None:
            return int(row[0])
        empty = pd.DataFrame({"tier": pd.Series([], dtype=str)})
        recorded = run_summary(scoring.bundle, empty, summary.get("drift"), scoring.policy, scoring.scheme, summary.get("warnings", []))
        run = db.open_run_in(connection, scoring.project_version, name, recorded)
        queued = record_in(db, connection, run, scoring, results, webhooks) if results else 0
        connection.execute("INSERT INTO watched_files VALUES (?, ?, ?)", (fingerprint, name, run))
    return run


def _forget_claim(db, fingerprint: str) -> None:
    with db.transaction() as connection:
        connection.execute(_CLAIMS)
        connection.execute("DELETE FROM watched_files WHERE fingerprint = ?", (fingerprint,))


def score_one(inbox: Inbox, path: Path, source: ModelSource, webhooks: Webhooks | None = None) -> str | None:
    """Score one ready file whole into OUTBOX, record it, move it; the line to show, or None when
    the file changed while it was read (it is taken again once it stays the same)."""
    before = path.stat()
    fingerprint = _fingerprint(path)
    scoring = source.current()
    out = inbox.output_for(path, fingerprint)
    batches: dict = {}
    try:
        summary = score_file(scoring.bundle, path, out, policy=scoring.policy, fmt="csv", on_batch=batches.__setitem__ if source.db else None)
    except (LeadScoreInputError, ValueError, OSError) as problem:
        after = path.stat()
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            return None
        reason = problem.message if isinstance(problem, LeadScoreInputError) else f"This file could not be read ({type(problem).__name__}: {problem})."
        target = inbox.finish(path, fingerprint, reason)
        return f"Could not score {path.name}: {reason} It is in {target.parent}/ beside {target.name}.txt."
    after = path.stat()
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
        return None  # still being written: scored again when it stays the same
    run = _record(source, scoring, path.name, fingerprint, batches, summary, webhooks) if source.db else None
    target = inbox.finish(path, fingerprint)
    if source.db is not None:
        _forget_claim(source.db, fingerprint)
    tiers = ", ".join(f"{count:,} {tier}" for tier, count in summary.get("tiers", {}).items())
    recorded = f", recorded as run {run}" if run is not None else ""
    return f"Scored {path.name}: {summary['rows']:,} leads ({tiers}) into {out}{recorded}; moved to {target.parent}/."


def watch(inbox, model=None, project: str | None = None, outbox=None, webhooks: Webhooks | None = None, every: float = 2.0,
          once: bool = False, trust: bool = False, say=print, looks: int | None = None) -> None:
    """Watch INBOX and score each lead file that appears (see the module's description).

    Parameters
    ----------
    inbox : path
    model : path, optional
        A model file; or
    project : str, optional
        A project's name or id: its current version scores, each file is recorded as a run.
    outbox : path, optional
    webhooks : Webhooks, optional
        Needs ``project``.
    every : float
        Seconds between looks; a file is taken once two looks see it the same.
    once : bool
        Score what is in INBOX now (two looks), then stop.
    looks : int, optional
        Stop after this many looks (tests).
    """
    if (model is None) == (project is None):
        raise LeadScoreInputError("Give either a model file or --project NAME (not both).")
    if webhooks is not None and project is None:
        raise LeadScoreInputError(
            "Webhooks need a project: it remembers each lead's last tier and keeps each delivery until it arrives. "
            "Use --project NAME (train one with: leadscore train DATA --project NAME)."
        )
    if every <= 0:
        raise LeadScoreInputError("--every must be a number of seconds above 0, e.g. 2.")
    folder = Inbox(inbox, outbox)
    source = ModelSource.from_project(project) if project is not None else ModelSource.from_file(model, trust=trust)
    deliverer = Deliverer(source.db, webhooks) if webhooks is not None else None
    if source.db is not None:
        ensure_outbox(source.db)
    if deliverer is not None:
        deliverer.start()
    say(f"Watching {folder.folder} for CSV and Excel files (scored into {folder.outbox}). Stop with Ctrl+C.")
    count = 0
    try:
        while looks is None or count < looks:
            count += 1
            for path in folder.ready():
                line = score_one(folder, path, source, webhooks)
                if line:
                    say(line)
                if deliverer is not None:
                    deliverer.wake()
            if once and count >= 2:
                break
            time.sleep(every)
    finally:
        if deliverer is not None:
            deliverer.drain(10.0)
            deliverer.stop()
