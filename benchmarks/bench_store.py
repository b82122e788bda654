"""Score history in the project store: recording a 100k-lead run, reading movers among 1M scores.

Run: ``python benchmarks/bench_store.py`` (about a minute). Writes ``benchmarks/results/store.json``.

What it measures, in a fresh store in a temporary folder:

- ``record_run``: one scoring run of 100,000 leads (key, probability, tier, top reason) written
  in one transaction, ten times over, so the lead table ends with 1,000,000 recorded scores;
- ``movers``: the leads that moved between the last two runs (both runs read from the store and
  compared with :func:`leadscore.score.history.movers`), with 1M scores in the table;
- ``lead_history``: one lead's scores over the ten runs (the trend chart), by its key;
- the store's size on disk (the SQLite database with its write-ahead log).

Leads keep their keys from run to run and their probabilities drift a little, as real re-scores do.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from leadscore.score.history import movers  # noqa: E402
from leadscore.project.store import ProjectStore  # noqa: E402
from leadscore.model.tiers import TierPolicy, assign_tiers  # noqa: E402

LEADS = 100_000
RUNS = 10


def _run(rng: np.random.Generator, keys: np.ndarray, base: np.ndarray) -> pd.DataFrame:
    probability = np.clip(base + rng.normal(0, 0.03, len(keys)), 0, 1)
    return pd.DataFrame(
        {
            "key": keys,
            "probability": probability,
            "tier": assign_tiers(probability, TierPolicy()),
            "reason": np.where(probability > 0.5, "Timeline is this month: +18 points", "Source is Social: -6 points"),
        }
    )


def main() -> dict:
    rng = np.random.default_rng(0)
    keys = np.array([f"L-{i:07d}" for i in range(LEADS)])
    base = rng.beta(1.2, 6, LEADS)
    with tempfile.TemporaryDirectory() as folder:
        db = ProjectStore(Path(folder) / "projects").create("History benchmark")
        record_seconds = []
        for number in range(RUNS):
            table = _run(rng, keys, base)
            started = time.perf_counter()
            db.record_run(None, f"week {number + 1}", {"rows": LEADS}, table)
            record_seconds.append(time.perf_counter() - started)
        runs = db.runs()["run"].tolist()
        started = time.perf_counter()
        moved = movers(db.run_leads(runs[-2]), db.run_leads(runs[-1]))
        movers_seconds = time.perf_counter() - started
        started = time.perf_counter()
        trend = db.lead_history("L-0012345")
        history_seconds = time.perf_counter() - started
        size = sum(path.stat().st_size for path in db.folder.glob("project.sqlite*"))
    result = {
        "leads_per_run": LEADS,
        "runs": RUNS,
        "recorded_scores": LEADS * RUNS,
        "record_run_seconds": {"first": round(record_seconds[0], 2), "last": round(record_seconds[-1], 2), "median": round(float(np.median(record_seconds)), 2)},
        "movers_seconds_with_1m_scores": round(movers_seconds, 2),
        "movers_found": int(len(moved)),
        "lead_history_seconds": round(history_seconds, 4),
        "lead_history_points": int(len(trend)),
        "store_megabytes": round(size / 1e6, 1),
        "load_average": os.getloadavg()[0],
        "cores": os.cpu_count(),
    }
    out = REPO / "benchmarks" / "results" / "store.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
