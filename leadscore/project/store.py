"""Saved projects on this machine: one folder per project, an embedded database and tables.

::

    LEADSCORE_HOME/projects/<project id>/
        project.sqlite      SQLite (WAL mode): the project's choices, model versions, jobs, and
                            every scoring run (each lead's key, probability, tier, top reason)
        name.json           the project's name, readable when the database is not
        leads.parquet       the lead history as read (Parquet, columnar)
        models/v<n>.leadscore   each trained model version, a signed model file
        runs/run-<n>.parquet    the scored leads of a run made in the app (to show it again)

Each project has its own database, so a damaged project never takes another one with it.
Every table file is written to a temporary file and renamed (see :mod:`leadscore.io.atomic`); the
database takes one writer at a time (WAL, with a wait), so the app and a scheduled
``leadscore score`` can record into the same project at once and a reader never sees half of a
write. Faults are named as what they are (a full disk, a read-only disk, permission denied, a
damaged database; see :mod:`leadscore.io.faults`), a project is created in a hidden folder and
renamed into place once whole, and the store is private to its user (folders 0700, files 0600).
Nothing here is ever unpickled except model files, and those only through
:func:`leadscore.model.bundle.load_bundle`, which checks this machine's signature first.

Example
-------
>>> store = ProjectStore()                                   # doctest: +SKIP
>>> project_db = store.create("Spring leads")                # doctest: +SKIP
>>> [info.name for info in store.list()]                     # doctest: +SKIP
['Spring leads']
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import secrets
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from leadscore.io.atomic import atomic_output
from leadscore.model.bundle import leadscore_home
from leadscore.errors import LeadScoreInputError
from leadscore.jsonable import jsonable
from leadscore.io.faults import BUSY, DAMAGED, DISK_FULL, NO_PERMISSION, READ_ONLY, fault_advice, fault_of, private_file, private_folder
from leadscore.project.layout import CREATING, DATABASE, LEADS_FILE, MODELS, NAME_FILE, RUNS, name_key, not_created, pid_alive
from leadscore.project.layout import project_name, saved_name, still_readable

__all__ = ["ProjectStore", "ProjectDB", "ProjectInfo", "VersionInfo", "now", "project_name"]

_SCHEMA_VERSION = 1
# How long a writer waits for another writer of the same project before giving up.
_BUSY_SECONDS = 30

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    name TEXT NOT NULL,
    file TEXT NOT NULL,
    kind TEXT NOT NULL,
    roc_auc REAL,
    verdict TEXT,
    policy TEXT NOT NULL,
    summary TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    state TEXT NOT NULL,
    message TEXT NOT NULL,
    fraction REAL NOT NULL,
    owner TEXT NOT NULL,
    result TEXT
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    version INTEGER,
    source TEXT NOT NULL,
    rows INTEGER NOT NULL,
    summary TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_leads (
    run INTEGER NOT NULL,
    key TEXT NOT NULL,
    probability REAL NOT NULL,
    tier TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS run_leads_by_run ON run_leads (run);
CREATE INDEX IF NOT EXISTS run_leads_by_key ON run_leads (key, run);
"""


def now() -> str:
    """The current time, UTC, to the second, as ISO 8601 text."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class ProjectInfo:
    """What the projects list shows about one project, read without loading its leads."""

    id: str
    name: str
    updated_at: str
    leads: int | None
    versions: int
    problem: str | None = None
    damaged: bool = False


@dataclass(frozen=True)
class VersionInfo:
    """One trained model version of a project."""

    id: int
    created_at: str
    name: str
    file: str
    kind: str
    roc_auc: float | None
    verdict: str
    policy: dict
    summary: dict


class ProjectStore:
    """Every saved project on this machine.

    Parameters
    ----------
    root : path, optional
        The projects folder; default ``LEADSCORE_HOME/projects`` (``~/.leadscore/projects``).
    """

    def __init__(self, root=None):
        self.root = Path(root) if root is not None else leadscore_home() / "projects"

    def list(self) -> list[ProjectInfo]:
        """The projects, most recently changed first; damaged ones are listed by their name, with
        the problem (what is still readable, what to do) and ``damaged`` set."""
        if not self.root.is_dir():
            return []
        infos = []
        for folder in self.root.iterdir():
            if folder.name.startswith(".") or not ((folder / DATABASE).is_file() or (folder / NAME_FILE).is_file()):
                continue
            try:
                db = ProjectDB(folder)
                meta = db.meta()
                infos.append(
                    ProjectInfo(
                        id=folder.name,
                        name=project_name(meta.get("name", folder.name)),
                        updated_at=str(meta.get("updated_at", "")),
                        leads=meta.get("rows"),
                        versions=len(db.versions()),
                    )
                )
            except LeadScoreInputError as problem:
                damaged = bool(getattr(problem, "damaged", False))
                infos.append(ProjectInfo(folder.name, saved_name(folder), "", None, 0, problem.message, damaged))
        return sorted(infos, key=lambda info: info.updated_at, reverse=True)

    def create(self, name: str, leads: pd.DataFrame | None = None) -> "ProjectDB":
        """A new project named ``name`` (names need not be unique; ids are), with its leads when given.

        The project is made in a hidden folder and renamed into place only once whole, so a full
        disk, a read-only disk or a kill never leaves a half-made project in the list.

        Raises
        ------
        LeadScoreInputError
            The disk is full, read-only or not the user's to write: which, and that no project
            was created.
        """
        name = project_name(name)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:32] or "project"
        staging = None
        try:
            private_folder(self.root)
            self._sweep_creating()
            while True:
                final = self.root / f"{slug}-{secrets.token_hex(3)}"
                staging = self.root / f"{CREATING}{os.getpid()}-{final.name}"
                if final.exists():
                    continue
                try:
                    staging.mkdir(mode=0o700)
                    break
                except FileExistsError:
                    continue
            db = ProjectDB(staging, create=True)
            db.set_meta(name=name, created_at=now())
            with atomic_output(staging / NAME_FILE, "w", encoding="utf-8") as handle:
                handle.write(json.dumps({"name": name}, ensure_ascii=False))
            if leads is not None:
                db.save_leads(leads)
            os.rename(staging, final)
            staging = None
        except (OSError, sqlite3.Error, LeadScoreInputError) as error:
            raise not_created(name, self.root, error) from None
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
        db = ProjectDB(final)
        db._fresh = leads is None  # its leads come next (save_leads); if they cannot, it goes
        return db

    def _sweep_creating(self) -> None:
        """Remove what a creation killed midway left (its process is gone)."""
        for folder in self.root.glob(f"{CREATING}*"):
            pid = folder.name[len(CREATING) :].split("-", 1)[0]
            if pid.isdigit() and not pid_alive(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)

    def open(self, project_id: str) -> "ProjectDB":
        """One project's store, by id.

        Raises
        ------
        LeadScoreInputError
            No such project, or its database is damaged.
        """
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", str(project_id or "")):
            raise LeadScoreInputError(f"There is no project '{project_id}'. Open one from the list of projects.")
        folder = self.root / project_id
        if not (folder / DATABASE).is_file() and not (folder / NAME_FILE).is_file():
            raise LeadScoreInputError(
                f"There is no project '{project_id}' on this computer (it may have been deleted). "
                "Open another one from the list of projects, or start a new one."
            )
        return ProjectDB(folder)

    def find(self, name_or_id: str) -> str | None:
        """The id of the project with this id or name (the most recent one of that name).

        Names are compared as saved (see :func:`project_name`), ignoring case: "spring  leads"
        finds "Spring leads".

        Raises
        ------
        LeadScoreInputError
            The only project of that name (or id) is damaged: says so, with what is still
            readable, instead of "there is no project".
        """
        infos = self.list()
        key = name_key(name_or_id)
        for matches in ([info for info in infos if info.id == name_or_id], [info for info in infos if name_key(info.name) == key]):
            intact = [info for info in matches if info.problem is None]
            if intact:
                return intact[0].id
            if matches:
                raise LeadScoreInputError(matches[0].problem)
        return None

    def find_or_create(self, name: str) -> "ProjectDB":
        """The project of this name (or id), or a new one of that name when there is none.

        Never a second project behind the user's back: when the project of that name is
        damaged (or cannot be read), this refuses with what is wrong and what to do, instead of
        making an empty one of the same name.
        """
        found = self.find(name)
        return self.open(found) if found is not None else self.create(name)

    def delete(self, project_id: str) -> None:
        """Remove a project and everything in it (leads, models, runs)."""
        folder = self.open(project_id).folder
        try:
            shutil.rmtree(folder)
        except OSError as error:
            raise LeadScoreInputError(
                f"The project '{project_id}' could not be deleted: {fault_advice(fault_of(error, folder), folder)}."
            ) from None


class ProjectDB:
    """One project's folder: its database, its leads table and its model files.

    Every method opens its own short connection, so one object can be used from several
    threads and several processes can use the same project. On a read-only disk (or a folder
    the user may only read) the project is still read; writing says why it cannot.
    """

    def __init__(self, folder, create: bool = False):
        self.folder = Path(folder)
        self.id = self.folder.name
        if create:
            private_folder(self.folder / MODELS)
            # SQLite gives its -wal and -shm files the database's own permissions: 0600.
            os.close(os.open(self.folder / DATABASE, os.O_WRONLY | os.O_CREAT, 0o600))
        elif not (self.folder / DATABASE).is_file():
            raise self._damaged(FileNotFoundError(f"{DATABASE} is missing"))
        with self._connect() as connection:
            if connection not in self._read_only:
                connection.executescript(_SCHEMA)
                private_file(self.folder / DATABASE)

    # -- connections -------------------------------------------------------------------------
    _fresh = False

    def _damaged(self, error: Exception) -> LeadScoreInputError:
        problem = LeadScoreInputError(
            f"The project '{saved_name(self.folder)}' is damaged: its database ({self.folder / DATABASE}) cannot be "
            f"read ({error}). Your other projects are not affected. {still_readable(self.folder)} Copy out what you "
            f"need, delete the folder {self.folder}, and start the project again from your lead file."
        )
        problem.damaged = True
        return problem

    def _fault(self, error: BaseException, consequence: str) -> LeadScoreInputError:
        """The error as what it is (damaged, disk full, read-only, permission denied, busy)."""
        fault = fault_of(error, self.folder)
        if fault == DAMAGED:
            return self._damaged(error)
        if fault == BUSY:
            return LeadScoreInputError(
                f"The project '{saved_name(self.folder)}' is busy (another LeadScore is writing to it). Try again in a minute."
            )
        return LeadScoreInputError(
            f"The project '{saved_name(self.folder)}' could not be saved: {fault_advice(fault, self.folder)}; {consequence}."
        )

    @property
    def _read_only(self) -> dict:
        # Connections opened read-only, each with the error that made it so (said when writing).
        return self.__dict__.setdefault("_read_only_connections", {})

    @contextlib.contextmanager
    def _connect(self, consequence: str = "nothing was changed"):
        connection = self._open()
        try:
            yield connection
        except sqlite3.Error as error:
            raise self._fault(error, consequence) from None
        finally:
            self._read_only.pop(connection, None)
            connection.close()

    def _open(self) -> sqlite3.Connection:
        """A connection; read-only (the file as it is) when the disk or folder takes no writes
        (read-only, not this user's, or full: SQLite cannot even make its shared-memory file)."""
        try:
            connection = sqlite3.connect(self.folder / DATABASE, timeout=_BUSY_SECONDS, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            return connection
        except sqlite3.Error as error:
            if fault_of(error, self.folder) not in (READ_ONLY, NO_PERMISSION, DISK_FULL):
                raise self._fault(error, "nothing was changed") from None
            cause = error
        try:
            uri = (self.folder / DATABASE).resolve().as_uri() + "?mode=ro&immutable=1"
            connection = sqlite3.connect(uri, uri=True, isolation_level=None)
            connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as error:
            raise self._fault(error, "nothing was changed") from None
        self._read_only[connection] = cause
        return connection

    @contextlib.contextmanager
    def transaction(self, consequence: str = "that change was not saved and the project is as it was"):
        """One write transaction: everything in it is saved together, or nothing is."""
        with self._connect(consequence) as connection:
            if connection in self._read_only:
                raise self._fault(self._read_only[connection], consequence)
            try:
                connection.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as error:
                raise self._fault(error, consequence) from None
            try:
                yield connection
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    # -- project settings ----------------------------------------------------------------------
    def meta(self) -> dict:
        """Every saved setting of the project (JSON values)."""
        with self._connect() as connection:
            rows = connection.execute("SELECT key, value FROM meta").fetchall()
        return {key: json.loads(value) for key, value in rows}

    def set_meta(self, **values) -> None:
        """Save settings (JSON-ready values); ``updated_at`` is set too."""
        # Microseconds: the projects list sorts by it, and several changes fall in one second.
        values = {**values, "updated_at": dt.datetime.now(dt.timezone.utc).isoformat()}
        if "name" in values:
            values["name"] = project_name(values["name"])
        with self.transaction() as connection:
            connection.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [(key, json.dumps(jsonable(value))) for key, value in values.items()],
            )

    # -- the leads -----------------------------------------------------------------------------
    def save_leads(self, leads: pd.DataFrame) -> None:
        """Keep the lead history as a Parquet table (written whole, then renamed).

        A project just made by :meth:`ProjectStore.create` whose leads cannot be saved (a full
        disk) is removed again, so no empty project is left in the list.
        """
        table = _parquet_ready(leads)
        try:
            with atomic_output(self.folder / LEADS_FILE) as handle:
                table.to_parquet(handle, index=False)
            self.set_meta(rows=len(leads), read_info=leads.attrs.get("leadscore_read", {}))
        except LeadScoreInputError as error:
            if not self._fresh or (self.folder / LEADS_FILE).exists() or not self._holds_nothing():
                raise
            shutil.rmtree(self.folder, ignore_errors=True)
            raise not_created(saved_name(self.folder), self.folder.parent, error) from None
        self._fresh = False

    def load_leads(self) -> pd.DataFrame:
        """The lead history as saved (same columns, types and order)."""
        path = self.folder / LEADS_FILE
        if not path.is_file():
            raise LeadScoreInputError(
                f"The project '{self.id}' has no lead file saved. Upload your leads again to start it."
            )
        try:
            leads = pd.read_parquet(path)
        except Exception as error:  # noqa: BLE001 - pyarrow raises many kinds for a broken file
            raise LeadScoreInputError(
                f"The leads of project '{self.id}' cannot be read ({type(error).__name__}). Your other "
                "projects are not affected; upload the lead file again as a new project."
            ) from None
        leads.attrs["leadscore_read"] = self.meta().get("read_info", {})
        return leads

    def _holds_nothing(self) -> bool:
        """No model version and no run recorded: removing the project loses nothing."""
        try:
            return not self.versions() and self.runs().empty
        except LeadScoreInputError:
            return False

    # -- model versions ------------------------------------------------------------------------
    def model_path(self, version: int) -> Path:
        return self.folder / MODELS / f"v{int(version)}.leadscore"

    def next_version(self) -> int:
        with self._connect() as connection:
            (highest,) = connection.execute("SELECT COALESCE(MAX(id), 0) FROM versions").fetchone()
        return int(highest) + 1

    def add_version(self, version: int, bundle, summary: dict) -> VersionInfo:
        """Record a model version whose file was saved at :meth:`model_path`."""
        validation = bundle.metrics.get("validation", {})
        row = (
            int(version),
            bundle.trained_at,
            bundle.name,
            self.model_path(version).name,
            bundle.kind,
            validation.get("roc_auc"),
            bundle.metrics.get("readiness", {}).get("verdict", ""),
            json.dumps(jsonable(bundle.policy.to_dict())),
            json.dumps(jsonable(summary)),
        )
        with self.transaction() as connection:
            connection.execute("INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
        return self.version(version)

    def versions(self) -> list[VersionInfo]:
        """Every model version, newest first."""
        with self._connect() as connection:
            rows = connection.execute("SELECT * FROM versions ORDER BY id DESC").fetchall()
        return [_version(row) for row in rows]

    def version(self, version: int) -> VersionInfo:
        with self._connect() as connection:
            row = connection.execute("SELECT * FROM versions WHERE id = ?", (int(version),)).fetchone()
        if row is None:
            raise LeadScoreInputError(f"This project has no model version {version}. Pick one from the list.")
        return _version(row)

    def set_version_policy(self, version: int, policy: dict) -> None:
        with self.transaction() as connection:
            connection.execute("UPDATE versions SET policy = ? WHERE id = ?", (json.dumps(jsonable(policy)), int(version)))

    # -- background jobs -----------------------------------------------------------------------
    def start_job(self, kind: str, owner: str, is_alive) -> int:
        """A new job row (state "running"); refused while another job of this kind runs.

        Parameters
        ----------
        kind : str
            What the job does ("train").
        owner : str
            Who runs it ("<pid>:<thread name>"), so a job whose process or thread is gone can be
            told from one still running.
        is_alive : callable(owner) -> bool
        """
        with self.transaction() as connection:
            running = connection.execute(
                "SELECT id, owner FROM jobs WHERE kind = ? AND state = 'running'", (kind,)
            ).fetchall()
            for job, job_owner in running:
                if is_alive(job_owner):
                    raise LeadScoreInputError(
                        "A model is already being trained for this project. Wait for it to finish (its "
                        "progress shows on the Train page)."
                    )
                connection.execute(
                    "UPDATE jobs SET state = 'stopped', message = ? WHERE id = ?",
                    ("Stopped: LeadScore was closed while training. Train again.", job),
                )
            cursor = connection.execute(
                "INSERT INTO jobs (kind, started_at, updated_at, state, message, fraction, owner) "
                "VALUES (?, ?, ?, 'running', ?, 0, ?)",
                (kind, now(), now(), "Starting", owner),
            )
            return int(cursor.lastrowid)

    def update_job(self, job: int, *, message: str | None = None, fraction: float | None = None, state: str | None = None, result=None) -> None:
        with self.transaction() as connection:
            if message is not None:
                connection.execute("UPDATE jobs SET message = ? WHERE id = ?", (message, job))
            if fraction is not None:
                connection.execute("UPDATE jobs SET fraction = ? WHERE id = ?", (float(fraction), job))
            if state is not None:
                connection.execute("UPDATE jobs SET state = ? WHERE id = ?", (state, job))
            if result is not None:
                connection.execute("UPDATE jobs SET result = ? WHERE id = ?", (json.dumps(jsonable(result)), job))
            connection.execute("UPDATE jobs SET updated_at = ? WHERE id = ?", (now(), job))

    def latest_job(self, kind: str) -> dict | None:
        with self._connect() as connection:
            row = connection.execute(
                "SELECT id, kind, started_at, updated_at, state, message, fraction, owner, result FROM jobs "
                "WHERE kind = ? ORDER BY id DESC LIMIT 1",
                (kind,),
            ).fetchone()
        if row is None:
            return None
        keys = ("id", "kind", "started_at", "updated_at", "state", "message", "fraction", "owner", "result")
        job = dict(zip(keys, row))
        job["result"] = json.loads(job["result"]) if job["result"] else None
        return job


    # -- scoring runs --------------------------------------------------------------------------
    def record_run(self, version, source: str, summary: dict, leads: pd.DataFrame, scored: pd.DataFrame | None = None) -> int:
        """Record one scoring run whole: its summary and every lead's key, probability, tier and
        top reason, in one transaction (a reader sees the whole run or none of it).

        Parameters
        ----------
        version : int or None
            The project's model version that scored (None for a model file from elsewhere).
        source : str
            What was scored ("new_leads.csv", "stdin").
        summary : dict
            JSON-ready: tiers, drift, the model's name, how keys were made.
        leads : DataFrame
            ``key``, ``probability``, ``tier``, ``reason`` per lead.
        scored : DataFrame, optional
            The whole scored table, kept beside the database to show the call list again.

        Returns
        -------
        int
            The run's number.
        """
        not_recorded = "this run was not recorded in the project, which is as it was"
        table = None
        if scored is not None:
            try:
                private_folder(self.folder / RUNS)
                self._sweep_pending()
            except OSError as error:
                raise self._fault(error, not_recorded) from None
            table = self.folder / RUNS / f"pending-{os.getpid()}-{secrets.token_hex(8)}.parquet"
            with atomic_output(table) as handle:
                _parquet_ready(scored).to_parquet(handle, index=False)
        rows = _lead_rows(leads)
        try:
            with self.transaction(not_recorded) as connection:
                cursor = connection.execute(
                    "INSERT INTO runs (at, version, source, rows, summary) VALUES (?, ?, ?, ?, ?)",
                    (now(), None if version is None else int(version), str(source), len(rows), json.dumps(jsonable(summary))),
                )
                run = int(cursor.lastrowid)
                connection.executemany(
                    "INSERT INTO run_leads (run, key, probability, tier, reason) VALUES (?, ?, ?, ?, ?)",
                    ((run, *row) for row in rows),
                )
        except BaseException:
            if table is not None:
                table.unlink(missing_ok=True)
            raise
        if table is not None:
            with contextlib.suppress(OSError):  # the run is recorded; only its call list would be missing
                table.replace(self.folder / RUNS / f"run-{run}.parquet")
        return run

    def _sweep_pending(self) -> None:
        """Remove the run tables of recordings killed midway (their process is gone)."""
        for path in (self.folder / RUNS).glob("*pending-*"):  # the tables, and their temporary files
            pid = path.name.lstrip(".").split("-")[1]
            if not pid.isdigit() or not pid_alive(int(pid)):
                path.unlink(missing_ok=True)

    def runs(self) -> pd.DataFrame:
        """Every scoring run, oldest first: ``run``, ``at``, ``version``, ``source``, ``rows``, ``summary``."""
        with self._connect() as connection:
            rows = connection.execute("SELECT id, at, version, source, rows, summary FROM runs ORDER BY id").fetchall()
        table = pd.DataFrame(rows, columns=["run", "at", "version", "source", "rows", "summary"])
        table["summary"] = [json.loads(text) for text in table["summary"]]
        return table

    def run_leads(self, run: int) -> pd.DataFrame:
        """One run's leads: ``key``, ``probability``, ``tier``, ``reason`` in the order scored."""
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT key, probability, tier, reason FROM run_leads WHERE run = ? ORDER BY rowid", (int(run),)
            ).fetchall()
        return pd.DataFrame(rows, columns=["key", "probability", "tier", "reason"])

    def lead_history(self, key: str) -> pd.DataFrame:
        """Every recorded score of one lead: ``run``, ``at``, ``probability``, ``tier``, oldest first."""
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT runs.id, runs.at, run_leads.probability, run_leads.tier FROM run_leads "
                "JOIN runs ON runs.id = run_leads.run WHERE run_leads.key = ? ORDER BY runs.id",
                (str(key),),
            ).fetchall()
        return pd.DataFrame(rows, columns=["run", "at", "probability", "tier"])

    def scored_leads(self, since_run: int = 0) -> pd.DataFrame:
        """Every recorded score from run ``since_run`` on, with when it was made (for feedback)."""
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT run_leads.key, run_leads.probability, run_leads.tier, runs.at, runs.id FROM run_leads "
                "JOIN runs ON runs.id = run_leads.run WHERE runs.id >= ? ORDER BY runs.id",
                (int(since_run),),
            ).fetchall()
        return pd.DataFrame(rows, columns=["key", "probability", "tier", "at", "run"])

    def run_table(self, run: int) -> pd.DataFrame | None:
        """The whole scored table of a run made in the app, or None."""
        path = self.folder / RUNS / f"run-{int(run)}.parquet"
        if not path.is_file():
            return None
        try:
            return pd.read_parquet(path)
        except Exception:  # noqa: BLE001 - a damaged table only loses the call list, not the run
            return None


    # -- leads scored as they arrive (leadscore serve and watch) ---------------------------------
    # Appended for leadscore.automate: these take the caller's transaction (see :meth:`transaction`),
    # so recording leads and queueing their webhooks is saved together, or not at all.
    def open_run_in(self, connection, version, source: str, summary: dict, leads: pd.DataFrame | None = None) -> int:
        """Start a scoring run inside ``connection``'s transaction, with ``leads`` (may be none yet).

        Returns the run's number. See :meth:`add_to_run_in` to add the leads that come later.
        """
        cursor = connection.execute(
            "INSERT INTO runs (at, version, source, rows, summary) VALUES (?, ?, ?, 0, ?)",
            (now(), None if version is None else int(version), str(source), json.dumps(jsonable(summary))),
        )
        run = int(cursor.lastrowid)
        if leads is not None and len(leads):
            self.add_to_run_in(connection, run, leads)
        return run

    def add_to_run_in(self, connection, run: int, leads: pd.DataFrame) -> None:
        """Add leads (``key``, ``probability``, ``tier``, ``reason``) to a run, inside the caller's
        transaction; the run's row count and tier counts follow."""
        rows = _lead_rows(leads)
        connection.executemany(
            "INSERT INTO run_leads (run, key, probability, tier, reason) VALUES (?, ?, ?, ?, ?)",
            ((int(run), *row) for row in rows),
        )
        (text,) = connection.execute("SELECT summary FROM runs WHERE id = ?", (int(run),)).fetchone()
        summary = json.loads(text)
        tiers = dict(summary.get("tiers") or {})
        for _, _, tier, _ in rows:
            tiers[tier] = int(tiers.get(tier, 0)) + 1
        summary["tiers"] = tiers
        summary["rows"] = int(summary.get("rows") or 0) + len(rows)
        connection.execute(
            "UPDATE runs SET rows = rows + ?, summary = ? WHERE id = ?", (len(rows), json.dumps(jsonable(summary)), int(run))
        )

    def latest_tiers_in(self, connection, keys) -> dict[str, str]:
        """The tier each of these leads had when last recorded (leads never scored are left out)."""
        latest = {}
        for key in dict.fromkeys(str(k) for k in keys):
            row = connection.execute(
                "SELECT tier FROM run_leads WHERE key = ? ORDER BY run DESC, rowid DESC LIMIT 1", (key,)
            ).fetchone()
            if row is not None:
                latest[key] = row[0]
        return latest

    def current_choice(self) -> tuple[int | None, str | None, str | None]:
        """The version in use, the tiers drafts and that version's saved tiers (JSON text), read
        cheaply: a server asks before every batch of leads whether the app changed either."""
        with self._connect() as connection:
            rows = dict(connection.execute("SELECT key, value FROM meta WHERE key IN ('current_version', 'policy_drafts')").fetchall())
            version = json.loads(rows["current_version"]) if "current_version" in rows else None
            saved = None if version is None else connection.execute("SELECT policy FROM versions WHERE id = ?", (int(version),)).fetchone()
        return (None if version is None else int(version)), rows.get("policy_drafts"), (saved[0] if saved else None)


def _lead_rows(leads: pd.DataFrame) -> list[tuple]:
    """A run's leads as database rows: key, probability, tier, top reason."""
    reasons = leads["reason"].fillna("").astype(str) if "reason" in leads else [""] * len(leads)
    return list(zip(leads["key"].astype(str), leads["probability"].astype(float), leads["tier"].astype(str), reasons))


def _version(row) -> VersionInfo:
    return VersionInfo(
        id=int(row[0]),
        created_at=row[1],
        name=row[2],
        file=row[3],
        kind=row[4],
        roc_auc=row[5],
        verdict=row[6] or "",
        policy=json.loads(row[7]),
        summary=json.loads(row[8]),
    )


def _parquet_ready(leads: pd.DataFrame) -> pd.DataFrame:
    """The table with columns Parquet can hold: mixed object columns (numbers and text from an
    Excel sheet) as text, column names as text."""
    table = leads.copy()
    table.columns = [str(c) for c in table.columns]
    for column in table.columns:
        if table[column].dtype == object:
            kinds = pd.api.types.infer_dtype(table[column], skipna=True)
            if kinds not in ("string", "empty", "boolean", "floating", "integer"):
                table[column] = table[column].astype("string")
    return table
