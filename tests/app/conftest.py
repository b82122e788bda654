"""Shared fixtures for the AppTest tests of the Streamlit app."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
# The app's pages and these helpers are imported from the repository root, also under plain
# `pytest` (which puts only this folder on sys.path).
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
APP = REPO / "app.py"
SAMPLE_LEADS = REPO / "sample_data" / "leads.csv"
SAMPLE_NEW_LEADS = REPO / "sample_data" / "new_leads.csv"
TIMEOUT = 120  # seconds per script run; training on 2 busy cores can take a while


@pytest.fixture(scope="session", autouse=True)
def private_folders(tmp_path_factory):
    """Models and the signing key go to temporary folders, never the user's own."""
    root = tmp_path_factory.mktemp("leadscore")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEADSCORE_MODELS_DIR", str(root / "models"))
        patch.setenv("LEADSCORE_HOME", str(root / "home"))
        yield root


@pytest.fixture(scope="session")
def small_history() -> bytes:
    """The first 1,500 sample leads as CSV bytes: enough to train quickly, same columns."""
    lines = SAMPLE_LEADS.read_bytes().splitlines(keepends=True)
    return b"".join(lines[:1501])


def new_app(project_id: str | None = None) -> AppTest:
    """A fresh session of the app, run once: on the sample leads, or on a saved project as a
    browser refresh (or a new tab on the same address) opens it."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if project_id is not None:
        at.query_params["project"] = project_id
    return at.run()


def project(at: AppTest):
    """The session's LeadProject."""
    return at.session_state["project"]


def problems(at: AppTest) -> list[str]:
    """Everything that went wrong in the last run: exceptions and errors a page caught."""
    found = [f"exception: {e.message}" for e in at.exception]
    found += [f"unexpected: {text}" for text in at.session_state["unexpected_errors"]]
    return found


def button(at: AppTest, label: str):
    """The button whose label starts with ``label``."""
    matches = [b for b in at.button if b.label.startswith(label)]
    assert matches, f"no button '{label}'; buttons: {[b.label for b in at.button]}"
    return matches[0]


def title(at: AppTest) -> str:
    """The page heading."""
    return at.title[0].value


def wait_for_training(at: AppTest, limit: float = 600.0) -> AppTest:
    """Wait until the session's background training ends, then draw the page again.

    The Train page redraws only its progress bar while a job runs (a fragment that reruns every
    second in a browser, which AppTest does not run by itself), so a test waits here as a user
    waits for the bar, polling the job's state in the project's store.
    """
    import time

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        job = project(at).training.latest()
        if job is None or job["state"] != "running":
            break
        time.sleep(0.25)
    project(at).sync()
    return at.run()


def go(at: AppTest, page: str) -> AppTest:
    """Open a page by its name (as in the sidebar) and run it."""
    return at.switch_page(f"app_pages/{page.lower()}.py").run()


def train_journey(at: AppTest, history: bytes, name: str = "history.csv") -> AppTest:
    """Upload ``history``, keep the suggested outcome, confirm cleaning, train a logistic model.

    Training runs in the background; the run returns once the new model is there
    (:func:`wait_for_training`).
    """
    at.file_uploader[0].upload(name, history, "text/csv")
    at.run()
    go(at, "Clean")
    button(at, "Use this cleaning plan").click().run()
    go(at, "Train")
    at.radio(key="train_model_choice").set_value("Logistic regression (simple, fast)").run()
    button(at, "Train the model").click().run()
    return wait_for_training(at)
