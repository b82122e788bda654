"""A real browser takes the public bank marketing data (41,188 calls) through every page.

The data ships with the repository in ``sample_data/bank-marketing`` (CC BY 4.0, Moro, Cortez and
Rita 2014; see its ATTRIBUTION.md); the browser uploads the plain file from the ``bank_csv_file``
fixture, as a user would. Screenshots go to ``artifacts/screenshots/bank-<page>.png``.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.e2e.test_browser_journey import (
    TRAINING_TIMEOUT,
    main_text,
    open_page,
    settle,
    shoot,
    wait_for_charts,
    wait_for_table_text,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def metric_values(page) -> dict[str, str]:
    """The page's metrics as label -> shown value."""
    found = {}
    for text in page.locator("[data-testid='stMetric']").all_inner_texts():
        lines = [line for line in text.split("\n") if line.strip()]
        found[lines[0]] = lines[-1]
    return found


def test_the_bank_history_goes_from_upload_to_a_scored_file(page, app_url, tmp_path, bank_csv_file):
    # Data: upload the bank export; LeadScore finds `y` and counts the subscriptions.
    page.goto(app_url)
    page.get_by_role("heading", name="1. Your lead history").wait_for()
    settle(page)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(bank_csv_file))
    page.get_by_text("bank-additional-full.csv: 41,188 leads, 21 columns.").wait_for(timeout=TRAINING_TIMEOUT)
    page.get_by_text("Is there enough history to learn from?").wait_for()
    settle(page)
    # The sample's counts stay on screen until the rerun for the upload reaches them.
    page.locator("[data-testid='stMetric']", has_text="36,548").wait_for(timeout=TRAINING_TIMEOUT)
    assert metric_values(page) == {"Converted": "4,640", "Not converted": "36,548", "Still open": "0"}
    assert "Good." in main_text(page)
    shoot(page, "bank-data")

    # Clean: `duration` (the call's length, known only after the call) is flagged and left out.
    open_page(page, "Clean", "2. Clean the data")
    wait_for_table_text(page, "duration")
    text = main_text(page)
    assert "duration (left out)" in text and "AUC 0.8" in text
    assert "known when a new lead arrives" in text
    page.get_by_role("button", name="Use this cleaning plan").click()
    page.get_by_text("This cleaning plan is in use.").wait_for()
    settle(page)
    shoot(page, "bank-clean")

    # Train: no date column, so a random (stratified) 20% is held out.
    open_page(page, "Train", "3. Train a model")
    assert "a random 20% of leads are held out" in main_text(page)
    page.get_by_text("Logistic regression (simple, fast)").click()
    settle(page)
    page.get_by_role("button", name="Train the model").click()
    page.get_by_role("heading", name="Is it ready?").wait_for(timeout=TRAINING_TIMEOUT)
    settle(page)
    text = main_text(page)
    metrics = metric_values(page)
    # 20% of 41,188 is 8,238; copies of a call are kept on one side, so a few leads either way.
    held_out = int(metrics["Held-out leads"].replace(",", ""))
    assert 8_200 <= held_out <= 8_280
    assert f"There is no date column, so a random 20% of leads ({held_out:,}, with the same conversion rate" in text
    assert 0.70 <= float(metrics["Ranks leads right"]) <= 0.85
    wait_for_charts(page, 2)
    shoot(page, "bank-train")

    # Insights: the importance chart and its column picker never mention `duration`.
    open_page(page, "Insights", "4. What drives conversion")
    page.get_by_role("heading", name="Why did this lead get its score?").wait_for()
    wait_for_charts(page, 5)
    assert "duration" not in main_text(page)
    shoot(page, "bank-insights")

    # Tiers: the table counts the held-out leads.
    open_page(page, "Tiers", "5. Set the tiers")
    wait_for_table_text(page, "70% and above")
    assert f"use the {held_out:,} held-out leads" in main_text(page)
    shoot(page, "bank-tiers")

    # Score: the whole history, then download it.
    open_page(page, "Score", "6. Score leads")
    page.get_by_text("My lead history").click()
    settle(page)
    page.get_by_role("button", name="Score 41,188 leads").click()
    page.get_by_role("heading", name="Call list: bank-additional-full.csv").wait_for(timeout=TRAINING_TIMEOUT)
    page.get_by_role("heading", name="Take it with you").wait_for(timeout=TRAINING_TIMEOUT)
    settle(page)
    tiers = {label: value for label, value in metric_values(page).items() if label.endswith(" leads")}
    assert sum(int(value.replace(",", "")) for value in tiers.values()) == 41_188
    shoot(page, "bank-score")
    with page.expect_download(timeout=TRAINING_TIMEOUT) as download_info:
        page.get_by_role("button", name="Call list for Excel (CSV)").click()
    saved = tmp_path / "scored_leads.csv"
    download_info.value.save_as(saved)

    scored = pd.read_csv(saved, encoding="utf-8-sig")
    bank = pd.read_csv(bank_csv_file, sep=";")
    assert len(scored) == len(bank) == 41_188
    assert list(scored.columns[: bank.shape[1]]) == list(bank.columns)
    assert scored["conversion_probability"].is_monotonic_decreasing
    assert set(scored["tier"]) <= {"Hot", "Warm", "Cool", "Cold"}
    # Every lead that subscribed is in the file, ranked: the Hot tier converts far above average.
    hot = scored[scored["tier"] == "Hot"]
    assert (scored["y"] == "yes").sum() == 4_640
    assert (hot["y"] == "yes").mean() > 3 * (scored["y"] == "yes").mean()
