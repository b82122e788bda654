"""profile.py: each column gets the kind, missing share and distinct count a user would expect."""

from __future__ import annotations

import base64
import hashlib
import uuid

import pandas as pd
import pytest

from leadscore.inspect.profile import KINDS, looks_like_code, profile_columns, profile_table
from leadscore.io.read import read_leads


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


# --- Identifiers by shape: machine-made codes are IDs whatever their alphabet or length --------

def _hex(i: int, digits: int) -> str:
    """A made-up digest: hashlib gives the same shape as the md5/sha columns of real exports."""
    return hashlib.sha256(f"lead {i}".encode()).hexdigest()[:digits]


_N = 200
_CODE_COLUMNS = {
    "uuid": [str(uuid.UUID(_hex(i, 32))) for i in range(_N)],
    "guid in braces, upper case": ["{" + str(uuid.UUID(_hex(i, 32))).upper() + "}" for i in range(_N)],
    "uuid without dashes": [uuid.UUID(_hex(i, 32)).hex for i in range(_N)],
    "md5 (32 hex)": [_hex(i, 32) for i in range(_N)],
    "sha1 (40 hex), mixed case": [_hex(i, 40).upper() if i % 2 else _hex(i, 40) for i in range(_N)],
    "sha256 (64 hex)": [_hex(i, 64) for i in range(_N)],
    "base64 token": [base64.b64encode(bytes.fromhex(_hex(i, 32))).decode() for i in range(_N)],
    "base62 token": [
        base64.b64encode(bytes.fromhex(_hex(i, 36))).decode().replace("+", "x").replace("/", "Q") for i in range(_N)
    ],
    "prefixed code": [f"ACC-{i:05d}" for i in range(_N)],
    "lowercase prefixed code": [f"lead_{_hex(i, 5)}" for i in range(_N)],
    "digits with leading zeros": [f"{int(_hex(i, 7), 16):010d}" for i in range(_N)],
    "long code without spaces": [f"CUSTOMER-ACCOUNT-NORTHEAST-{i:08d}" for i in range(_N)],
}


@pytest.mark.parametrize("shape", list(_CODE_COLUMNS))
def test_machine_made_codes_are_identifiers_whatever_their_shape(shape):
    values = _CODE_COLUMNS[shape]
    assert len(set(values)) == _N  # made-up codes, one per lead
    profile = _by_name(pd.DataFrame({"ref": values}))["ref"]
    assert profile.kind == "identifier", profile
    assert "ID" in profile.note and "not used for scoring" in profile.note


def test_sentences_are_free_text_and_repeated_answers_are_categories():
    needs = [f"We need a shared inbox for {i} agents soon" for i in range(_N)]
    one_word_answers = [["this month", "later", "just researching"][i % 3] for i in range(_N)]
    profiles = _by_name(pd.DataFrame({"needs": needs, "timeline": one_word_answers}))
    assert profiles["needs"].kind == "text"
    assert profiles["timeline"].kind == "category"


def test_a_code_shared_by_a_few_leads_is_still_an_identifier_but_a_campaign_code_is_a_category():
    # 200 leads from 80 accounts: 40 accounts with 2 leads, 40 with 3 (40% of values distinct).
    accounts = [_hex(a, 32) for a in range(40) for _ in range(2)]
    accounts += [_hex(a, 32) for a in range(40, 80) for _ in range(3)]
    # 200 leads from 8 campaigns whose codes are digests too: 25 leads each, a group worth learning.
    campaigns = [_hex(1000 + i % 8, 16) for i in range(_N)]
    profiles = _by_name(pd.DataFrame({"account": accounts, "campaign": campaigns}))
    assert (profiles["account"].kind, profiles["account"].distinct) == ("identifier", 80)
    assert "shared by a few leads" in profiles["account"].note
    assert (profiles["campaign"].kind, profiles["campaign"].distinct) == ("category", 8)


def test_emails_and_booleans_keep_their_kinds_next_to_codes():
    leads = pd.DataFrame(
        {
            "email": [f"person{i}@example.com" for i in range(_N)],
            "opted_in": ["yes", "no"] * (_N // 2),
            "ref": [_hex(i, 32) for i in range(_N)],
        }
    )
    assert [p.kind for p in profile_columns(leads)] == ["personal", "boolean", "identifier"]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("3f9c1a2e-7b4d-4c8e-9a1f-0d2b6e5c7a88", True),
        ("9b1e4c7d2a6f8e0b3c5d7f9a1e2b4c6d", True),
        ("Q29uZ3JhdHVsYXRpb25zIQ==", True),
        ("Closed Won", False),
        ("Q3_2025_webinar_campaign", False),
        ("LinkedIn", False),
        (12345, False),
    ],
)
def test_looks_like_code(value, code):
    assert looks_like_code(value) is code
