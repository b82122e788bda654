"""A trained project, a real `leadscore serve` process and a plain HTTP client, for the tests of
leadscore/automate (serve, webhooks, watch). Traffic goes to 127.0.0.1 only; every wait is bounded."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data" / "leads.csv"
NEW_LEADS = REPO / "sample_data" / "new_leads.csv"
TOKEN = "test-token-0123456789abcdef"


def train_project(name: str):
    """A saved project trained (logistic) on the sample's first 1,500 leads; LEADSCORE_HOME must be set."""
    from leadscore.clean.plan import CleaningChoices
    from leadscore.io.read import read_leads
    from leadscore.model.train import TrainingSettings
    from leadscore.project.store import ProjectStore
    from leadscore.project.workflow import LeadProject

    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    project = LeadProject.new(read_leads(b"".join(lines[:1501]), filename="history.csv"), name, store=ProjectStore(), data_name="history.csv")
    project.data.set_outcome(project.data.outcome_suggestion().mapping)
    project.data.set_choices(CleaningChoices())
    project.training.train(TrainingSettings(model="logistic"))
    return project


def new_lead_rows(count: int | None = None) -> list[dict]:
    """Rows of sample_data/new_leads.csv as JSON leads (as a form tool would send them)."""
    table = pd.read_csv(NEW_LEADS, dtype=str, keep_default_na=False)
    rows = table.to_dict(orient="records")
    return rows[:count] if count else rows


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def env(home) -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO), "LEADSCORE_HOME": str(home)}


class Server:
    """`leadscore serve ARGS --port 0` in its own process; ``url`` once it listens."""

    def __init__(self, home, *args: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "leadscore.cli", "serve", *args, "--port", "0"],
            env=env(home), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        )
        self.lines: list[str] = []
        found = threading.Event()
        self.url = ""

        def read():
            for line in self.process.stderr:
                self.lines.append(line)
                match = re.search(r"http://127\.0\.0\.1:(\d+)/score", line)
                if match and not found.is_set():
                    self.url = f"http://127.0.0.1:{match.group(1)}"
                    found.set()
            found.set()

        threading.Thread(target=read, daemon=True).start()
        found.wait(120)
        if not self.url:
            self.stop()
            raise AssertionError("the server did not start: " + "".join(self.lines))

    def stop(self, sig=signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(60)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def call(url: str, body=None, token: str | None = None, method: str | None = None, raw: bytes | None = None) -> tuple[int, object]:
    """One HTTP request with urllib; (status, parsed JSON body)."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode("utf-8"))
    request = urllib.request.Request(url, data=data, method=method or ("POST" if data is not None else "GET"))
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def command_line(home, model_path, lead: dict) -> dict:
    """What `leadscore score MODEL -` writes for this one lead."""
    done = subprocess.run(
        [sys.executable, "-m", "leadscore.cli", "score", str(model_path), "-"],
        input=json.dumps(lead) + "\n", capture_output=True, text=True, env=env(home), timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[0])


class Receiver:
    """A tiny local webhook receiver: keeps every POST (path, headers, body); answers 200."""

    def __init__(self, port: int):
        self.port, self.got, self._server = port, [], None

    def start(self) -> "Receiver":
        got = self.got

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                got.append((self.path, {key.lower(): value for key, value in self.headers.items()}, body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def wait_for(check, seconds: float = 60.0, every: float = 0.2):
    """Poll ``check`` until it returns something true, at most ``seconds``; its last value."""
    ends = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > ends:
            return value
        time.sleep(every)
