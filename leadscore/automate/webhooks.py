"""Tier webhooks: when a lead enters a tier, its result is POSTed once to that tier's URL, signed.

A delivery is queued in the project's own database (table ``webhook_deliveries`` in
``project.sqlite``) in the same transaction that records the lead, so a lead that was answered
always has its delivery waiting, and a crash never leaves one without the other. A background
thread sends what is due, in order, and retries with growing waits (2 s, 4 s, 8 s ... at most an
hour) until the receiver answers 2xx; a restart picks up whatever is still waiting at once.

Each POST carries::

    Content-Type: application/json
    X-LeadScore-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>
    X-LeadScore-Delivery: <delivery number>   (the same on every retry: a receiver can drop repeats)
    X-LeadScore-Tier: Hot

Verify in the receiver with ``hmac.compare_digest(header, "sha256=" + hmac.new(secret, body,
"sha256").hexdigest())``. A delivery is marked sent only after its 2xx, so one whose answer is
lost (the process killed between the receiver's "200" and the mark) is sent again with the same
delivery number: none is lost, and a receiver that keeps the numbers it has seen never acts twice.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from leadscore.errors import LeadScoreInputError
from leadscore.model.tiers import TIERS
from leadscore.project.store import now

__all__ = ["Webhooks", "Deliverer", "sign", "ensure_outbox", "queue_delivery_in", "pending_deliveries"]

log = logging.getLogger("leadscore.automate.webhooks")

_TABLE = """
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    tier TEXT NOT NULL,
    url TEXT NOT NULL,
    body BLOB NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL NOT NULL,
    sent_at TEXT,
    last_error TEXT,
    owner TEXT,
    lease_until REAL
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (sent_at, next_at);
"""
# How long one process keeps a delivery it is sending before another may take it (a request
# times out well before).
_LEASE_SECONDS = 60
_TIMEOUT_SECONDS = 10
_LONGEST_WAIT = 3600


@dataclass(frozen=True)
class Webhooks:
    """Which URL each tier's newcomers are sent to, and the secret that signs them.

    Parameters
    ----------
    urls : mapping tier -> URL
        e.g. ``{"Hot": "http://127.0.0.1:5678/webhook/hot-lead"}``.
    secret : str
    """

    urls: dict = field(default_factory=dict)
    secret: str = ""

    @classmethod
    def from_options(cls, pairs, secret: str | None) -> "Webhooks | None":
        """From ``--webhook TIER=URL`` pairs and ``--webhook-secret``; None when there are none."""
        urls = {}
        for text in pairs or ():
            tier, equals, url = str(text).partition("=")
            tier = tier.strip().capitalize()
            if not equals or tier not in TIERS:
                raise LeadScoreInputError(
                    f"'{text}' should read TIER=URL with TIER one of {', '.join(TIERS)}, e.g. --webhook Hot=http://127.0.0.1:5678/webhook/hot-lead"
                )
            if not url.strip().lower().startswith(("http://", "https://")):
                raise LeadScoreInputError(f"The webhook for {tier} should be an http:// or https:// address, not '{url}'.")
            urls[tier] = url.strip()
        if not urls:
            return None
        secret = secret or os.environ.get("LEADSCORE_WEBHOOK_SECRET", "")
        if not secret:
            raise LeadScoreInputError(
                "Webhooks are signed so the receiver can tell they came from you: add --webhook-secret SECRET "
                "(or set LEADSCORE_WEBHOOK_SECRET), and check the X-LeadScore-Signature header in the receiver."
            )
        return cls(urls, secret)


def sign(body: bytes, secret: str) -> str:
    """The ``X-LeadScore-Signature`` header of a body: ``sha256=`` and the hex HMAC-SHA256."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def ensure_outbox(db) -> None:
    """Create the deliveries table in the project's database (once; harmless when it exists)."""
    with db.transaction() as connection:
        for statement in filter(str.strip, _TABLE.split(";")):
            connection.execute(statement)


def queue_delivery_in(connection, tier: str, url: str, result: dict) -> None:
    """Queue one delivery inside the caller's transaction (the one that records the lead)."""
    body = json.dumps(result, ensure_ascii=False, default=str).encode("utf-8")
    connection.execute(
        "INSERT INTO webhook_deliveries (created_at, tier, url, body, next_at) VALUES (?, ?, ?, ?, ?)",
        (now(), tier, url, body, time.time()),
    )


def pending_deliveries(db) -> dict:
    """How many deliveries wait, and the last error of the oldest one (for /health)."""
    with db.transaction() as connection:
        waiting, oldest_error = connection.execute(
            "SELECT COUNT(*), (SELECT last_error FROM webhook_deliveries WHERE sent_at IS NULL ORDER BY id LIMIT 1) "
            "FROM webhook_deliveries WHERE sent_at IS NULL"
        ).fetchone()
    return {"waiting": int(waiting), "last_error": oldest_error}


def _wait_after(attempts: int) -> float:
    return float(min(2 ** max(attempts, 1), _LONGEST_WAIT))


def _owner_gone(owner: str | None) -> bool:
    try:
        pid = int(str(owner))
    except ValueError:
        return True
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirected POST would be re-sent as a GET without its body: treat it as a failed attempt.
    def redirect_request(self, *args, **kwargs):
        return None


class Deliverer:
    """Sends the project's waiting deliveries in a background thread until stopped.

    Parameters
    ----------
    db : ProjectDB
    webhooks : Webhooks
        Its secret signs each body when it is sent.
    """

    def __init__(self, db, webhooks: Webhooks):
        self.db, self.webhooks = db, webhooks
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None
        # No proxy: deliveries go straight to the address the user gave.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)

    def start(self) -> None:
        ensure_outbox(self.db)
        with self.db.transaction() as connection:  # a restart retries what waits at once
            connection.execute("UPDATE webhook_deliveries SET next_at = ? WHERE sent_at IS NULL", (time.time(),))
        self._thread = threading.Thread(target=self._loop, name="leadscore-webhooks", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Something new was queued: send it now."""
        self._wake.set()

    def drain(self, seconds: float) -> None:
        """Send what is due now, for at most ``seconds`` (before a one-off run ends; the rest
        waits in the project for the next start)."""
        ends = time.time() + seconds
        while time.time() < ends:
            try:
                due, _ = self._claim()
            except LeadScoreInputError:
                return
            if not due:
                return
            for delivery in due:
                self._send(*delivery)

    def stop(self, wait: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(wait)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                due, next_at = self._claim()
                for delivery in due:
                    if self._stop.is_set():
                        break
                    self._send(*delivery)
            except LeadScoreInputError as problem:  # the project is busy: try again shortly
                log.warning("webhooks: %s", problem.message)
                due, next_at = [], time.time() + 2
            if due:
                continue
            self._wake.wait(max(0.05, min(5.0, next_at - time.time())))
            self._wake.clear()

    def _claim(self) -> tuple[list, float]:
        """The deliveries due now (taken for this process), and when the next one falls due."""
        clock = time.time()
        with self.db.transaction() as connection:
            rows = connection.execute(
                "SELECT id, tier, url, body, attempts, owner, lease_until FROM webhook_deliveries "
                "WHERE sent_at IS NULL AND next_at <= ? ORDER BY id LIMIT 50",
                (clock,),
            ).fetchall()
            due = [row[:5] for row in rows if row[6] is None or row[6] < clock or _owner_gone(row[5])]
            connection.executemany(
                "UPDATE webhook_deliveries SET owner = ?, lease_until = ? WHERE id = ?",
                [(str(os.getpid()), clock + _LEASE_SECONDS, row[0]) for row in due],
            )
            (upcoming,) = connection.execute(
                "SELECT MIN(next_at) FROM webhook_deliveries WHERE sent_at IS NULL AND next_at > ?", (clock,)
            ).fetchone()
        return due, upcoming if upcoming is not None else clock + 5.0

    def _send(self, delivery: int, tier: str, url: str, body: bytes, attempts: int) -> None:
        body = bytes(body)
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "LeadScore",
                "X-LeadScore-Signature": sign(body, self.webhooks.secret),
                "X-LeadScore-Delivery": str(delivery),
                "X-LeadScore-Tier": tier,
            },
        )
        problem = None
        try:
            with self._opener.open(request, timeout=_TIMEOUT_SECONDS) as answer:
                status = answer.status
        except urllib.error.HTTPError as error:
            status = error.code
        except (OSError, ValueError) as error:
            status, problem = None, f"{type(error).__name__}: {getattr(error, 'reason', error)}"
        with self.db.transaction() as connection:
            if status is not None and 200 <= status < 300:
                connection.execute(
                    "UPDATE webhook_deliveries SET sent_at = ?, attempts = attempts + 1, lease_until = NULL WHERE id = ?",
                    (now(), delivery),
                )
                return
            problem = problem or f"the receiver answered {status}"
            connection.execute(
                "UPDATE webhook_deliveries SET attempts = attempts + 1, next_at = ?, last_error = ?, lease_until = NULL WHERE id = ?",
                (time.time() + _wait_after(attempts + 1), problem, delivery),
            )
        log.warning("webhook %s for %s not delivered yet (%s); it will be retried", delivery, tier, problem)
