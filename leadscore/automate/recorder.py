"""One thread scores what arrived together and records it in one transaction before answering.

Requests wait in a queue; the scoring thread takes every request waiting at that moment (a
group), scores their leads together, and, for a project, records them and queues their
webhooks in one transaction (a group commit: eight clients at once cost one write, not
eight). Only then is each request answered, so a lead that got its answer is in the project's
history, and a shutdown loses nothing answered.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from leadscore.errors import LeadScoreInputError
from leadscore.automate.webhooks import Webhooks, queue_delivery_in
from leadscore.score.runs import run_leads, run_summary

__all__ = ["Answer", "LeadScorer", "record_in"]

log = logging.getLogger("leadscore.automate.recorder")

# Leads scored in one group at most (a group grows only while requests wait).
_GROUP_LEADS = 5000


@dataclass(frozen=True)
class Answer:
    """What a request gets: HTTP status and JSON body."""

    status: int
    body: object


@dataclass
class _Request:
    leads: list  # (lead, note) pairs
    single: bool
    done: Callable[[Answer], None]


class LeadScorer:
    """Scores requests in its own thread; :meth:`submit` returns at once, ``done`` is called later.

    Parameters
    ----------
    source : ModelSource
    webhooks : Webhooks, optional
        Needs a project (``source.db``).
    on_queued : callable, optional
        Called after deliveries were queued (wakes the deliverer).
    run_source : str
        How the project's runs of served leads are named in its history.
    """

    def __init__(self, source, webhooks: Webhooks | None = None, on_queued: Callable[[], None] | None = None, run_source: str = "leadscore serve"):
        self.source, self.webhooks, self.on_queued, self.run_source = source, webhooks, on_queued, run_source
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._run: tuple | None = None  # (project version, run number) of the leads served so far

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="leadscore-scorer", daemon=True)
        self._thread.start()

    def stop(self, wait: float = 30.0) -> None:
        """Answer (and record) every request already queued, then stop."""
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join(wait)

    def submit(self, leads: list, single: bool, done: Callable[[Answer], None]) -> None:
        self._queue.put(_Request(leads, single, done))

    # -- the scoring thread ---------------------------------------------------------------------
    def _loop(self) -> None:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):  # a few leads at a time: threads cost more than they save
            while True:
                first = self._queue.get()
                if first is None:
                    return
                group, stopping = [first], False
                while sum(len(r.leads) for r in group) < _GROUP_LEADS:
                    try:
                        item = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if item is None:
                        stopping = True
                        break
                    group.append(item)
                self._answer(group)
                if stopping:
                    return

    def _answer(self, group: list[_Request]) -> None:
        try:
            answers = self._score(group)
        except LeadScoreInputError as problem:
            answers = [Answer(503, {"error": problem.message})] * len(group)
        except Exception as error:  # noqa: BLE001 - the server goes on; the log names no lead
            log.error("scoring failed: %s", type(error).__name__)
            answers = [Answer(500, {"error": f"Something unexpected went wrong ({type(error).__name__}). Nothing was recorded; try again."})] * len(group)
        for request, answer in zip(group, answers):
            request.done(answer)

    def _score(self, group: list[_Request]) -> list[Answer]:
        scoring = self.source.current()
        parsed = [(number, lead, note) for request in group for number, (lead, note) in enumerate(request.leads, 1)]
        lines = iter(scoring.score(parsed))
        answers, accepted = [], []
        for request in group:
            outcome = [next(lines) for _ in request.leads]
            results = [json.loads(text) for text, _ in outcome]
            failed = [(number, result["error"]) for number, (result, (_, ok)) in enumerate(zip(results, outcome), 1) if not ok]
            if failed:
                answers.append(_refusal(request, failed))
                continue
            for result in results:
                result["model_version"] = scoring.version
            accepted.append(results)
            answers.append(Answer(200, results[0] if request.single else results))
        if accepted and self.source.db is not None:
            self._record(scoring, [result for results in accepted for result in results])
        return answers

    def _record(self, scoring, results: list[dict]) -> None:
        db = self.source.db
        with db.transaction() as connection:
            if self._run is None or self._run[0] != scoring.project_version:
                empty = pd.DataFrame({"tier": pd.Series([], dtype=str)})
                summary = run_summary(scoring.bundle, empty, None, scoring.policy, scoring.scheme)
                self._run = (scoring.project_version, db.open_run_in(connection, scoring.project_version, self.run_source, summary))
            queued = record_in(db, connection, self._run[1], scoring, results, self.webhooks)
        if queued and self.on_queued is not None:
            self.on_queued()


def record_in(db, connection, run: int, scoring, results: list[dict], webhooks: Webhooks | None) -> int:
    """Record scored leads in ``run`` and queue the webhooks of those that entered a tier, inside
    the caller's transaction. Returns how many deliveries were queued."""
    frame = pd.DataFrame(results)
    for column in [scoring.scheme.get("column"), *scoring.scheme.get("columns", [])]:
        if column and column not in frame:
            frame[column] = None  # a lead sent without its ID is known by its fingerprint
    leads = run_leads(frame, scoring.scheme)
    earlier = db.latest_tiers_in(connection, leads["key"]) if webhooks else {}
    db.add_to_run_in(connection, run, leads)
    if not webhooks:
        return 0
    queued = 0
    for key, tier, result in zip(leads["key"], leads["tier"], results):
        previous = earlier.get(key)
        earlier[key] = tier
        if tier != previous and tier in webhooks.urls:
            queue_delivery_in(connection, tier, webhooks.urls[tier], {**result, "previous_tier": previous})
            queued += 1
    return queued


def _refusal(request: _Request, failed: list[tuple[int, str]]) -> Answer:
    if request.single:
        return Answer(422, {"error": failed[0][1]})
    first_number, first_error = failed[0]
    return Answer(
        422,
        {
            "error": f"{len(failed):,} of the {len(request.leads):,} leads could not be scored, so none was "
            f"(lead {first_number}: {first_error})",
            "leads": [{"lead": number, "error": error} for number, error in failed],
        },
    )
