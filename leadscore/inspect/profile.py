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

from leadscore.io.read import DETECTION_SAMPLE, NEARLY_ALL, to_datetime_if_dates, to_number

__all__ = ["KINDS", "ColumnProfile", "looks_like_code", "profile_columns", "profile_table"]

KINDS = ("number", "category", "boolean", "date", "text", "identifier", "personal", "constant")

BOOLEAN_PAIRS = (
    {"yes", "no"}, {"y", "n"}, {"true", "false"}, {"t", "f"}, {"1", "0"}, {"1.0", "0.0"},
    {"on", "off"}, {"oui", "non"}, {"ja", "nein"}, {"si", "no"}, {"sí", "no"},
)
# A column holding only one of these and blanks is a checkbox: the value means yes, a blank no.
CHECKBOX_WORDS = frozenset({"true", "yes", "y", "1", "1.0", "x", "checked", "ticked", "✓", "✔"})
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
# Free text has spaces between several words; a long string without them is a code.
_TEXT_FEWEST_WORDS = 3
# Shapes that machines give records: UUIDs/GUIDs (dashes and braces optional), hex digests
# (md5, sha1, sha256...) and base64/base62 tokens. Nobody types these, so whatever their length
# they name a record, not a property of the lead.
_UUID_RE = re.compile(r"^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$", re.IGNORECASE)
_HEX_RE = re.compile(r"^(0x)?(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{16,}$", re.IGNORECASE)
_TOKEN_RE = re.compile(r"^[A-Za-z0-9+/_\-]{16,}={0,2}$")
# A random token switches between letters and digits often; "Q3_2025_webinar_campaign" does not.
_TOKEN_MIN_SWITCHES = 3
_LETTER_DIGIT_SWITCH_RE = re.compile(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")
# Nearly all values must have a code's shape before the column counts as codes.
_CODE_SHAPE_SHARE = 0.9
# Codes may repeat a little (an account ID shared by a few leads): up to 5 leads per value on
# average is still a code; more repeats make it a group worth learning from (a campaign code).
_SHARED_CODE_UNIQUE_SHARE = 0.2
# Values without a code's shape must be (nearly) unique to count as IDs.
_UNIQUE_SHARE = 0.95
_UNIQUE_SHARE_ID_NAMED = 0.9


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
        Leads as returned by :func:`leadscore.io.read.read_leads` (any DataFrame works; text columns
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
        if present < len(series) and str(sample.iloc[0]).strip().lower() in CHECKBOX_WORDS:
            # A CRM checkbox exports "True" when ticked and nothing when not.
            return "boolean", (
                f"Only '{str(sample.iloc[0]).strip()}' and blanks, like a ticked box: read as yes, "
                "and blank as no."
            )
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

    # Text columns. Machine-made codes come first: a long digest would pass for free text, and
    # a zero-padded code for a number.
    unique_share = distinct / present
    if unique_share >= _SHARED_CODE_UNIQUE_SHARE:
        stripped = sample.astype(str).str.strip()
        if float(_code_shaped(stripped).mean()) >= _CODE_SHAPE_SHARE:
            if unique_share >= _UNIQUE_SHARE:
                return "identifier", _UNIQUE_ID_NOTE
            return "identifier", _SHARED_ID_NOTE
        if unique_share >= _UNIQUE_SHARE and _zero_padded_digits(stripped):
            return "identifier", _UNIQUE_ID_NOTE
    # Numbers or dates written as text still count as numbers or dates.
    if _mostly_numbers(sample):
        return "number", ""
    if to_datetime_if_dates(sample) is not None:
        return "date", ""
    if _free_text(lowered):
        return "text", "Free text; turned into word features (you can switch this off when cleaning)."
    id_named = bool(words & _ID_WORDS)
    if present >= 20 and (unique_share >= _UNIQUE_SHARE or (id_named and unique_share >= _UNIQUE_SHARE_ID_NAMED)):
        return "identifier", _UNIQUE_ID_NOTE
    return "category", ""


_UNIQUE_ID_NOTE = "A different value for every lead, like an ID; not used for scoring."
_SHARED_ID_NOTE = "A code like an account or record ID, shared by a few leads at most; not used for scoring."


def looks_like_code(value: object) -> bool:
    """Whether one value has the shape of a machine-made code: a UUID, a hex digest or a token.

    Used to keep such values out of sentences shown to people (quoting
    "3f9c1a2e-7b4d-4c8e-9a1f-0d2b6e5c7a88" tells a marketer nothing).

    Parameters
    ----------
    value : object
        Any cell value; only text can be a code.

    Returns
    -------
    bool

    Example
    -------
    >>> looks_like_code("9b1e4c7d2a6f8e0b3c5d7f9a1e2b4c6d"), looks_like_code("Closed Won")
    (True, False)
    """
    return isinstance(value, str) and bool(_code_shaped(pd.Series([value.strip()])).iloc[0])


def _code_shaped(values: pd.Series) -> pd.Series:
    """For each (stripped) text value: does it look like a UUID, a hex digest or a random token?"""
    token = values.str.match(_TOKEN_RE) & (values.str.count(_LETTER_DIGIT_SWITCH_RE) >= _TOKEN_MIN_SWITCHES)
    return values.str.match(_UUID_RE) | values.str.match(_HEX_RE) | token


def _zero_padded_digits(values: pd.Series) -> bool:
    """Digits with leading zeros ("0012345678"): a code written with digits, not a quantity."""
    digits = values[values.str.fullmatch(r"\d+")]
    if len(digits) < _CODE_SHAPE_SHARE * len(values):
        return False
    return bool(digits.str.match(r"0\d").mean() >= 0.05)


def _free_text(lowered: pd.Series) -> bool:
    """Free text: several words with spaces between them, long or wordy, and mostly unique."""
    if lowered.nunique() < 0.5 * len(lowered):
        return False
    words = (lowered.str.count(r"\s+") + 1).median()
    return words >= _TEXT_FEWEST_WORDS and (lowered.str.len().median() >= _TEXT_MIN_LENGTH or words >= _TEXT_MIN_WORDS)


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
