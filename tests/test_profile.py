"""profile.py: each column gets the kind, missing share and distinct count a user would expect."""

from __future__ import annotations

import pandas as pd

from leadscore.profile import KINDS, profile_columns, profile_table
from leadscore.read import read_leads


def _by_name(df: pd.DataFrame) -> dict:
    return {p.name: p for p in profile_columns(df)}


def test_kinds_of_a_typical_lead_export(small_leads):
    n = len(small_leads)
    leads = small_leads.assign(
        phone=[f"+1 (555) 01{i % 100:02d}-{i:04d}" for i in range(n)],
        contact_name=[["Mia Moore", "Oliver Khan", "Leo Murphy"][i % 3] for i in range(n)],
        first_engaged_at=pd.date_range("2025-01-01", periods=n, freq="h"),
        country=["Germany"] * n,
        needs=[f"We need a shared inbox for {i} agents and want to replace our old helpdesk" for i in range(n)],
        row=list(range(1, n + 1)),
        deal_text=[f"${i},{i % 10}00" for i in range(n)],
    )
    profiles = _by_name(leads)
    kinds = {name: p.kind for name, p in profiles.items()}
    assert kinds == {
        "lead_id": "identifier",
        "email": "personal",
        "source": "category",
        "pages_viewed": "number",
        "visited_pricing_page": "boolean",
        "converted": "boolean",
        "phone": "personal",
        "contact_name": "personal",
        "first_engaged_at": "date",
        "country": "constant",
        "needs": "text",
        "row": "identifier",
        "deal_text": "number",
    }
    assert set(kinds.values()) <= set(KINDS)
    assert profiles["converted"].missing_share == 0.05  # 15 open leads of 300
    assert profiles["converted"].distinct == 2
    assert profiles["source"].distinct == 4
    assert profiles["source"].examples[0] in {"Referral", "LinkedIn", "Paid Ad", "Event"}
    assert "email addresses" in profiles["email"].note and "never used for scoring" in profiles["email"].note
    assert "Same value for every lead" in profiles["country"].note
    assert all(example.endswith("…") and len(example) == 2 for example in profiles["email"].examples)


def test_counts_blank_text_cells_as_missing():
    profile = _by_name(pd.DataFrame({"timeline": ["later", " ", None, "this month"]}))["timeline"]
    assert profile.missing_share == 0.5
    assert profile.distinct == 2


def test_yes_no_in_mixed_case_is_boolean():
    profile = _by_name(pd.DataFrame({"won": ["Yes", "yes ", "NO", "no", None]}))["won"]
    assert (profile.kind, profile.distinct) == ("boolean", 4)


def test_zero_one_flags_are_boolean_and_other_small_numbers_are_numbers():
    profiles = _by_name(pd.DataFrame({"flag": [0, 1] * 15, "rating": [1, 2, 3] * 10, "email_opens": [0, 3, 5] * 10}))
    assert [profiles[c].kind for c in ("flag", "rating", "email_opens")] == ["boolean", "number", "number"]


def test_notes_values_that_were_not_numbers():
    rows = "deal\n" + "".join(f'"${i},000"\n' for i in range(1, 40)) + "ask later\n"
    profile = _by_name(read_leads(rows.encode()))["deal"]
    assert profile.kind == "number"
    assert profile.note == "1 value could not be read as a number and counts as missing."


def test_profile_of_bank_marketing(bank_csv):
    profiles = _by_name(read_leads(bank_csv))
    assert profiles["y"].kind == "boolean"
    assert profiles["job"].kind == "category" and profiles["job"].distinct == 12
    assert profiles["age"].kind == "number"
    assert all(p.missing_share == 0 for p in profiles.values())


def test_profile_of_sample_data(sample_leads_path):
    profiles = _by_name(read_leads(sample_leads_path))
    assert profiles["lead_id"].kind == "identifier"
    assert profiles["email"].kind == "personal"
    assert profiles["phone"].kind == "personal"
    assert profiles["first_engaged_at"].kind == "date"
    assert profiles["source"].kind == "category"
    assert profiles["final_deal_size"].kind == "number"
    assert profiles["converted"].kind == "boolean"
    assert profiles["converted"].missing_share == 0.063  # 315 open leads of 5,000


def test_profile_table_is_readable():
    table = profile_table(profile_columns(pd.DataFrame({"won": ["yes", "no", None, "no"]})))
    assert table.to_dict("records") == [
        {"column": "won", "kind": "boolean", "missing (%)": 25.0, "distinct values": 2, "examples": "no, yes", "note": ""}
    ]
