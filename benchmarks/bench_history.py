"""Time of score history and drift checks at the sizes issue 14 names.

What is measured (median of ``--repeat`` runs after one warm-up, wall and CPU time of this
process; CPU time is what other jobs on a shared machine cannot inflate):

- ``lead_keys``: 100k leads without an ID, 8 columns (text, numbers, a flag, a timestamp, a
  unique email), each lead fingerprinted.
- ``from_training``: a drift reference from 100k leads x 20 columns (10 numbers, 10 categories).
- ``compare``: 100k new leads x 20 columns against it, one number column moved.
- ``movers``: two runs of 1M leads each (the second in another order, 70% of scores unchanged).
- ``tier_changes``: on that movers table.
- ``lead_trend``: one lead from a 1M-row history (10 runs of 100k).
- ``outcome_feedback``: the same 1M-row history against 100k outcomes.

Data are made up with a fixed seed. Usage::

    python benchmarks/bench_history.py [--repeat 5]

Prints one line per step and writes ``benchmarks/results/history.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

from leadscore.score.drift import DriftReference, compare
from leadscore.score.history import lead_keys, lead_trend, movers, outcome_feedback, tier_changes

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "history.json"


def tiers(p: np.ndarray) -> np.ndarray:
    return np.select([p >= 0.7, p >= 0.4, p >= 0.15], ["Hot", "Warm", "Cool"], "Cold")


def data(rng: np.random.Generator) -> dict:
    n = 100_000
    leads = pd.DataFrame(
        {
            "source": rng.choice(["LinkedIn", "Google Ads", " Referral ", "Trade show"], n),
            "industry": rng.choice([f"Industry {k}" for k in range(30)], n),
            "pages": rng.integers(0, 30, n).astype(float),
            "budget": rng.normal(5000, 1000, n).round(2),
            "pricing": rng.choice([True, False], n),
            "first_engaged_at": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 10**7, n), unit="s"),
            "needs": rng.choice(["we need a CRM", "pricing info", None], n),
            "email": [f"user{i}@example.com" for i in range(n)],
        }
    )

    def table(shift: float, seed: int) -> pd.DataFrame:
        local = np.random.default_rng(seed)
        columns = {f"number_{j}": local.normal(shift if j == 0 else 0, 1, n) for j in range(10)}
        columns |= {f"category_{j}": local.choice([f"v{k}" for k in range(5 + 5 * j)], n) for j in range(10)}
        return pd.DataFrame(columns)

    training, new = table(0.0, 1), table(0.5, 2)
    kinds = {name: "number" if name.startswith("number") else "category" for name in training.columns}

    runs = 1_000_000
    keys = pd.Series([f"L-{i:07d}" for i in range(runs)], dtype="str")
    before = rng.random(runs)
    after = np.where(rng.random(runs) < 0.7, before, np.clip(before + rng.normal(0, 0.1, runs), 0, 1))
    previous = pd.DataFrame({"key": keys, "probability": before, "tier": tiers(before)})
    shuffle = rng.permutation(runs)
    current = pd.DataFrame(
        {"key": keys.take(shuffle).reset_index(drop=True), "probability": after[shuffle], "tier": tiers(after[shuffle])}
    )

    history_keys = pd.Series(np.tile(keys[:100_000].to_numpy(), 10), dtype="str")
    probability = rng.random(runs)
    history = pd.DataFrame(
        {
            "run": np.repeat(np.arange(10), 100_000),
            "at": np.repeat(pd.date_range("2025-01-05", periods=10, freq="W"), 100_000),
            "key": history_keys,
            "probability": probability,
            "tier": tiers(probability),
        }
    )
    outcomes = pd.DataFrame({"key": keys[:100_000], "converted": rng.integers(0, 2, 100_000)})
    return dict(
        leads=leads, training=training, new=new, kinds=kinds, previous=previous, current=current,
        history=history, outcomes=outcomes, scores=rng.random(n),
    )


def measure(step, repeat: int) -> dict:
    step()  # warm-up: imports, first-touch memory
    wall, cpu = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        step()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return {"wall_s": round(statistics.median(wall), 3), "cpu_s": round(statistics.median(cpu), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    d = data(np.random.default_rng(0))
    reference = DriftReference.from_training(d["training"], d["scores"], d["kinds"])
    table = movers(d["previous"], d["current"])
    steps = {
        "lead_keys (100k leads x 8 columns, no ID)": lambda: lead_keys(d["leads"]),
        "from_training (100k x 20)": lambda: DriftReference.from_training(d["training"], d["scores"], d["kinds"]),
        "compare (100k x 20)": lambda: compare(reference, d["new"], d["scores"]),
        "movers (1M vs 1M)": lambda: movers(d["previous"], d["current"]),
        f"tier_changes ({len(tier_changes(table)):,} changes)": lambda: tier_changes(table),
        "lead_trend (1M-row history)": lambda: lead_trend(d["history"], "L-0000042"),
        "outcome_feedback (1M scores, 100k outcomes)": lambda: outcome_feedback(d["history"], d["outcomes"]),
    }
    results = []
    for name, step in steps.items():
        result = {"step": name, **measure(step, args.repeat)}
        print(f"{name:48s} wall {result['wall_s']:6.3f} s   cpu {result['cpu_s']:6.3f} s", flush=True)
        results.append(result)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "what": "leadscore.score.history and leadscore.score.drift on made-up data (seed 0)",
                "columns": "wall_s / cpu_s: median of the runs after one warm-up",
                "python": platform.python_version(),
                "machine": f"{platform.machine()}, {len(__import__('os').sched_getaffinity(0))} cores",
                "repeat": args.repeat,
                "results": results,
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
