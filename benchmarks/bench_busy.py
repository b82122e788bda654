"""Auto training of 100k leads on an idle machine and with one core held by other work.

What it measures, each run in a fresh Python process on the same prepared leads:

- ``idle``: ``train_lead_model`` with ``model="auto"`` (inner comparison of the three kinds,
  calibration check, holdout, learning curve, final fit), nothing else started by the benchmark;
- ``busy``: the same while a CPU hog (a busy-loop Python process this benchmark starts, pinned
  to one CPU, and stops afterwards) holds one core: other work on a laptop;
- ``plain_fit``: one plain ``HistGradientBoostingClassifier`` fit of the same leads, the cheapest
  thing a hand-written script could do: the plain scikit-learn pipeline of
  ``bench_train.plain_pipeline`` (impute, scale, one-hot, the same estimator settings), with
  scikit-learn's default threads (OpenMP on every core), on the idle machine.
  ``plain_bare_fit`` is the estimator alone on LeadScore's encoded features.

Ratios: ``busy / idle`` (target at most 1.5) and ``idle / plain_fit`` (target at most 2.5).
The leads are those of ``bench_train.build_leads`` (the sample generator plus Bank Marketing
columns, 40 input columns, seed 0), inspected and planned through ``LeadProject`` as the app and
the command line do. Each kind of run is repeated ``--repeats`` times (default 2), alternating
idle and busy; the fastest run of each counts (slower runs measure other work on the machine).

The machine is shared with whatever else runs on it: every run records the load average before
it and ``other_cpus``, the CPUs that processes other than this run and its hog kept busy during
the run (from /proc/stat). Figures measured while other work held a CPU are not the figures of
an idle machine: read ``other_cpus`` before the ratios.

Usage::

    python benchmarks/bench_busy.py                  # 100,000 leads
    python benchmarks/bench_busy.py --rows 30000 --repeats 1

Writes ``benchmarks/results/busy.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "busy.json"
SEED = 0
HOG = "import os, sys; os.sched_setaffinity(0, {int(sys.argv[1])})\nwhile True:\n    pass\n"


def _busy_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of the whole machine so far, in clock ticks."""
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values[:8]) - idle, sum(values[:8])


def _process_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def prepare(rows: int, folder: Path) -> dict:
    """Build, inspect and plan the leads once; pickle the plan and the training rows."""
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(REPO / "benchmarks"))
    from bench_train import build_leads

    from leadscore.clean.plan import CleaningChoices
    from leadscore.project.workflow import LeadProject

    project = LeadProject.new(build_leads(rows), "bench", data_name="leads.csv")
    project.data.set_outcome(project.data.outcome_suggestion().mapping)
    project.data.set_choices(CleaningChoices())
    plan = project.data.plan
    training_rows = project.data.training_rows(plan)
    path = folder / "prepared.pkl"
    with open(path, "wb") as handle:
        pickle.dump((plan, training_rows), handle)
    return {"path": str(path), "known_rows": int(len(training_rows.y)), "columns_used": len(plan.used_columns)}


def measure(step: str, path: str) -> dict:
    """One run in this process: ``auto`` training, or the plain fits."""
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(REPO / "benchmarks"))
    with open(path, "rb") as handle:
        plan, rows = pickle.load(handle)
    from leadscore.model.estimators import make_estimator
    from leadscore.model.train import TrainingSettings, train_lead_model

    if step == "auto":
        started = time.perf_counter()
        result = train_lead_model(rows, plan, TrainingSettings(model="auto", random_state=SEED))
        seconds = time.perf_counter() - started
        return {
            "seconds": round(seconds, 2),
            "chosen": result.kind,
            "calibration": result.calibration,
            "holdout_roc_auc": round(result.validation["roc_auc"], 4),
            "leaderboard": {e["model"]: {"log_loss": round(e["log_loss"], 4), "training_rows": e["training_rows"], "fit_seconds": round(e["fit_seconds"], 2)} for e in result.leaderboard},
            "learning_curve_rows": result.learning_curve["training_rows"].tolist(),
        }
    from bench_train import plain_pipeline

    from leadscore.model.pipeline import build_pipeline

    X, y = rows.X, rows.y
    started = time.perf_counter()
    plain_pipeline(X, plan, make_estimator("boosting", len(y), SEED)).fit(X, y)
    plain = time.perf_counter() - started
    encoded = build_pipeline(plan, "boosting", None)[:-1].fit_transform(X)
    started = time.perf_counter()
    make_estimator("boosting", len(y), SEED).fit(encoded, y)
    bare = time.perf_counter() - started
    return {"seconds": round(plain, 2), "bare_seconds": round(bare, 2)}


def _run(step: str, path: str, hog_cpu: int | None) -> dict:
    load = os.getloadavg()
    hog = None
    if hog_cpu is not None:
        hog = subprocess.Popen([sys.executable, "-c", HOG, str(hog_cpu)])
        time.sleep(0.5)  # let it take its core
    hog_before = _process_ticks(hog.pid) if hog else 0
    busy_before, total_before = _busy_jiffies()
    children_before = os.times()
    done = subprocess.run([sys.executable, __file__, "--step", step, "--prepared", path], capture_output=True, text=True, cwd=REPO)
    children_after = os.times()
    busy_after, total_after = _busy_jiffies()
    hog_ticks = (_process_ticks(hog.pid) - hog_before) if hog else 0
    if hog is not None:
        hog.terminate()
        hog.wait()
    if done.returncode:
        raise SystemExit(f"{step} failed:\n{done.stderr[-4000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    ticks = os.sysconf("SC_CLK_TCK")
    ours = (children_after.children_user + children_after.children_system) - (children_before.children_user + children_before.children_system)
    cpus = os.cpu_count() or 1
    elapsed = (total_after - total_before) / ticks / cpus  # wall time of the run as the kernel counted it
    other = ((busy_after - busy_before) / ticks - ours - hog_ticks / ticks) / max(elapsed, 1e-9)
    result.update(
        load_average_before=[round(v, 2) for v in load],
        cpu_seconds=round(ours, 1),
        hog_cpus=round(hog_ticks / ticks / max(elapsed, 1e-9), 2) if hog else 0.0,
        other_cpus=round(max(other, 0.0), 2),
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--prepared", help=argparse.SUPPRESS)
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(measure(args.step, args.prepared)))
        return 0
    if args.prepare:
        print(json.dumps(prepare(args.rows, Path(args.prepare))))
        return 0

    folder = Path(tempfile.mkdtemp(prefix="leadscore-busy-"))
    env_done = subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--prepare", str(folder)], capture_output=True, text=True, cwd=REPO)
    if env_done.returncode:
        raise SystemExit(env_done.stderr[-4000:])
    prepared = json.loads(env_done.stdout.strip().splitlines()[-1])
    hog_cpu = sorted(os.sched_getaffinity(0))[-1]
    runs = {"idle": [], "busy": [], "plain_fit": []}
    for repeat in range(args.repeats):
        runs["plain_fit"].append(_run("plain", prepared["path"], None))
        runs["idle"].append(_run("auto", prepared["path"], None))
        runs["busy"].append(_run("auto", prepared["path"], hog_cpu))
        for name in runs:
            print(name, repeat + 1, runs[name][-1], flush=True)
    best = {name: min(run["seconds"] for run in found) for name, found in runs.items()}
    bare = min(run["bare_seconds"] for run in runs["plain_fit"])
    report = {
        "what": f"train_lead_model(model='auto') on {prepared['known_rows']:,} known leads, idle and with one core busy; one plain HistGradientBoosting fit",
        "rows": args.rows,
        "known_rows": prepared["known_rows"],
        "machine": {"cpus": os.cpu_count(), "affinity": len(os.sched_getaffinity(0)), "python": platform.python_version(), "platform": platform.platform()},
        "hog": f"one busy-loop process pinned to CPU {hog_cpu}",
        "runs": runs,
        "fastest_seconds": best | {"plain_bare_fit": bare},
        "ratios": {
            "busy_over_idle": round(best["busy"] / best["idle"], 2),
            "idle_over_plain_fit": round(best["idle"] / best["plain_fit"], 2),
            "idle_over_plain_bare_fit": round(best["idle"] / bare, 2),
        },
        "targets": {"busy_over_idle": 1.5, "idle_over_plain_fit": 2.5},
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report["fastest_seconds"]), json.dumps(report["ratios"]))
    print(f"written to {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
