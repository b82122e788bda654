"""The value of a lead: a deal-size estimate known at arrival, and ``expected_value`` = chance x value.

A sales team's week is worth the value it closes, not the number of leads it calls. With a column
that estimates the deal's size when the lead arrives (a budget question, a form's "deal size"
field), every scored lead gets ``expected_value``: its conversion chance times that estimate, and
sorting then puts the leads worth most first.

The estimate is read as people write it: an amount ("$12,000", "12k", "€1.5m"), or a range read as
its middle ("$5k-$20k" is 12,500; "5,000 - 20,000"; "10k to 20k"). An open range is read from the
bound it gives: "< $5k" or "under 5k" as the middle of 0 and 5,000 (2,500), "$50k+" or "over 50k" as
50,000 (the least it says). Blank or unreadable cells give a blank ``expected_value``; the lead is
still scored (row in = row out).

A column known only after the sale (the leakage guard's suspects, or a column the model left out
as leaking, or one whose name says it is the final deal size) is refused: ranking by it would put
the leads that already bought first, and new leads do not have it yet.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from leadscore.errors import LeadScoreInputError
from leadscore.inspect.leakage import LEFT_OUT_SENTENCE
from leadscore.inspect.leakage_names import name_evidence
from leadscore.io.messy_numbers import to_number

__all__ = ["EXPECTED_VALUE", "read_values", "check_value_column", "add_expected_value", "value_columns", "unreadable_warning"]

EXPECTED_VALUE = "expected_value"

_MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "million": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9}
_AMOUNT_RE = re.compile(r"^(?P<number>.*?\d)\s*(?P<unit>k|thousand|mm|mn|m|million|bn|b)?\.?$", re.IGNORECASE)
_RANGE_RE = re.compile(r"^(?P<low>.*?\d\s*[a-z]*)\s*(?:-|–|—|\bto\b)\s*(?P<high>[^\d-]*\d.*)$", re.IGNORECASE)
_UNDER_RE = re.compile(r"^(?:<=?|≤|under|less than|below|up to|max(?:imum)?)\s*", re.IGNORECASE)
_OVER_RE = re.compile(r"^(?:>=?|≥|over|more than|above|at least|min(?:imum)?)\s*", re.IGNORECASE)
_PLUS_RE = re.compile(r"\s*(?:\+|or more|and up|and above|plus)$", re.IGNORECASE)
# Words that say a deal-size column is an estimate made on arrival, not the final figure.
_ESTIMATE_WORDS = ("estimate", "estimated", "expected", "budget", "forecast", "approx", "approximate")


def _split(text: str) -> tuple[list[str], float]:
    """The amount texts in one cell and the factor their mean is multiplied by (0.5 for "< X")."""
    text = text.strip()
    if _UNDER_RE.match(text):
        return [_UNDER_RE.sub("", text, count=1)], 0.5
    if _OVER_RE.match(text):
        return [_OVER_RE.sub("", text, count=1)], 1.0
    if _PLUS_RE.search(text):
        return [_PLUS_RE.sub("", text)], 1.0
    match = _RANGE_RE.match(text)
    if match:
        return [match["low"], match["high"]], 1.0
    return [text], 1.0


def _amount_parts(text: str) -> tuple[str, float] | None:
    match = _AMOUNT_RE.match(text.strip())
    if not match:
        return None
    unit = (match["unit"] or "").lower()
    return match["number"].strip(), _MULTIPLIERS.get(unit, 1.0)


def read_values(series: pd.Series) -> tuple[pd.Series, int]:
    """Read deal-size estimates: amounts, or ranges read as their middle.

    Parameters
    ----------
    series : pandas.Series
        The cells as read from the file ("$12,000", "12k", "$5k-$20k", "5,000 - 20,000", numbers).

    Returns
    -------
    (pandas.Series, int)
        Floats (blank where a cell is blank, unreadable or below zero) on the series' index, and how
        many non-blank cells could not be read.

    Example
    -------
    >>> read_values(pd.Series(["$12,000", "12k", "$5k-$20k", "", "call me"]))[0].tolist()
    [12000.0, 12000.0, 12500.0, nan, nan]
    """
    if pd.api.types.is_bool_dtype(series.dtype):
        raise LeadScoreInputError(f"'{series.name}' holds yes/no answers, not amounts; choose a column with a deal size.")
    if pd.api.types.is_numeric_dtype(series.dtype):
        values, unreadable = to_number(series)
        negative = values < 0
        return values.mask(negative), unreadable + int(negative.sum())
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    texts = ["" if pd.isna(value) else str(value).strip() for value in uniques]
    cells = []  # per unique cell: ([positions in `parts`], factor, multipliers)
    parts: list[str] = []
    for text in texts:
        pieces, factor = _split(text) if text else ([], 1.0)
        amounts = [_amount_parts(piece) for piece in pieces]
        if not pieces or any(amount is None for amount in amounts):
            cells.append(None)
            continue
        cells.append(([len(parts) + i for i in range(len(amounts))], factor, [m for _, m in amounts]))
        parts.extend(number for number, _ in amounts)
    numbers = to_number(pd.Series(parts, dtype=object))[0].to_numpy(dtype=float) if parts else np.zeros(0)
    per_unique = np.full(len(texts), np.nan)
    for position, cell in enumerate(cells):
        if cell is None:
            continue
        indexes, factor, multipliers = cell
        amounts = numbers[indexes] * np.asarray(multipliers)
        if np.isnan(amounts).any() or (amounts < 0).any():
            continue
        per_unique[position] = float(np.mean(amounts)) * factor
    values = np.where(codes >= 0, per_unique[np.maximum(codes, 0)], np.nan)
    filled = np.array([bool(text) for text in texts], dtype=bool)
    unreadable = (codes >= 0) & np.isnan(values) & filled[np.maximum(codes, 0)]
    return pd.Series(values, index=series.index, name=series.name), int(unreadable.sum())


def _leak_reason(plan, column: str) -> str | None:
    """Why ``column`` is known only after the sale (the guard's words), or None."""
    warned = getattr(plan, "warned", {}) or {}
    if column in warned:
        return warned[column]
    reason = (getattr(plan, "excluded", {}) or {}).get(column)
    if reason and LEFT_OUT_SENTENCE in reason:
        return reason
    hint = name_evidence(column, "number").get("name_hint")
    words = column.lower()
    if hint and not any(word in words for word in _ESTIMATE_WORDS):
        return f"Its name suggests {hint}, a figure recorded after the sale."
    return None


def value_columns(bundle, columns) -> list[str]:
    """The columns of a lead table that may be chosen as the value (those the guard does not refuse)."""
    plan = getattr(bundle, "plan", None)
    return [str(c) for c in columns if _leak_reason(plan, str(c)) is None]


def check_value_column(bundle, columns, column: str) -> None:
    """Refuse a value column that is missing, or known only after the sale.

    Raises
    ------
    LeadScoreInputError
        Saying why, and what to choose instead.
    """
    names = [str(c) for c in columns]
    if column not in names:
        shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
        raise LeadScoreInputError(
            f"The leads have no column '{column}' for the value. Give the name of the column with the "
            f"deal-size estimate exactly as in the file's header (columns: {shown})."
        )
    reason = _leak_reason(getattr(bundle, "plan", None), column)
    if reason:
        raise LeadScoreInputError(
            f"'{column}' cannot be the value of a lead: the leakage guard says it is known only after the "
            f"sale ({reason}) New leads do not have it yet, and ranking by it would put the leads that "
            "already bought first. Choose a column filled in when the lead arrives, such as a budget "
            "question or an estimated deal size."
        )


def add_expected_value(scored: pd.DataFrame, column: str, bundle=None) -> tuple[pd.DataFrame, int]:
    """``scored`` with ``expected_value`` = conversion chance x the value read from ``column``.

    Blank where the value is blank or unreadable; every lead is kept, in its order. Rounded to
    cents. Returns the table and how many filled-in values could not be read.
    """
    if bundle is not None:
        check_value_column(bundle, scored.columns, column)
    elif column not in scored.columns:
        check_value_column(None, scored.columns, column)
    values, unreadable = read_values(scored[column])
    chance = scored["conversion_probability"].to_numpy(dtype=float)
    out = scored.copy() if EXPECTED_VALUE not in scored.columns else scored.drop(columns=[EXPECTED_VALUE])
    out[EXPECTED_VALUE] = np.round(chance * values.to_numpy(dtype=float), 2)
    return out, unreadable


def unreadable_warning(column: str, count: int) -> str | None:
    """One sentence about value cells that could not be read (None when all could)."""
    if not count:
        return None
    cells = "cell" if count == 1 else "cells"
    return (f"{count:,} {cells} of '{column}' could not be read as an amount or a range (such as $12,000, 12k or "
            "$5k-$20k); their expected value is blank.")
