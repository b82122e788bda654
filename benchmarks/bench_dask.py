"""Benchmark: scoring lead files with ``--engine dask`` on 1 local worker process versus 2.

What is measured: partitions scored per second by ``leadscore.score.dask_engine.score_with_dask``
(CSV in, Excel-safe CSV parts out, with reasons, as ``leadscore score ... --engine dask``
runs it), on a local cluster of 1 worker and then of 2 workers (one thread each). The cluster
is started and its workers warmed up (imports, one small file scored) before the clock, so the
figure is the steady rate a long job runs at; starting the cluster is reported on its own.
Each configuration runs ``--repeats`` times; the best run counts (other work on the machine
only ever slows a run down), all runs are kept. For context, the one-machine path
(``leadscore.score.scoring.score_file`` on each file in turn, in this process) is measured on the
same files.

Data: ``sample_data/new_leads.csv`` resampled with replacement (``random_state`` = file number)
to ``--partitions`` files of ``--leads`` leads each, with new lead IDs, in a temporary folder.
The model is a logistic regression trained on ``sample_data/leads.csv`` by ``train_from_frame``.

Usage::

    python benchmarks/bench_dask.py                       # 30 files of 25,000 leads
    python benchmarks/bench_dask.py --partitions 20 --leads 40000

Writes ``benchmarks/results/dask.json``. Target: 2 workers at least 1.6x the partitions per
second of 1 worker. The machine's load (``/proc/loadavg``) is recorded around every run: other
processes on a 2-core machine take cores from the workers.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data"
RESULTS = REPO / "benchmarks" / "results"
TARGET_SPEEDUP = 1.6


def _load() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def _worker_cpu_seconds(client) -> float:
    """CPU seconds (user + system) the cluster's worker processes have used so far, summed."""

    def used() -> float:
        import psutil

        times = psutil.Process().cpu_times()
        return times.user + times.system

    return sum(client.run(used).values())


def make_files(folder: Path, partitions: int, leads: int) -> list[Path]:
    """Write ``partitions`` CSV files of ``leads`` resampled sample leads each."""
    import pandas as pd

    source = pd.read_csv(SAMPLE / "new_leads.csv", dtype=str, keep_default_na=False)
    folder.mkdir(parents=True)
    files = []
    for number in range(partitions):
        part = source.sample(n=leads, replace=True, random_state=number).reset_index(drop=True)
        part["lead_id"] = [f"B{number:03d}-{i:06d}" for i in range(leads)]
        files.append(folder / f"leads-{number:03d}.csv")
        part.to_csv(files[-1], index=False)
    return files


def train_model(path: Path):
    from leadscore.model.bundle import save_bundle
    from leadscore.clean.plan import CleaningChoices
    from leadscore.project.workflow import LeadProject
    from leadscore.model.train import TrainingSettings

    project = LeadProject.from_file(SAMPLE / "leads.csv")
    project.data.set_outcome(project.data.outcome_suggestion("converted").mapping)
    project.data.set_choices(CleaningChoices())
    project.training.train(TrainingSettings(model="logistic"))
    bundle = project.models.bundle()
    save_bundle(bundle, path)
    return bundle


def measure_dask(bundle, files: list[Path], work: Path, workers: int, repeats: int) -> dict:
    """Partitions per second on a local cluster of ``workers`` processes (best of ``repeats``)."""
    from distributed import Client, LocalCluster

    from leadscore.score.dask_engine import score_with_dask

    start = time.perf_counter()
    with LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as cluster:
        started = time.perf_counter() - start
        # Warm-up: every worker imports the scoring libraries and scores once, off the clock.
        warm = score_with_dask(bundle, str(files[0]), work / "warm", scheduler=cluster.scheduler_address)
        pattern, runs = str(files[0].parent / "leads-*.csv"), []
        with Client(cluster.scheduler_address, set_as_default=False) as client:
            for repeat in range(repeats):
                out = work / f"scored-{workers}-{repeat}"
                load_before, cpu_before = _load(), _worker_cpu_seconds(client)
                summary = score_with_dask(bundle, pattern, out, scheduler=cluster.scheduler_address)
                runs.append(
                    {
                        "seconds": round(summary["seconds"], 2),
                        "partitions_per_second": round(summary["partitions"] / summary["seconds"], 3),
                        "leads_per_second": round(summary["rows"] / summary["seconds"]),
                        # Work done, whatever else ran: equal for 1 and 2 workers means no overhead.
                        "worker_cpu_seconds": round(_worker_cpu_seconds(client) - cpu_before, 2),
                        "load_before": load_before,
                        "load_after": _load(),
                    }
                )
                print(f"{workers} worker(s), run {repeat + 1}: {runs[-1]}", flush=True)
                assert summary["partitions"] == len(files) and summary["workers"] == workers
                shutil.rmtree(out)
            worker_mb = client.run(lambda: __import__("psutil").Process().memory_info().rss / 1e6)
    best = max(runs, key=lambda run: run["partitions_per_second"])
    return {
        "workers": workers,
        "cluster_start_seconds": round(started, 2),
        "warm_up_seconds": warm["seconds"],
        "best": best,
        "runs": runs,
        "worker_rss_mb_after": round(max(worker_mb.values()), 1),
        "rows": summary["rows"],
    }


def measure_one_machine(bundle, files: list[Path], work: Path) -> dict:
    """``score_file`` on each file in turn in this process: the path without Dask."""
    from leadscore.score.score_files import score_file

    load_before = _load()
    start = time.perf_counter()
    for number, path in enumerate(files):
        score_file(bundle, path, work / f"one-{number}.csv")
    seconds = time.perf_counter() - start
    for number in range(len(files)):
        (work / f"one-{number}.csv").unlink()
    return {
        "seconds": round(seconds, 2),
        "partitions_per_second": round(len(files) / seconds, 3),
        "load_before": load_before,
        "load_after": _load(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partitions", type=int, default=30, help="files (one partition each)")
    parser.add_argument("--leads", type=int, default=25_000, help="leads per file")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="leadscore-bench-dask-"))
    # A key of the benchmark's own: never create or use the user's signing key.
    os.environ.setdefault("LEADSCORE_HOME", str(work / "home"))
    try:
        files = make_files(work / "exports", args.partitions, args.leads)
        file_mb = round(sum(f.stat().st_size for f in files) / 1e6, 1)
        start = time.perf_counter()
        bundle = train_model(work / "leads.joblib")
        training_seconds = round(time.perf_counter() - start, 1)
        one_machine = measure_one_machine(bundle, files, work)
        print(f"one machine (score_file per file): {one_machine}", flush=True)
        clusters = {str(n): measure_dask(bundle, files, work, n, args.repeats) for n in (1, 2)}
    finally:
        shutil.rmtree(work, ignore_errors=True)

    speedup = clusters["2"]["best"]["partitions_per_second"] / clusters["1"]["best"]["partitions_per_second"]
    result = {
        "what": "score CSV files of resampled sample leads to Excel-safe CSV parts with reasons, "
        "leadscore.score.dask_engine.score_with_dask on a local cluster of 1 then 2 worker processes",
        "partitions": args.partitions,
        "leads_per_partition": args.leads,
        "leads": args.partitions * args.leads,
        "files_mb": file_mb,
        "model": "logistic",
        "training_seconds": training_seconds,
        "cpu_count": os.cpu_count(),
        "one_machine_score_file": one_machine,
        "dask": clusters,
        "speedup_2_vs_1_workers": round(speedup, 2),
        "target_speedup": TARGET_SPEEDUP,
        "meets_target": speedup >= TARGET_SPEEDUP,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "dask.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"speedup 2 vs 1 workers: {speedup:.2f}x (target {TARGET_SPEEDUP}x); wrote {out}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
