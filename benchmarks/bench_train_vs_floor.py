"""`leadscore train` (the whole process, as the command runs it) against the floor: one plain fit.

The floor is what a data scientist writes in 20 lines: ordinal-encoded categories and one
HistGradientBoostingClassifier with default settings, fitted once, CSV in, probabilities out, in
one process (also run as a subprocess, so both pay Python's start). The 80/20 split is made here,
outside LeadScore, and the AUC on the held-out 20% is computed here for both. Runs alternate
(LeadScore, floor, LeadScore, ...) so both see the same load; ``os.getloadavg()`` is recorded.

    PYTHONPATH=$PWD python benchmarks/bench_train_vs_floor.py            # bank 41k and 100k, 3 rounds
    PYTHONPATH=$PWD python benchmarks/bench_train_vs_floor.py --fast     # 2,000 leads, 1 round

Writes benchmarks/results/train_vs_floor.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from leadscore.io.samples import BANK_MARKETING

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "train_vs_floor.json"

FLOOR = r"""
import sys, numpy as np, pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OrdinalEncoder
train, test, target, out = sys.argv[1:5]
d, t = pd.read_csv(train), pd.read_csv(test)
y = (d.pop(target) == "yes").astype(int)
t = t.drop(columns=[target])
cats = list(d.select_dtypes(exclude="number").columns)
enc = make_column_transformer((OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan, encoded_missing_value=np.nan), cats), remainder="passthrough")
model = make_pipeline(enc, HistGradientBoostingClassifier(random_state=0))
model.fit(d, y)
np.save(out, model.predict_proba(t)[:, 1])
"""


def _tables(fast: bool) -> dict:
    # "duration" (the call's length) is known only after the call: LeadScore's guard leaves it
    # out, so the floor must not read it either, or it measures a leak.
    bank = pd.read_csv(BANK_MARKETING, sep=";").drop(columns=["duration"])
    if fast:
        return {"bank, 2k (fast)": bank.sample(2000, random_state=0).reset_index(drop=True)}
    return {
        "bank telemarketing, 41k": bank,
        "bank rows resampled to 100k": bank.sample(100_000, replace=True, random_state=0).reset_index(drop=True),
    }


def _run(command: list[str]) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _leadscore(train: Path, test: Path, folder: Path) -> tuple[float, np.ndarray]:
    model = folder / "m.leadscore"
    seconds = _run([sys.executable, "-m", "leadscore.cli", "train", str(train), "--target", "y", "--out", str(model)])
    scored = folder / "scored.csv"
    _run([sys.executable, "-m", "leadscore.cli", "score", str(model), str(test), "--out", str(scored), "--no-reasons"])
    return seconds, pd.read_csv(scored)["conversion_probability"].to_numpy()


def _floor(train: Path, test: Path, folder: Path) -> tuple[float, np.ndarray]:
    out = folder / "floor.npy"
    seconds = _run([sys.executable, "-c", FLOOR, str(train), str(test), "y", str(out)])
    return seconds, np.load(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fast", action="store_true", help="tiny data, one round (checks the script runs)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rounds = 1 if args.fast else args.rounds
    results = []
    for name, table in _tables(args.fast).items():
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            fit, test = train_test_split(table, test_size=0.2, stratify=table["y"], random_state=0)
            train_path, test_path = folder / "train.csv", folder / "test.csv"
            fit.to_csv(train_path, index=False)
            test.to_csv(test_path, index=False)
            truth = (test["y"] == "yes").astype(int).to_numpy()
            ours, floor, loads = [], [], []
            for _ in range(rounds):
                loads.append(os.getloadavg())
                seconds, p_ours = _leadscore(train_path, test_path, folder)
                ours.append(seconds)
                seconds, p_floor = _floor(train_path, test_path, folder)
                floor.append(seconds)
            row = {
                "export": name,
                "leads": len(table),
                "leadscore_seconds": ours,
                "floor_seconds": floor,
                "ratio_median": float(np.median(ours) / np.median(floor)),
                "auc_leadscore": float(roc_auc_score(truth, p_ours)),
                "auc_floor": float(roc_auc_score(truth, p_floor)),
                "load_averages": loads + [os.getloadavg()],
            }
            print(json.dumps(row))
            results.append(row)
    if not args.fast:
        RESULTS.write_text(json.dumps({"rows": results}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
