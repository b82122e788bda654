"""Timing features from a lead's timestamps: day of week, hour, follow-up speed.

Only timestamps known when the lead arrives are used; the cleaning plan never lists a date the
leakage guard flagged as recorded after the outcome. Many exports hold dates without a time
("2025-03-04"): such a column gives no hour (every lead would arrive "at 0:00") and its gaps are
counted in days, not minutes (see :func:`has_time_of_day`). Features are computed column-wise
with pandas' ``.dt`` accessors, so a million rows take well under a second.
"""

from __future__ import annotations

import warnings

import pandas as pd

__all__ = [
    "as_timestamps",
    "choose_arrival_column",
    "hour_name",
    "day_of_week_name",
    "followup_name",
    "has_time_of_day",
    "timing_features",
    "DAYS_OF_WEEK",
    "FOLLOWUP_UNITS",
]

DAYS_OF_WEEK = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def hour_name(column: str) -> str:
    """Name of the hour-of-day feature built from ``column``."""
    return f"{column}: hour"


def day_of_week_name(column: str) -> str:
    """Name of the day-of-week feature built from ``column``."""
    return f"{column}: day of week"


FOLLOWUP_UNITS = ("minutes", "days")


def followup_name(start: str, end: str, unit: str = "minutes") -> str:
    """Name of the time-between feature for a (start, end) pair of timestamps.

    Parameters
    ----------
    start, end : str
        The two timestamp columns.
    unit : str
        "minutes" (both columns hold times) or "days" (one of them holds dates only).

    Returns
    -------
    str
        e.g. "minutes from first_engaged_at to first_followup_at"; the minutes name is the one
        saved models already use, so it must not change.
    """
    if unit not in FOLLOWUP_UNITS:
        raise ValueError(f"unit must be one of {FOLLOWUP_UNITS}, not {unit!r}")
    return f"{unit} from {start} to {end}"


def has_time_of_day(values: pd.Series) -> bool:
    """Whether a date column holds times of day, not only dates.

    A column where every present timestamp is at midnight ("2025-03-04", "2025-03-04 00:00")
    holds dates only: an "hour" feature from it would say every lead arrived at 0:00.

    Parameters
    ----------
    values : pd.Series
        Dates as datetime64 or text (read like :func:`as_timestamps` reads them).

    Returns
    -------
    bool
        True when at least one present value has a time other than midnight; False for a
        column of dates only or without any readable date.

    Example
    -------
    >>> has_time_of_day(pd.Series(["2025-03-04", "2025-03-05 00:00"]))
    False
    """
    stamps = as_timestamps(values).dropna()
    return bool((stamps != stamps.dt.normalize()).any())


def as_timestamps(values: pd.Series) -> pd.Series:
    """Read a column as time-zone-free timestamps, the same way at training and scoring time.

    Parameters
    ----------
    values : pd.Series
        Already datetime64, or text such as "2025-11-01 02:41".

    Returns
    -------
    pd.Series
        datetime64 values; anything that is not a date becomes missing (NaT).
    """
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC").dt.tz_localize(None)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values
    try:
        from leadscore.io.read import to_datetime_if_dates

        parsed = to_datetime_if_dates(values)
    except ImportError:  # pragma: no cover - read.py is part of the package
        parsed = None
    if parsed is not None:
        return parsed
    with warnings.catch_warnings():
        # A few unreadable dates in a new file are expected; they become missing.
        warnings.simplefilter("ignore", UserWarning)
        parsed = pd.to_datetime(values.astype("str").where(values.notna()), errors="coerce", utc=True)
    return parsed.dt.tz_localize(None)


def choose_arrival_column(df: pd.DataFrame, columns) -> str | None:
    """Guess which date column says when each lead arrived.

    The arrival comes before anything else that happens to a lead, so among the date columns
    filled in for at least half the leads, the most complete one wins, then the earliest on a
    typical lead.

    Parameters
    ----------
    df : pd.DataFrame
        The leads.
    columns : iterable of str
        Candidate date columns.

    Returns
    -------
    str or None
        The column, or None when no column qualifies.
    """
    best = None
    for column in columns:
        stamps = as_timestamps(df[column])
        filled = float(stamps.notna().mean())
        if filled < 0.5:
            continue
        key = (-round(filled, 2), stamps.median())
        if best is None or key < best[0]:
            best = (key, column)
    return None if best is None else best[1]


def timing_features(
    df: pd.DataFrame,
    timestamps: tuple[str, ...],
    followup: tuple[tuple[str, str], ...],
    date_only: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Build day of week, hour and follow-up time from a lead table's timestamps.

    Parameters
    ----------
    df : pd.DataFrame
        Raw leads; listed columns that are absent count as missing for every lead.
    timestamps : tuple of str
        Columns giving "<column>: day of week" (Monday..Sunday) and, unless the column is in
        ``date_only``, "<column>: hour" (0-23).
    followup : tuple of (start, end)
        Pairs giving "minutes from <start> to <end>", or "days from <start> to <end>" (whole
        calendar days) when either side is in ``date_only``. Negative gaps (the follow-up
        recorded before the lead arrived) are data errors and become missing.
    date_only : tuple of str
        Columns holding dates without a time of day (see :func:`has_time_of_day`), decided
        once on the training leads so that scoring builds the same features.

    Returns
    -------
    pd.DataFrame
        One column per feature, same index as ``df``; missing where a timestamp is missing.

    Example
    -------
    >>> leads = pd.DataFrame({"a": ["2025-11-03 09:15"], "b": ["2025-11-03 09:45"], "c": ["2025-11-05"]})
    >>> timing_features(leads, ("a",), (("a", "b"),)).to_dict("records")
    [{'a: day of week': 'Monday', 'a: hour': 9.0, 'minutes from a to b': 30.0}]
    >>> timing_features(leads, ("c",), (("a", "c"),), date_only=("c",)).to_dict("records")
    [{'c: day of week': 'Wednesday', 'days from a to c': 2.0}]
    """
    parsed: dict[str, pd.Series] = {}

    def stamp(column: str) -> pd.Series:
        if column not in parsed:
            if column in df.columns:
                parsed[column] = as_timestamps(df[column])
            else:
                parsed[column] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
        return parsed[column]

    features: dict[str, pd.Series] = {}
    for column in timestamps:
        when = stamp(column)
        day = when.dt.day_of_week
        features[day_of_week_name(column)] = day.map(dict(enumerate(DAYS_OF_WEEK))).astype("object")
        if column not in date_only:
            features[hour_name(column)] = when.dt.hour.astype("float64")
    for start, end in followup:
        if start in date_only or end in date_only:
            # A date without a time is a whole day: count calendar days between the two dates.
            gap = (stamp(end).dt.normalize() - stamp(start).dt.normalize()).dt.days
            name = followup_name(start, end, "days")
        else:
            gap = (stamp(end) - stamp(start)).dt.total_seconds() / 60.0
            name = followup_name(start, end)
        features[name] = gap.where(gap >= 0).astype("float64")
    return pd.DataFrame(features, index=df.index)
