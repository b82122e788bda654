"""Benchmark: SHAP global insights and per-lead reasons at 10k and 100k leads, for each model kind.

For every model kind (logistic, forest, boosting) trained on the public UCI Bank Marketing
table (``sample_data/bank-marketing``, shipped gzip-compressed with the repository):

- ``global_contributions`` (exact SHAP on the bounded sample of 2,000 leads), then
  ``global_importance`` and ``beeswarm_data`` from it;
- per-lead reasons (``lead_contributions`` + ``lead_reasons``, the path ``score_leads`` uses) for
  10,000 and 100,000 leads resampled from the table (``random_state=0``): exact linear terms for
  logistic, the Saabas approximation for trees (LeadScore's own, ``leadscore.explain._saabas``);
- for trees, on 10,000 leads: exact Tree SHAP (why large batches use the approximation), and the
  same Saabas contributions computed by shap's ``TreeExplainer`` (``approximate=True``), with the
  largest difference from LeadScore's own.

Models are trained through ``LeadProject`` (the app's and the command line's workflow).

Times include cleaning, encoding and predicting (the reasons need them), as in scoring;
``of_which_model_predict_seconds`` is the pipeline's own ``predict_proba`` on the same leads,
measured separately, so the cost of the reasons alone is the difference.

Usage::

    python benchmarks/bench_explain.py                      # trains the three models (minutes)
    python benchmarks/bench_explain.py --models DIR         # DIR/bank_<kind>.leadscore saved earlier

Writes ``benchmarks/results/explain.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
RESULTS = REPO / "benchmarks" / "results"
KINDS = ("logistic", "forest", "boosting")


def _timed(function, *args, **kwargs):
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return value, round(time.perf_counter() - start, 2)


def _train(leads, kind: str):
    """A model trained as the app and the command line train it (LeadProject)."""
    from leadscore.clean.plan import CleaningChoices
    from leadscore.project.workflow import LeadProject
    from leadscore.model.train import TrainingSettings

    project = LeadProject.new(leads, "bank", data_name="bank-additional-full.csv")
    project.data.set_outcome(project.data.outcome_suggestion("y").mapping)
    project.data.set_choices(CleaningChoices())
    project.training.train(TrainingSettings(model=kind))
    return project.models.bundle()


def _bundle(kind: str, models: Path | None, leads):
    from leadscore.model.bundle import load_bundle, save_bundle

    path = (models or Path(tempfile.gettempdir())) / f"bank_{kind}.leadscore"
    if models is not None and path.is_file():
        return load_bundle(path), None
    bundle, seconds = _timed(_train, leads, kind)
    if models is not None:
        save_bundle(bundle, path)
    return bundle, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, help="folder with bank_<kind>.leadscore (used, or written after training)")
    parser.add_argument("--kinds", nargs="+", default=list(KINDS), choices=KINDS)
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000])
    args = parser.parse_args()
    os.environ.setdefault("LEADSCORE_HOME", str(Path(tempfile.mkdtemp(prefix="leadscore-bench-")) / "home"))

    import pandas as pd

    from leadscore.explain.contributions import (
        _shap_explainer,
        beeswarm_data,
        explain_reference,
        global_contributions,
        global_importance,
        lead_contributions,
        lead_reasons,
    )
    from leadscore.model.pipeline import base_estimator
    from leadscore.io.read import read_leads
    from leadscore.io.samples import BANK_MARKETING_NAME, bank_marketing_csv

    leads = read_leads(bank_marketing_csv(), filename=BANK_MARKETING_NAME)
    features = leads.drop(columns=["y"])
    results = {}
    for kind in args.kinds:
        bundle, training_seconds = _bundle(kind, args.models, leads)
        pipeline = bundle.pipeline
        entry = {"model": type(pipeline[-1]).__name__, "calibration": bundle.calibration, "training_seconds": training_seconds}
        contributions, entry["global_contributions_2000_seconds"] = _timed(global_contributions, pipeline, features)
        importance, entry["global_importance_2000_seconds"] = _timed(global_importance, contributions)
        _, entry["beeswarm_2000_seconds"] = _timed(beeswarm_data, contributions)
        entry["top_columns"] = importance["column"].head(5).tolist()
        reference, entry["reference_seconds"] = _timed(explain_reference, pipeline, features)
        for size in args.sizes:
            batch = features.sample(n=size, replace=True, random_state=0).reset_index(drop=True)
            _, seconds_predict = _timed(pipeline.predict_proba, batch)
            contributions, seconds_contrib = _timed(lead_contributions, pipeline, batch, reference)
            reasons, seconds_text = _timed(lead_reasons, pipeline, batch, contributions=contributions)
            entry[f"reasons_{size}"] = {
                "method": contributions.method,
                "seconds": round(seconds_contrib + seconds_text, 2),
                "contributions_seconds": seconds_contrib,
                "of_which_model_predict_seconds": seconds_predict,
                "text_seconds": seconds_text,
                "example": reasons["reason_1"].iloc[0],
            }
            print(kind, size, entry[f"reasons_{size}"], flush=True)
        if kind != "logistic":
            batch = features.sample(n=min(args.sizes), replace=True, random_state=0).reset_index(drop=True)
            exact, seconds = _timed(lead_contributions, pipeline, batch, reference, exact=True)
            entry[f"exact_tree_shap_{min(args.sizes)}_seconds"] = seconds
            # The same Saabas contributions by shap's TreeExplainer(approximate=True), which
            # LeadScore's own (leadscore.explain._saabas) replaces in the reasons.
            shap_saabas, seconds = _timed(
                lead_contributions, pipeline, batch, reference, explainer=_shap_explainer(base_estimator(pipeline))
            )
            ours = lead_contributions(pipeline, batch, reference)
            entry[f"shap_saabas_{min(args.sizes)}_seconds"] = seconds
            entry[f"saabas_max_difference_from_shap_{min(args.sizes)}"] = float(abs(shap_saabas.raw - ours.raw).max())
        results[kind] = entry
        print(kind, {k: v for k, v in entry.items() if not k.startswith("reasons_")}, flush=True)

    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "explain.json"
    payload = {
        "what": "SHAP global insights (2,000-lead sample, exact) and per-lead reasons on bank-marketing leads",
        "cpu_count": os.cpu_count(),
        "rows_available": len(leads),
        "results": results,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    out.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
