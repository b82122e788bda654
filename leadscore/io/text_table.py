"""A text (CSV, TSV, "Unicode text") file read into a table, losing nothing.

The encoding and separator are judged on the file's head; pandas then reads the file (from disk when
it can, so its bytes need not stay in memory). Rows longer than the header keep their extra cells in
"(extra N)" columns; empty lines are counted.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from leadscore.errors import LeadScoreInputError
from leadscore.io.cells import MISSING_TEXT
from leadscore.io.decoding import UTF8_CHARACTER, WESTERN_SINGLE_BYTE, decode_head, decode_lines, detect_encoding
from leadscore.io.delimited import (
    DELIMITER_NAMES,
    detect_delimiter,
    first_records,
    line_breaks,
    line_breaks_in,
    open_quote_line,
    parser_stop_place,
    scan_row_widths,
)
from leadscore.io.formats import EMPTY_FILE, refuse_binary, refuse_other_formats
from leadscore.io.header import column_names, unique_names
from leadscore.io.notes import ReadNotes
from leadscore.io.wording import capitalised

__all__ = ["HEAD_BYTES", "check_text_table", "read_text"]

# Encoding, delimiter and header are judged on the start of a text file.
HEAD_BYTES = 1 << 20


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
        raise LeadScoreInputError(capitalised(EMPTY_FILE.format(shown=shown)))
    refuse_binary(head, shown)
    encoding = detect_encoding(head)
    head_text = decode_head(head.replace(b"\x00", b"") if not encoding.startswith("utf-16") else head, encoding)
    refuse_other_formats(head_text, shown)
    delimiter = detect_delimiter(head_text)
    records = first_records(head_text, delimiter, limit=1)
    column_names(records[0] if records else [], shown)
    return encoding, delimiter



def read_text(
    handed_over: list[bytes], on_disk: Path | None, shown: str, notes: ReadNotes
) -> tuple[pd.DataFrame, Callable[[], pd.DataFrame]]:
    """The table of a text file, and a function that reads its cells again as text, as written."""
    data = handed_over.pop()
    refuse_binary(data, shown)
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
    elif encoding in WESTERN_SINGLE_BYTE and UTF8_CHARACTER.search(data):
        content, fallback_lines, utf8_lines = decode_lines(data)
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
        return decode_head(content, encoding, size), size >= len(content)

    head_text, _ = head(HEAD_BYTES)
    refuse_other_formats(head_text, shown)
    delimiter = detect_delimiter(head_text)
    notes.delimiter = delimiter
    header, first_row = _header_and_first_row(head, delimiter)
    names = column_names(header, shown, notes)
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
    notes.empty_lines = lines.skipped(df, header_breaks=sum(line_breaks(name) for name in header))
    return df, reading.as_text


@dataclass
class _TableReading:
    """One text table and how to hand it to pandas."""

    content: bytes | str | None  # None: read it from the file on disk
    on_disk: Path | None
    encoding: str
    delimiter: str
    names: list[str]
    shown: str
    # Set when rows are longer than the header: the names of the "(extra N)" columns, the widest row.
    extra_columns: list[str] = field(default_factory=list)
    width: int | None = None

    def options(self) -> dict:
        return dict(
            sep=self.delimiter,
            header=0,  # the header row, replaced by the names read from it
            index_col=False,  # never a column as the index: pandas does that when row 1 is longer
            keep_default_na=False,
            na_values=list(MISSING_TEXT),
            skip_blank_lines=True,
            low_memory=False,
        )

    def as_text(self) -> pd.DataFrame:
        """The table again, every cell as text exactly as written (a blank cell is ""): the same
        rows, since the same parser splits them, only nothing is converted."""
        options = {**self.options(), "dtype": str, "na_filter": False}
        del options["na_values"]
        if self.width is not None:
            names = self.names + self.extra_columns
            return pd.read_csv(io.StringIO(self.text()), names=names, usecols=range(self.width), **options)
        if isinstance(self.content, str):
            return pd.read_csv(io.StringIO(self.content), names=self.names, **options)
        source = self.on_disk if self.content is None else io.BytesIO(self.content)
        return pd.read_csv(source, names=self.names, encoding=self.encoding, encoding_errors="replace", **options)

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
            raise LeadScoreInputError(capitalised(EMPTY_FILE.format(shown=self.shown))) from error
        except pd.errors.ParserError as error:
            if "Expected" in str(error):
                return None
            raise self.unreadable(str(error)) from error

    def with_extra_cells(self, notes: ReadNotes) -> pd.DataFrame:
        """The table with a column "(extra N)" for every cell past the header's names."""
        text = self.text()
        try:
            width, extra_rows, extra_lines = scan_row_widths(text, self.delimiter, len(self.names))
        except csv.Error as error:
            raise self.unreadable(str(error)) from error
        notes.rows_with_extra_cells, notes.extra_cell_lines = extra_rows, extra_lines
        notes.extra_columns = unique_names([f"(extra {k})" for k in range(1, width - len(self.names) + 1)], self.names)
        self.extra_columns, self.width = list(notes.extra_columns), width
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
                f"{capitalised(self.shown)} could not be read as a table: line "
                f"{open_quote_line(self.text(), self.delimiter)} of the file opens a quote (\") that is "
                "never closed, so everything after it would become one cell. Open the file in a text "
                "editor, close or remove that quote, save, and upload it again."
            )
        if parser_stop_place(error):
            return LeadScoreInputError(
                f"{capitalised(self.shown)} could not be read as a table: the rows do not all have the same "
                f"number of {DELIMITER_NAMES[self.delimiter]}-separated columns{parser_stop_place(error)}. Open it "
                "in a spreadsheet, check that row, save it as CSV again and upload it."
            )
        return LeadScoreInputError(
            f"{capitalised(self.shown)} could not be read as a table of {DELIMITER_NAMES[self.delimiter]}-separated "
            "values. Open it in a spreadsheet, check that its rows look right, save it as 'CSV UTF-8' "
            "and upload it again."
        )


def _header_and_first_row(
    head: Callable[[int], tuple[str, bool]], delimiter: str
) -> tuple[list[str], list[str] | None]:
    """The header and the first data row as the csv rules split them (blank lines skipped)."""
    size = HEAD_BYTES
    while True:
        head_text, whole = head(size)
        records = first_records(head_text, delimiter, limit=3)
        # A third record means the second ended inside the head, so it is whole.
        if whole or len(records) >= 3:
            break
        size *= 4
    header = records[0] if records else []
    return header, (records[1] if len(records) > 1 else None)


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
        return cls(line_breaks(content) + (len(last_line) > 0), quote in content)  # the last line may have no end

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
                skipped -= int(line_breaks_in(values))
        return max(skipped, 0)
