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

import os
from pathlib import Path

import pandas as pd

from leadscore.errors import LeadScoreInputError
from leadscore.io.as_written import KEY as AS_WRITTEN
from leadscore.io.as_written import AsWritten
from leadscore.io.cells import DETECTION_SAMPLE, NAN_SPELLINGS, NEARLY_ALL, blank_rows, blank_text
from leadscore.io.dates import read_date_column, read_dates, to_datetime_if_dates
from leadscore.io.decoding import decode_line, decodes_line_by_line, detect_encoding
from leadscore.io.delimited import detect_delimiter, scan_row_widths
from leadscore.io.formats import EMPTY_FILE, MAX_UPLOAD_BYTES, Source, load_bytes, refuse_binary
from leadscore.io.messy_numbers import looks_like_numbers, to_number
from leadscore.io.notes import (
    ReadNotes,
    day_numbers_note,
    extra_cells_warning,
    mixed_encoding_warning,
    unreadable_dates_note,
)
from leadscore.io.text_table import check_text_table, read_text
from leadscore.io.wording import capitalised
from leadscore.io.workbook import MAX_UNPACKED_BYTES, open_workbook, other_sheets, read_workbook

# The entry points, and the names the rest of LeadScore has always imported from here (each is
# defined in the module of its idea).
__all__ = [
    "MAX_UPLOAD_BYTES",
    "NEARLY_ALL",
    "DETECTION_SAMPLE",
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
        and what the user should check (see the module documentation);
        ``df.attrs["leadscore_as_written"]`` keeps the cells as the file wrote them, for the
        outputs (see :func:`leadscore.io.as_written.cells_as_written`).

    Raises
    ------
    LeadScoreInputError
        The file is empty, too large, not a table (an image, a PDF, a zip, a web page, JSON, an
        old or password-protected Excel file), has duplicated column names, has a header but no
        leads, opens a quote it never closes, or is an Excel file that cannot be opened or has no
        such sheet.
    """
    data, filename = load_bytes(source, filename, max_bytes)
    shown = f"'{filename}'" if filename else "The file"
    if not data.strip(b" \t\r\n\x00"):
        raise LeadScoreInputError(capitalised(EMPTY_FILE.format(shown=shown)))
    notes = ReadNotes()
    if data.startswith(b"PK\x03\x04"):
        df, text = read_workbook(data, shown, sheet, notes)
        read_text_again = None
        where = f"The sheet '{notes.sheet}' of {shown}" if len(notes.sheets) > 1 else capitalised(shown)
    else:
        if sheet not in (None, 1, "1"):
            raise LeadScoreInputError(
                f"{capitalised(shown)} is a text (CSV) file, which has no sheets. Leave out the sheet, or "
                "upload the Excel workbook instead."
            )
        on_disk = Path(source) if isinstance(source, (str, os.PathLike)) else None
        # Handed over in a list, so that the bytes can be let go while pandas reads the file on disk.
        handed_over = [data]
        del data
        df, read_text_again = read_text(handed_over, on_disk, shown, notes)
        text = None
        where = capitalised(shown)

    _drop_unnamed_empty_columns(df, notes)
    if len(df.columns) == 0:
        raise LeadScoreInputError(
            f"{where} is empty. " + (other_sheets(notes) or "Export your leads again with a header row and at least one lead.")
        )
    blank = blank_rows(df)
    notes.blank_rows = int(blank.sum())
    if len(df) == notes.blank_rows:
        rows = "" if len(df) == 0 else f" (its {len(df):,} row{'s are' if len(df) > 1 else ' is'} empty)"
        raise LeadScoreInputError(
            f"{where} has column names but no leads{rows}. "
            + (other_sheets(notes) or "Export the file again including the rows of your leads, not only the header.")
        )
    _convert_text_columns(df, notes, decimal_comma=notes.delimiter == ";")
    df.attrs["leadscore_read"] = notes.as_attrs()
    df.attrs[AS_WRITTEN] = AsWritten(df, text=text, read_text=read_text_again)
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
    data, filename = load_bytes(source, filename, max_bytes)
    shown = f"'{filename}'" if filename else "The file"
    if not data.startswith(b"PK\x03\x04"):
        refuse_binary(data, shown)
        return []
    workbook = open_workbook(data, shown, data_only=True)
    try:
        return [worksheet.title for worksheet in workbook.worksheets]
    finally:
        workbook.close()


def _drop_unnamed_empty_columns(df: pd.DataFrame, notes: ReadNotes) -> None:
    """Leave out columns with neither a name nor a value: they hold nothing to lose."""
    generated = set(notes.unnamed_columns) | set(notes.extra_columns)
    empty = [c for c in df.columns if c in generated and blank_text(df[c]).all()]
    if empty:
        for column in empty:
            del df[column]
        notes.empty_columns_dropped = len(empty)
        notes.unnamed_columns = [c for c in notes.unnamed_columns if c not in empty]
        notes.extra_columns = [c for c in notes.extra_columns if c not in empty]


def _convert_text_columns(df: pd.DataFrame, notes: ReadNotes, *, decimal_comma: bool) -> None:
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
        if looks_like_numbers(series, decimal_comma=decimal_comma):
            numbers, not_numbers = to_number(series, decimal_comma=decimal_comma or None)
            df[column] = numbers
            if not_numbers:
                notes.unreadable_numbers[column] = not_numbers
            continue
        # Outside columns of numbers, "NaN" means a blank cell, as pandas reads it.
        spelled_nan = series.isin(NAN_SPELLINGS)
        if spelled_nan.any():
            series = series.mask(spelled_nan)
            df[column] = series
        found = read_dates(series)
        if found.dates is not None:
            df[column] = found.dates
            if found.serials:
                notes.excel_serial_dates[column] = found.serials
            if found.unreadable:
                notes.unreadable_dates[column] = found.unreadable
