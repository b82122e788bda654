"""Messy numbers as written in exports ("1,200", "$3,500", "€ 12.50", "45%", "(300)", "1.200,50") read as floats."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from leadscore.io.cells import DETECTION_SAMPLE, NAN_SPELLINGS, NEARLY_ALL

__all__ = ["to_number", "looks_like_numbers"]

_NOT_A_NUMBER = {spelling.lower() for spelling in NAN_SPELLINGS} | {"+nan"}
_INFINITE = {"inf", "-inf", "+inf", "infinity", "-infinity", "+infinity"}
_CURRENCY = "$€£¥₹"
_NUMBER_RE = re.compile(r"^[+-]?(\d+([.,]\d+)*|\d*[.,]\d+)([eE][+-]?\d+)?$")
_THOUSANDS_DOT_RE = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")  # 1.200 / 1.200,50
_THOUSANDS_COMMA_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")  # 1,200 / 1,200.50
_DECIMAL_COMMA_RE = re.compile(r"^[+-]?\d*,(\d{1,2}|\d{4,})$")  # 1,5 / 12,75 / 0,12345


def to_number(series: pd.Series, *, decimal_comma: bool | None = None) -> tuple[pd.Series, int]:
    """Read messy numbers such as "1,200", "$3,500", "€ 12.50", "45%" or "(300)" as floats.

    Shared by :func:`read_leads` and the cleaner, so that a file scored later is read exactly like
    the training file. Infinite values ("inf", "1e309") and "NaN" are not numbers a model can
    use: they become missing and are counted with the other unreadable values.

    Parameters
    ----------
    series : pandas.Series
        Values as read from the file (text, numbers or a mix).
    decimal_comma : bool, optional
        Whether "1,5" means one and a half. ``None`` decides from the values: "1,5", "12,75" or
        "1.200,50" mean a decimal comma; "1,200" or "1,200.50" mean a thousands separator. Pass
        ``True`` for semicolon-separated files, where the decimal comma is the custom.

    Returns
    -------
    (pandas.Series, int)
        Floats (missing where a value is blank or not a number; "45%" gives 45.0) and how many
        non-blank values could not be read as numbers.
    """
    if pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_numeric_dtype(series.dtype):
        values = series.astype("float64")
        infinite = np.isinf(values.to_numpy())
        if infinite.any():
            values = values.mask(infinite)
        return values, int(infinite.sum())
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    if len(uniques) == 0:
        return pd.Series(np.nan, index=series.index, dtype="float64", name=series.name), 0
    texts = [_strip_number_text(value) for value in uniques]
    if decimal_comma is None or decimal_comma:
        decimal_comma = _uses_decimal_comma([t for t in texts if t is not None], default=bool(decimal_comma))
    parsed = np.array([_parse_number(t, decimal_comma) for t in texts], dtype="float64")
    blank_unique = np.array([t == "" for t in texts], dtype=bool)
    values = np.where(codes >= 0, parsed[np.maximum(codes, 0)], np.nan)
    not_numbers = (codes >= 0) & np.isnan(values) & ~blank_unique[np.maximum(codes, 0)]
    return pd.Series(values, index=series.index, name=series.name), int(not_numbers.sum())


def looks_like_numbers(series: pd.Series, *, decimal_comma: bool) -> bool:
    values = series.dropna()
    if len(values) > DETECTION_SAMPLE:
        values = values.sample(DETECTION_SAMPLE, random_state=0)
    # Judge each distinct value once, weighted by how often it appears.
    counts = values.value_counts(sort=False)
    stripped = [_strip_number_text(v) for v in counts.index.tolist()]
    weighted = [(t, int(w)) for t, w in zip(stripped, counts.tolist()) if t]
    # "NaN", "inf" and "1e309" belong to columns of numbers, where they are counted as unreadable;
    # they neither make nor break one.
    weighted = [(t, w) for t, w in weighted if t.lower() not in _NOT_A_NUMBER | _INFINITE and not _overflows(t)]
    texts = [t for t, _ in weighted]
    if not texts:
        return False
    # Booleans stay text (see module doc) even when written as 0/1 next to a stray word.
    if all(t.lower() in {"0", "1", "true", "false"} for t in texts):
        return False
    use_comma = _uses_decimal_comma(texts, default=decimal_comma)
    readable = sum(w for t, w in weighted if not np.isnan(_parse_number(t, use_comma)))
    return readable >= NEARLY_ALL * sum(w for _, w in weighted)


def _overflows(text: str) -> bool:
    """A number too large for a float ("1e309")."""
    if not _NUMBER_RE.match(text) or not ("e" in text or "E" in text):
        return False
    try:
        return math.isinf(float(text.replace(",", "")))
    except ValueError:
        return False


def _strip_number_text(value: object) -> str | None:
    """The value without currency signs, percent, spaces and accounting brackets, or None."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return str(value).lower()
    if isinstance(value, (int, float, np.integer, np.floating)):
        return repr(float(value))
    text = str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("'", "")
    if text.startswith("(") and text.endswith(")"):
        text = "-" + text[1:-1]
    text = text.strip(_CURRENCY).rstrip("%")
    if text and text[0] in "+-":
        text = text[0] + text[1:].strip(_CURRENCY)
    return text


def _uses_decimal_comma(texts: list[str], *, default: bool) -> bool:
    with_comma = [t for t in texts if "," in t]
    if not with_comma:
        return default
    if any(_THOUSANDS_COMMA_RE.match(t) and "." in t for t in with_comma):
        return False
    if any(_DECIMAL_COMMA_RE.match(t) or _THOUSANDS_DOT_RE.match(t) for t in with_comma):
        return True
    return default


def _parse_number(text: str | None, decimal_comma: bool) -> float:
    if not text or not _NUMBER_RE.match(text):
        return np.nan
    if decimal_comma:
        if text.count(",") > 1:
            return np.nan
        # Without a comma, a single dot is a decimal point, as pandas reads it ("93.994").
        if "," in text or (text.count(".") > 1 and _THOUSANDS_DOT_RE.match(text)):
            text = text.replace(".", "").replace(",", ".")
    else:
        if "," in text and not _THOUSANDS_COMMA_RE.match(text):
            return np.nan
        text = text.replace(",", "")
    try:
        number = float(text)
    except ValueError:
        return np.nan
    return number if math.isfinite(number) else np.nan  # "1e309" overflows to infinity
