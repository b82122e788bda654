"""Time and peak memory of reading and inspecting a large lead file (100k and 1M leads).

The files are built by resampling the public Bank Marketing data (``sample_data/bank-marketing``)
with a fixed seed and written to a temporary CSV, so the measurement includes detecting the
encoding and delimiter. Each size runs in a fresh Python process, so peak memory (``ru_maxrss``)
belongs to that size alone.

Usage::

    python benchmarks/bench_inspect.py                  # 100k and 1M leads
    python benchmarks/bench_inspect.py --sizes 100000   # only 100k

Prints a table and writes ``benchmarks/results/inspect.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "inspect.json"
SEED = 0


def build_file(rows: int, folder: Path) -> Path:
    """Write ``rows`` leads resampled from the bank data, `;`-separated like the original."""
    import pandas as pd

    from leadscore.io.samples import BANK_MARKETING

    bank = pd.read_csv(BANK_MARKETING, sep=";")  # pandas reads the .gz as is
    leads = bank.sample(rows, replace=True, random_state=SEED).reset_index(drop=True)
    path = folder / f"bank_{rows}.csv"
    leads.to_csv(path, sep=";", index=False)
    return path


def measure(path: Path) -> dict:
    """Read and inspect one file in this process; returns seconds per step and peak memory."""
    sys.path.insert(0, str(REPO))
    import pandas  # noqa: F401  (imported before the baseline so library code is not counted)

    from leadscore.inspect.inspection import inspect_leads
    from leadscore.inspect.outcome import suggest_outcome
    from leadscore.inspect.profile import profile_columns
    from leadscore.io.read import read_leads

    baseline_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    leads = read_leads(path)
    read_s = time.perf_counter() - start

    start = time.perf_counter()
    profile_columns(leads)
    profile_s = time.perf_counter() - start

    start = time.perf_counter()
    suggest_outcome(leads, "y").mapping.counts(leads)
    outcome_s = time.perf_counter() - start

    start = time.perf_counter()
    inspection = inspect_leads(leads, target="y")  # profile + outcome + sufficiency + leakage
    inspect_s = time.perf_counter() - start
    return {
        "rows": inspection.rows,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "read_s": round(read_s, 2),
        "profile_s": round(profile_s, 2),
        "outcome_s": round(outcome_s, 2),
        "inspect_s": round(inspect_s, 2),
        "read_plus_inspect_s": round(read_s + inspect_s, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "baseline_rss_mb": round(baseline_mb),  # after imports, before reading
        "converted": inspection.outcome_counts["converted"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--build", nargs=2, metavar=("ROWS", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(Path(args.child))))
        return
    if args.build:
        print(build_file(int(args.build[0]), Path(args.build[1])))
        return

    # Building and measuring each run in its own process: Linux keeps a process's peak memory
    # across fork and exec, so a parent holding the big table would inflate the child's figure.
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.sizes:
            built = subprocess.run(
                [sys.executable, __file__, "--build", str(rows), folder], check=True, capture_output=True, text=True
            )
            path = built.stdout.strip().splitlines()[-1]
            child = subprocess.run(
                [sys.executable, __file__, "--child", path], check=True, capture_output=True, text=True
            )
            results.append(json.loads(child.stdout.strip().splitlines()[-1]))

    header = (
        f"{'rows':>10} {'file MB':>8} {'read s':>7} {'profile s':>9} {'outcome s':>9} {'inspect s':>9} "
        f"{'total s':>8} {'peak MB':>8} {'base MB':>8}"
    )
    print(header)
    for r in results:
        print(
            f"{r['rows']:>10,} {r['file_mb']:>8} {r['read_s']:>7} {r['profile_s']:>9} {r['outcome_s']:>9} "
            f"{r['inspect_s']:>9} {r['read_plus_inspect_s']:>8} {r['peak_rss_mb']:>8} {r['baseline_rss_mb']:>8}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "what": "read_leads + inspect_leads(target='y') on Bank Marketing resampled with seed 0",
                "columns": (
                    "read_s: read_leads; profile_s and outcome_s: those steps alone; inspect_s: the whole "
                    "inspect_leads (profile, outcome, sufficiency, leakage suspects from leakage.py); "
                    "peak_rss_mb: ru_maxrss of a fresh process; baseline_rss_mb: after imports"
                ),
                "python": platform.python_version(),
                "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores",
                "results": results,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"written {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
