"""Page timings of the Streamlit app, measured with AppTest (no browser).

For each page: the first render in a session that has gone through the journey, a rerun of the
same page, and on Tiers the rerun after moving a slider (which must neither retrain nor
re-score). Training and scoring clicks are timed too. Results go to
``benchmarks/results/app.json``.

Run from the repository root::

    python benchmarks/bench_app.py            # the 5,000 sample leads, logistic regression
    python benchmarks/bench_app.py --model auto
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from streamlit.testing.v1 import AppTest  # noqa: E402

MODEL_LABELS = {
    "auto": "Automatic (try each, keep the best)",
    "logistic": "Logistic regression (simple, fast)",
    "forest": "Random forest",
    "boosting": "Gradient boosting",
}


def _wait_for_training(at: AppTest) -> AppTest:
    """Poll the project's training job until it ends (AppTest does not rerun the progress fragment)."""
    deadline = time.monotonic() + 1800
    while time.monotonic() < deadline:
        job = at.session_state["project"].training.latest()
        if job is None or job["state"] != "running":
            break
        time.sleep(0.1)
    at.session_state["project"].sync()
    return at.run()


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return round(time.perf_counter() - started, 3)


def _check(at: AppTest, where: str) -> None:
    problems = [e.message for e in at.exception] + list(at.session_state["unexpected_errors"])
    if problems:
        raise SystemExit(f"{where}: {problems[0][:2000]}")


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label.startswith(label))


def _slider(at: AppTest, label: str):
    return next(s for s in at.slider if s.label.startswith(label))


def _radio(at: AppTest, label: str):
    return next(r for r in at.radio if r.label == label)


def _work_done(at: AppTest) -> tuple:
    """Model versions and the last scoring run: a slider move must change neither."""
    project = at.session_state["project"]
    return tuple(v.id for v in project.models.list()), id(project.scoring.last)


def measure(model: str) -> dict:
    """Walk the journey once on the sample leads and time every page."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=600)
    timings: dict[str, float] = {}
    timings["Data: first render (reads and inspects 5,000 leads)"] = _timed(at.run)
    _check(at, "Data")
    timings["Data: rerun"] = _timed(at.run)

    def page(name: str) -> None:
        at.switch_page(f"app_pages/{name.lower()}.py").run()
        _check(at, name)

    timings["Clean: first render"] = _timed(lambda: page("Clean"))
    timings["Clean: rerun"] = _timed(at.run)
    timings["Clean: use the plan (click)"] = _timed(lambda: _button(at, "Use this cleaning plan").click().run())
    page("Train")
    at.radio(key="train_model_choice").set_value(MODEL_LABELS[model]).run()
    # Training runs in the background; the Train page shows its progress until the model is there.
    timings[f"Train: train {model} (click, incl. validation and learning curve)"] = _timed(
        lambda: _wait_for_training(_button(at, "Train the model").click().run())
    )
    _check(at, "Train")
    timings["Train: rerun with results"] = _timed(at.run)
    timings["Insights: first render (SHAP on up to 2,000 leads)"] = _timed(lambda: page("Insights"))
    timings["Insights: rerun"] = _timed(at.run)
    timings["Tiers: first render"] = _timed(lambda: page("Tiers"))
    work_before = _work_done(at)
    timings["Tiers: after moving the Hot slider"] = _timed(lambda: _slider(at, "Hot from").set_value(55).run())
    _check(at, "Tiers slider")
    if _work_done(at) != work_before:
        raise SystemExit("moving a tier slider retrained or re-scored")
    timings["Score: first render"] = _timed(lambda: page("Score"))
    timings["Score: score 500 new leads (click, incl. downloads)"] = _timed(lambda: _button(at, "Score 500").click().run())
    _check(at, "Score")
    timings["Score: rerun with the call list"] = _timed(at.run)
    _radio(at, "Leads to score").set_value("My lead history").run()
    timings["Score: score the 5,000-lead history (click)"] = _timed(lambda: _button(at, "Score 5,000").click().run())
    _check(at, "Score history")
    timings["Score: rerun with 5,000 scored leads"] = _timed(at.run)
    page("Tiers")
    timings["Tiers: slider move with 5,000 scored leads"] = _timed(lambda: _slider(at, "Hot from").set_value(50).run())
    _check(at, "Tiers slider 2")
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="logistic", choices=sorted(MODEL_LABELS))
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "app.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["LEADSCORE_MODELS_DIR"] = str(Path(folder) / "models")
        os.environ["LEADSCORE_HOME"] = str(Path(folder) / "home")
        timings = measure(args.model)
    result = {
        "what": "seconds per AppTest script run of app.py (server-side work only, no browser drawing)",
        "data": "sample_data/leads.csv (5,000 leads) and sample_data/new_leads.csv (500 leads)",
        "model": args.model,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "seconds": timings,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    width = max(map(len, timings))
    for name, seconds in timings.items():
        print(f"{name:<{width}}  {seconds:7.3f} s")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
