"""The privacy promise, as configuration a user can read: nothing leaves the machine."""

from __future__ import annotations

import tomllib
from pathlib import Path

from leadscore.io.read import MAX_UPLOAD_BYTES

CONFIG = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"


def test_streamlit_sends_no_usage_statistics_and_listens_on_localhost_only():
    config = tomllib.loads(CONFIG.read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["address"] == "localhost"
    assert config["server"]["showEmailPrompt"] is False


def test_the_apps_upload_limit_is_the_librarys_file_size_limit():
    config = tomllib.loads(CONFIG.read_text())
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == MAX_UPLOAD_BYTES
