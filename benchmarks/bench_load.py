"""Many people at once on one LeadScore server: does it stay responsive, does memory stay bounded?

One ``streamlit run app.py`` (its own LEADSCORE_HOME) serves eight browser sessions (Playwright
contexts of a real Chromium) at once. Each uploads its own 50,000 leads (the sample's leads
resampled with its own seed, each with unique IDs), confirms the cleaning plan and trains a
logistic regression, as a user would click. Meanwhile:

- another person opens the app every few seconds (a fresh browser context, to the Data page
  showing the 5,000 sample leads): the time until that page is there is the server's
  responsiveness under load, compared with the same page load on the idle server;
- the server's memory (resident set size of the process and any children) is sampled every half
  second: before, at its peak, when every session is done, and after the sessions have closed.
  A second wave of eight new sessions follows the first: memory that stays bounded is reused
  by the second wave instead of growing again.

Results go to ``benchmarks/results/load.json``.

Run from the repository root (needs Chromium: /usr/bin/chromium or LEADSCORE_CHROMIUM)::

    python benchmarks/bench_load.py                        # 8 sessions x 50,000 leads, logistic
    python benchmarks/bench_load.py --sessions 2 --leads 10000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "load.json"
ARTIFACTS = REPO / "artifacts" / "load"
SAMPLE = REPO / "sample_data" / "leads.csv"
HOUR_MS = 3_600_000  # Playwright waits: the benchmark measures, it does not time out
MODEL_LABELS = {"logistic": "Logistic regression (simple, fast)", "forest": "Random forest", "boosting": "Gradient boosting"}


def _chromium() -> str:
    for candidate in (os.environ.get("LEADSCORE_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    raise SystemExit("Chromium not found: install it (apt-get install chromium) or set LEADSCORE_CHROMIUM")


def build_file(rows: int, seed: int, folder: Path) -> Path:
    """``rows`` leads resampled from the sample with ``seed``, each with its own ID."""
    import pandas as pd

    leads = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    resampled = leads.sample(rows, replace=True, random_state=seed).reset_index(drop=True)
    resampled["lead_id"] = [f"S{seed}-{i:06d}" for i in range(rows)]
    path = folder / f"leads_{rows}_{seed}.csv"
    resampled.to_csv(path, index=False)
    return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(root: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = dict(os.environ, LEADSCORE_HOME=str(root / "home"), LEADSCORE_MODELS_DIR=str(root / "models"))
    log = (root / "streamlit.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"streamlit stopped:\n{(root / 'streamlit.log').read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return server, url
        except OSError:
            time.sleep(0.3)
    raise SystemExit("streamlit did not start within 120 s")


class MemorySampler(threading.Thread):
    """The server's resident memory (process and children), every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 0.5):
        super().__init__(daemon=True)
        import psutil

        self.process = psutil.Process(pid)
        self.interval = interval
        self.samples: list[tuple[float, float]] = []
        self.started_at = time.monotonic()
        self.stopped = threading.Event()

    def rss_mb(self) -> float:
        import psutil

        total = 0
        for process in [self.process, *self.process.children(recursive=True)]:
            try:
                total += process.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total / 2**20

    def run(self) -> None:
        while not self.stopped.is_set():
            self.samples.append((round(time.monotonic() - self.started_at, 1), round(self.rss_mb(), 1)))
            self.stopped.wait(self.interval)


async def _settle(page) -> None:
    await page.wait_for_timeout(300)
    await page.locator("[data-testid='stStatusWidget']").wait_for(state="detached", timeout=HOUR_MS)
    await page.wait_for_timeout(300)


async def _open_page(page, name: str, heading: str) -> None:
    await page.locator("[data-testid='stSidebarNav'] a", has_text=name).click()
    await page.get_by_role("heading", name=heading).wait_for(timeout=HOUR_MS)
    await _settle(page)


async def page_load(browser, url: str) -> float:
    """Seconds from opening the app in a new browser context until the Data page shows the sample."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = await context.new_page()
        started = time.perf_counter()
        await page.goto(url, timeout=HOUR_MS)
        await page.get_by_text("leads.csv: 5,000 leads, 26 columns.").wait_for(timeout=HOUR_MS)
        await page.get_by_text("Is there enough history to learn from?").wait_for(timeout=HOUR_MS)
        return round(time.perf_counter() - started, 2)
    finally:
        await context.close()


def health_seconds(url: str) -> float:
    """Seconds for the server's health check: its web server answering, apart from any script."""
    started = time.perf_counter()
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=600) as answer:
        answer.read()
    return round(time.perf_counter() - started, 3)


async def session(browser, url: str, leads: Path, rows: int, model: str, started: float, step_timeout_ms: int) -> dict:
    """One person: upload their leads, confirm the cleaning, train; the time of each step.

    A step that does not finish within ``step_timeout_ms`` is reported (with a screenshot and
    the page's text in artifacts/load/) instead of waiting for ever."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    steps: dict[str, float] = {}
    page = await context.new_page()
    page.set_default_timeout(step_timeout_ms)
    step = "open the app"
    try:
        mark = time.perf_counter()
        await page.goto(url)
        await page.get_by_role("heading", name="1. Your lead history").wait_for()
        await _settle(page)
        steps[step] = round(time.perf_counter() - mark, 2)
        step, mark = "upload, read and inspect", time.perf_counter()
        await page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(leads))
        await page.get_by_text(f"{leads.name}: {rows:,} leads, 26 columns.").wait_for()
        # The sidebar is drawn once the page's run is over (the outcome then saved): clicking on
        # before that would interrupt the run, as a user clicking away would.
        await page.locator("[data-testid='stSidebar']").get_by_text(f"Data: {leads.name} ({rows:,} leads)").wait_for()
        await _settle(page)
        steps[step] = round(time.perf_counter() - mark, 2)
        step, mark = "clean: confirm the plan", time.perf_counter()
        await _open_page(page, "Clean", "2. Clean the data")
        await page.get_by_role("button", name="Use this cleaning plan").click()
        await page.get_by_text("This cleaning plan is in use.").wait_for()
        await _settle(page)
        steps[step] = round(time.perf_counter() - mark, 2)
        step, mark = f"train ({model})", time.perf_counter()
        await _open_page(page, "Train", "3. Train a model")
        await page.get_by_text(MODEL_LABELS[model]).click()
        await _settle(page)
        await page.get_by_role("button", name="Train the model").click()
        await page.get_by_role("heading", name="Is it ready?").wait_for()
        await _settle(page)
        steps[step] = round(time.perf_counter() - mark, 2)
        text = await page.locator("[data-testid='stMain']").inner_text()
        return {"steps_seconds": steps, "done_after_seconds": round(time.perf_counter() - started, 1),
                "trained": "Ranks leads right" in text}
    except Exception as error:  # noqa: BLE001 - a stuck session is a result to report
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"stuck_{leads.stem}.png"
        await page.screenshot(path=str(shot), full_page=True)
        text = await page.locator("body").inner_text()
        return {"steps_seconds": steps, "done_after_seconds": round(time.perf_counter() - started, 1), "trained": False,
                "stuck_at": step, "error": f"{type(error).__name__}: {str(error)[:300]}", "screenshot": str(shot.relative_to(REPO)),
                "url": page.url, "page_text": text[-1500:]}
    finally:
        await context.close()


async def run_load(url: str, files: list[Path], rows: int, model: str, probe_every: float, sampler: MemorySampler, step_timeout_ms: int) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=_chromium(), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        try:
            await page_load(browser, url)  # warm-up: the first run imports the pages' modules
            idle = [await page_load(browser, url) for _ in range(3)]
            memory_idle = sampler.rss_mb()  # the app imported and serving, no one's data loaded
            started = time.perf_counter()
            work = [asyncio.create_task(session(browser, url, path, rows, model, started, step_timeout_ms)) for path in files]
            probes = []
            while not all(task.done() for task in work):
                at = round(time.perf_counter() - started, 1)
                health = await asyncio.to_thread(health_seconds, url)
                probes.append({"at_seconds": at, "health_check_seconds": health, "page_load_seconds": await page_load(browser, url)})
                pending = [task for task in work if not task.done()]
                if pending:
                    await asyncio.wait(pending, timeout=probe_every)
            sessions = [task.result() for task in work]
            total = round(time.perf_counter() - started, 1)
        finally:
            await browser.close()
    return {"idle_page_load_seconds": idle, "probes": probes, "sessions": sessions, "all_done_after_seconds": total,
            "memory_idle": memory_idle}


async def _newcomer(url: str, sampler: MemorySampler) -> float:
    """The memory after one more person opened the app (and Python had time to free memory)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=_chromium(), headless=True, args=["--no-sandbox", "--disable-gpu"])
        try:
            await page_load(browser, url)
        finally:
            await browser.close()
    await asyncio.sleep(10)
    return sampler.rss_mb()


def _summary(measured: dict, model: str) -> dict:
    loads = [p["page_load_seconds"] for p in measured["probes"]]
    checks = [p["health_check_seconds"] for p in measured["probes"]]
    train_seconds = [s["steps_seconds"][f"train ({model})"] for s in measured["sessions"] if s["trained"]] or [float("nan")]
    upload_seconds = [s["steps_seconds"]["upload, read and inspect"] for s in measured["sessions"] if "upload, read and inspect" in s["steps_seconds"]] or [float("nan")]
    return {
        "all_sessions_trained": all(s["trained"] for s in measured["sessions"]),
        "stuck_sessions": [{k: s[k] for k in ("stuck_at", "error", "screenshot", "url")} for s in measured["sessions"] if not s["trained"]],
        "all_done_after_seconds": measured["all_done_after_seconds"],
        "upload_read_inspect_seconds": {"median": statistics.median(upload_seconds), "max": max(upload_seconds)},
        "train_seconds": {"median": statistics.median(train_seconds), "max": max(train_seconds)},
        "page_load_seconds": {
            "idle_server": measured["idle_page_load_seconds"],
            "under_load": {"count": len(loads), "median": statistics.median(loads) if loads else None,
                           "max": max(loads) if loads else None},
        },
        "health_check_under_load_seconds": {"median": statistics.median(checks) if checks else None,
                                            "max": max(checks) if checks else None},
        "memory_mb": measured["memory_mb"],
        "probes": measured["probes"],
        "per_session": measured["sessions"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--leads", type=int, default=50_000)
    parser.add_argument("--model", default="logistic", choices=sorted(MODEL_LABELS))
    parser.add_argument("--waves", type=int, default=2, help="groups of sessions one after the other (memory freed by one is reused by the next?)")
    parser.add_argument("--probe-every", type=float, default=5.0, help="seconds between the other person's page loads")
    # Streamlit keeps a closed session's state for server.disconnectedSessionTTL (120 s) first.
    parser.add_argument("--settle", type=float, default=130.0, help="seconds to wait after a wave's sessions close")
    parser.add_argument("--step-timeout", type=float, default=1200.0, help="seconds before a session's step counts as stuck")
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args()

    waves = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        server, url = start_server(root)
        sampler = MemorySampler(server.pid)
        try:
            sampler.start()
            for wave in range(args.waves):
                seeds = range(wave * args.sessions + 1, (wave + 1) * args.sessions + 1)
                files = [build_file(args.leads, seed, root) for seed in seeds]
                first_sample = len(sampler.samples)
                measured = asyncio.run(run_load(url, files, args.leads, args.model, args.probe_every, sampler, int(args.step_timeout * 1000)))
                peak = max(rss for _, rss in sampler.samples[first_sample:])
                memory_done = sampler.rss_mb()
                # Closed browser contexts end their sessions; Streamlit keeps a closed session for
                # server.disconnectedSessionTTL and drops expired ones when another one closes.
                time.sleep(args.settle)
                memory_after = asyncio.run(_newcomer(url, sampler))
                measured["memory_mb"] = {
                    "before": round(measured.pop("memory_idle"), 1),
                    "peak": round(peak, 1),
                    "when_all_done": round(memory_done, 1),
                    "after_sessions_closed_and_expired": round(memory_after, 1),
                }
                waves.append(_summary(measured, args.model))
                for file in files:
                    file.unlink()
        finally:
            sampler.stopped.set()
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        log_tail = (root / "streamlit.log").read_text(errors="replace")[-2000:]

    result = {
        "what": (
            f"{args.waves} waves, one after the other, of {args.sessions} browser sessions at once on one streamlit "
            f"server, each uploading its own {args.leads:,} leads and training ({args.model}); another person's page "
            "load (new browser context to the Data page showing the 5,000 sample leads) and the server's health check "
            "timed meanwhile; server memory (RSS, process and children) sampled every 0.5 s"
        ),
        "data": f"sample_data/leads.csv resampled to {args.leads:,} leads per session (one seed per session), unique lead IDs",
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
                    "load_average_at_end": [round(v, 2) for v in os.getloadavg()]},
        "sessions": args.sessions,
        "leads_per_session": args.leads,
        "model": args.model,
        "waves": waves,
        "memory_timeline_mb": sampler.samples[:: max(1, len(sampler.samples) // 400)],
        "server_log_tail": log_tail if "Traceback" in log_tail else "",
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for number, wave in enumerate(waves, start=1):
        shown = {k: v for k, v in wave.items() if k not in ("probes", "per_session")}
        print(f"wave {number}:", json.dumps(shown, indent=1))
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
