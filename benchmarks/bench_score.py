"""Benchmark: scoring a large lead file CSV to CSV, one lead cold, and a stream of 500 leads.

What is measured (each step in its own fresh Python process, so peak memory is its own):

- ``floor``: ``pandas.read_csv`` + the model's ``predict_proba`` on features already encoded
  (encoded before the clock starts, loaded from a ``.npy``) + ``to_csv`` with the probabilities:
  the least any scoring tool must do, giving the same probabilities;
- ``baseline``: ``pandas.read_csv`` + the fitted pipeline's ``predict_proba`` on the raw leads
  (cleaning and encoding included) + ``to_csv``;
- ``leadscore``: ``leadscore.score.scoring.score_file`` with reasons (chunks of 100k leads, schema checks,
  tiers, next actions, three reasons per lead, Excel-safe CSV);
- ``leadscore_no_reasons``: the same without reasons (``leadscore score --no-reasons``);
- ``one_lead``: the chain command for one lead, ``python -m leadscore.cli score MODEL -`` with one
  JSON line on standard input (interpreter start, imports, model load, scoring, reasons), median
  of 5, against the import floor ``python -c 'import sklearn.ensemble'`` (median of 5);
- ``stream_500``: 500 leads as JSON lines through ``score MODEL -`` (one command, the lines
  written at once) against ``score MODEL FILE`` for the same 500 leads as CSV (whole commands,
  median of 3).

Data: the public UCI Bank Marketing table (``sample_data/bank-marketing``, shipped with the
repository), resampled with replacement (``random_state=0``) to ``--rows`` leads and written to a
temporary folder. The model is trained on the real 41,188 leads through ``LeadProject`` (the
app's and the command line's workflow) with ``--model``.

Usage::

    python benchmarks/bench_score.py                       # 1,000,000 leads, boosting model
    python benchmarks/bench_score.py --rows 100000 --model logistic

Writes ``benchmarks/results/score_<model>.json`` (``score_<model>_<rows>.json`` for other sizes).
Targets: leadscore with reasons at most 1.3x the floor, peak memory under 1.5 GB; one lead at most
1.2x the import floor; the stream of 500 at most 3x the file.
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


def worker(step: str, model: str, data: str, out: str, encoded: str) -> dict:
    """Run one measured step in this process and return its time and peak memory."""
    import numpy as np
    import pandas as pd

    from leadscore.model.bundle import load_bundle

    bundle = load_bundle(model)
    features = np.load(encoded) if step == "floor" else None
    if step.startswith("leadscore"):
        # Imported before the clock like pandas is for the baseline; import time is in one_lead.
        from leadscore.score.score_files import score_file
    before = _peak_mb()
    start = time.perf_counter()
    if step == "floor":
        leads = pd.read_csv(data, sep=";")
        leads["conversion_probability"] = bundle.pipeline[-1].predict_proba(features)[:, 1]
        leads.to_csv(out, index=False)
        rows = len(leads)
    elif step == "baseline":
        leads = pd.read_csv(data, sep=";")
        leads["conversion_probability"] = bundle.pipeline.predict_proba(leads)[:, 1]
        leads.to_csv(out, index=False)
        rows = len(leads)
    else:
        summary = score_file(bundle, data, out, reasons=(step == "leadscore"))
        rows = summary["rows"]
    seconds = time.perf_counter() - start
    return {"step": step, "rows": rows, "seconds": round(seconds, 2), "peak_mb": round(_peak_mb(), 1), "peak_mb_before": round(before, 1)}


def prepare(rows: int, kind: str, data: str, model_path: str, out: str, encoded: str) -> dict:
    """Write the resampled lead file, its encoded features and, unless given, train and save the model."""
    import numpy as np
    import pandas as pd

    from leadscore.model.bundle import load_bundle, save_bundle
    from leadscore.io.samples import BANK_MARKETING, BANK_MARKETING_NAME, bank_marketing_csv

    training_seconds = None
    if not model_path:
        from leadscore.clean.plan import CleaningChoices
        from leadscore.project.workflow import LeadProject
        from leadscore.model.train import TrainingSettings

        start = time.perf_counter()
        project = LeadProject.from_file(bank_marketing_csv(), filename=BANK_MARKETING_NAME)
        project.data.set_outcome(project.data.outcome_suggestion("y").mapping)
        project.data.set_choices(CleaningChoices())
        project.training.train(TrainingSettings(model=kind))
        training_seconds = round(time.perf_counter() - start, 1)
        model_path = str(save_bundle(project.models.bundle(), out))
    bank = pd.read_csv(BANK_MARKETING, sep=";")  # pandas reads the .gz as is
    leads = bank.drop(columns=["y"]).sample(n=rows, replace=True, random_state=0).reset_index(drop=True)
    leads.insert(0, "lead_id", [f"B{i:07d}" for i in range(len(leads))])
    leads.to_csv(data, sep=";", index=False)
    pipeline = load_bundle(model_path).pipeline
    np.save(encoded, pipeline[:-1].transform(pd.read_csv(data, sep=";")))
    few = Path(data).with_name("few.csv")
    leads.head(500).to_csv(few, sep=";", index=False)
    Path(data).with_name("few.jsonl").write_text(
        "".join(json.dumps(lead) + "\n" for lead in json.loads(leads.head(500).to_json(orient="records"))), encoding="utf-8"
    )
    one = json.loads(leads.iloc[[0]].to_json(orient="records"))[0]
    return {"model": model_path, "kind": type(pipeline[-1]).__name__, "training_seconds": training_seconds, "one_lead": one}


def _run_helper(arguments: list[str], env: dict) -> dict:
    done = subprocess.run([sys.executable, __file__, *arguments], capture_output=True, text=True, env=env, cwd=REPO)
    if done.returncode != 0:
        raise RuntimeError(f"{arguments[0]} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _run_worker(step: str, model: Path, data: Path, out: Path, encoded: Path, env: dict) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--worker", step, "--model-file", str(model), "--data", str(data), "--out", str(out), "--encoded", str(encoded)],
        capture_output=True, text=True, env=env, cwd=REPO,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{step} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _timed_command(command: list[str], env: dict, stdin: str | None = None, repeats: int = 5) -> tuple[list[float], str]:
    times, output = [], ""
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run(command, input=stdin, capture_output=True, text=True, env=env, cwd=REPO)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr}")
        output = done.stdout
    return times, output


def _one_lead(model: Path, lead: dict, env: dict, repeats: int = 5) -> dict:
    floor, _ = _timed_command([sys.executable, "-c", "import sklearn.ensemble"], env, repeats=repeats)
    times, output = _timed_command([sys.executable, "-m", "leadscore.cli", "score", str(model), "-"], env, json.dumps(lead) + "\n", repeats)
    answer = json.loads(output.strip().splitlines()[-1])
    imports = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import leadscore.score.scoring"], capture_output=True, text=True, env=env, cwd=REPO
    )
    total_us = max(
        (int(line.split("|")[1]) for line in imports.stderr.splitlines() if line.startswith("import time:") and "|" in line and line.split("|")[1].strip().isdigit()),
        default=0,
    )
    median = statistics.median(times)
    return {
        "command": "python -m leadscore.cli score MODEL - (one JSON line on stdin)",
        "seconds_median": round(median, 3),
        "seconds_all": [round(t, 3) for t in times],
        "import_floor_command": "python -c 'import sklearn.ensemble'",
        "import_floor_seconds_median": round(statistics.median(floor), 3),
        "ratio_to_import_floor": round(median / statistics.median(floor), 2),
        "import_leadscore_score_seconds": round(total_us / 1e6, 3),
        "imports_shap_or_numba": any(name.split(".")[0] in ("shap", "numba") for name in _imported(imports.stderr)),
        "answer_tier": answer.get("tier"),
        "answer_has_reasons": bool(answer.get("reason_1")),
    }


def _imported(importtime: str) -> list[str]:
    """Module names in ``python -X importtime`` output."""
    return [line.rsplit("|", 1)[1].strip() for line in importtime.splitlines() if line.startswith("import time:") and "|" in line]


def _stream(model: Path, folder: Path, env: dict, repeats: int = 3) -> dict:
    lines = (folder / "few.jsonl").read_text(encoding="utf-8")
    streamed, output = _timed_command([sys.executable, "-m", "leadscore.cli", "score", str(model), "-"], env, lines, repeats)
    batch, _ = _timed_command(
        [sys.executable, "-m", "leadscore.cli", "score", str(model), str(folder / "few.csv"), "--out", str(folder / "few_scored.csv")], env, repeats=repeats
    )
    answers = [json.loads(line) for line in output.strip().splitlines()]
    return {
        "leads": len(answers),
        "stream_seconds_median": round(statistics.median(streamed), 3),
        "file_seconds_median": round(statistics.median(batch), 3),
        "ratio": round(statistics.median(streamed) / statistics.median(batch), 2),
        "all_with_reasons": all(answer.get("reason_1") for answer in answers),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--model", default="boosting", choices=["logistic", "forest", "boosting"])
    parser.add_argument("--model-path", help="an already saved model trained on the bank data (skips training)")
    parser.add_argument("--reuse", type=Path, help="a folder prepared by an earlier run (its model and files; skips preparing)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--model-file", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--encoded", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.model_file, args.data, args.out, args.encoded)))
        return 0
    if args.prepare:
        print(json.dumps(prepare(args.prepare, args.model, args.data, args.model_file, args.out, args.encoded)))
        return 0

    # The parent stays small: Linux keeps a process's peak memory across fork and exec, so
    # preparing data or training here would inflate every measured child's peak.
    work = args.reuse or Path(tempfile.mkdtemp(prefix="leadscore-bench-"))
    env = {**os.environ, "LEADSCORE_HOME": os.environ.get("LEADSCORE_HOME", str(work / "home")), "PYTHONPATH": str(REPO)}
    data, model, encoded = work / "leads.csv", work / "bank.leadscore", work / "encoded.npy"
    load_at_start = os.getloadavg()
    if args.reuse:
        first = json.loads((work / "few.jsonl").read_text(encoding="utf-8").splitlines()[0])
        prepared = {"model": str(model), "kind": "(reused)", "training_seconds": None, "one_lead": first}
        print(f"reusing {work}", flush=True)
    else:
        prepared = _run_helper(["--prepare", str(args.rows), "--model", args.model, "--data", str(data),
                                "--model-file", args.model_path or "", "--out", str(model), "--encoded", str(encoded)], env)
        print(f"prepared in {work}", flush=True)
    model = Path(prepared["model"])
    steps = {}
    for step in ("floor", "baseline", "leadscore", "leadscore_no_reasons"):
        steps[step] = _run_worker(step, model, data, work / f"{step}.csv", encoded, env)
        steps[step]["load_average_before"] = [round(v, 2) for v in os.getloadavg()]
        print(step, steps[step], flush=True)
    one_lead = _one_lead(model, prepared["one_lead"], env)
    print("one lead", one_lead, flush=True)
    stream = _stream(model, work, env)
    print("stream of 500", stream, flush=True)

    floor = steps["floor"]["seconds"]
    result = {
        "what": "score a CSV of bank-marketing leads (resampled) to CSV; each step in a fresh process",
        "rows": args.rows,
        "file_mb": round(data.stat().st_size / 1e6, 1),
        "model": args.model,
        "estimator": prepared["kind"],
        "training_seconds": prepared["training_seconds"],
        "cpu_count": os.cpu_count(),
        "load_average_at_start": [round(v, 2) for v in load_at_start],
        "load_average_at_end": [round(v, 2) for v in os.getloadavg()],
        "steps": steps,
        "ratio_to_floor": {name: round(steps[name]["seconds"] / floor, 2) for name in ("baseline", "leadscore", "leadscore_no_reasons")},
        "one_lead": one_lead,
        "stream_500": stream,
        "targets": {"leadscore_ratio_to_floor_max": 1.3, "peak_mb_max": 1536, "one_lead_ratio_to_import_floor_max": 1.2, "stream_500_ratio_max": 3},
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"score_{args.model}"
    out = RESULTS / (f"{name}.json" if args.rows == 1_000_000 else f"{name}_{args.rows}.json")
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
