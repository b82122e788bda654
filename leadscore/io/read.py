"""Read a lead file (CSV or Excel) into a DataFrame, whatever program exported it.

Small businesses export leads from spreadsheets, CRMs and web forms. The same table arrives as
UTF-8, UTF-8 with a byte-order mark, Excel's "Unicode text" (UTF-16, tab-separated) or Windows-1252,
separated by commas, semicolons, tabs or pipes, with numbers written as "1,200", "$3,500" or "45%".
:func:`read_leads` turns any of these into one DataFrame and explains, in plain words, files it
cannot read. It loses nothing: every row of the file is a row of the table (rows made only of
separators too), a row with more cells than the header keeps its extra cells in columns named
"(extra 1)", "(extra 2)", ..., and a column without a name is called "(column 3)" after its place.

What :func:`read_leads` noticed about the file is kept in ``df.attrs["leadscore_read"]``, a dict of
plain values (the app and ``leadscore inspect --json`` show it). ``encoding``, ``delimiter`` and
``unreadable_numbers`` are always there; the other keys only when they have something to say (read
them with ``.get``):

``encoding``, ``delimiter``
    How a text file was read (``None`` for Excel). A file mixing UTF-8 and Windows-1252 lines is
    read line by line; ``encoding`` names the one most of its lines use (see ``cp1252_lines``).
``sheet``, ``sheets``
    The worksheet read and all worksheets of the workbook, in order (``None`` and ``[]`` for text).
``warnings``
    Sentences for the user about what was found and what to check (empty when all is well).
``unreadable_numbers``, ``unreadable_dates``
    Column -> how many non-blank values could not be read in a column of numbers (text, ``inf``,
    ``NaN``, ``1e309``) or of dates; they are missing values now.
``excel_serial_dates``
    Column -> how many values of a date column were numbers such as 45231 (Excel's way of
    storing 1 November 2023), read as the dates they stand for.
``blank_rows``
    Rows kept although every cell is blank (",,,," lines, empty rows inside a sheet).
``empty_lines``
    Lines with nothing on them (not even separators), skipped: a CSV writer never writes a row
    that way. An empty line inside a quoted cell is counted too.
``rows_with_extra_cells``, ``extra_cell_lines``
    Rows with more non-blank cells than the header has names, and the first of their line
    numbers in the file; their extra cells are in the "(extra N)" columns.
``unnamed_columns``
    Names given to columns that have values but no name in the header ("(column 3)").
``empty_columns_dropped``
    Columns with neither a name nor any value (a separator at the end of every line, empty
    columns around a sheet's table), left out.
``cp1252_lines``
    In a file mixing UTF-8 and Windows-1252 lines, the lines that were not UTF-8 (read as
    Windows-1252).
``nul_bytes``
    NUL characters removed from a text file (padding some systems write).
``formula_cells_without_values``
    Column -> Excel formula cells whose result was never saved in the file (they read as blank).

Example
-------
>>> df = read_leads(b"lead,deal size,converted\\n1,\\"$3,500\\",yes\\n2,\\"$1,200\\",no\\n")
>>> df["deal size"].tolist()
[3500.0, 1200.0]
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import os
import re
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Union

import numpy as np
import pandas as pd
from charset_normalizer import from_bytes

from leadscore.errors import LeadScoreInputError

__all__ = [
    "MAX_UPLOAD_BYTES",
    "MAX_UNPACKED_BYTES",
    "read_leads",
    "list_sheets",
    "to_number",
    "to_datetime_if_dates",
    "read_date_column",
    "day_numbers_note",
    "unreadable_dates_note",
    "detect_encoding",
    "detect_delimiter",
    "check_text_table",
    "decodes_line_by_line",
    "decode_line",
    "scan_row_widths",
    "mixed_encoding_warning",
    "extra_cells_warning",
]

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
# An .xlsx file is zipped XML. One whose parts unpack to more than this is refused before it is
# opened: a real export of leads is far smaller, and a "zip bomb" would fill the memory.
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024

Source = Union[str, os.PathLike, bytes, IO[bytes]]

DELIMITERS = (",", ";", "\t", "|")
# "Nearly all" non-blank values must parse before a text column is turned into numbers or dates,
# so that a few typos ("n/a", "call back") do not keep a column of numbers as text.
NEARLY_ALL = 0.95
# Kind detection only needs a sample; the conversion itself runs on the full column.
DETECTION_SAMPLE = 20_000
# Encoding, delimiter and header are judged on the start of a text file.
HEAD_BYTES = 1 << 20

# A notes cell can be longer than the csv module's default limit (128 KB); pandas has no limit.
csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))

_EMPTY_FILE = "{shown} is empty. Export your leads again with a header row and at least one lead."
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "an image (PNG)"),
    (b"\xff\xd8\xff", "an image (JPEG)"),
    (b"GIF8", "an image (GIF)"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a compressed (.gz) file"),
    (b"Rar!", "a compressed (.rar) file"),
    (b"7z\xbc\xaf", "a compressed (.7z) file"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Microsoft's old "compound file": .xls, .doc, encrypted .xlsx
_WESTERN_SINGLE_BYTE = {
    "ascii", "cp1252", "latin_1", "latin-1", "iso8859_1", "iso8859_15", "cp1250", "iso8859_2",
    "mac_roman", "cp850", "cp437", "mac_latin2", "cp1254", "iso8859_9",
}
# Text pandas reads as a blank cell (its defaults, minus the spellings of "not a number": those
# are counted as unreadable in a column of numbers, and become blank in other columns).
_MISSING_TEXT = ("", "#N/A", "#N/A N/A", "#NA", "<NA>", "N/A", "NA", "NULL", "None", "n/a", "null")
_NAN_SPELLINGS = ("NaN", "nan", "-NaN", "-nan", "1.#IND", "1.#QNAN", "-1.#IND", "-1.#QNAN")
_NOT_A_NUMBER = {spelling.lower() for spelling in _NAN_SPELLINGS} | {"+nan"}
_INFINITE = {"inf", "-inf", "+inf", "infinity", "-infinity", "+infinity"}
_CURRENCY = "$€£¥₹"
_NUMBER_RE = re.compile(r"^[+-]?(\d+([.,]\d+)*|\d*[.,]\d+)([eE][+-]?\d+)?$")
_THOUSANDS_DOT_RE = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")  # 1.200 / 1.200,50
_THOUSANDS_COMMA_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")  # 1,200 / 1,200.50
_DECIMAL_COMMA_RE = re.compile(r"^[+-]?\d*,(\d{1,2}|\d{4,})$")  # 1,5 / 12,75 / 0,12345
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
# One well-formed multi-byte UTF-8 character (a Windows-1252 file almost never contains one).
_UTF8_CHARACTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# An Excel formula cell with no saved result: <f>...</f> followed by no <v>, or an empty one.
_FORMULA_WITHOUT_VALUE = re.compile(
    rb"<(?:\w+:)?f\b(?:[^>]*/>|[^>]*>[^<]*</(?:\w+:)?f>)\s*"
    rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v\s*>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)


@dataclass
class _ReadNotes:
    """What reading noticed about a file; becomes ``df.attrs["leadscore_read"]``."""

    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    unreadable_numbers: dict[str, int] = field(default_factory=dict)
    unreadable_dates: dict[str, int] = field(default_factory=dict)
    excel_serial_dates: dict[str, int] = field(default_factory=dict)
    blank_rows: int = 0
    empty_lines: int = 0
    rows_with_extra_cells: int = 0
    extra_cell_lines: list[int] = field(default_factory=list)
    unnamed_columns: list[str] = field(default_factory=list)
    empty_columns_dropped: int = 0
    cp1252_lines: int = 0
    cp1252_line_numbers: list[int] = field(default_factory=list)
    utf8_lines: int = 0
    nul_bytes: int = 0
    formula_cells_without_values: dict[str, int] = field(default_factory=dict)
    # For the words only: whether the caller chose the sheet, the names of the "(extra N)" columns.
    sheet_chosen: bool = False
    extra_columns: list[str] = field(default_factory=list)

    def as_attrs(self) -> dict:
        always = {
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "unreadable_numbers": dict(self.unreadable_numbers),
        }
        when_found = {
            "sheet": self.sheet,
            "sheets": list(self.sheets),
            "warnings": _warnings(self),
            "unreadable_dates": dict(self.unreadable_dates),
            "excel_serial_dates": dict(self.excel_serial_dates),
            "blank_rows": self.blank_rows,
            "empty_lines": self.empty_lines,
            "rows_with_extra_cells": self.rows_with_extra_cells,
            "extra_cell_lines": list(self.extra_cell_lines),
            "unnamed_columns": list(self.unnamed_columns),
            "empty_columns_dropped": self.empty_columns_dropped,
            "cp1252_lines": self.cp1252_lines,
            "nul_bytes": self.nul_bytes,
            "formula_cells_without_values": dict(self.formula_cells_without_values),
        }
        return {**always, **{key: value for key, value in when_found.items() if value}}


def read_leads(
    source: Source,
    *,
    filename: str | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
    sheet: str | int | None = None,
) -> pd.DataFrame:
    """Read a CSV or Excel (.xlsx) lead file into a DataFrame.

    Parameters
    ----------
    source : path, bytes or binary file-like
        The file. A Streamlit ``UploadedFile`` works as is (its ``name`` is used as filename).
    filename : str, optional
        The file's name, used in messages (the format is recognised from the content).
    max_bytes : int
        Files larger than this are refused before they are read.
    sheet : str or int, optional
        For Excel files, the worksheet with the leads: its name, or its number counting from 1
        (``"2"`` means the second sheet unless a sheet is named "2"). The first sheet by default;
        :func:`list_sheets` gives the names. A text file has no sheets: only ``None`` or 1.

    Returns
    -------
    pandas.DataFrame
        One row per row of the file, in order. Headers are stripped of spaces; columns of messy
        numbers ("1,200", "$3,500", "45%" -> 45.0) are floats; columns of dates are datetime64;
        yes/no columns keep their text. ``df.attrs["leadscore_read"]`` says how the file was read
        and what the user should check (see the module documentation).

    Raises
    ------
    LeadScoreInputError
        The file is empty, too large, not a table (an image, a PDF, a zip, a web page, JSON, an
        old or password-protected Excel file), has duplicated column names, has a header but no
        leads, opens a quote it never closes, or is an Excel file that cannot be opened or has no
        such sheet.
    """
    data, filename = _load_bytes(source, filename, max_bytes)
    shown = f"'{filename}'" if filename else "The file"
    if not data.strip(b" \t\r\n\x00"):
        raise LeadScoreInputError(_cap(_EMPTY_FILE.format(shown=shown)))
    notes = _ReadNotes()
    if data.startswith(b"PK\x03\x04"):
        df = _read_workbook(data, shown, sheet, notes)
        where = f"The sheet '{notes.sheet}' of {shown}" if len(notes.sheets) > 1 else _cap(shown)
    else:
        if sheet not in (None, 1, "1"):
            raise LeadScoreInputError(
                f"{_cap(shown)} is a text (CSV) file, which has no sheets. Leave out the sheet, or "
                "upload the Excel workbook instead."
            )
        on_disk = Path(source) if isinstance(source, (str, os.PathLike)) else None
        # Handed over in a list, so that the bytes can be let go while pandas reads the file on disk.
        handed_over = [data]
        del data
        df = _read_text(handed_over, on_disk, shown, notes)
        where = _cap(shown)

    _drop_unnamed_empty_columns(df, notes)
    if len(df.columns) == 0:
        raise LeadScoreInputError(
            f"{where} is empty. " + (_other_sheets(notes) or "Export your leads again with a header row and at least one lead.")
        )
    blank = _blank_rows(df)
    notes.blank_rows = int(blank.sum())
    if len(df) == notes.blank_rows:
        rows = "" if len(df) == 0 else f" (its {len(df):,} row{'s are' if len(df) > 1 else ' is'} empty)"
        raise LeadScoreInputError(
            f"{where} has column names but no leads{rows}. "
            + (_other_sheets(notes) or "Export the file again including the rows of your leads, not only the header.")
        )
    _convert_text_columns(df, notes, decimal_comma=notes.delimiter == ";")
    df.attrs["leadscore_read"] = notes.as_attrs()
    return df


def list_sheets(source: Source, *, filename: str | None = None, max_bytes: int = MAX_UPLOAD_BYTES) -> list[str]:
    """The worksheet names of an Excel workbook, in order, for a sheet picker.

    Parameters
    ----------
    source : path, bytes or binary file-like
        The file, as for :func:`read_leads`.
    filename : str, optional
        Named in messages.
    max_bytes : int
        Files larger than this are refused.

    Returns
    -------
    list of str
        The names of the sheets that hold cells (chart sheets are left out). An empty list for a
        text (CSV) file, which has no sheets.

    Raises
    ------
    LeadScoreInputError
        The file is too large, not a table, or a workbook that cannot be opened.

    Example
    -------
    >>> list_sheets(b"lead,converted\\n1,yes\\n")
    []
    """
    data, filename = _load_bytes(source, filename, max_bytes)
    shown = f"'{filename}'" if filename else "The file"
    if not data.startswith(b"PK\x03\x04"):
        _refuse_binary(data, shown)
        return []
    workbook = _open_workbook(data, shown, data_only=True)
    try:
        return [worksheet.title for worksheet in workbook.worksheets]
    finally:
        workbook.close()


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


def to_datetime_if_dates(series: pd.Series) -> pd.Series | None:
    """Return the column as datetime64 if nearly all its non-blank values are dates, else None.

    Day-first ("25/04/2024") and month-first ("04/25/2024") are both tried and the reading that
    understands more values wins; a few values in another format ("April 25, 2024") are read one
    by one. Numbers such as 45231 among dates are Excel's day numbers and become those dates.
    Times with a UTC offset are converted to UTC and stored without a time zone, so every date
    column compares with every other.
    """
    return _read_dates(series).dates


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


def detect_encoding(data: bytes) -> str:
    """Name the text encoding of a file: a byte-order mark wins, then UTF-8, then a best guess.

    A file that is mostly UTF-8 with a few Windows-1252 lines is named "cp1252" here (the one
    encoding that decodes all of it); :func:`read_leads` then decodes it line by line.
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    head = data[:4096]
    # UTF-16 without a byte-order mark: every other byte of plain Latin text is zero.
    if len(head) >= 4 and head[1::2].count(0) > 0.4 * len(head[1::2]) and head[0::2].count(0) == 0:
        return "utf-16-le"
    if len(head) >= 4 and head[0::2].count(0) > 0.4 * len(head[0::2]) and head[1::2].count(0) == 0:
        return "utf-16-be"
    if _is_utf8(data):
        return "utf-8"
    # Lines that are UTF-8 say nothing about the other ones (a file may mix both): judge those.
    sample = b"".join(line for line in data[:1_000_000].splitlines(keepends=True) if not _utf8_line(line))
    # A few accented letters in mostly plain text are Windows-1252 (Excel's default in Western
    # Europe and the Americas); only text full of non-Latin letters is worth a guess.
    high = sum(byte >= 0x80 for byte in sample)
    if high >= 20 and high > 0.05 * len(sample):
        guess = from_bytes(sample).best()
        # UTF-16/32 were ruled out above (no zero bytes), whatever a guess on little text says.
        if guess is not None and guess.encoding not in _WESTERN_SINGLE_BYTE and not guess.encoding.startswith("utf"):
            return guess.encoding
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def detect_delimiter(text: str) -> str:
    """Pick the separator (comma, semicolon, tab or pipe) that splits the first rows evenly.

    The header must split into at least two names; the separator whose rows then have as many
    cells as the header most often wins, the one giving more columns on a tie. One extra empty
    cell at the end of a row (a separator at the end of every line) counts as even, so that
    "a,b,c," lines are comma-separated whatever else their text contains. A text whose header
    does not split is one column: comma.
    """
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        records = _first_records(text, delimiter, limit=51)
        if len(records) > 2:
            records = records[:-1]  # the text may be the start of a file, cut inside its last row
        if not records or len(records[0]) < 2:
            continue
        header = records[0]
        width = len(header)
        even = sum(
            len(row) == width
            or (len(row) == width + 1 and not row[-1].strip())
            or (len(row) == width - 1 and not header[-1].strip())
            for row in records
        )
        score = (even / len(records), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def check_text_table(head: bytes, filename: str | None = None) -> tuple[str, str]:
    """Check the start of a CSV-like export and say how to read it.

    Shared by :func:`read_leads` and the chunked scoring reader, so a bad file gets the same
    message whichever way it is read.

    Parameters
    ----------
    head : bytes
        The first bytes of the file (a megabyte is plenty).
    filename : str, optional
        Named in the messages.

    Returns
    -------
    (encoding, delimiter)

    Raises
    ------
    LeadScoreInputError
        The file is empty, binary (an image, ...), a web page or JSON, or has duplicated column
        names.
    """
    shown = f"'{filename}'" if filename else "The file"
    if not head.strip(b" \t\r\n\x00"):
        raise LeadScoreInputError(_cap(_EMPTY_FILE.format(shown=shown)))
    _refuse_binary(head, shown)
    encoding = detect_encoding(head)
    head_text = _decode_head(head.replace(b"\x00", b"") if not encoding.startswith("utf-16") else head, encoding)
    _refuse_other_formats(head_text, shown)
    delimiter = detect_delimiter(head_text)
    records = _first_records(head_text, delimiter, limit=1)
    _column_names(records[0] if records else [], shown)
    return encoding, delimiter


# --------------------------------------------------------------------------------------------
# Bytes in


def _load_bytes(source: Source, filename: str | None, max_bytes: int) -> tuple[bytes, str | None]:
    too_big = (
        "The file is {size} MB, more than the {limit} MB LeadScore reads at once. Export fewer "
        "columns or a shorter period (for example the last two years), or split the file."
    )
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        filename = filename or path.name
        if not path.is_file():
            raise LeadScoreInputError(f"There is no file at '{path}'. Check the name and the folder.")
        size = path.stat().st_size
        if size > max_bytes:
            raise LeadScoreInputError(too_big.format(size=_mb(size), limit=_mb(max_bytes)))
        data = path.read_bytes()
    else:
        filename = filename or getattr(source, "name", None)
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise LeadScoreInputError(too_big.format(size=f"over {_mb(max_bytes)}", limit=_mb(max_bytes)))
    return data, filename


def _refuse_binary(data: bytes, shown: str) -> None:
    """Refuse files that are not text tables, naming what they are (from their first bytes)."""
    head = data[:4096]
    what = next((name for magic, name in _MAGIC if head.startswith(magic)), None)
    if head.startswith(_OLE2):
        _refuse_ole2(data, shown)
    has_bom = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if what is None and not has_bom and head.count(0) > 0:
        # Text in UTF-16 has zeros in every other byte. Other text may carry a few NUL characters
        # (padding some systems write; they are removed), but little else below a space.
        utf16 = head[1::2].count(0) > 0.4 * len(head[1::2]) or head[0::2].count(0) > 0.4 * len(head[0::2])
        controls = sum(byte < 0x20 and byte not in b"\t\r\n\x0c\x00" for byte in head)
        if not utf16 and (head.count(0) > 0.25 * len(head) or controls > 0.05 * len(head)):
            what = "not a text file"
    if what is not None:
        raise LeadScoreInputError(
            f"{_cap(shown)} is {what}, not a table of leads. Export your leads from your spreadsheet "
            "or CRM as CSV (comma-separated values) or Excel (.xlsx) and upload that file."
        )


def _refuse_ole2(data: bytes, shown: str) -> None:
    """Old Office files and password-protected new ones share one container; its parts say which."""

    def holds(name: str) -> bool:
        return name.encode("utf-16-le") in data  # directory entries are named in UTF-16

    if holds("EncryptedPackage") or holds("EncryptionInfo"):
        raise LeadScoreInputError(
            f"{_cap(shown)} is protected with a password, so LeadScore cannot open it. Open it in "
            "Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password, "
            "then delete the password), save it as .xlsx without a password, and upload it again. "
            "Or save it as CSV."
        )
    if holds("WordDocument"):  # before "Book": a Word file keeps its own text in UTF-16 too
        raise LeadScoreInputError(
            f"{_cap(shown)} is a Word document, not a table of leads. Export your leads from your "
            "spreadsheet or CRM as CSV (comma-separated values) or Excel (.xlsx) and upload that file."
        )
    if holds("Workbook") or holds("Book"):
        raise LeadScoreInputError(
            f"{_cap(shown)} is in the old Excel format (.xls, Excel 97-2003), which LeadScore does not "
            "read. Open it in Excel, use Save As and choose 'Excel Workbook (.xlsx)' or 'CSV UTF-8', "
            "and upload that file."
        )
    raise LeadScoreInputError(
        f"{_cap(shown)} is an old Microsoft Office document, not a table of leads. Export your leads from your spreadsheet "
        "or CRM as CSV (comma-separated values) or Excel (.xlsx) and upload that file."
    )


def _refuse_other_formats(head_text: str, shown: str) -> None:
    """Refuse text files that are not tables: web pages, JSON, XML, RTF."""
    start = head_text.lstrip().lower()[:2000]
    # A table starts with a column name; a page starts with a tag.
    if start.startswith("<") and ("<html" in start or "<body" in start or start.startswith("<!doctype html")):
        raise LeadScoreInputError(
            f"{_cap(shown)} is a web page (HTML), not a table of leads. This happens when a download "
            "link is saved with 'Save page as'. Open the page, use its Export or Download CSV button, "
            "and upload the file it gives you."
        )
    if start.startswith("<?xml") or (re.match(r"<[a-z][\w:.-]*[\s>]", start) and re.search(r"</[a-z][\w:.-]*>", start)):
        excel_xml = "urn:schemas-microsoft-com:office:spreadsheet" in start or "<workbook" in start
        what = "an Excel 2003 XML spreadsheet" if excel_xml else "an XML document"
        raise LeadScoreInputError(
            f"{_cap(shown)} is {what}, not a table LeadScore reads. Open it in Excel, save it as "
            "'Excel Workbook (.xlsx)' or 'CSV UTF-8', and upload that file."
        )
    if _looks_like_json(head_text):
        raise LeadScoreInputError(
            f"{_cap(shown)} is JSON data, not a table of leads. Export your leads as CSV from the tool "
            "that made this file (look for Export > CSV), or open it in Excel (Data > Get Data > From "
            "File > From JSON) and save it as CSV or .xlsx, and upload that file."
        )
    if start.startswith("{\\rtf"):
        raise LeadScoreInputError(
            f"{_cap(shown)} is a Rich Text (RTF) document, not a table of leads. Export your leads from "
            "your spreadsheet or CRM as CSV or Excel (.xlsx) and upload that file."
        )


def _looks_like_json(head_text: str) -> bool:
    """A whole JSON value, or JSON that runs for a while before the head is cut."""
    text = head_text.lstrip()
    if not text.startswith(("{", "[")):
        return False
    try:
        _, end = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as error:
        # A table's first line ("{id},name") stops being JSON within a few characters.
        return error.pos >= min(100, len(text) - 1)
    # After the value: nothing, or the next line of JSON Lines; not the rest of a header ("[1] name,email").
    return text[end:].lstrip().startswith(("{", "[")) or not text[end:].strip()


# --------------------------------------------------------------------------------------------
# Text files (CSV, TSV, "Unicode text")


def _read_text(handed_over: list[bytes], on_disk: Path | None, shown: str, notes: _ReadNotes) -> pd.DataFrame:
    data = handed_over.pop()
    _refuse_binary(data, shown)
    encoding = detect_encoding(data)
    if not encoding.startswith("utf-16") and b"\x00" in data:
        notes.nul_bytes = data.count(b"\x00")
        data, on_disk = data.replace(b"\x00", b""), None
        encoding = detect_encoding(data)
    # Decoded here rather than by pandas: UTF-16 (so that lines can be counted) and files mixing
    # UTF-8 and Windows-1252 lines. Everything else goes to pandas as bytes, decoded in C.
    content: bytes | str = data
    if encoding.startswith("utf-16"):
        content = data.decode(encoding, errors="replace").lstrip("\ufeff").replace("\x00", "")
    elif encoding in _WESTERN_SINGLE_BYTE and _UTF8_CHARACTER.search(data):
        content, fallback_lines, utf8_lines = _decode_lines(data)
        if utf8_lines:  # else a plain Windows-1252 file
            encoding = "utf-8" if utf8_lines >= len(fallback_lines) else "cp1252"
            notes.cp1252_lines, notes.utf8_lines = len(fallback_lines), utf8_lines
            notes.cp1252_line_numbers = fallback_lines[:10]
    del data
    if isinstance(content, str):
        on_disk = None
    notes.encoding = encoding

    def head(size: int) -> tuple[str, bool]:
        if isinstance(content, str):
            return content[:size], size >= len(content)
        return _decode_head(content, encoding, size), size >= len(content)

    head_text, _ = head(HEAD_BYTES)
    _refuse_other_formats(head_text, shown)
    delimiter = detect_delimiter(head_text)
    notes.delimiter = delimiter
    header, first_row = _header_and_first_row(head, delimiter)
    names = _column_names(header, shown, notes)
    lines = _Lines.of(content)
    reading = _TableReading(content, on_disk, encoding, delimiter, names, shown)
    if on_disk is not None:
        del content  # pandas reads the file on disk; these bytes need not stay in memory meanwhile
        reading.content = None
    # pandas cuts a first row longer than the header to fit (with index_col=False) and stops at a
    # later one: either way the file is read again, knowing its longest row.
    df = None if first_row is not None and len(first_row) > len(header) else reading.fast()
    if df is None:
        df = reading.with_extra_cells(notes)
    notes.empty_lines = lines.skipped(df, header_breaks=sum(_line_breaks(name) for name in header))
    return df


@dataclass
class _TableReading:
    """One text table and how to hand it to pandas."""

    content: bytes | str | None  # None: read it from the file on disk
    on_disk: Path | None
    encoding: str
    delimiter: str
    names: list[str]
    shown: str

    def options(self) -> dict:
        return dict(
            sep=self.delimiter,
            header=0,  # the header row, replaced by the names read from it
            index_col=False,  # never a column as the index: pandas does that when row 1 is longer
            keep_default_na=False,
            na_values=list(_MISSING_TEXT),
            skip_blank_lines=True,
            low_memory=False,
        )

    def fast(self) -> pd.DataFrame | None:
        """The table as pandas reads it, or None if a row is longer than the header."""
        if isinstance(self.content, str):
            source: object = io.StringIO(self.content)
            decoding = {}
        else:
            # pandas reads a file on disk itself, with no second copy of its bytes.
            source = self.on_disk if self.on_disk is not None else io.BytesIO(self.content)
            decoding = {"encoding": self.encoding, "encoding_errors": "replace"}
        try:
            return pd.read_csv(source, names=self.names, **decoding, **self.options())
        except pd.errors.EmptyDataError as error:
            raise LeadScoreInputError(_cap(_EMPTY_FILE.format(shown=self.shown))) from error
        except pd.errors.ParserError as error:
            if "Expected" in str(error):
                return None
            raise self.unreadable(str(error)) from error

    def with_extra_cells(self, notes: _ReadNotes) -> pd.DataFrame:
        """The table with a column "(extra N)" for every cell past the header's names."""
        text = self.text()
        try:
            width, extra_rows, extra_lines = scan_row_widths(text, self.delimiter, len(self.names))
        except csv.Error as error:
            raise self.unreadable(str(error)) from error
        notes.rows_with_extra_cells, notes.extra_cell_lines = extra_rows, extra_lines
        notes.extra_columns = _unique_names([f"(extra {k})" for k in range(1, width - len(self.names) + 1)], self.names)
        try:
            return pd.read_csv(
                io.StringIO(text), names=self.names + notes.extra_columns, usecols=range(width), **self.options()
            )
        except pd.errors.ParserError as error:
            raise self.unreadable(str(error)) from error

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        content = self.content if self.content is not None else self.on_disk.read_bytes()
        return content.decode(self.encoding, errors="replace").lstrip("\ufeff")

    def unreadable(self, error: str) -> LeadScoreInputError:
        """The message for a file pandas' parser stopped on, naming the line."""
        if "EOF inside string" in error or "EOF following escape" in error:
            return LeadScoreInputError(
                f"{_cap(self.shown)} could not be read as a table: line "
                f"{_open_quote_line(self.text(), self.delimiter)} of the file opens a quote (\") that is "
                "never closed, so everything after it would become one cell. Open the file in a text "
                "editor, close or remove that quote, save, and upload it again."
            )
        if _where(error):
            return LeadScoreInputError(
                f"{_cap(self.shown)} could not be read as a table: the rows do not all have the same "
                f"number of {_DELIMITER_NAMES[self.delimiter]}-separated columns{_where(error)}. Open it "
                "in a spreadsheet, check that row, save it as CSV again and upload it."
            )
        return LeadScoreInputError(
            f"{_cap(self.shown)} could not be read as a table of {_DELIMITER_NAMES[self.delimiter]}-separated "
            "values. Open it in a spreadsheet, check that its rows look right, save it as 'CSV UTF-8' "
            "and upload it again."
        )


def decodes_line_by_line(encoding: str) -> bool:
    """Whether a file whose start reads as ``encoding`` may mix UTF-8 and Windows-1252 lines, and is
    then read with :func:`decode_line`, one line at a time (UTF-8, or a Western single-byte guess)."""
    return encoding in ("utf-8", "utf-8-sig") or encoding in _WESTERN_SINGLE_BYTE


def decode_line(line: bytes) -> tuple[str, bool]:
    """One line of a file that may mix UTF-8 and Windows-1252 lines: its text, and whether it was
    UTF-8 (else it is read as Windows-1252, or Latin-1 for the five bytes Windows-1252 leaves out).

    >>> decode_line("José\\n".encode("cp1252"))
    ('José\\n', False)
    """
    try:
        return line.decode("utf-8"), True
    except UnicodeDecodeError:
        try:
            return line.decode("cp1252"), False
        except UnicodeDecodeError:
            return line.decode("latin-1"), False


def _decode_lines(data: bytes) -> tuple[str, list[int], int]:
    """Decode each line as UTF-8 if it is UTF-8, else as Windows-1252.

    Returns the text, the numbers (from 1) of the lines that were not UTF-8 and had other
    characters than plain ASCII, and how many non-ASCII lines were UTF-8.
    """
    parts, fallback, utf8_lines = [], [], 0
    for number, line in enumerate(data.splitlines(keepends=True), start=1):
        text, utf8 = decode_line(line)
        parts.append(text)
        if utf8:
            utf8_lines += not line.isascii()
        else:
            fallback.append(number)
    text = "".join(parts)
    return text.lstrip("\ufeff"), fallback, utf8_lines


def _header_and_first_row(
    head: Callable[[int], tuple[str, bool]], delimiter: str
) -> tuple[list[str], list[str] | None]:
    """The header and the first data row as the csv rules split them (blank lines skipped)."""
    size = HEAD_BYTES
    while True:
        head_text, whole = head(size)
        records = _first_records(head_text, delimiter, limit=3)
        # A third record means the second ended inside the head, so it is whole.
        if whole or len(records) >= 3:
            break
        size *= 4
    header = records[0] if records else []
    return header, (records[1] if len(records) > 1 else None)


def _first_records(text: str, delimiter: str, limit: int) -> list[list[str]]:
    """Up to ``limit`` records of ``text`` that are not blank lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        for record in reader:
            if not _blank_line(record):
                records.append(record)
                if len(records) >= limit:
                    break
    except csv.Error:
        pass  # what was read so far is enough to judge
    return records


def _blank_line(record: list[str]) -> bool:
    # pandas skips lines that are empty or only spaces; a line of separators is a row.
    return not record or (len(record) == 1 and not record[0].strip())


def _column_names(header: list[str], shown: str, notes: _ReadNotes | None = None) -> list[str]:
    """Column names from a header row: stripped, blanks named by their place, duplicates refused."""
    names = ["" if name is None else str(name).strip() for name in header]
    seen, duplicated = set(), []
    for name in names:
        if name and name in seen and name not in duplicated:
            duplicated.append(name)
        seen.add(name)
    if duplicated:
        listed = ", ".join(f"'{name}'" for name in duplicated)
        raise LeadScoreInputError(
            f"{_cap(shown)} has more than one column named {listed}. Rename the columns so each name "
            "appears once (for example 'phone' and 'phone 2'), save, and upload again."
        )
    blanks = [position for position, name in enumerate(names) if not name]
    given = _unique_names([f"(column {position + 1})" for position in blanks], [n for n in names if n])
    for position, name in zip(blanks, given):
        names[position] = name
    if notes is not None:
        notes.unnamed_columns = given
    return names


def _unique_names(wanted: list[str], taken: list[str]) -> list[str]:
    """``wanted`` names, with a number added to any that a real column already uses."""
    used, names = set(taken), []
    for name in wanted:
        candidate, k = name, 2
        while candidate in used:
            candidate, k = f"{name} {k}", k + 1
        used.add(candidate)
        names.append(candidate)
    return names


def scan_row_widths(lines: str | Iterable[str], delimiter: str, header_width: int) -> tuple[int, int, list[int]]:
    """The most cells in a row, how many rows have non-blank cells past the header, and where.

    ``lines`` is the whole text, or its lines as read with ``newline=""`` (a large file need not be
    held in memory). Line numbers count from 1 as a text editor shows them (a quoted cell may span
    lines); the first ten are returned.
    """
    reader = csv.reader(io.StringIO(lines, newline="") if isinstance(lines, str) else lines, delimiter=delimiter)
    width, extra_rows, extra_lines = header_width, 0, []
    previous_line, seen_header = 0, False
    for record in reader:
        start, previous_line = previous_line + 1, reader.line_num
        if _blank_line(record):
            continue
        if not seen_header:
            seen_header = True
            continue
        if len(record) > header_width:
            width = max(width, len(record))
            if any(cell.strip() for cell in record[header_width:]):
                extra_rows += 1
                if len(extra_lines) < 10:
                    extra_lines.append(start)
    return width, extra_rows, extra_lines


def _open_quote_line(text: str, delimiter: str) -> int:
    """The line where the last row starts: a quote never closed makes it swallow the rest."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start, previous_line = 1, 0
    try:
        for record in reader:
            if not _blank_line(record):
                start = previous_line + 1
            previous_line = reader.line_num
    except csv.Error:
        start = previous_line + 1
    return start


@dataclass(frozen=True)
class _Lines:
    """The lines of a text file, counted before pandas reads it, to find the empty ones after."""

    count: int
    has_quotes: bool

    @classmethod
    def of(cls, content: bytes | str) -> "_Lines":
        # Counting line ends runs at memory speed.
        cr, lf, quote = ("\r", "\n", '"') if isinstance(content, str) else (b"\r", b"\n", b'"')
        last_line = content[max(content.rfind(cr), content.rfind(lf)) + 1 :]
        return cls(_line_breaks(content) + (len(last_line) > 0), quote in content)  # the last line may have no end

    def skipped(self, df: pd.DataFrame, *, header_breaks: int) -> int:
        """Lines pandas skipped because nothing but spaces was on them.

        Every other line is a row, or part of a row whose quoted cell runs over several lines, so
        the count is the lines less the rows and the line breaks inside cells. Cells are looked at
        only when the numbers differ, and only if the file has quotes at all.
        """
        skipped = self.count - (len(df) + 1) - header_breaks
        if skipped <= 0 or not self.has_quotes:
            return max(skipped, 0)
        for column in df.columns:
            values = df[column].dropna()
            if pd.api.types.is_object_dtype(values.dtype):
                values = values[[isinstance(v, str) for v in values]].astype(str)
            if pd.api.types.is_string_dtype(values.dtype) and len(values):
                skipped -= int(_line_breaks_in(values))
        return max(skipped, 0)


def _line_breaks_in(values: pd.Series) -> int:
    return values.str.count("\n").sum() + values.str.count("\r").sum() - values.str.count("\r\n").sum()


def _line_breaks(text: bytes | str) -> int:
    """Line ends in the text: CRLF, CR or LF, as pandas splits lines."""
    cr, lf = (b"\r", b"\n") if isinstance(text, bytes) else ("\r", "\n")
    return text.count(lf) + text.count(cr) - text.count(cr + lf)


# --------------------------------------------------------------------------------------------
# Excel workbooks (.xlsx)


def _read_workbook(data: bytes, shown: str, sheet: str | int | None, notes: _ReadNotes) -> pd.DataFrame:
    workbook = _open_workbook(data, shown, data_only=True)
    try:
        notes.sheets = [worksheet.title for worksheet in workbook.worksheets]
        worksheet = _choose_sheet(workbook, notes.sheets, sheet, shown)
        notes.sheet, notes.sheet_chosen = worksheet.title, sheet is not None
        sheet_path = getattr(worksheet, "_worksheet_path", None)
        # The declared size of a sheet can be anything: read the rows that are there.
        worksheet.reset_dimensions()
        rows = [list(row) for row in worksheet.iter_rows(values_only=True)]
    except LeadScoreInputError:
        raise
    except Exception as error:  # openpyxl raises many types for damaged workbooks
        raise _unopenable(shown, error) from error
    finally:
        workbook.close()

    top = next((i for i, row in enumerate(rows) if not _blank_cells(row)), None)
    if top is None:
        return pd.DataFrame()
    while rows and _blank_cells(rows[-1]):  # formatted but empty rows below the table
        rows.pop()
    width = max(len(row) for row in rows)
    header = rows[top] + [None] * (width - len(rows[top]))
    body = [row + [None] * (width - len(row)) for row in rows[top + 1 :]]
    names = _column_names(["" if h is None else h for h in header], shown, notes)
    notes.formula_cells_without_values = _formula_cells_without_values(data, sheet_path, worksheet.title, rows, top, names)
    df = pd.DataFrame(body, columns=names, dtype=object)
    for column in df.columns:
        values = df[column]
        # Excel text cells that mean "nothing", as pandas reads them from a CSV.
        missing = values.isin(_MISSING_TEXT)
        # Column by column: a frame of text only is left as objects by DataFrame.infer_objects.
        df[column] = (values.mask(missing) if missing.any() else values).infer_objects()
    return df


def _open_workbook(data: bytes, shown: str, *, data_only: bool):
    """Open an .xlsx file with openpyxl, after checking it is one and is safe to unpack."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        # Each part is named at its start too: an Excel file cut short still shows its "xl/" parts.
        what = "an Excel file" if b"xl/" in data[:65536] else "a zip file"
        raise LeadScoreInputError(
            f"{_cap(shown)} looks like {what} but is damaged or incomplete (cut short while downloading "
            "or copying?). Download or export it again, or open it in Excel and save it again, and "
            "upload the new file."
        ) from None
    names = {part.filename for part in parts}
    if "xl/workbook.bin" in names:
        raise LeadScoreInputError(
            f"{_cap(shown)} is an Excel binary workbook (.xlsb), which LeadScore does not read. Open it "
            "in Excel, use Save As and choose 'Excel Workbook (.xlsx)' or 'CSV UTF-8', and upload that file."
        )
    if "content.xml" in names and "mimetype" in names:
        raise LeadScoreInputError(
            f"{_cap(shown)} is an OpenDocument file (LibreOffice, .ods), which LeadScore does not read. "
            "Open it, use Save As and choose 'Excel 2007-365 (.xlsx)' or CSV, and upload that file."
        )
    if "xl/workbook.xml" not in names:
        raise LeadScoreInputError(
            f"{_cap(shown)} is a compressed (zip) file or another document, not a table of leads. "
            "Unzip it first, or export your leads as CSV or Excel (.xlsx), and upload that file."
        )
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        raise LeadScoreInputError(
            f"{_cap(shown)} unpacks to {unpacked / 1024**3:,.1f} GB, more than the "
            f"{MAX_UNPACKED_BYTES / 1024**3:,.0f} GB LeadScore opens (an export of leads is far "
            "smaller, so the file may be damaged or not a real export). Open it in Excel, save the "
            "sheet with your leads as 'CSV UTF-8', and upload that file."
        )
    try:
        import openpyxl

        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as error:  # openpyxl raises many types for damaged workbooks
        raise _unopenable(shown, error) from error


def _unopenable(shown: str, error: Exception) -> LeadScoreInputError:
    return LeadScoreInputError(
        f"{_cap(shown)} looks like an Excel file but could not be opened ({type(error).__name__}). "
        "Open it in Excel, save it again as .xlsx or CSV, and upload it again."
    )


def _choose_sheet(workbook, sheets: list[str], sheet: str | int | None, shown: str):
    listed = ", ".join(f"'{name}'" for name in sheets)
    if not sheets:
        raise LeadScoreInputError(
            f"{_cap(shown)} has no sheet with cells (only charts?). Save the sheet with your leads as "
            ".xlsx or CSV and upload it."
        )
    if sheet is None:
        return workbook.worksheets[0]
    if isinstance(sheet, str):
        wanted = sheet.strip()
        for position, name in enumerate(sheets):
            if name == sheet or name.strip().lower() == wanted.lower():
                return workbook.worksheets[position]
        if wanted.isdigit():
            sheet = int(wanted)
    if isinstance(sheet, (int, np.integer)) and not isinstance(sheet, bool):
        if 1 <= sheet <= len(sheets):
            return workbook.worksheets[int(sheet) - 1]
        raise LeadScoreInputError(
            f"{_cap(shown)} has {len(sheets)} sheet{'s' if len(sheets) != 1 else ''}, so there is no "
            f"sheet number {sheet}. Its sheets are: {listed}. Choose one of these."
        )
    raise LeadScoreInputError(
        f"{_cap(shown)} has no sheet named '{sheet}'. Its sheets are: {listed}. Choose one of these."
    )


def _formula_cells_without_values(
    data: bytes, sheet_path: str | None, title: str, values: list[list], top: int, names: list[str]
) -> dict[str, int]:
    """Column -> formula cells below the header whose result was never saved (they read as blank).

    openpyxl gives either the saved results or the formulas, so the sheet is read a second time
    for its formulas, only when its XML shows a formula without a result.
    """
    import openpyxl

    counts: dict[str, int] = {}
    try:
        if sheet_path is None or not _has_formulas_without_values(data, sheet_path):
            return counts
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            worksheet = workbook[title]
            worksheet.reset_dimensions()
            for index, row in enumerate(worksheet.iter_rows(values_only=True)):
                if index <= top or index >= len(values):
                    continue
                for position, cell in enumerate(row[: len(names)]):
                    formula = (isinstance(cell, str) and cell.startswith("=")) or type(cell).__name__ in (
                        "ArrayFormula",
                        "DataTableFormula",
                    )
                    saved = values[index][position] if position < len(values[index]) else None
                    if formula and saved is None:
                        counts[names[position]] = counts.get(names[position], 0) + 1
        finally:
            workbook.close()
    except Exception:  # noqa: BLE001 - the values were read; a sheet whose formulas cannot be is not worth refusing
        return {}
    return counts


def _has_formulas_without_values(data: bytes, sheet_path: str) -> bool:
    """Whether the sheet's XML holds a formula whose result was not saved (read in pieces)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(sheet_path.lstrip("/")) as xml:
        tail = b""
        while chunk := xml.read(16 << 20):
            piece = tail + chunk
            if _FORMULA_WITHOUT_VALUE.search(piece):
                return True
            tail = piece[-65536:]  # a cell cut between two pieces is whole in the next one
    return False


def _blank_cells(row: list) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in row)


def _other_sheets(notes: _ReadNotes) -> str:
    others = [name for name in notes.sheets if name != notes.sheet]
    if not others:
        return ""
    listed = ", ".join(f"'{name}'" for name in others)
    return f"The workbook also has the sheet{'s' if len(others) > 1 else ''} {listed}: choose the sheet with your leads."


# --------------------------------------------------------------------------------------------
# The table, whatever the format


def _drop_unnamed_empty_columns(df: pd.DataFrame, notes: _ReadNotes) -> None:
    """Leave out columns with neither a name nor a value: they hold nothing to lose."""
    generated = set(notes.unnamed_columns) | set(notes.extra_columns)
    empty = [c for c in df.columns if c in generated and _blank_text(df[c]).all()]
    if empty:
        for column in empty:
            del df[column]
        notes.empty_columns_dropped = len(empty)
        notes.unnamed_columns = [c for c in notes.unnamed_columns if c not in empty]
        notes.extra_columns = [c for c in notes.extra_columns if c not in empty]


def _blank_text(values: pd.Series) -> np.ndarray:
    """Which values are missing or text made only of spaces."""
    blank = values.isna().to_numpy(dtype=bool)
    if blank.all() or not (pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype)):
        return blank
    # Judge each distinct value once: columns repeat their values, and this runs on every column.
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    spaces = np.array([isinstance(v, str) and not v.strip() for v in uniques] + [True], dtype=bool)
    return spaces[codes]  # code -1 (missing) picks the last entry


def _blank_rows(df: pd.DataFrame) -> np.ndarray:
    """Rows where every cell is missing or only spaces, checked column by column on the rest."""
    blank = np.ones(len(df), dtype=bool)
    for position in range(df.shape[1]):
        rows = np.flatnonzero(blank)
        if len(rows) == 0:
            break
        blank[rows] = _blank_text(df.iloc[rows, position])
    return blank


def _convert_text_columns(df: pd.DataFrame, notes: _ReadNotes, *, decimal_comma: bool) -> None:
    for column in list(df.columns):
        series = df[column]
        if pd.api.types.is_float_dtype(series.dtype):
            numbers, infinite = to_number(series)
            if infinite:  # "inf" and "1e309" read by pandas as numbers a model cannot use
                df[column] = numbers
                notes.unreadable_numbers[column] = infinite
            continue
        if not (pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype)):
            continue
        if _looks_like_numbers(series, decimal_comma=decimal_comma):
            numbers, not_numbers = to_number(series, decimal_comma=decimal_comma or None)
            df[column] = numbers
            if not_numbers:
                notes.unreadable_numbers[column] = not_numbers
            continue
        # Outside columns of numbers, "NaN" means a blank cell, as pandas reads it.
        spelled_nan = series.isin(_NAN_SPELLINGS)
        if spelled_nan.any():
            series = series.mask(spelled_nan)
            df[column] = series
        found = _read_dates(series)
        if found.dates is not None:
            df[column] = found.dates
            if found.serials:
                notes.excel_serial_dates[column] = found.serials
            if found.unreadable:
                notes.unreadable_dates[column] = found.unreadable


def _looks_like_numbers(series: pd.Series, *, decimal_comma: bool) -> bool:
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


@dataclass(frozen=True)
class _Dates:
    dates: pd.Series | None
    serials: int = 0
    unreadable: int = 0


def _read_dates(series: pd.Series) -> _Dates:
    """The column as dates if nearly all its values are dates, with what was unusual."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return _Dates(_naive(series))
    values = series.dropna()
    if len(values) == 0 or pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return _Dates(None)
    sample = values.astype(str).str.strip()
    if len(sample) > DETECTION_SAMPLE:
        sample = sample.sample(DETECTION_SAMPLE, random_state=0)
    sample = sample[sample != ""]
    # Patterns as text, so that pandas hands them to pyarrow's regular expressions.
    serial = sample.str.match(_EXCEL_SERIAL_RE.pattern).to_numpy(dtype=bool)
    written = sample[~serial]
    # Excel day numbers only make sense next to dates, which must be most of the column.
    if len(written) == 0 or len(written) < serial.sum():
        return _Dates(None)
    if written.str.contains(_DATE_RE.pattern).mean() < NEARLY_ALL:
        return _Dates(None)
    best = _dayfirst(written)
    if best is not None and best[1] < NEARLY_ALL * len(written):
        # Some dates in another format than the first one: read those one by one.
        parsed = _parse_dates_in_any_format(written, best[0])
        best = (best[0], 0 if parsed is None else parsed.notna().sum())
    if best is None or best[1] < NEARLY_ALL * len(written):
        return _Dates(None)
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


def _dates_and_day_numbers(series: pd.Series, dayfirst: bool, *, near_written_dates: bool) -> _Dates:
    """Every value of a date column read: written dates in any format, Excel day numbers as their
    dates (with ``near_written_dates``, only those near the column's written dates)."""
    text = series.astype("string").str.strip()
    present = text.notna() & (text != "")
    is_serial = present & text.str.match(_EXCEL_SERIAL_RE.pattern).fillna(False).astype(bool)
    parsed = _parse_dates_in_any_format(text.mask(is_serial), dayfirst)
    if parsed is None:
        return _Dates(None)
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
    return _Dates(parsed.rename(series.name), serials, unreadable)


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


# --------------------------------------------------------------------------------------------
# Words for the user


def _warnings(notes: _ReadNotes) -> list[str]:
    """What the user should know about how the file was read, each with what to do."""
    found = []
    if len(notes.sheets) > 1 and not notes.sheet_chosen:
        others = ", ".join(f"'{name}'" for name in notes.sheets[1:])
        found.append(
            f"This workbook has {len(notes.sheets)} sheets; only the first, '{notes.sheet}', was read "
            f"(the others: {others}). If your leads are on another sheet, choose it."
        )
    if notes.cp1252_lines:
        found.append(mixed_encoding_warning(notes.utf8_lines, notes.cp1252_lines, notes.cp1252_line_numbers))
    if notes.rows_with_extra_cells:
        found.append(extra_cells_warning(notes.rows_with_extra_cells, notes.extra_cell_lines, notes.extra_columns))
    if notes.unnamed_columns:
        found.append(
            f"{_count(len(notes.unnamed_columns), 'column')} {_have(len(notes.unnamed_columns))} no name in the "
            f"header and {'are' if len(notes.unnamed_columns) > 1 else 'is'} called "
            f"{', '.join(repr(c) for c in notes.unnamed_columns)}. Give "
            f"{'them names' if len(notes.unnamed_columns) > 1 else 'it a name'} in your spreadsheet if "
            f"{'they matter' if len(notes.unnamed_columns) > 1 else 'it matters'}."
        )
    if notes.blank_rows:
        many = notes.blank_rows > 1
        found.append(
            f"{_count(notes.blank_rows, 'row')} {_have(notes.blank_rows)} no values at all; "
            f"{'they are kept as empty rows' if many else 'it is kept as an empty row'} so that rows stay "
            f"in place, and {'count as leads' if many else 'counts as a lead'} still in the pipeline. "
            f"Delete {'them' if many else 'it'} in your spreadsheet if {'they are not leads' if many else 'it is not a lead'}."
        )
    for column, count in notes.formula_cells_without_values.items():
        many = count > 1
        found.append(
            f"{_count(count, 'cell')} in '{column}' {'are formulas' if many else 'is a formula'} whose "
            f"result was never saved in the file, so {'they read' if many else 'it reads'} as blank. Open "
            "the file in Excel, let it calculate, save it, and upload it again."
        )
    found += [day_numbers_note(column, count) for column, count in notes.excel_serial_dates.items()]
    found += [unreadable_dates_note(column, count) for column, count in notes.unreadable_dates.items()]
    if notes.nul_bytes:
        found.append(
            f"The file contained {_count(notes.nul_bytes, 'NUL character')} (invisible padding some "
            f"systems write); {'they were' if notes.nul_bytes > 1 else 'it was'} removed."
        )
    return found


def day_numbers_note(column: str, count: int) -> str:
    """What the user reads when ``count`` values of a date column were Excel day numbers."""
    some = "were numbers such as" if count > 1 else "was a number such as"
    return (
        f"{_count(count, 'value')} in the date column '{column}' {some} 45231, which is how Excel "
        f"stores a date (45231 is 1 November 2023); {'they were' if count > 1 else 'it was'} read as "
        f"{'those dates' if count > 1 else 'that date'}. Check {'them' if count > 1 else 'it'}, and "
        "format the column as dates in your spreadsheet."
    )


def unreadable_dates_note(column: str, count: int) -> str:
    """What the user reads when ``count`` values of a date column were no date."""
    return (
        f"{_count(count, 'value')} in the date column '{column}' could not be read as "
        f"{'dates and count' if count > 1 else 'a date and counts'} as missing. Check the column in "
        "your spreadsheet."
    )


def mixed_encoding_warning(utf8_lines: int, cp1252_lines: int, line_numbers: list[int]) -> str:
    """What to tell the user about a file mixing UTF-8 lines (those with accents counted) and
    Windows-1252 lines (``line_numbers``: the first of them)."""
    return (
        f"This file mixes two encodings: {_count(utf8_lines, 'line')} with accents "
        f"{'are' if utf8_lines > 1 else 'is'} UTF-8, {_count(cp1252_lines, 'line')} "
        f"{'are' if cp1252_lines > 1 else 'is'} Windows-1252 ({_lines(line_numbers, cp1252_lines)}). "
        "Each line was read in its own encoding; check the accented letters there. To avoid this, export "
        "the file again as 'CSV UTF-8'."
    )


def extra_cells_warning(rows: int, line_numbers: list[int], extra_columns: list[str]) -> str:
    """What to tell the user about ``rows`` rows with more cells than the header has names (the
    first of them on ``line_numbers``), kept in ``extra_columns``."""
    extra = [f"'{name}'" for name in extra_columns]
    kept = f" in the column{'s' if len(extra) > 1 else ''} {', '.join(extra)}" if extra else ""
    return (
        f"{_count(rows, 'row')} {_have(rows)} more cells "
        f"than the header has names ({_lines(line_numbers, rows)}); "
        f"the extra cells are kept{kept}. A value with an unquoted separator usually causes "
        "this and moves the rest of that row one column to the right: check those rows."
    )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'s' if n != 1 else ''}"


def _were(n: int) -> str:
    return "were" if n != 1 else "was"


def _have(n: int) -> str:
    return "have" if n != 1 else "has"


def _lines(numbers: list[int], total: int) -> str:
    shown = ", ".join(str(n) for n in numbers)
    more = ", ..." if total > len(numbers) else ""
    return f"line{'s' if total > 1 else ''} {shown}{more}"


# --------------------------------------------------------------------------------------------
# Small helpers


def _is_utf8(data: bytes) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        # final=False everywhere: a head cut in the middle of a character is still UTF-8.
        for start in range(0, len(data), 1 << 20):
            decoder.decode(data[start : start + (1 << 20)], final=False)
    except UnicodeDecodeError:
        return False
    # An unfinished character at the end of a small, whole file (a Windows-1252 "Café") is not UTF-8.
    return not decoder.getstate()[0] or len(data) >= 65536


def _utf8_line(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_head(data: bytes, encoding: str, size: int = 65536) -> str:
    # "replace", as pandas decodes the whole file, so that header names match its reading.
    return data[:size].decode(encoding, errors="replace").lstrip("\ufeff")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def _where(error: str) -> str:
    """Where pandas' parser stopped, in spreadsheet words ("row 3 has 4 cells ...")."""
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", error)
    if not found:
        return ""
    expected, line, saw = found.groups()
    return f" (line {line} of the file has {saw} cells where the header has {expected})"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
