"""Delimited text: which separator a file uses, and its rows as the csv rules split them.

Comma, semicolon, tab or pipe; quoted cells may hold separators and line breaks. Used on the head of
a file (to choose how pandas reads it) and, line by line, to find rows longer than the header.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

import pandas as pd

__all__ = ["DELIMITERS", "DELIMITER_NAMES", "detect_delimiter", "first_records", "blank_line", "scan_row_widths", "open_quote_line", "line_breaks", "line_breaks_in", "parser_stop_place"]

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}

# A notes cell can be longer than the csv module's default limit (128 KB); pandas has no limit.
csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))


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
        records = first_records(text, delimiter, limit=51)
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


def first_records(text: str, delimiter: str, limit: int) -> list[list[str]]:
    """Up to ``limit`` records of ``text`` that are not blank lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        for record in reader:
            if not blank_line(record):
                records.append(record)
                if len(records) >= limit:
                    break
    except csv.Error:
        pass  # what was read so far is enough to judge
    return records


def blank_line(record: list[str]) -> bool:
    # pandas skips lines that are empty or only spaces; a line of separators is a row.
    return not record or (len(record) == 1 and not record[0].strip())


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
        if blank_line(record):
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


def open_quote_line(text: str, delimiter: str) -> int:
    """The line where the last row starts: a quote never closed makes it swallow the rest."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start, previous_line = 1, 0
    try:
        for record in reader:
            if not blank_line(record):
                start = previous_line + 1
            previous_line = reader.line_num
    except csv.Error:
        start = previous_line + 1
    return start



def line_breaks_in(values: pd.Series) -> int:
    return values.str.count("\n").sum() + values.str.count("\r").sum() - values.str.count("\r\n").sum()


def line_breaks(text: bytes | str) -> int:
    """Line ends in the text: CRLF, CR or LF, as pandas splits lines."""
    cr, lf = (b"\r", b"\n") if isinstance(text, bytes) else ("\r", "\n")
    return text.count(lf) + text.count(cr) - text.count(cr + lf)


def parser_stop_place(error: str) -> str:
    """Where pandas' parser stopped, in spreadsheet words ("row 3 has 4 cells ...")."""
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", error)
    if not found:
        return ""
    expected, line, saw = found.groups()
    return f" (line {line} of the file has {saw} cells where the header has {expected})"
