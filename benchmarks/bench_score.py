"""Benchmark: scoring a large lead file CSV to CSV, beside a bare baseline measured in the same run.

What is measured (each step in its own fresh Python process, so peak memory is its own):

- ``baseline``: ``pandas.read_csv`` + the fitted pipeline's ``predict_proba`` + ``to_csv``: the
  least any scoring tool must do.
- ``leadscore``: ``leadscore.score.score_file`` with reasons (chunks of 100k leads, schema checks,
  tiers, next actions, three reasons per lead, Excel-safe CSV).
- ``leadscore_no_reasons``: the same without reasons (``leadscore score --no-reasons``).
- ``one_lead``: the chain command for one lead, ``python -m leadscore.cli score MODEL -`` with one
  JSON line on standard input (interpreter start, imports, model load and scoring), median of 3.

Data: the public UCI Bank Marketing table (``sample_data/bank-marketing``, shipped with the
repository), resampled with replacement (``random_state=0``) to ``--rows`` leads and written to a
temporary folder. The model is trained on the real 41,188 leads by ``train_from_frame``.

Usage::

    python benchmarks/bench_score.py                       # 1,000,000 leads, logistic model
    python benchmarks/bench_score.py --rows 100000 --model boosting

Writes ``benchmarks/results/score.json``. Targets: leadscore at most 1.5x the baseline's time,
peak memory under 2 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def worker(step: str, model: str, data: str, out: str) -> dict:
    """Run one measured step in this process and return its time and peak memory."""
    import pandas as pd

    from leadscore.bundle import load_bundle

    bundle = load_bundle(model)
    if step != "baseline":
        # Imported before the clock like pandas is for the baseline; import time is in one_lead.
        from leadscore.score import score_file
    before = _peak_mb()
    start = time.perf_counter()
    if step == "baseline":
        leads = pd.read_csv(data, sep=";")
        leads["conversion_probability"] = bundle.pipeline.predict_proba(leads)[:, 1]
        leads.to_csv(out, index=False)
        rows = len(leads)
    else:
        summary = score_file(bundle, data, out, reasons=(step == "leadscore"))
        rows = summary["rows"]
    seconds = time.perf_counter() - start
    return {"step": step, "rows": rows, "seconds": round(seconds, 2), "peak_mb": round(_peak_mb(), 1), "peak_mb_before": round(before, 1)}


def prepare(rows: int, kind: str, data: str, model_path: str, out: str) -> dict:
    """Write the resampled lead file and, unless given, train and save the model."""
    import pandas as pd

    from leadscore.samples import BANK_MARKETING, BANK_MARKETING_NAME, bank_marketing_csv

    training_seconds = None
    if not model_path:
        from leadscore.bundle import save_bundle
        from leadscore.read import read_leads
        from leadscore.train import train_from_frame

        start = time.perf_counter()
        _, bundle, _ = train_from_frame(read_leads(bank_marketing_csv(), filename=BANK_MARKETING_NAME), model=kind)
        training_seconds = round(time.perf_counter() - start, 1)
        model_path = str(save_bundle(bundle, out))
    bank = pd.read_csv(BANK_MARKETING, sep=";")  # pandas reads the .gz as is
    leads = bank.drop(columns=["y"]).sample(n=rows, replace=True, random_state=0).reset_index(drop=True)
    leads.insert(0, "lead_id", [f"B{i:07d}" for i in range(len(leads))])
    leads.to_csv(data, sep=";", index=False)
    one = json.loads(leads.iloc[[0]].to_json(orient="records"))[0]
    return {"model": model_path, "training_seconds": training_seconds, "one_lead": one}


def _run_helper(arguments: list[str], env: dict) -> dict:
    done = subprocess.run([sys.executable, __file__, *arguments], capture_output=True, text=True, env=env, cwd=REPO)
    if done.returncode != 0:
        raise RuntimeError(f"{arguments[0]} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _run_worker(step: str, model: Path, data: Path, out: Path, env: dict) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--worker", step, "--model-file", str(model), "--data", str(data), "--out", str(out)],
        capture_output=True, text=True, env=env, cwd=REPO,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{step} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _one_lead(model: Path, lead: dict, env: dict, repeats: int = 3) -> dict:
    times, answer = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "leadscore.cli", "score", str(model), "-"],
            input=json.dumps(lead) + "\n", capture_output=True, text=True, env=env, cwd=REPO,
        )
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise RuntimeError(f"one-lead chain command failed:\n{done.stderr}")
        answer = json.loads(done.stdout.strip().splitlines()[-1])
    python_start = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], env=env, check=True)
        python_start.append(time.perf_counter() - start)
    imports = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import leadscore.score"], capture_output=True, text=True, env=env, cwd=REPO
    )
    total_us = max(
        (int(line.split("|")[1]) for line in imports.stderr.splitlines() if line.startswith("import time:") and "|" in line and line.split("|")[1].strip().isdigit()),
        default=0,
    )
    return {
        "command": "python -m leadscore.cli score MODEL - (one JSON line on stdin)",
        "seconds_median": round(statistics.median(times), 3),
        "seconds_all": [round(t, 3) for t in times],
        "python_start_seconds_median": round(statistics.median(python_start), 3),
        "import_leadscore_score_seconds": round(total_us / 1e6, 3),
        "answer_tier": answer.get("tier") if answer else None,
        "answer_has_reasons": bool(answer and answer.get("reason_1")),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--model", default="logistic", choices=["logistic", "forest", "boosting"])
    parser.add_argument("--model-path", help="an already saved model trained on the bank data (skips training)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--model-file", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.model_file, args.data, args.out)))
        return 0
    if args.prepare:
        print(json.dumps(prepare(args.prepare, args.model, args.data, args.model_file, args.out)))
        return 0

    # The parent stays small: Linux keeps a process's peak memory across fork and exec, so
    # preparing data or training here would inflate every measured child's peak.
    work = Path(tempfile.mkdtemp(prefix="leadscore-bench-"))
    env = {**os.environ, "LEADSCORE_HOME": os.environ.get("LEADSCORE_HOME", str(work / "home")), "PYTHONPATH": str(REPO)}
    data, model = work / "leads.csv", work / "bank.leadscore"
    prepared = _run_helper(["--prepare", str(args.rows), "--model", args.model, "--data", str(data),
                            "--model-file", args.model_path or "", "--out", str(model)], env)
    model = Path(prepared["model"])
    training_seconds = prepared["training_seconds"]
    file_mb = round(data.stat().st_size / 1e6, 1)
    one = prepared["one_lead"]

    steps = {}
    for step in ("baseline", "leadscore", "leadscore_no_reasons"):
        steps[step] = _run_worker(step, model, data, work / f"{step}.csv", env)
        print(step, steps[step], flush=True)
    one_lead = _one_lead(model, one, env)
    print("one lead", one_lead, flush=True)

    baseline = steps["baseline"]["seconds"]
    result = {
        "what": "score a CSV of bank-marketing leads (resampled) to CSV; each step in a fresh process",
        "rows": args.rows,
        "file_mb": file_mb,
        "model": args.model,
        "training_seconds": training_seconds,
        "cpu_count": os.cpu_count(),
        "steps": steps,
        "ratio_to_baseline": {
            "leadscore": round(steps["leadscore"]["seconds"] / baseline, 2),
            "leadscore_no_reasons": round(steps["leadscore_no_reasons"]["seconds"] / baseline, 2),
        },
        "targets": {"ratio_max": 1.5, "peak_mb_max": 2048},
        "one_lead": one_lead,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "score" if args.model == "logistic" else f"score_{args.model}"
    out = RESULTS / (f"{name}.json" if args.rows == 1_000_000 else f"{name}_{args.rows}.json")
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
