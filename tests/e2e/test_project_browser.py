"""A real browser: the project survives a refresh and a server restart; tiers saved to a version;
an earlier version made current again, with its own tiers."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import _streamlit_server
from tests.e2e.test_browser_journey import SAMPLE_LEADS, TRAINING_TIMEOUT, open_page, settle, shoot, wait_for_table_text

pytestmark = pytest.mark.e2e


def _train(page, model: str = "Logistic regression (simple, fast)") -> None:
    open_page(page, "Train", "3. Train a model")
    page.get_by_text(model).click()
    settle(page)
    page.get_by_role("button", name="Train the model").click()
    page.get_by_role("heading", name="Is it ready?").wait_for(timeout=TRAINING_TIMEOUT)
    settle(page)


def test_the_project_survives_a_refresh_and_a_restart_and_versions_keep_their_tiers(browser, tmp_path_factory):
    home = tmp_path_factory.mktemp("restart")
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        with _streamlit_server(home) as url:
            page.goto(url)
            page.get_by_role("heading", name="1. Your lead history").wait_for()
            settle(page)
            page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(SAMPLE_LEADS))
            page.get_by_text("leads.csv: 5,000 leads, 26 columns.").wait_for()
            settle(page)
            page.wait_for_url(re.compile(r"project=leads-"))
            open_page(page, "Clean", "2. Clean the data")
            page.get_by_role("button", name="Use this cleaning plan").click()
            page.get_by_text("This cleaning plan is in use.").wait_for()
            settle(page)
            _train(page)
            wait_for_table_text(page, "v1 (in use)")

            # A refresh: the same address, a new session; everything is back.
            address = page.url
            assert "project=" in address
            page.reload()
            page.get_by_role("heading", name="Is it ready?").wait_for(timeout=TRAINING_TIMEOUT)
            settle(page)
            wait_for_table_text(page, "v1 (in use)")
            assert "Project: leads" in page.locator("[data-testid='stSidebar']").inner_text()

            # Tiers: move Hot down, then save the tiers to version 1.
            open_page(page, "Tiers", "5. Set the tiers")
            page.get_by_text("These tiers are saved with model v1.").wait_for()
            hot = page.get_by_role("slider").first
            hot.focus()
            for _ in range(10):
                hot.press("ArrowLeft")
            settle(page)
            page.get_by_text("differ from the ones saved with model v1").wait_for()
            page.get_by_role("button", name="Save these tiers to v1").click()
            page.get_by_text("These tiers are saved with model v1.").wait_for()
            settle(page)
            shoot(page, "tiers-saved-to-version")

        # The server stops and starts again (a restart, or the laptop woke up): same address.
        with _streamlit_server(home) as url:
            page.goto(re.sub(r"^http://[^/]+", url, address))
            page.get_by_role("heading", name="3. Train a model").wait_for(timeout=TRAINING_TIMEOUT)
            settle(page)
            wait_for_table_text(page, "v1 (in use)")

            # A second version; its tiers start from the tiers in use, and are moved to 55%.
            _train(page, "Gradient boosting")
            wait_for_table_text(page, "v2 (in use)")
            open_page(page, "Tiers", "5. Set the tiers")
            hot = page.get_by_role("slider").first
            hot.focus()
            for _ in range(5):
                hot.press("ArrowLeft")
            settle(page)
            page.get_by_role("button", name="Save these tiers to v2").click()
            page.get_by_text("These tiers are saved with model v2.").wait_for()
            settle(page)
            open_page(page, "Train", "3. Train a model")

            # Revert to version 1: it comes back with its own saved tiers (Hot from 60%).
            picker = page.locator("[data-testid='stSelectbox']", has_text="Use another version")
            for _ in range(5):  # a busy browser may drop a click while the list opens: try again
                picker.click()
                option = page.get_by_role("option").filter(has_text=re.compile(r"^v1 "))
                try:
                    option.first.click(timeout=10_000)
                except Exception:  # noqa: BLE001 - the list did not open in time; close it and retry
                    page.keyboard.press("Escape")
                    continue
                settle(page)
                if picker.locator("input").input_value().startswith("v1 "):
                    break
            assert picker.locator("input").input_value().startswith("v1 "), picker.locator("input").input_value()
            shoot(page, "train-pick-version")
            page.get_by_role("button", name="Use this version").click()
            wait_for_table_text(page, "v1 (in use)")
            settle(page)
            open_page(page, "Tiers", "5. Set the tiers")
            page.get_by_text("These tiers are saved with model v1.").wait_for()
            assert page.locator("[data-testid='stSliderThumbValue']").first.inner_text() == "60"
            shoot(page, "tiers-after-revert")
    finally:
        context.close()
