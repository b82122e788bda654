"""Fixtures for the browser tests: a real ``streamlit run app.py`` and Debian's Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# The app's pages and these helpers are imported from the repository root, also under plain
# `pytest` (which puts only this folder on sys.path).
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
def _find_chromium() -> Path:
    """LEADSCORE_CHROMIUM, else Debian's /usr/bin/chromium, else a chromium on the PATH."""
    if os.environ.get("LEADSCORE_CHROMIUM"):
        return Path(os.environ["LEADSCORE_CHROMIUM"])
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return Path(candidate)
    return Path("/usr/bin/chromium")


CHROMIUM = _find_chromium()
SCREENSHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_healthy(url: str, server: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit stopped early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer within {seconds}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's Chromium; skipped on a laptop without it, a failure on CI (CI=true)."""
    if CHROMIUM.exists() or shutil.which(str(CHROMIUM)):
        return CHROMIUM
    message = f"Chromium not found at {CHROMIUM} (set LEADSCORE_CHROMIUM to its path)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + "; the browser tests must run on CI")
    pytest.skip(message)


# The flags every test server runs with; the privacy tests run without them, on the
# repository's own .streamlit/config.toml, to check what a user's `streamlit run` gets.
TEST_SERVER_FLAGS = ("--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false")


@contextlib.contextmanager
def server_process(root: Path, flags=TEST_SERVER_FLAGS, host: str = "127.0.0.1"):
    """Run ``streamlit run app.py`` on a free port with private model and key folders; yields
    the address and the server's process id."""
    log = root / "streamlit.log"
    port = _free_port()
    env = dict(os.environ, LEADSCORE_MODELS_DIR=str(root / "models"), LEADSCORE_HOME=str(root / "home"))
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true", *flags],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://{host}:{port}"
    try:
        _wait_until_healthy(url, server, log)
        yield url, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        # Keep the server log next to the screenshots for whoever looks at a failure.
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            shutil.copy(log, SCREENSHOTS.parent / f"streamlit_{root.name}.log")


@contextlib.contextmanager
def _streamlit_server(root: Path):
    """The app on a free port, loopback only, usage statistics off; yields its address."""
    with server_process(root) as (url, _):
        yield url


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """One app server shared by the journey test."""
    with _streamlit_server(tmp_path_factory.mktemp("e2e")) as url:
        yield url


@pytest.fixture
def fresh_app_url(tmp_path_factory):
    """A server nobody has opened yet (its first visit decides Streamlit's page mode)."""
    with _streamlit_server(tmp_path_factory.mktemp("fresh")) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_call = report.failed


@pytest.fixture
def page(browser, request):
    """A browser tab; on failure its last state is saved as artifacts/screenshots/failure.png."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    opened = context.new_page()
    opened.set_default_timeout(60_000)
    try:
        yield opened
    finally:
        if getattr(request.node, "failed_call", False):
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            opened.screenshot(path=str(SCREENSHOTS / "failure.png"), full_page=True)
        context.close()
