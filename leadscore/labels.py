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

__all__ = ["label", "phrase", "format_value", "display_values", "points_text"]

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
    # Acronyms ("CRM") and brand spellings ("LinkedIn") stay; other words read in lower case.
    kept = [w if (w.isupper() and len(w) > 1) or not w[1:].islower() and not w[1:].isdigit() and w[1:] else w.lower() for w in words]
    # A brand that starts in lower case ("iPhone", "eBay") keeps its spelling at the start too.
    brand = kept[0][:1].islower() and any(ch.isupper() for ch in kept[0][1:])
    first = kept[0] if brand else kept[0][:1].upper() + kept[0][1:]
    return first + "".join(" " + w for w in kept[1:])


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
