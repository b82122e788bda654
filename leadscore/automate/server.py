"""``leadscore serve``: score leads over HTTP on this computer, for workflow tools and CRMs.

::

    GET  /health   200 {"status": "ok", "model_version": ..., "verdict": ...}
    GET  /model    the columns the model reads, its verdict and its tiers
    POST /score    one JSON lead -> one result; a JSON list of leads -> the results in order

Each result is exactly the line ``leadscore score MODEL -`` writes for that lead, plus
``model_version``. Bad input gets a 4xx with ``{"error": "what to fix"}`` and the server goes
on: a body that is not JSON (400), a lead nested too deep or holding a 5,000-digit number (400),
a lead the model cannot read (422), a body over the size limit (413). It listens on 127.0.0.1
only, unless given a ``--token``; then every request needs ``Authorization: Bearer TOKEN``. The
log names requests, never what a lead holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import json
import logging
import os
import socket
import time

from leadscore.errors import LeadScoreInputError
from leadscore.io.lead_json import LeadLimits, detect_json_encoding, parse_lead
from leadscore.automate.recorder import Answer, LeadScorer
from leadscore.automate.source import ModelSource
from leadscore.automate.webhooks import Deliverer, Webhooks, pending_deliveries

__all__ = ["serve", "create_app", "leads_in_body", "ServeLimits", "check_address"]

log = logging.getLogger("leadscore.serve")

_EXAMPLE = '{"source": "Referral", "pages_viewed": 7}'


class ServeLimits:
    """How big a request may be (bytes of body, leads in one list)."""

    body_bytes = 10 * 1024 * 1024
    leads = 10_000


class _Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def leads_in_body(body: bytes, limits: ServeLimits = ServeLimits()) -> tuple[list, bool]:
    """The leads of a request body, each checked before parsing (see :func:`parse_lead`).

    Returns ``([(lead, note), ...], single)``: ``single`` when the body was one object.

    Raises
    ------
    _Refused
        Not JSON, empty, too deep, a number too long, or too many leads: the status and what to send.
    """
    if not body.strip():
        raise _Refused(400, f"The request has no lead. Send one lead as a JSON object, e.g. {_EXAMPLE}, or a list of them.")
    try:
        text = body.decode(detect_json_encoding(body)).lstrip("\ufeff")
    except UnicodeDecodeError:
        raise _Refused(400, "The request is not UTF-8 text. Send the leads as JSON in UTF-8.") from None
    try:
        if not text.lstrip().startswith("["):
            lead, note = parse_lead(text, limits=LeadLimits(max_chars=limits.body_bytes))
            return [(lead, note)], True
        # A list is read as the field of an object, so the same checks (depth, digits) apply.
        wrapped, _ = parse_lead('{"leads": ' + text + "\n}", limits=LeadLimits(max_depth=LeadLimits().max_depth + 1, max_chars=limits.body_bytes + 16))
    except LeadScoreInputError as problem:
        raise _Refused(400, problem.message.replace("This lead", "The request").replace(" per line", "")) from None
    leads = wrapped.get("leads")
    if list(wrapped) != ["leads"] or not isinstance(leads, list):
        raise _Refused(400, f"The request is not valid JSON. Send one lead as an object, e.g. {_EXAMPLE}, or a list of them.")
    if not leads:
        raise _Refused(400, "The list of leads is empty. Send at least one lead.")
    if len(leads) > limits.leads:
        raise _Refused(413, f"The request holds {len(leads):,} leads; send at most {limits.leads:,} per request (split the list).")
    for number, lead in enumerate(leads, 1):
        if not isinstance(lead, dict):
            raise _Refused(400, f"Lead {number} of the list is not a JSON object. Send each lead as an object, e.g. {_EXAMPLE}.")
    return [(lead, None) for lead in leads], False


def check_address(host: str, token: str | None) -> None:
    """Refuse to listen beyond this computer without a token, and a token too short to be one."""
    if token is not None and len(token) < 16:
        raise LeadScoreInputError("The token is too short to protect your leads: use at least 16 characters (e.g. from `openssl rand -hex 24`).")
    if token:
        return
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise LeadScoreInputError(
            f"Listening on {host} lets other computers send leads to this one. Add --token TOKEN (at least 16 characters; "
            "clients then send 'Authorization: Bearer TOKEN'), or leave out --host to listen on this computer only (127.0.0.1)."
        )


def _json(status: int, body) -> "Response":
    from starlette.responses import Response

    return Response(json.dumps(body, ensure_ascii=False, default=str), status, media_type="application/json")


async def _read_body(request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _Refused(413, f"The request is {int(declared):,} bytes; at most {limit:,} are read. Send fewer leads per request.")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _Refused(413, f"The request is over {limit:,} bytes; at most {limit:,} are read. Send fewer leads per request.")
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(source: ModelSource, scorer: LeadScorer, deliverer: Deliverer | None = None, token: str | None = None, limits: ServeLimits = ServeLimits()):
    """The Starlette application (no CORS: browsers on other sites cannot call it)."""
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.routing import Route

    expected = f"Bearer {token}".encode("utf-8") if token else None

    def refused(request) -> Answer | None:
        if expected is None:
            return None
        given = request.headers.get("authorization", "").encode("utf-8", "replace")
        if hmac.compare_digest(given, expected):
            return None
        return Answer(401, {"error": "This server needs its token: send the header 'Authorization: Bearer TOKEN'."})

    async def health(request):
        answer = refused(request)
        if answer:
            return _json(answer.status, answer.body)
        scoring = await asyncio.to_thread(source.current)
        body = {"status": "ok", "model_version": scoring.version, "model": scoring.bundle.name, "verdict": scoring.verdict}
        if deliverer is not None:
            body["webhooks"] = await asyncio.to_thread(pending_deliveries, source.db)
        return _json(200, body)

    async def model(request):
        answer = refused(request)
        if answer:
            return _json(answer.status, answer.body)
        return _json(200, (await asyncio.to_thread(source.current)).describe())

    async def score(request):
        started = time.perf_counter()
        answer = refused(request)
        leads = 0
        if answer is None:
            try:
                found, single = leads_in_body(await _read_body(request, limits.body_bytes), limits)
                leads = len(found)
                answer = await _scored(scorer, found, single)
            except _Refused as problem:
                answer = Answer(problem.status, {"error": problem.message})
        log.info("POST /score %s: %s lead(s), %.0f ms", answer.status, leads, (time.perf_counter() - started) * 1000)
        return _json(answer.status, answer.body)

    async def http_error(request, error):
        messages = {404: "There is nothing here. Use POST /score, GET /model or GET /health.", 405: "Use POST for /score and GET for /model and /health."}
        return _json(error.status_code, {"error": messages.get(error.status_code, str(error.detail))})

    async def unexpected(request, error):
        log.error("unexpected %s on %s", type(error).__name__, request.url.path)
        return _json(500, {"error": f"Something unexpected went wrong ({type(error).__name__}). The server goes on; try again."})

    @contextlib.asynccontextmanager
    async def lifespan(app):
        scorer.start()
        if deliverer is not None:
            deliverer.start()
        try:
            yield
        finally:
            await asyncio.to_thread(scorer.stop)  # answers and records what was already sent
            if deliverer is not None:
                await asyncio.to_thread(deliverer.stop)

    return Starlette(
        routes=[Route("/health", health, methods=["GET"]), Route("/model", model, methods=["GET"]), Route("/score", score, methods=["POST"])],
        exception_handlers={HTTPException: http_error, Exception: unexpected},
        lifespan=lifespan,
    )


async def _scored(scorer: LeadScorer, leads: list, single: bool) -> Answer:
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def settle(answer: Answer) -> None:
        if not future.done():
            future.set_result(answer)

    scorer.submit(leads, single, lambda answer: loop.call_soon_threadsafe(settle, answer))
    return await future


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1" if host == "localhost" else host, port))
    except OSError as error:
        sock.close()
        hint = f" Another program (or another leadscore serve) uses port {port}: pick another with --port {port + 1}." if error.errno == 98 else ""
        raise LeadScoreInputError(f"Cannot listen on {host}:{port} ({error.strerror}).{hint}") from None
    sock.listen(256)
    return sock


def serve(model=None, project: str | None = None, host: str = "127.0.0.1", port: int = 8765, token: str | None = None,
          webhooks: Webhooks | None = None, trust: bool = False, say=print) -> None:
    """Run the HTTP service until stopped (Ctrl+C or SIGTERM; what was answered is recorded).

    Parameters
    ----------
    model : path, optional
        A model file; or
    project : str, optional
        A project's name or id: its current version scores, every lead is recorded in its
        history, and webhooks can fire.
    host, port : where to listen (127.0.0.1 by default; port 0 picks a free one).
    token : str, optional
        Required for any address beyond this computer.
    webhooks : Webhooks, optional
        Needs ``project``.
    say : callable(str)
        Where the startup line goes (it names the address, e.g. for a test to read).
    """
    import uvicorn

    token = token or os.environ.get("LEADSCORE_TOKEN") or None
    check_address(host, token)
    if (model is None) == (project is None):
        raise LeadScoreInputError("Give either a model file or --project NAME (not both).")
    if webhooks is not None and project is None:
        raise LeadScoreInputError(
            "Webhooks need a project: it remembers each lead's last tier (to send a lead once, when it enters a tier) "
            "and keeps each delivery until it arrives. Use --project NAME (train one with: leadscore train DATA --project NAME)."
        )
    source = ModelSource.from_project(project) if project is not None else ModelSource.from_file(model, trust=trust)
    deliverer = Deliverer(source.db, webhooks) if webhooks is not None else None
    scorer = LeadScorer(source, webhooks, on_queued=deliverer.wake if deliverer else None)
    sock = _listen(host, port)
    address = sock.getsockname()
    app = create_app(source, scorer, deliverer, token)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", limit_concurrency=256, timeout_keep_alive=30)
    scoring = source.current()
    shown = f"[{address[0]}]" if ":" in address[0] else address[0]
    say(
        f"LeadScore is scoring leads at http://{shown}:{address[1]}/score with {scoring.bundle.name} "
        f"({'project ' + source.name + ', every lead recorded' if source.db is not None else 'model file, nothing recorded'}). Stop with Ctrl+C."
    )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    uvicorn.Server(config).run(sockets=[sock])
