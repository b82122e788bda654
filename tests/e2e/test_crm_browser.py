"""A real browser walks the app on a CRM-shaped export (tests/crm_export.py), not the tidy sample:
UUID and hash IDs, a checkbox of "True" and blanks, a rep's rating and a "last activity" snapshot
that depend on the outcome. Screenshots: artifacts/screenshots/crm-<step>.png.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.crm_export import crm_export
from tests.e2e.test_browser_journey import TRAINING_TIMEOUT, main_text, open_page, settle, shoot, wait_for_table_text

pytestmark = pytest.mark.e2e


def test_a_crm_export_from_upload_to_movers_and_feedback(page, app_url, tmp_path):
    table = crm_export(3000, seed=7)
    history = tmp_path / "crm_export.csv"
    table.to_csv(history, index=False)

    page.goto(app_url)
    page.get_by_role("heading", name="1. Your lead history").wait_for()
    settle(page)
    page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(str(history))
    page.get_by_text("crm_export.csv: 3,000 leads, 10 columns.").wait_for(timeout=TRAINING_TIMEOUT)
    settle(page)

    # Clean: every column in one table; codes left out; the rep's rating left out unless the user
    # keeps it, with the question to ask; the snapshot left out on its name and its dates.
    open_page(page, "Clean", "2. Clean the data")
    wait_for_table_text(page, "Hubspot hash")
    text = main_text(page)
    assert "Lead rating (left out)" in text and "known when a new lead arrives" in text
    assert "Last activity date (left out)" in text
    shoot(page, "crm-clean")
    page.get_by_role("button", name="Use this cleaning plan").click()
    page.get_by_text("This cleaning plan is in use.").wait_for()
    settle(page)

    # Train: with nothing kept, the model in use reads no flagged column, so there is no range to give.
    open_page(page, "Train", "3. Train a model")
    page.get_by_text("Automatic (try each, keep the best)").click()
    settle(page)
    page.get_by_role("button", name="Train the model").click()
    page.get_by_role("heading", name="Is it ready?").wait_for(timeout=TRAINING_TIMEOUT)
    settle(page)
    text = main_text(page)
    assert "The honest range" not in text and "Is it ready?" in text
    # The leaderboard: every model tried, in plain measures.
    for model in ("logistic regression", "random forest", "gradient boosting"):
        assert model in text.lower()
    shoot(page, "crm-train")

    # Insights: what if a lead further down the list had come from a referral?
    open_page(page, "Insights", "4. What drives conversion")
    page.get_by_role("heading", name="What if this lead's answers were different?").wait_for()
    page.locator("[data-testid='stSelectbox']", has_text="Pick a lead").click()
    for _ in range(30):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    settle(page)
    picker = page.locator("[data-testid='stMultiSelect']", has_text="Answers to change")
    picker.locator("input").click()
    page.keyboard.type("Lead source")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    settle(page)
    answer = page.locator("[data-testid='stSelectbox']").filter(has=page.get_by_text("Lead source", exact=True))
    answer.click()
    page.keyboard.type("Referral")
    page.keyboard.press("Enter")
    settle(page)
    page.get_by_text("With these answers").wait_for()
    text = main_text(page)
    assert "Chance now" in text and " points" in text
    shoot(page, "crm-what-if")

    # Score the history, then a week later the same leads after more page views: movers, drift.
    open_page(page, "Score", "6. Score leads")
    page.get_by_text("My lead history").click()
    settle(page)
    page.get_by_role("button", name="Score 3,000 leads").click()
    page.get_by_role("heading", name="Call list: crm_export.csv").wait_for(timeout=TRAINING_TIMEOUT)
    settle(page)
    shoot(page, "crm-call-list")

    week2 = table.copy()
    week2["Pages viewed"] = [str(int(p) + 6) for p in week2["Pages viewed"].str.replace(",", "")]
    week2["Lead source"] = np.where(np.arange(len(week2)) % 5 == 0, "Podcast", week2["Lead source"])
    later = tmp_path / "week2.csv"
    week2.to_csv(later, index=False)
    page.get_by_text("Upload new leads").click()
    settle(page)
    page.locator("[data-testid='stFileUploader']", has_text="New leads").locator("input[type='file']").set_input_files(str(later))
    settle(page)
    page.get_by_role("button", name="Score 3,000 leads").click()
    page.get_by_role("heading", name="Call list: week2.csv").wait_for(timeout=TRAINING_TIMEOUT)
    page.get_by_text("Since the previous scoring run").wait_for(timeout=TRAINING_TIMEOUT)
    settle(page)
    text = main_text(page)
    assert "Podcast" in text or "Retrain" in text or "Watch" in text or "look like your history" in text
    shoot(page, "crm-movers-and-drift")

    # Outcomes come in: did the scores come true?
    outcomes = tmp_path / "outcomes.csv"
    table.to_csv(outcomes, index=False)
    page.get_by_text("Did the scores come true?").click()
    page.locator("[data-testid='stFileUploader']", has_text="Export with outcomes").locator("input[type='file']").set_input_files(str(outcomes))
    page.get_by_text("The model promised").first.wait_for(timeout=TRAINING_TIMEOUT)
    settle(page)
    shoot(page, "crm-feedback")
