"""A real browser goes through every page of ``streamlit run app.py`` like a user would."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from tests.e2e.conftest import REPO, SCREENSHOTS

pytestmark = pytest.mark.e2e

SAMPLE_LEADS = REPO / "sample_data" / "leads.csv"
TRAINING_TIMEOUT = 180_000  # ms: training on 2 shared cores


def settle(page) -> None:
    """Wait until Streamlit has finished the current script run."""
    page.wait_for_timeout(300)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="detached", timeout=TRAINING_TIMEOUT)
    page.wait_for_timeout(300)


def open_page(page, name: str, heading: str) -> None:
    """Click a page in the sidebar navigation and wait for its heading."""
    page.locator("[data-testid='stSidebarNav'] a", has_text=name).click()
    page.get_by_role("heading", name=heading).wait_for()
    settle(page)


def shoot(page, name: str) -> Path:
    """Save a screenshot of the whole page to artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Streamlit scrolls inside its own container, so a tall window shows the whole page.
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('section, [data-testid=stMain]')].map(e => e.scrollHeight), 1000)"
    )
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 50, 8000)})
    page.wait_for_timeout(800)  # charts re-layout to the new size
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})
    return path


def main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def wait_for_charts(page, count: int) -> None:
    """Wait until the page shows ``count`` drawn Altair charts (Vega renders after the run)."""
    page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg.marks').length >= n",
        arg=count,
        timeout=30_000,
    )
    assert page.locator("[data-testid='stVegaLiteChart']").count() == count


def wait_for_table_text(page, text: str) -> None:
    """Wait until a table shows ``text`` (tables draw on a canvas; cells are in its accessible table)."""
    page.wait_for_function(
        "text => [...document.querySelectorAll('[data-testid=stDataFrame]')].some(e => e.textContent.includes(text))",
        arg=text,
        timeout=30_000,
    )


def test_a_user_goes_from_upload_to_a_downloaded_call_list(page, app_url, tmp_path):
    # Data: the app opens on the sample leads; the user uploads their own export.
    page.goto(app_url)
    page.get_by_role("heading", name="1. Your lead history").wait_for()
    settle(page)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(SAMPLE_LEADS))
    page.get_by_text("leads.csv: 5,000 leads, 26 columns.").wait_for()
    page.get_by_text("Is there enough history to learn from?").wait_for()
    settle(page)
    metrics = page.locator("[data-testid='stMetric']").all_inner_texts()
    assert [m.split("\n")[-1] for m in metrics] == ["586", "4,099", "315"]
    assert "Good." in main_text(page)
    shoot(page, "data")

    # Clean: accept the suggested plan.
    open_page(page, "Clean", "2. Clean the data")
    wait_for_table_text(page, "deal_stage")  # a post-outcome column, left out
    page.get_by_role("button", name="Use this cleaning plan").click()
    page.get_by_text("This cleaning plan is in use.").wait_for()
    settle(page)
    shoot(page, "clean")

    # Train: a logistic regression, with a progress bar, then the report.
    open_page(page, "Train", "3. Train a model")
    page.get_by_text("Logistic regression (simple, fast)").click()
    settle(page)
    page.get_by_role("button", name="Train the model").click()
    page.get_by_role("heading", name="Is it ready?").wait_for(timeout=TRAINING_TIMEOUT)
    settle(page)
    assert "Ranks leads right" in main_text(page)
    wait_for_charts(page, 2)  # reliability, learning curve
    shoot(page, "train")

    # Insights
    open_page(page, "Insights", "4. What drives conversion")
    page.get_by_role("heading", name="Why did this lead get its score?").wait_for()
    wait_for_charts(page, 5)  # importance, beeswarm, dependence, segments, waterfall
    shoot(page, "insights")

    # Tiers: move the Hot slider down with the keyboard; the tier table follows.
    open_page(page, "Tiers", "5. Set the tiers")
    wait_for_table_text(page, "70% and above")
    hot = page.get_by_role("slider").first
    hot.focus()
    for _ in range(10):
        hot.press("ArrowLeft")
    settle(page)
    wait_for_table_text(page, "60% and above")
    assert page.locator("[data-testid='stSliderThumbValue']").first.inner_text() == "60"
    shoot(page, "tiers")

    # Score: the sample new leads, then download the call list.
    open_page(page, "Score", "6. Score leads")
    page.get_by_text("The sample new leads").click()
    settle(page)
    page.get_by_role("button", name="Score 500 leads").click()
    page.get_by_role("heading", name="Call list: sample new leads").wait_for(timeout=TRAINING_TIMEOUT)
    page.get_by_role("heading", name="Take it with you").wait_for(timeout=TRAINING_TIMEOUT)
    settle(page)
    page.get_by_text("Automate this").click()
    page.get_by_text("leadscore score").first.wait_for()
    shoot(page, "score")
    with page.expect_download(timeout=TRAINING_TIMEOUT) as download_info:
        page.get_by_role("button", name="Call list for Excel (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "scored_leads.csv"
    saved = tmp_path / "scored_leads.csv"
    download.save_as(saved)

    scored = pd.read_csv(saved, encoding="utf-8-sig")
    new_leads = pd.read_csv(REPO / "sample_data" / "new_leads.csv")
    assert len(scored) == len(new_leads) == 500
    assert list(scored.columns[: new_leads.shape[1]]) == list(new_leads.columns)
    assert list(scored.columns[new_leads.shape[1]:]) == [
        "lead_score", "conversion_probability", "tier", "next_action", "reason_1", "reason_2", "reason_3",
    ]
    assert scored["conversion_probability"].is_monotonic_decreasing  # the call list, best first
    assert set(scored["tier"]) <= {"Hot", "Warm", "Cool", "Cold"}
    # The Hot slider at 60% is what the file uses, without re-scoring.
    hot_rows = scored[scored["tier"] == "Hot"]
    assert (hot_rows["conversion_probability"] >= 0.60).all()
    assert ((scored["conversion_probability"] >= 0.60) == (scored["tier"] == "Hot")).all()
    assert sorted(scored["lead_id"]) == sorted(new_leads["lead_id"])


def test_a_fresh_server_opened_on_a_page_address_shows_that_page_with_the_app_navigation(page, fresh_app_url):
    page.goto(f"{fresh_app_url}/tiers")
    page.get_by_role("heading", name="5. Set the tiers").wait_for()
    page.get_by_role("button", name="Go to Train").wait_for()
    navigation = page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()
    assert [item.split("\n")[-1] for item in navigation] == ["Data", "Clean", "Train", "Insights", "Tiers", "Score"]
    page.locator("[data-testid='stSidebar']").get_by_text("Project: Sample leads").wait_for()
