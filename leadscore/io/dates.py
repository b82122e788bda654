"""Dates as written in exports (day or month first, several formats in one column, time zones) and
Excel day numbers (45231 is 1 November 2023) read as datetime64 without time zone."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import pandas as pd

from leadscore.io.cells import DETECTION_SAMPLE, NEARLY_ALL

__all__ = ["to_datetime_if_dates", "read_date_column", "read_dates", "Dates"]

# A date has digits split by - / . or is written with a month name next to digits. Spaces are
# written out rather than \s, which would make pandas use Python's regex instead of pyarrow's.
_DATE_RE = re.compile(
    r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}"
    r"|\d{1,2}[ \t]+[A-Za-z]{3,9}\.?[ \t]+\d{2,4}"
    r"|[A-Za-z]{3,9}\.?[ \t]+\d{1,2},?[ \t]+\d{2,4}"
)
# Excel stores a date as days since 30 December 1899; 10000-99999 covers 1927 to 2173.
_EXCEL_SERIAL_RE = re.compile(r"^\d{5}(\.\d+)?$")
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# How far from a column's other dates an Excel day number may lie and still be read as a date.
_SERIAL_MARGIN = pd.Timedelta(days=5 * 366)


def to_datetime_if_dates(series: pd.Series) -> pd.Series | None:
    """Return the column as datetime64 if nearly all its non-blank values are dates, else None.

    Day-first ("25/04/2024") and month-first ("04/25/2024") are both tried and the reading that
    understands more values wins; a few values in another format ("April 25, 2024") are read one
    by one. Numbers such as 45231 among dates are Excel's day numbers and become those dates.
    Times with a UTC offset are converted to UTC and stored without a time zone, so every date
    column compares with every other.
    """
    return read_dates(series).dates


def read_date_column(series: pd.Series) -> tuple[pd.Series, int, int]:
    """A column known to hold dates (one a model was trained on) as datetime64, read as
    :func:`read_leads` reads dates, with how many values were Excel day numbers and how many
    were no date.

    Unlike :func:`to_datetime_if_dates`, nothing has to look like a date first: a column made
    only of Excel day numbers (46327.42292, as a spreadsheet may save dates) is read as those
    dates and times, because the column is known to be dates.

    Parameters
    ----------
    series : pd.Series
        Dates as written ("2026-11-01 08:27", "1 Nov 2026"), Excel day numbers (as text or
        numbers), or already datetime64.

    Returns
    -------
    (dates, day_numbers, not_dates)
        datetime64 values without time zone (missing where a value is no date), the number of
        Excel day numbers read as dates, and the number of non-blank values that are no date.

    Example
    -------
    >>> read_date_column(pd.Series(["2026-11-01 08:27", "46327.5"]))[0].tolist()
    [Timestamp('2026-11-01 08:27:00'), Timestamp('2026-11-01 12:00:00')]
    """
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return _naive(series), 0, 0
    text = series.astype("string").str.strip()
    written = text[text.notna() & (text != "") & ~text.str.match(_EXCEL_SERIAL_RE.pattern).fillna(False)]
    if len(written) > DETECTION_SAMPLE:
        written = written.sample(DETECTION_SAMPLE, random_state=0)
    best = _dayfirst(written) if len(written) else None
    found = _dates_and_day_numbers(series, best[0] if best else False, near_written_dates=False)
    if found.dates is None:  # pandas could read nothing of it: every value is no date
        present = text.notna() & (text != "")
        return pd.Series(pd.NaT, index=series.index, name=series.name, dtype="datetime64[s]"), 0, int(present.sum())
    return found.dates, found.serials, found.unreadable


@dataclass(frozen=True)
class Dates:
    dates: pd.Series | None
    serials: int = 0
    unreadable: int = 0


def read_dates(series: pd.Series) -> Dates:
    """The column as dates if nearly all its values are dates, with what was unusual."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return Dates(_naive(series))
    values = series.dropna()
    if len(values) == 0 or pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return Dates(None)
    sample = values.astype(str).str.strip()
    if len(sample) > DETECTION_SAMPLE:
        sample = sample.sample(DETECTION_SAMPLE, random_state=0)
    sample = sample[sample != ""]
    # Patterns as text, so that pandas hands them to pyarrow's regular expressions.
    serial = sample.str.match(_EXCEL_SERIAL_RE.pattern).to_numpy(dtype=bool)
    written = sample[~serial]
    # Excel day numbers only make sense next to dates, which must be most of the column.
    if len(written) == 0 or len(written) < serial.sum():
        return Dates(None)
    if written.str.contains(_DATE_RE.pattern).mean() < NEARLY_ALL:
        return Dates(None)
    best = _dayfirst(written)
    if best is not None and best[1] < NEARLY_ALL * len(written):
        # Some dates in another format than the first one: read those one by one.
        parsed = _parse_dates_in_any_format(written, best[0])
        best = (best[0], 0 if parsed is None else parsed.notna().sum())
    if best is None or best[1] < NEARLY_ALL * len(written):
        return Dates(None)
    return _dates_and_day_numbers(series, best[0], near_written_dates=True)


def _dayfirst(written: pd.Series) -> tuple[bool, int] | None:
    """Whether these written dates read best day first, and how many then read (None: pandas
    cannot read them either way)."""
    best = None
    for dayfirst in (False, True):
        parsed = _parse_dates(written, dayfirst)
        if parsed is not None and (best is None or parsed.notna().sum() > best[1]):
            best = (dayfirst, int(parsed.notna().sum()))
    return best


def _dates_and_day_numbers(series: pd.Series, dayfirst: bool, *, near_written_dates: bool) -> Dates:
    """Every value of a date column read: written dates in any format, Excel day numbers as their
    dates (with ``near_written_dates``, only those near the column's written dates)."""
    text = series.astype("string").str.strip()
    present = text.notna() & (text != "")
    is_serial = present & text.str.match(_EXCEL_SERIAL_RE.pattern).fillna(False).astype(bool)
    parsed = _parse_dates_in_any_format(text.mask(is_serial), dayfirst)
    if parsed is None:
        return Dates(None)
    serials = 0
    if is_serial.any():
        days = pd.to_numeric(text.where(is_serial), errors="coerce")
        # To the second, as Excel shows a time: a day number with 5 decimals is only exact to
        # 0.86 s. In the written dates' unit, so the two mix in one column.
        as_dates = (_EXCEL_EPOCH + pd.to_timedelta(days, unit="D")).dt.round("s").astype(parsed.dtype)
        take = as_dates.notna()
        if near_written_dates:
            written = parsed.dropna()
            take &= as_dates.between(written.min() - _SERIAL_MARGIN, written.max() + _SERIAL_MARGIN) if len(written) else False
        parsed = parsed.mask(take.to_numpy(), as_dates.to_numpy())
        serials = int(take.sum())
    unreadable = int((present & parsed.isna()).sum())
    return Dates(parsed.rename(series.name), serials, unreadable)


def _parse_dates_in_any_format(text: pd.Series, dayfirst: bool) -> pd.Series | None:
    """Dates without time zone; pandas reads a column in the format of its first date, so values in
    another format ("April 25, 2024" among "2024-04-25") are read again one by one."""
    parsed = _parse_dates(text, dayfirst)
    if parsed is None:
        return None
    parsed = _naive(parsed)
    leftover = text.notna() & (text.astype("string").str.strip() != "") & parsed.isna()
    if leftover.any():
        # Each distinct value once: dateutil reads about 30,000 values a second.
        codes, distinct = pd.factorize(text[leftover])
        again = _parse_dates(pd.Series(distinct, dtype=object), dayfirst, mixed=True)
        if again is not None:
            parsed = parsed.copy()
            parsed[leftover] = _naive(again).to_numpy()[codes]
    return parsed


def _parse_dates(text: pd.Series, dayfirst: bool, mixed: bool = False) -> pd.Series | None:
    with warnings.catch_warnings():
        # "Could not infer format" only means pandas parses value by value; the result is checked.
        warnings.simplefilter("ignore", UserWarning)
        return _parse_dates_quietly(text, dayfirst, mixed)


def _parse_dates_quietly(text: pd.Series, dayfirst: bool, mixed: bool) -> pd.Series | None:
    extra = {"format": "mixed"} if mixed else {}
    try:
        return pd.to_datetime(text, errors="coerce", dayfirst=dayfirst, **extra)
    except (ValueError, TypeError, OverflowError):
        try:
            return pd.to_datetime(text, errors="coerce", dayfirst=dayfirst, utc=True, **extra)
        except (ValueError, TypeError, OverflowError):
            return None


def _naive(dates: pd.Series) -> pd.Series:
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        return dates.dt.tz_convert("UTC").dt.tz_localize(None)
    return dates
