"""Words a marketer reads: column labels, values and the phrases of reasons.

A column keeps its name in the file and in the model; what people read is its *label*:
``first_engaged_at`` reads "First engaged at", unless the user renamed it (the plan's
``labels``). Derived timing columns read as sentences: "minutes from first_engaged_at to
first_followup_at" is 20 -> "First followup 20 minutes after first engaged".

Example
-------
>>> label("first_engaged_at")
'First engaged at'
>>> phrase("minutes from first_engaged_at to first_followup_at", 20.0)
'First followup 20 minutes after first engaged'
>>> phrase("source", "LinkedIn", {"source": "Lead source"})
'Lead source is LinkedIn'
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["label", "phrase", "format_value", "display_values", "points_text", "rate_text", "count_text"]

_FOLLOWUP = re.compile(r"^(minutes|days) from (.+) to (.+)$")
_TIME_SUFFIX = re.compile(r"\s+(at|date|time|on|timestamp|datetime)$", re.IGNORECASE)


def label(column: str, labels: Mapping[str, str] | None = None) -> str:
    """How a column reads to people: the user's label, else its name made readable.

    ``lead_source`` -> "Lead source", ``pagesViewed`` -> "Pages viewed"; derived columns
    ("first_engaged_at: hour", "minutes from A to B") read through their source's label.
    """
    labels = labels or {}
    if column in labels and str(labels[column]).strip():
        return str(labels[column]).strip()
    found = _FOLLOWUP.match(column)
    if found:
        unit, start, end = found.groups()
        return f"{unit.capitalize()} from {_lower_first(_event(start, labels))} to {_lower_first(_event(end, labels))}"
    for suffix, words in ((": hour", "hour"), (": day of week", "day of week")):
        if column.endswith(suffix):
            return f"{_event(column[: -len(suffix)], labels)}: {words}"
    if column.endswith(": missing"):
        return f"{label(column[: -len(': missing')], labels)}: blank"
    # camelCase names split into words; names that already have separators keep brand spellings.
    spaced = str(column) if re.search(r"[_\s]", str(column)) else re.sub(r"(?<=[a-z0-9])(?=[A-Z][a-z])", " ", str(column))
    words = re.sub(r"[_\s]+", " ", spaced).strip().split(" ")
    if not words or not words[0]:
        return str(column)
    # A question put to the lead ("How did you hear about X Education?") reads as written.
    if str(column).strip().endswith("?"):
        return str(column).strip()
    # Acronyms ("CRM", "X") and brand spellings ("LinkedIn") stay; so do capitalised words
    # among lower-case ones ("Tags from Salesforce": a proper noun). Other words read in lower
    # case ("Lead Source" -> "Lead source").
    proper = any(w[:1].islower() for w in words[1:])
    kept = [
        w
        if w.isupper() or (w[1:] and not w[1:].islower() and not w[1:].isdigit()) or (proper and w[:1].isupper())
        else w.lower()
        for w in words
    ]
    # A brand that starts in lower case ("iPhone", "eBay") keeps its spelling at the start too.
    brand = kept[0][:1].islower() and any(ch.isupper() for ch in kept[0][1:])
    first = kept[0] if brand else kept[0][:1].upper() + kept[0][1:]
    return first + "".join(" " + w for w in kept[1:])


def rate_text(share, *against) -> str:
    """A share (0..1) as a percent with the digits that tell it apart.

    Whole percents from 10% up, one decimal from 1%, two significant digits below; more
    digits when a value compared with it (``against``) would otherwise read the same, and never
    "0.0%" for a share above zero. Shown like this, 1.25% against 0.9% reads "1.3% against
    0.9%", not "1% against 1%".

    Parameters
    ----------
    share : float
        The share to show (None or NaN reads "n/a").
    *against : float
        Shares it is compared with in the same sentence.

    Returns
    -------
    str

    Example
    -------
    >>> rate_text(0.0125, 0.009), rate_text(0.009, 0.0125), rate_text(0.63), rate_text(0.0004)
    ('1.3%', '0.9%', '63%', '0.04%')
    >>> rate_text(0.121, 0.124), rate_text(0.0, 0.01), rate_text(0.00001)
    ('12.1%', '0%', '0.001%')
    """
    if share is None or not np.isfinite(share):
        return "n/a"
    percent = float(share) * 100
    if percent == 0:
        return "0%"
    size = abs(percent)
    # Whole percents from 10%, one decimal from 1%, two significant digits below.
    digits = 0 if size >= 10 else 1 if size >= 1 else 1 - int(np.floor(np.log10(size)))
    others = [float(a) * 100 for a in against if a is not None and np.isfinite(a) and float(a) * 100 != percent]
    while digits < 4 and (
        float(_rounded(percent, digits)) == 0 or any(_rounded(percent, digits) == _rounded(other, digits) for other in others)
    ):
        digits += 1
    text = _rounded(percent, digits)
    if "." in text:
        # Trailing zeros go ("0.90" -> "0.9") unless they are what tells it from another value.
        short = text.rstrip("0").rstrip(".")
        places = len(short.split(".")[1]) if "." in short else 0
        if not any(_rounded(other, places) == short for other in others):
            text = short
    return f"{text}%"


def _rounded(value: float, digits: int) -> str:
    """``value`` with ``digits`` decimals, halves rounded up as people do (1.25 -> "1.3")."""
    from decimal import ROUND_HALF_UP, Decimal

    return str(Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def count_text(count) -> str:
    """A count with thousands separators: 12345 -> "12,345"."""
    return f"{int(count):,}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:1].isupper() and not text[1:2].isupper() else text


def _event(column: str, labels: Mapping[str, str] | None) -> str:
    """A timestamp's label as an event: "First engaged at" -> "First engaged", "Closed on" ->
    "Closed"; but "Create date" stays whole ("Create" alone would not read as an event)."""
    full = label(column, labels)
    short = _TIME_SUFFIX.sub("", full)
    return short if len(short.split()) >= 2 or short.lower().endswith("ed") else full


def format_value(value) -> str:
    """A value as short display text: whole numbers without ".0", long text cut, blanks "missing"."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT or value is pd.NA:
        return "missing"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}".replace(",", "") if abs(int(value)) < 10_000 else f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        if not np.isfinite(value):
            return "missing"
        if float(value).is_integer():
            return format_value(int(value))
        return f"{value:.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    text = " ".join(str(value).split())
    return text if len(text) <= 40 else text[:37] + "..."


def display_values(values: pd.Series) -> pd.Series:
    """:func:`format_value` for a whole column, once per distinct value (1M rows stay fast)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = np.array([format_value(v) for v in uniques] + ["missing"], dtype=object)
    return pd.Series(texts[codes], index=values.index)


def phrase(column: str, value, labels: Mapping[str, str] | None = None, *, shown: str | None = None) -> str:
    """One fact about a lead in words: "Lead source is LinkedIn", "Followed up 20 minutes after ...".

    Parameters
    ----------
    column : str
        A cleaned column (a user's column or a derived timing column).
    value : object
        The lead's value in it (the cleaned value people should read).
    labels : mapping, optional
        The user's labels (the plan's ``labels``).
    shown : str, optional
        ``value`` already formatted (saves formatting it again for many leads).
    """
    text = format_value(value) if shown is None else shown
    found = _FOLLOWUP.match(column)
    if found:
        unit, start, end = found.groups()
        if text == "missing":
            return f"{_event(end, labels)}: not recorded"
        return f"{_event(end, labels)} {text} {unit} after {_lower_first(_event(start, labels))}"
    if column.endswith(": hour"):
        event = _event(column[: -len(": hour")], labels)
        if text == "missing":
            return f"{event}: hour not recorded"
        return f"{event} around {int(float(value)):02d}:00" if shown is None else f"{event} in hour {text}"
    if column.endswith(": day of week"):
        event = _event(column[: -len(": day of week")], labels)
        return f"{event}: day not recorded" if text in ("missing", "Unknown") else f"{event} on a {text}"
    if column.endswith(": missing"):
        source = label(column[: -len(": missing")], labels)
        return f"{source} is blank" if text in ("1", "yes") else f"{source} is filled in"
    return f"{label(column, labels)} is {text}"


def points_text(points: float) -> str:
    """"+6 points", "-0.4 points": a change of probability in percentage points."""
    rounded = round(points) if abs(points) >= 1 else round(points, 1)
    unit = "point" if abs(rounded) == 1 else "points"
    number = f"{rounded:+d}" if isinstance(rounded, int) else f"{rounded:+.1f}"
    return f"{number} {unit}"
