"""Columns about who a person is that a fair score may have to leave out.

Age, sex or gender, marital status, nationality, ethnicity, religion and disability are found by a
column's name and by the values it holds. Using them to decide whom to call is unlawful in some
places and for some uses (credit, housing, work), so LeadScore names them and says why; leaving
them out is the user's choice.

>>> import pandas as pd
>>> find_sensitive_columns(pd.DataFrame({"age": [30, 41], "marital": ["married", "single"]}))
[{'column': 'age', 'why': "its name says it holds a person's age"}, {'column': 'marital', 'why': "its name says it holds a person's marital status"}]
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["find_sensitive_columns", "SENSITIVE_ADVICE"]

SENSITIVE_ADVICE = (
    "These columns describe who a person is (age, sex, marital status, origin, religion, "
    "disability). Scoring people by them is unlawful in some places and for some uses: "
    "leave them out unless you are sure your use is allowed."
)

# topic -> name pattern (whole words of the column name)
_NAMES = {
    "age": r"age|ages|birth|dob|birthday|year_of_birth|birth_year|date_of_birth",
    "sex or gender": r"sex|gender",
    "marital status": r"marital|married|civil_status|marital_status",
    "nationality": r"nationality|citizenship|national_origin",
    "ethnicity": r"ethnicity|ethnic|race",
    "religion": r"religion|religious|faith",
    "disability": r"disability|disabled|handicap",
}

_NOT_A_PERSON = {"days", "day", "hours", "weeks", "months", "lead", "account", "deal", "record", "page", "ticket"}

# topic -> values that, when they make up most of a column, say what it holds
_VALUES = {
    "sex or gender": {"male", "female", "m", "f", "man", "woman", "non-binary", "nonbinary"},
    "marital status": {"married", "single", "divorced", "widowed", "separated", "unmarried"},
    "religion": {"christian", "muslim", "jewish", "hindu", "buddhist", "atheist", "catholic"},
}


def _name_words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(name))
    return [w for w in re.split(r"[^a-z0-9]+", spaced.lower()) if w]


def _topic_by_name(name: str) -> str | None:
    words = _name_words(name)
    if "age" in words and set(words) & _NOT_A_PERSON:
        words = [w for w in words if w != "age"]  # "lead age (days)", "account age": not a person's age
    joined = "_".join(words)
    for topic, pattern in _NAMES.items():
        regex = re.compile(rf"^(?:{pattern})$")
        if any(regex.match(w) for w in words) or regex.match(joined):
            return topic
    return None


def _topic_by_values(values: pd.Series) -> str | None:
    seen = values.dropna().astype(str).str.strip().str.lower()
    seen = seen[(seen != "") & (seen != "unknown")]
    if seen.empty or seen.nunique() > 12:
        return None
    for topic, known in _VALUES.items():
        if seen.isin(known).mean() >= 0.8 and seen.isin(known).sum() >= 2:
            return topic
    return None


def find_sensitive_columns(df: pd.DataFrame) -> list[dict]:
    """Each column about a person's age, sex, marital status, origin, religion or disability.

    Returns a list of ``{"column", "why"}`` in file order; ``why`` says in words how it was found.
    """
    found = []
    for column in df.columns:
        topic = _topic_by_name(column)
        if topic is not None:
            found.append({"column": str(column), "why": f"its name says it holds a person's {topic}"})
            continue
        topic = _topic_by_values(df[column])
        if topic is not None:
            found.append({"column": str(column), "why": f"its values look like a person's {topic}"})
    return found
