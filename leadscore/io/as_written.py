"""The cells of a lead file as the export wrote them, kept beside the table read from it, for the outputs.

:func:`leadscore.io.read.read_leads` parses numbers and dates so that a model can read them; the
files a marketer takes away should show every cell as the export had it ("2018-05-07", "1.0",
"007", a blank as a blank). :class:`AsWritten` keeps what it takes to give those cells back: for a
text file, how to read it again as text (its bytes, or its path on disk, read only when an output
is built); for a workbook, its cells as text. It travels in ``df.attrs["leadscore_as_written"]``,
so copies and slices of the table share it, and it keeps a fingerprint of each row's parsed values:
a row changed, moved or added since reading keeps its parsed values in :func:`cells_as_written`.

Example
-------
>>> from leadscore.io.read import read_leads
>>> leads = read_leads(b"id,signed_up,deal\\n007,2018-05-07,1.0\\n008,,2.5\\n")
>>> leads["id"].tolist(), leads["deal"].tolist()
([7, 8], [1.0, 2.5])
>>> cells_as_written(leads).to_dict("list")
{'id': ['007', '008'], 'signed_up': ['2018-05-07', ''], 'deal': ['1.0', '2.5']}
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Callable

import numpy as np
import pandas as pd

__all__ = ["KEY", "AsWritten", "cells_as_written", "cell_text"]

KEY = "leadscore_as_written"


class AsWritten(dict):
    """How to give back the cells of one file as written (see the module documentation).

    A dict with no items, so that pandas can still save the table's ``attrs`` as JSON (Parquet
    does) without it; copies of the table share this one object, and two files' objects are
    never equal (``pd.concat`` of tables from two files keeps neither).

    Parameters
    ----------
    table : DataFrame
        The table as read (parsed values): its columns and a fingerprint of each row are kept.
    text : DataFrame, optional
        The cells as text, one row per row of ``table`` (a workbook's).
    read_text : callable returning a DataFrame, optional
        Reads the cells as text again when they are needed (a text file's).
    """

    def __init__(self, table: pd.DataFrame, *, text: pd.DataFrame | None = None, read_text: Callable[[], pd.DataFrame] | None = None):
        super().__init__()
        self.columns = tuple(table.columns)
        self.fingerprints = _fingerprints(table)
        self._text, self._read_text = text, read_text

    def __deepcopy__(self, memo) -> "AsWritten":
        return self  # nothing in it changes after reading: pandas copies attrs on every operation

    def __copy__(self) -> "AsWritten":
        return self

    def __eq__(self, other) -> bool:
        return self is other

    def __ne__(self, other) -> bool:
        return self is not other

    __hash__ = object.__hash__

    def text(self) -> pd.DataFrame | None:
        """The cells as text (blank cells as ""), one row per row read; None when the file cannot
        be read again (moved, changed) or gives another number of rows."""
        text = self._text
        if text is None and self._read_text is not None:
            try:
                text = self._read_text()
            except Exception:  # noqa: BLE001 - the parsed values are still there to fall back on
                return None
        if text is None or len(text) != len(self.fingerprints) or any(c not in text.columns for c in self.columns):
            return None
        return text


def cells_as_written(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose cells read from a file are shown as the file wrote them.

    Every column of the file is text ("007", "2018-05-07", "1.0"; a blank cell is ""), for the
    rows that still hold what was read (same values, same place in the file); other rows, other
    columns and tables not read by :func:`~leadscore.io.read.read_leads` keep their values.

    Parameters
    ----------
    df : DataFrame
        Leads as read (or a copy, slice or reordering of them: rows are matched by their index).

    Returns
    -------
    DataFrame with the same index and columns: a copy, or ``df`` itself when it was not read from
    a file (do not change it in place).
    """
    holder = df.attrs.get(KEY)
    if not isinstance(holder, AsWritten):
        return df
    out = df.copy()
    out.attrs.pop(KEY, None)
    if not holder.columns or any(c not in df.columns for c in holder.columns):
        return out
    if not df.index.is_unique or not pd.api.types.is_integer_dtype(df.index.dtype):
        return out
    rows = df.index.to_numpy(dtype=np.int64)
    inside = (rows >= 0) & (rows < len(holder.fingerprints))
    same = np.zeros(len(df), dtype=bool)
    try:
        same[inside] = _fingerprints(df[list(holder.columns)].iloc[np.flatnonzero(inside)]) == holder.fingerprints[rows[inside]]
    except (TypeError, ValueError):
        return out
    if not same.any():
        return out
    text = holder.text()
    if text is None:
        return out
    for column in holder.columns:
        written = text[column].to_numpy(dtype=object)[rows[same]]
        if same.all():
            out[column] = pd.Series(written, index=df.index, dtype=object)
        else:
            values = out[column].to_numpy(dtype=object, copy=True)
            values[same] = written
            out[column] = pd.Series(values, index=df.index, dtype=object)
    return out


def cell_text(value) -> str:
    """One workbook cell as Excel shows it by default: a date without a time as "2018-05-07", a
    date and time as "2018-05-07 09:30:00", numbers as saved ("7", "1.5"), TRUE / FALSE, a blank
    cell as "".

    >>> [cell_text(v) for v in [dt.datetime(2018, 5, 7), 7, 1.5, None, True, "007"]]
    ['2018-05-07', '7', '1.5', '', 'TRUE', '007']
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="microseconds" if value.microsecond else "seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    return str(value)


def _fingerprints(table: pd.DataFrame) -> np.ndarray:
    """One number per row from its values (and their types), to tell a row read from one changed since."""
    if table.shape[1] == 0:
        return np.zeros(len(table), dtype=np.uint64)
    return pd.util.hash_pandas_object(table, index=False).to_numpy(dtype=np.uint64)
