"""Training a project's model: in the foreground (the command) or as a background job (the app).

:class:`TrainingJobs` is the collaborator of :class:`leadscore.project.LeadProject` that trains
with the confirmed plan and hands the result to the project's versions. A job in the background
keeps its progress in the project's store, so any session of the project (a refreshed tab) sees
it, and a click or a refresh never loses the model.

Background trainings of one server wait in one queue (:data:`QUEUE`): at most as many train at
once as the machine has cores to spare, so eight sessions training at once do not leave the
pages of every session unanswered; a waiting job shows its place in the queue.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from leadscore.errors import LeadScoreInputError
from leadscore.model.train import TrainingSettings, train_lead_model
from leadscore.project.store import VersionInfo, now

__all__ = ["TrainingJobs", "TrainingQueue", "QUEUE", "job_is_alive"]

log = logging.getLogger("leadscore.project")

Progress = Callable[[str, float], None]


def job_is_alive(owner: str) -> bool:
    """Whether the process (and, in this process, the thread) that runs a job still runs."""
    pid_text, _, thread_name = str(owner).partition(":")
    try:
        pid = int(pid_text)
    except ValueError:
        return False
    if pid == os.getpid():
        return any(thread.name == thread_name and thread.is_alive() for thread in threading.enumerate())
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class TrainingQueue:
    """First come, first served places to train, ``slots`` at a time, for one process.

    Parameters
    ----------
    slots : int
        How many trainings may run at once.
    """

    def __init__(self, slots: int):
        self.slots = max(1, int(slots))
        self._condition = threading.Condition()
        self._waiting: list[object] = []
        self._running = 0

    def wait_for_turn(self, ticket: object, on_wait: Callable[[int], None] | None = None) -> None:
        """Block until ``ticket`` may train; ``on_wait(place)`` says its place (1 = next) while it waits."""
        with self._condition:
            self._waiting.append(ticket)
            told = None
            while not (self._running < self.slots and self._waiting[0] is ticket):
                place = self._waiting.index(ticket) + 1
                if on_wait is not None and place != told:
                    on_wait(place)
                    told = place
                self._condition.wait(timeout=1.0)
            self._waiting.pop(0)
            self._running += 1

    def done(self) -> None:
        """Give the place back (call once per :meth:`wait_for_turn`)."""
        with self._condition:
            self._running -= 1
            self._condition.notify_all()

    @property
    def waiting(self) -> int:
        with self._condition:
            return len(self._waiting)


# One queue per process: the cores it shares out belong to the whole machine, not to a session.
QUEUE = TrainingQueue(slots=max(1, (os.cpu_count() or 2) - 1))


class TrainingJobs:
    """Train the confirmed plan into a new model version.

    Parameters
    ----------
    state : ProjectState
    data : ProjectData
    versions : ModelVersions
    """

    def __init__(self, state, data, versions):
        self._state = state
        self._data = data
        self._versions = versions

    @property
    def settings(self) -> TrainingSettings:
        """The training settings last used (the model kind)."""
        return TrainingSettings(**(self._state.get("settings") or {}))

    def train(self, settings: TrainingSettings | None = None, progress: Progress | None = None, policy=None) -> VersionInfo:
        """Train, validate and keep a new model version with the confirmed plan; it becomes current.

        ``policy`` gives the new version its tiers (default: those saved with the version in use).

        Raises
        ------
        LeadScoreInputError
            No confirmed plan, too few leads, or nothing to learn from.
        """
        settings = settings or self.settings
        plan = self._data.plan
        rows = self._data.training_rows(plan)
        result = train_lead_model(rows, plan, settings, progress)
        return self._versions.keep(result, plan, rows, settings, policy)

    def start(self, settings: TrainingSettings | None = None) -> int:
        """Train in a background thread (the app), so a click or a refresh never loses the run.

        The project must be saved (the job's progress and its result are kept in the store, where
        any session of this project sees them). The job waits in :data:`QUEUE` for its turn.
        Returns the job id.
        """
        db = self._state.db
        if db is None:
            raise LeadScoreInputError("Save the project first: training in the background keeps its result in the project.")
        settings = settings or self.settings
        plan = self._data.plan
        rows = self._data.training_rows(plan)
        thread_name = f"leadscore-train-{db.id}-{now()}"
        job = db.start_job("train", f"{os.getpid()}:{thread_name}", job_is_alive)
        self._state.save(settings=settings.to_dict())
        worker = threading.Thread(target=self._run, args=(job, plan, rows, settings), name=thread_name, daemon=True)
        worker.start()
        return job

    def _run(self, job: int, plan, rows, settings: TrainingSettings) -> None:
        db = self._state.db

        def waiting(place: int) -> None:
            ahead = "the next to train" if place == 1 else f"number {place} in the queue"
            db.update_job(job, message=f"Waiting for other trainings on this computer to finish (this one is {ahead})", fraction=0.0)

        def progress(message: str, fraction: float) -> None:
            db.update_job(job, message=message, fraction=fraction)

        ticket = object()
        QUEUE.wait_for_turn(ticket, waiting)
        try:
            result = train_lead_model(rows, plan, settings, progress)
            version = self._versions.keep(result, plan, rows, settings)
        except LeadScoreInputError as problem:
            db.update_job(job, state="failed", message=problem.message)
        except Exception as error:  # noqa: BLE001 - the job must end with a state the page can show
            log.exception("Training failed")
            db.update_job(
                job,
                state="failed",
                message=f"Training stopped on something LeadScore did not expect ({type(error).__name__}: {error}). Try again, or report it.",
            )
        else:
            db.update_job(job, state="done", fraction=1.0, message="Training finished", result={"version": version.id})
        finally:
            QUEUE.done()

    def latest(self) -> dict | None:
        """The latest training job of this project: ``state`` ("running", "done", "failed",
        "stopped"), ``message``, ``fraction``; None when there was none."""
        db = self._state.db
        if db is None:
            return None
        job = db.latest_job("train")
        if job is not None and job["state"] == "running" and not job_is_alive(job["owner"]):
            job = {**job, "state": "stopped", "message": "Stopped: LeadScore was closed while training. Train again."}
        return job
