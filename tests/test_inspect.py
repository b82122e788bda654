"""inspect.py: the first look at a file, as the app and `leadscore inspect --json` show it."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from leadscore.errors import LeadScoreInputError
from leadscore.inspect.inspection import format_inspection, inspect_leads
from leadscore.inspect.outcome import OutcomeMapping
from leadscore.io.read import read_leads


def test_bank_marketing(bank_csv):
    inspection = inspect_leads(read_leads(bank_csv), target="y")
    report = json.loads(json.dumps(inspection.to_dict(), allow_nan=False))
    assert report["rows"] == 41188
    assert report["outcomes"] == {"converted": 4640, "not_converted": 36548, "open": 0}
    assert report["target"]["column"] == "y"
    assert report["target"]["positive_values"] == ["yes"]
    assert report["target"]["negative_values"] == ["no"]
    assert report["sufficiency"]["verdict"] == "good"
    assert "4,640 converted" in report["sufficiency"]["message"]
    assert {"name": "age", "kind": "number", "missing_share": 0.0} == {
        k: report["columns"][0][k] for k in ("name", "kind", "missing_share")
    }
    assert len(report["columns"]) == 21
    assert report["file"] == {"encoding": "utf-8", "delimiter": ";", "unreadable_numbers": {}}
    # The publisher's known trap: call length is only known after the call.
    assert "duration" in {s["column"] for s in report["leakage_suspects"]}
    assert "y" not in report["excluded_columns"]


def test_sample_data(sample_leads_path):
    inspection = inspect_leads(read_leads(sample_leads_path))
    assert inspection.rows == 5000
    assert inspection.mapping == OutcomeMapping("converted", ("yes",), ("no",))
    # Counts published in sample_data/facts.json.
    assert inspection.outcome_counts == {"converted": 586, "not_converted": 4099, "open": 315}
    assert inspection.sufficiency.verdict == "good"
    kinds = {p.name: p.kind for p in inspection.profiles}
    assert (kinds["lead_id"], kinds["email"], kinds["first_engaged_at"]) == ("identifier", "personal", "date")
    assert {"lead_id", "email", "deal_stage", "final_deal_size"} <= set(inspection.excluded_columns)
    text = format_inspection(inspection)
    assert "converted: 586   not converted: 4,099   still in the pipeline: 315" in text


def test_json_is_plain_json(small_leads):
    report = inspect_leads(small_leads).to_dict()
    json.dumps(report, allow_nan=False)
    assert report["outcomes"] == {"converted": 60, "not_converted": 225, "open": 15}
    assert all(type(c["missing_share"]) is float for c in report["columns"])
    assert report["sufficiency"]["verdict"] == "usable with caution"
    assert isinstance(report["leakage_suspects"], list) and isinstance(report["excluded_columns"], dict)


def test_numeric_outcome_values_are_strings_in_json():
    leads = pd.DataFrame({"converted": [1, 0] * 150, "visits": list(range(300))})
    target = inspect_leads(leads).to_dict()["target"]
    assert target["positive_values"] == ["1"] and target["negative_values"] == ["0"]


def test_question_is_returned_not_guessed(small_leads):
    leads = small_leads.assign(converted=small_leads["converted"].replace({"no": "maybe"}).fillna("no"))
    inspection = inspect_leads(leads)
    assert inspection.mapping is None
    assert inspection.outcome_counts is None and inspection.sufficiency is None
    report = inspection.to_dict()
    assert report["target"]["question"].startswith("The column 'converted' has 3 different values:")
    assert report["target"]["unmapped_values"] == ["maybe"]
    assert "Outcome: The column 'converted'" in format_inspection(inspection)


def test_users_answer_completes_the_inspection(small_leads):
    leads = small_leads.assign(converted=small_leads["converted"].replace({"no": "maybe"}))
    answer = OutcomeMapping("converted", ("yes",), ("maybe",))
    inspection = inspect_leads(leads, outcome=answer)
    assert inspection.outcome_counts == {"converted": 60, "not_converted": 225, "open": 15}


def test_single_outcome_file_is_refused(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("lead,source,converted\n" + "".join(f"{i},Ads,no\n" for i in range(50)))
    with pytest.raises(LeadScoreInputError, match="Every lead with a known outcome in 'converted' is 'no'"):
        inspect_leads(read_leads(path))


def test_file_without_outcome_is_refused():
    leads = read_leads(b"email,city\na@b.com,Leeds\nc@d.com,York\n")
    with pytest.raises(LeadScoreInputError, match="No column looks like the outcome"):
        inspect_leads(leads)


def test_the_text_report_says_what_the_reader_noticed(tmp_path):
    """A row with an extra cell is kept in '(extra 1)'; the plain report says so, as the Data page does."""
    rows = ["lead_id,source,converted"] + [f"L{i},{'Referral' if i % 3 else 'Ads'},{'yes' if i % 4 == 0 else 'no'}" for i in range(40)]
    rows[5] += ",stray"
    path = tmp_path / "leads.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = format_inspection(inspect_leads(read_leads(path)))
    assert "Note: 1 row has more cells than the header has names (line 6)" in report
