"""Checks on the bundled sample data (sample_data/): reproducible, documented and carrying its signal."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pandas as pd
import pytest

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_data"
POST_OUTCOME = ["converted", "deal_stage", "final_deal_size"]


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_sample_data", SAMPLE_DIR / "make_sample_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _letters(value: object) -> str:
    return re.sub(r"[^a-z]", "", str(value).lower())


@pytest.fixture(scope="module")
def leads() -> pd.DataFrame:
    return pd.read_csv(SAMPLE_DIR / "leads.csv")


@pytest.fixture(scope="module")
def new_leads() -> pd.DataFrame:
    return pd.read_csv(SAMPLE_DIR / "new_leads.csv")


@pytest.fixture(scope="module")
def readme_facts() -> dict[str, str]:
    """The machine-readable facts table between the markers in sample_data/README.md."""
    text = (SAMPLE_DIR / "README.md").read_text(encoding="utf-8")
    table = text.split("<!-- facts:start -->")[1].split("<!-- facts:end -->")[0]
    facts = {}
    for line in table.splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0] not in ("fact", "") and not set(cells[0]) <= {"-", ":"}:
            facts[cells[0]] = cells[1]
    return facts


def test_regenerating_gives_byte_identical_files(tmp_path):
    _load_generator().make_sample_data(tmp_path)
    for name in ["leads.csv", "new_leads.csv", "facts.json"]:
        assert (tmp_path / name).read_bytes() == (SAMPLE_DIR / name).read_bytes(), name


def test_readme_counts_match_the_csv(leads, new_leads, readme_facts):
    outcome = leads["converted"]
    converted = int((outcome == "yes").sum())
    not_converted = int((outcome == "no").sum())
    expected = {
        "rows": len(leads),
        "converted": converted,
        "not_converted": not_converted,
        "still_open": int(outcome.isna().sum()),
        "new_leads_rows": len(new_leads),
    }
    for name, value in expected.items():
        assert int(readme_facts[name]) == value, name
    assert float(readme_facts["conversion_rate_known"]) == pytest.approx(
        converted / (converted + not_converted), abs=5e-5)
    facts = json.loads((SAMPLE_DIR / "facts.json").read_text(encoding="utf-8"))
    for name, value in readme_facts.items():
        assert str(facts[name]) == value, f"README and facts.json disagree on {name}"


def test_interaction_segment_converts_far_above_overall(leads, readme_facts):
    known = leads[leads["converted"].notna()]
    rate = (known["converted"] == "yes").mean()
    segment = known[(known["visited_pricing_page"] == "yes")
                    & (known["source"].map(_letters) == "linkedin")
                    & (known["company_size"] == "10-50")]
    segment_rate = (segment["converted"] == "yes").mean()
    assert len(segment) >= 150
    assert segment_rate >= 3 * rate
    assert int(readme_facts["segment_rows_known"]) == len(segment)
    assert float(readme_facts["segment_conversion_rate"]) == pytest.approx(segment_rate, abs=5e-5)
    # The segment beats what its main effects alone would give it.
    assert segment_rate >= 2 * float(readme_facts["segment_rate_from_main_effects_only"])


def test_main_effects_show_in_the_data(leads):
    known = leads[leads["converted"].notna()].assign(y=lambda d: d["converted"] == "yes")
    by_pricing = known.groupby("visited_pricing_page")["y"].mean()
    assert by_pricing["yes"] > 2 * by_pricing["no"]
    by_timeline = known.groupby("timeline")["y"].mean()
    assert by_timeline["this month"] > 2 * by_timeline["just researching"]
    minutes = (pd.to_datetime(known["first_followup_at"])
               - pd.to_datetime(known["first_engaged_at"])).dt.total_seconds() / 60
    assert known.loc[minutes <= 60, "y"].mean() > 1.5 * known.loc[minutes > 1440, "y"].mean()
    assert 0.10 <= known["y"].mean() <= 0.15


def test_sources_come_in_messy_spellings_with_canonical_majority(leads):
    linkedin = leads.loc[leads["source"].map(_letters) == "linkedin", "source"]
    assert {"LinkedIn", "linkedin ", "Linked In", "LINKEDIN"} <= set(linkedin)
    assert (linkedin == "LinkedIn").mean() > 0.8
    paid = set(leads.loc[leads["source"].map(_letters).str.startswith("paidad"), "source"])
    assert {"Paid Ad", "paid ads", "paid-ad"} <= paid


def test_open_leads_are_blank_and_mostly_recent(leads):
    open_leads = leads[leads["converted"].isna()]
    assert 0.05 <= len(open_leads) / len(leads) <= 0.08
    assert set(leads["converted"].dropna()) == {"yes", "no"}
    recent = pd.to_datetime(open_leads["first_engaged_at"]) >= pd.Timestamp("2026-09-01")
    assert recent.mean() > 0.8


def test_post_outcome_columns_nearly_give_the_answer(leads):
    deal_size_filled = leads["final_deal_size"].notna()
    assert deal_size_filled[leads["converted"] == "yes"].mean() > 0.95
    assert deal_size_filled[leads["converted"] == "no"].mean() < 0.01
    assert leads.loc[leads["deal_stage"] == "Closed Won", "converted"].eq("yes").all()
    assert leads["final_deal_size"].dropna().str.fullmatch(r"\$\d{1,3}(,\d{3})*").all()


def test_new_leads_match_the_history_without_outcome_columns(leads, new_leads):
    assert list(new_leads.columns) == [c for c in leads.columns if c not in POST_OUTCOME]
    assert pd.to_datetime(new_leads["first_engaged_at"]).min() > pd.to_datetime(leads["first_engaged_at"]).max()
    emails = pd.concat([leads["email"], new_leads["email"]])
    assert emails.is_unique
    assert pd.concat([leads["lead_id"], new_leads["lead_id"]]).is_unique
