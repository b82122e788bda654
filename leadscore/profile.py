"""Describe every column of a lead file: what kind of data it holds, how much is missing.

The profile is what the user sees first ("lead_source: category, 3% missing, 7 values") and what
the cleaner uses to decide how each column is prepared. Kinds are judged on a sample of at most
20,000 non-blank values; missing share and distinct counts use the whole column, so a profile of
a million leads stays quick.

Example
-------
>>> import pandas as pd
>>> profiles = profile_columns(pd.DataFrame({"email": ["a@x.com", "b@y.org"], "won": ["yes", "no"]}))
>>> [(p.name, p.kind) for p in profiles]
[('email', 'personal'), ('won', 'boolean')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from leadscore.read import DETECTION_SAMPLE, NEARLY_ALL, to_datetime_if_dates, to_number

__all__ = ["KINDS", "ColumnProfile", "profile_columns", "profile_table"]

KINDS = ("number", "category", "boolean", "date", "text", "identifier", "personal", "constant")

BOOLEAN_PAIRS = (
    {"yes", "no"}, {"y", "n"}, {"true", "false"}, {"t", "f"}, {"1", "0"}, {"1.0", "0.0"},
    {"on", "off"}, {"oui", "non"}, {"ja", "nein"}, {"si", "no"}, {"sí", "no"},
)
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_PHONE_RE = re.compile(r"^\+?[\d\s().\-/]{7,20}$")
_ADDRESS_RE = re.compile(
    r"^\d+[A-Za-z]?\s+.*\b(st|street|ave|avenue|rd|road|blvd|boulevard|lane|ln|dr|drive|way|ct|court"
    r"|pl|place|sq|square|strasse|straße|rue|via|calle)\b",
    re.IGNORECASE,
)
_PHONE_WORDS = {"phone", "telephone", "tel", "mobile", "cell", "fax"}
_PERSON_WORDS = {"first", "last", "full", "contact", "person", "customer", "client", "lead", "given", "family"}
_ID_WORDS = {"id", "uuid", "guid", "key", "ref", "reference", "code", "number", "no", "nr", "num"}
# Free text is long and wordy; shorter strings with few repeats are codes or categories.
_TEXT_MIN_LENGTH = 30
_TEXT_MIN_WORDS = 4


@dataclass(frozen=True)
class ColumnProfile:
    """What one column holds, in the user's words.

    Attributes
    ----------
    name : str
        The column's name as in the file.
    kind : str
        One of :data:`KINDS`.
    missing_share : float
        Share of rows (0 to 1) where the column is blank.
    distinct : int
        How many different non-blank values it has.
    examples : tuple of str
        Up to three typical values (the most frequent ones), as text.
    note : str
        A plain-words remark, e.g. why the column will not be used for scoring; may be empty.
    """

    name: str
    kind: str
    missing_share: float
    distinct: int
    examples: tuple[str, ...]
    note: str = ""


def profile_columns(df: pd.DataFrame) -> list[ColumnProfile]:
    """Profile every column of a lead table, in the table's order.

    Parameters
    ----------
    df : pandas.DataFrame
        Leads as returned by :func:`leadscore.read.read_leads` (any DataFrame works; text columns
        of numbers or dates are recognised too).

    Returns
    -------
    list of ColumnProfile
    """
    unreadable = df.attrs.get("leadscore_read", {}).get("unreadable_numbers", {})
    return [_profile_column(str(name), df[name], unreadable.get(name, 0)) for name in df.columns]


def profile_table(profiles: list[ColumnProfile]) -> pd.DataFrame:
    """The profiles as a table to show: column, kind, missing (%), distinct values, examples, note."""
    return pd.DataFrame(
        {
            "column": [p.name for p in profiles],
            "kind": [p.kind for p in profiles],
            "missing (%)": [round(100 * p.missing_share, 1) for p in profiles],
            "distinct values": [p.distinct for p in profiles],
            "examples": [", ".join(p.examples) for p in profiles],
            "note": [p.note for p in profiles],
        }
    )


def _profile_column(name: str, series: pd.Series, unreadable_numbers: int) -> ColumnProfile:
    is_text = pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype)
    missing = series.isna()
    if is_text:
        # A cell holding only spaces is as blank as an empty one.
        missing = missing | (series.astype("string").str.strip() == "").fillna(True)
    present = series[~missing.to_numpy()]
    distinct = int(present.nunique(dropna=True))
    missing_share = float(missing.mean()) if len(series) else 1.0
    sample = present.sample(DETECTION_SAMPLE, random_state=0) if len(present) > DETECTION_SAMPLE else present
    examples = tuple(str(v) for v in sample.value_counts().index[:3])

    kind, note = _kind(name, series, sample, distinct, len(present), is_text)
    if kind == "personal":
        # Enough to recognise the column, not enough to identify a person in a screenshot or log.
        examples = tuple(example[:1] + "…" for example in examples)
    if unreadable_numbers:
        note = _join(
            note,
            "1 value could not be read as a number and counts as missing."
            if unreadable_numbers == 1
            else f"{unreadable_numbers:,} values could not be read as numbers and count as missing.",
        )
    return ColumnProfile(name, kind, round(missing_share, 4), distinct, examples, note)


def _kind(
    name: str, series: pd.Series, sample: pd.Series, distinct: int, present: int, is_text: bool
) -> tuple[str, str]:
    if distinct == 0:
        return "constant", "Always blank, so it tells leads apart in no way; not used for scoring."
    if distinct == 1:
        return "constant", "Same value for every lead, so it tells leads apart in no way; not used for scoring."
    words = _name_words(name)
    lowered = sample.astype(str).str.strip().str.lower() if is_text else None

    if pd.api.types.is_bool_dtype(series.dtype):
        return "boolean", ""
    # "Yes", "yes " and "NO" are still two values.
    if distinct == 2 and pd.api.types.is_numeric_dtype(series.dtype):
        if {_plain_number(v) for v in sample.unique()} in BOOLEAN_PAIRS:
            return "boolean", ""
    elif is_text and distinct <= 8:
        values = set(lowered.unique())
        if values in BOOLEAN_PAIRS or _mixed_boolean(values):
            return "boolean", ""

    personal = _personal(words, sample, lowered)
    if personal:
        return "personal", f"Looks like {personal}: personal data, never used for scoring."

    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return "date", ""
    if pd.api.types.is_numeric_dtype(series.dtype):
        if _numeric_identifier(series, words, distinct, present):
            return "identifier", "A different number for every lead, like an ID; not used for scoring."
        return "number", ""

    # Text columns: numbers or dates written as text still count as numbers or dates.
    if _mostly_numbers(sample):
        return "number", ""
    if to_datetime_if_dates(sample) is not None:
        return "date", ""
    lengths = lowered.str.len()
    word_counts = lowered.str.count(r"\s+") + 1
    unique_share = distinct / present
    sample_unique_share = sample.nunique() / len(sample)
    if (lengths.median() >= _TEXT_MIN_LENGTH or word_counts.median() >= _TEXT_MIN_WORDS) and sample_unique_share >= 0.5:
        return "text", "Free text; turned into word features (you can switch this off when cleaning)."
    if present >= 20 and (unique_share >= 0.95 or (words & _ID_WORDS and unique_share >= 0.9)):
        return "identifier", "A different value for every lead, like an ID; not used for scoring."
    return "category", ""


def _personal(words: set[str], sample: pd.Series, lowered: pd.Series | None) -> str:
    """What personal data the column holds ("email addresses", ...), or "" if none.

    Judged mainly by the values, so that "email_opens" (a count) or "phone_calls" stay numbers.
    """
    compact = "".join(sorted(words))
    phone_named = bool(words & _PHONE_WORDS) or "phone" in compact
    if lowered is None:
        if not phone_named or not pd.api.types.is_integer_dtype(sample.dtype):
            return ""
        digits = sample.astype("int64").astype(str).str.len()
        return "phone numbers" if digits.between(7, 15).mean() >= 0.9 else ""
    if lowered.str.match(_EMAIL_RE).mean() >= 0.8:
        return "email addresses"
    if lowered.str.match(_ADDRESS_RE).mean() >= 0.5:
        return "street addresses"
    phone_like = (lowered.str.match(_PHONE_RE) & lowered.str.count(r"\d").between(7, 15)).mean() >= 0.9
    if phone_like and (phone_named or lowered.str.contains(r"[\s()+\-]").mean() >= 0.5):
        return "phone numbers"
    if words & {"address", "street", "postcode", "zipcode"}:
        return "addresses"
    if words & {"surname", "firstname", "lastname", "fullname"} or (
        "name" in words and (words & _PERSON_WORDS or words == {"name"})
    ):
        return "people's names"
    if words & {"ssn", "passport", "birthday", "dob", "birthdate"}:
        return "identity details"
    return ""


def _numeric_identifier(series: pd.Series, words: set[str], distinct: int, present: int) -> bool:
    if present < 20 or distinct < present:
        return False
    values = series.dropna()
    whole = bool(np.all(np.mod(values.to_numpy(dtype="float64"), 1) == 0))
    if not whole:
        return False
    if words & _ID_WORDS:
        return True
    # Row numbers: whole, unique, and counting up one by one.
    steps = np.diff(np.sort(values.to_numpy(dtype="float64")))
    return bool(len(steps) and np.all(steps == 1))


def _mostly_numbers(sample: pd.Series) -> bool:
    numbers, not_numbers = to_number(sample)
    present = int(numbers.notna().sum()) + not_numbers
    return present > 0 and numbers.notna().sum() >= NEARLY_ALL * present and not _zero_one(numbers)


def _zero_one(numbers: pd.Series) -> bool:
    return set(numbers.dropna().unique()) <= {0.0, 1.0}


def _mixed_boolean(values: set[str]) -> bool:
    positives = {"yes", "y", "true", "t", "1"}
    negatives = {"no", "n", "false", "f", "0"}
    return len(values) == 2 and len(values & positives) == 1 and len(values & negatives) == 1


def _plain_number(value: object) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else str(number)


def _name_words(name: str) -> set[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    return {w for w in re.split(r"[^a-z0-9]+", spaced.lower()) if w}


def _join(first: str, second: str) -> str:
    return f"{first} {second}".strip()
