"""Privacy and isolation in a real browser, against ``streamlit run app.py`` as configured.

The server runs with the repository's own ``.streamlit/config.toml`` (no address or usage
statistics flags on the command line), so these tests check what a user gets:

- it listens on this computer only (loopback), and the page asks nothing of any other host
  (no usage statistics, no fonts or scripts from elsewhere);
- two people using it at once never see each other's data, model or tiers.
"""

from __future__ import annotations

import contextlib
import re
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import server_process
from tests.e2e.test_browser_journey import SAMPLE_LEADS, TRAINING_TIMEOUT, open_page, settle, wait_for_table_text

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # Only a port chosen (and no browser opened on the server): the rest is the repository's config.
    with server_process(tmp_path_factory.mktemp("privacy"), flags=(), host="localhost") as running:
        yield running


@contextlib.contextmanager
def _tab(browser):
    """A separate browser profile (its own cookies and storage): another person."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        yield page
    finally:
        context.close()


def _in_sidebar(page, text: str) -> None:
    """Wait until the sidebar (drawn after the page) says ``text``."""
    page.locator("[data-testid='stSidebar']").get_by_text(text).wait_for()


def _project_id(page) -> str | None:
    found = re.search(r"[?&]project=([a-z0-9-]+)", page.url)
    return found.group(1) if found else None


def _hot_threshold(page) -> str:
    return page.locator("[data-testid='stSliderThumbValue']").first.inner_text()


def test_the_app_listens_on_this_computer_only_and_the_page_asks_no_other_host(server, browser):
    psutil = pytest.importorskip("psutil")
    url, pid = server
    listening = [c.laddr for c in psutil.Process(pid).net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
    assert listening, "the server listens nowhere"
    assert all(address.ip in ("127.0.0.1", "::1") for address in listening), listening
    with _tab(browser) as page:
        hosts = set()
        page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname or urlsplit(request.url).scheme))
        page.goto(url)
        page.get_by_role("heading", name="1. Your lead history").wait_for()
        settle(page)
        open_page(page, "Clean", "2. Clean the data")
        page.wait_for_timeout(1000)  # anything sent after the page settled is seen too
    assert hosts and hosts <= {"localhost", "data", "blob"}, hosts


def test_two_people_at_once_never_see_each_others_data_model_or_tiers(server, browser, tmp_path):
    url, _ = server
    history = tmp_path / "history.csv"
    history.write_bytes(b"".join(SAMPLE_LEADS.read_bytes().splitlines(keepends=True)[:1501]))
    with _tab(browser) as first, _tab(browser) as second:
        for page in (first, second):
            page.goto(url)
            page.get_by_role("heading", name="1. Your lead history").wait_for()
            settle(page)
        # The first uploads their own leads; the second stays on the sample. Both clean and train at once.
        first.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(history))
        first.get_by_text("history.csv: 1,500 leads, 26 columns.").wait_for()
        first.wait_for_url(re.compile(r"project=history-"))
        # The sidebar is drawn when the Data page's run is over: a click before would interrupt it.
        _in_sidebar(first, "Data: history.csv (1,500 leads)")
        settle(first)
        for page in (first, second):
            open_page(page, "Clean", "2. Clean the data")
            page.get_by_role("button", name="Use this cleaning plan").click()
            page.get_by_text("This cleaning plan is in use.").wait_for()
            settle(page)
            open_page(page, "Train", "3. Train a model")
            page.get_by_text("Logistic regression (simple, fast)").click()
            settle(page)
        for page in (first, second):
            page.get_by_role("button", name="Train the model").click()
        for page in (first, second):
            page.get_by_role("heading", name="Is it ready?").wait_for(timeout=TRAINING_TIMEOUT)
            settle(page)
            wait_for_table_text(page, "v1 (in use)")
        # The first moves Hot down to 60% and saves it with their model.
        open_page(first, "Tiers", "5. Set the tiers")
        hot = first.get_by_role("slider").first
        hot.focus()
        for _ in range(10):
            hot.press("ArrowLeft")
        settle(first)
        first.get_by_role("button", name="Save these tiers to v1").click()
        first.get_by_text("These tiers are saved with model v1.").wait_for()
        settle(first)
        assert _hot_threshold(first) == "60"

        # The second, even after a refresh: the sample's 5,000 leads, their own model, the default tiers.
        mine, theirs = _project_id(first), _project_id(second)
        assert mine and theirs and mine != theirs
        second.reload()
        second.get_by_role("heading", name="3. Train a model").wait_for()
        settle(second)
        _in_sidebar(second, "Data: leads.csv (5,000 leads)")
        _in_sidebar(second, "Project: Sample leads")
        wait_for_table_text(second, "v1 (in use)")
        assert "history.csv" not in second.locator("[data-testid='stMain']").inner_text()
        assert mine not in second.url
        open_page(second, "Tiers", "5. Set the tiers")
        assert _hot_threshold(second) == "70"
        wait_for_table_text(second, "70% and above")
        open_page(second, "Data", "1. Your lead history")
        second.get_by_text("leads.csv: 5,000 leads, 26 columns.").wait_for()

        # The first still has their own leads and tiers.
        first.reload()
        first.get_by_role("heading", name="5. Set the tiers").wait_for()
        settle(first)
        assert _hot_threshold(first) == "60"
        _in_sidebar(first, "Data: history.csv (1,500 leads)")

    # Someone new opening the app's address starts on the sample, in no one's project.
    with _tab(browser) as newcomer:
        newcomer.goto(url)
        newcomer.get_by_text("leads.csv: 5,000 leads, 26 columns.").wait_for()
        settle(newcomer)
        assert _project_id(newcomer) is None
        _in_sidebar(newcomer, "Project: Sample leads")
