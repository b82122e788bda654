"""Sensitive columns: a person's age, sex, marital status, origin, religion, disability."""

import pandas as pd

from leadscore.inspect.inspection import inspect_leads
from leadscore.inspect.sensitive import find_sensitive_columns
from leadscore.io.read import read_leads
from leadscore.io.samples import bank_marketing_csv


def test_bank_data_flags_age_and_marital_status_in_inspect_json():
    leads = read_leads(bank_marketing_csv())
    found = inspect_leads(leads, target="y").to_dict()["sensitive"]
    columns = [item["column"] for item in found]
    assert "age" in columns and "marital" in columns
    assert "job" not in columns and "duration" not in columns
    why = {item["column"]: item["why"] for item in found}
    assert "age" in why["age"] and "marital status" in why["marital"]


def test_values_flag_a_column_whose_name_says_nothing():
    df = pd.DataFrame({"col_7": ["Male", "Female", "female", "male", None], "pages": [1, 2, 3, 4, 5]})
    assert find_sensitive_columns(df) == [{"column": "col_7", "why": "its values look like a person's sex or gender"}]


def test_business_columns_are_not_flagged():
    df = pd.DataFrame({
        "lead_age_days": [1, 2], "stage": ["a", "b"], "pages_viewed": [3, 4], "Gender": ["x", "y"],
        "Country": ["UK", "FR"], "budget_range": ["$5k", "$10k"], "DateOfBirth": ["1990", "1980"],
    })
    assert [item["column"] for item in find_sensitive_columns(df)] == ["Gender", "DateOfBirth"]


def test_inspect_text_says_why_and_how_to_leave_them_out():
    from leadscore.inspect.inspection import format_inspection

    leads = pd.DataFrame({"age": [30, 41, 52, 23] * 20, "pages": list(range(80)), "won": ["yes", "no"] * 40})
    text = format_inspection(inspect_leads(leads, target="won"))
    assert "'age' (its name says it holds a person's age)" in text
    assert "unlawful in some places" in text and "--exclude COLUMN" in text
