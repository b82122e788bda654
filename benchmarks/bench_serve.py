"""`leadscore serve` under load: latency per lead, concurrent clients, batch throughput, memory.

Run: ``python benchmarks/bench_serve.py [--memory-requests N]`` (a few minutes). Writes
``benchmarks/results/serve.json``.

A project is trained (logistic) on the sample's first 1,500 leads in a temporary LEADSCORE_HOME,
then a real ``leadscore serve --project`` process is started on 127.0.0.1 (a free port) and
driven with keep-alive HTTP connections (http.client), every lead recorded in the project:

- one client, one lead per request: p50 / p99 from request sent to answer read;
- 8 clients at once, one lead per request: p99 (the server scores what arrives together and
  records it in one transaction);
- 500-lead requests, one client: leads per second;
- resident memory of the server process before and after many one-lead requests from 8 clients.

Traffic goes to 127.0.0.1 only; every loop has a fixed count.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _client(url: str):
    host, port = url.removeprefix("http://").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=120)


def _post(connection, body: bytes) -> float:
    started = time.perf_counter()
    connection.request("POST", "/score", body, {"Content-Type": "application/json"})
    answer = connection.getresponse()
    answer.read()
    if answer.status != 200:
        raise RuntimeError(f"status {answer.status}")
    return (time.perf_counter() - started) * 1000


def _singles(url: str, bodies: list[bytes], count: int) -> list[float]:
    connection = _client(url)
    times = [_post(connection, bodies[i % len(bodies)]) for i in range(count)]
    connection.close()
    return times


def _concurrent(url: str, bodies: list[bytes], clients: int, each: int) -> list[float]:
    results: list[list[float]] = [[] for _ in range(clients)]
    threads = [threading.Thread(target=lambda k=k: results[k].extend(_singles(url, bodies[k:] + bodies[:k], each))) for k in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [t for part in results for t in part]


def main(memory_requests: int) -> dict:
    home = tempfile.mkdtemp(prefix="bench-serve-")
    os.environ["LEADSCORE_HOME"] = home
    from tests.serving import Server, new_lead_rows, train_project

    train_project("Bench")
    rows = new_lead_rows()
    bodies = [json.dumps(row).encode() for row in rows]
    with Server(home, "--project", "Bench") as server:
        process = psutil.Process(server.process.pid)
        _singles(server.url, bodies, 20)  # warm up
        one = np.array(_singles(server.url, bodies, 400))
        eight = np.array(_concurrent(server.url, bodies, 8, 60))
        batch = json.dumps(rows).encode()
        connection = _client(server.url)
        started = time.perf_counter()
        for _ in range(10):
            _post(connection, batch)
        batch_seconds = time.perf_counter() - started
        connection.close()
        rss_before = process.memory_info().rss
        memory_started = time.perf_counter()
        _concurrent(server.url, bodies, 8, memory_requests // 8)
        memory_seconds = time.perf_counter() - memory_started
        rss_after = process.memory_info().rss
    result = {
        "model": "logistic, sample_data/leads.csv first 1,500 leads, every lead recorded (--project)",
        "one_client": {"requests": len(one), "p50_ms": round(float(np.percentile(one, 50)), 1), "p99_ms": round(float(np.percentile(one, 99)), 1)},
        "eight_clients": {"requests": len(eight), "p50_ms": round(float(np.percentile(eight, 50)), 1), "p99_ms": round(float(np.percentile(eight, 99)), 1)},
        "batch_500": {"requests": 10, "leads_per_second": round(10 * len(rows) / batch_seconds)},
        "memory": {
            "requests": (memory_requests // 8) * 8,
            "seconds": round(memory_seconds, 1),
            "rss_before_mb": round(rss_before / 2**20, 1),
            "rss_after_mb": round(rss_after / 2**20, 1),
            "growth_mb": round((rss_after - rss_before) / 2**20, 1),
        },
        "targets": {"one_client_p50_ms": 15, "one_client_p99_ms": 60, "eight_clients_p99_ms": 150, "batch_leads_per_second": 3000, "memory_growth_mb": 50},
        "load_average": os.getloadavg(),
        "cores": os.cpu_count(),
    }
    out = REPO / "benchmarks" / "results" / "serve.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--memory-requests", type=int, default=100_000)
    print(json.dumps(main(parser.parse_args().memory_requests), indent=2))
