"""Read a lead file of any size in chunks, every value kept as text exactly as written.

The command line scores files far larger than memory; :func:`iter_lead_chunks` hands them over a
chunk at a time, read with the same checks as :func:`leadscore.io.read.read_leads` (encoding,
delimiter, refused files), no column ever taken as the index, every row kept. A file mixing UTF-8
and Windows-1252 lines is decoded line by line as :func:`~leadscore.io.read.read_leads` decodes it, a
block of lines at a time, and :class:`FileNotes` collects what to tell the user.

Example
-------
>>> sum(len(chunk) for chunk in iter_lead_chunks("sample_data/new_leads.csv", chunksize=100))  # doctest: +SKIP
500
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from leadscore.errors import LeadScoreInputError
from leadscore.io.read import (
    check_text_table,
    decode_line,
    decodes_line_by_line,
    extra_cells_warning,
    mixed_encoding_warning,
    read_leads,
    scan_row_widths,
)

__all__ = ["iter_lead_chunks", "widest_row", "FileNotes", "RaggedRows"]

# pandas' words for a row longer than the first one it read ("Expected 23 fields in line 5, saw 24").
_LONGER_ROW = re.compile(r"Expected \d+ fields in line \d+, saw \d+")
# pandas: "EOF inside string starting at row 3" (rows counted from 0, the header row 0).
_OPEN_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")


class RaggedRows(Exception):
    """Some rows have more cells than the header: read again with room for the extra cells."""


@dataclass
class FileNotes:
    """What reading a file in chunks noticed, as :func:`leadscore.io.read.read_leads` notes it.

    Filled while the chunks are read (complete once the last one is); :meth:`warnings` gives the
    reader's sentences for the user.
    """

    utf8_lines: int = 0
    cp1252_lines: int = 0
    cp1252_line_numbers: list[int] = field(default_factory=list)
    rows_with_extra_cells: int = 0
    extra_cell_lines: list[int] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)

    def warnings(self) -> list[str]:
        found = []
        if self.cp1252_lines and self.utf8_lines:  # else a plain Windows-1252 file
            found.append(mixed_encoding_warning(self.utf8_lines, self.cp1252_lines, self.cp1252_line_numbers))
        if self.rows_with_extra_cells:
            found.append(extra_cells_warning(self.rows_with_extra_cells, self.extra_cell_lines, self.extra_columns))
        return found


class _AsUtf8(io.RawIOBase):
    """A file that may mix UTF-8 and Windows-1252 lines, handed over as UTF-8, a block of whole
    lines at a time (memory stays bounded): a block that is UTF-8 passes as it is, the lines of
    another are decoded one by one with :func:`leadscore.io.read.decode_line`, as read_leads does."""

    def __init__(self, raw, notes: FileNotes, block_size: int = 1 << 20):
        super().__init__()
        self._raw, self._notes, self._block_size = raw, notes, block_size
        self._pending, self._offset, self._lines, self._first = b"", 0, 0, True

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while self._offset >= len(self._pending):
            block = self._next_block()
            if block is None:
                return b""
            self._pending, self._offset = block, 0
        end = len(self._pending) if size is None or size < 0 else self._offset + size
        piece = self._pending[self._offset : end]
        self._offset += len(piece)
        return piece

    def readinto(self, buffer) -> int:
        piece = self.read(len(buffer))
        buffer[: len(piece)] = piece
        return len(piece)

    def _next_block(self) -> bytes | None:
        data = self._raw.read(self._block_size)
        if not data:
            return None
        if not data.endswith(b"\n"):
            data += self._raw.readline()  # whole lines only: a character is never cut in two
        if self._first:
            data, self._first = data.removeprefix(codecs.BOM_UTF8), False
        if data.isascii():
            # Lines as bytes.splitlines counts them (\n, \r\n or \r), without making the list.
            self._lines += data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n") + (not data.endswith((b"\n", b"\r")))
            return data
        lines = data.splitlines(keepends=True)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return self._repaired(lines)
        self._notes.utf8_lines += sum(not line.isascii() for line in lines)
        self._lines += len(lines)
        return data

    def _repaired(self, lines: list[bytes]) -> bytes:
        notes, parts = self._notes, []
        for line in lines:
            self._lines += 1
            text, utf8 = decode_line(line)
            if utf8:
                notes.utf8_lines += not line.isascii()
            else:
                notes.cp1252_lines += 1
                if len(notes.cp1252_line_numbers) < 10:
                    notes.cp1252_line_numbers.append(self._lines)
            parts.append(text)
        return "".join(parts).encode("utf-8")


def _open_text(handle, encoding: str, notes: FileNotes) -> tuple[object, str]:
    """The open binary file as pandas should read it, and the encoding to tell pandas."""
    if decodes_line_by_line(encoding):
        return _AsUtf8(handle, notes), "utf-8"
    return handle, encoding


def iter_lead_chunks(
    path, chunksize: int = 100_000, sheet=None, width: int | None = None, notes: FileNotes | None = None
) -> Iterator[pd.DataFrame]:
    """Read a large CSV lead file in chunks, every value kept as text exactly as written.

    Encoding and delimiter are detected like :func:`leadscore.io.read.read_leads` (first megabyte);
    a file mixing UTF-8 and Windows-1252 lines is read line by line as read_leads reads it. Values
    stay text (blank cells are empty text) so IDs like "00123" and all other columns are written
    back unchanged; scoring converts the columns the model reads. No column is ever taken as the
    index, rows made only of delimiters are kept (row in = row out), and rows with more cells
    than the header keep them in "(extra 1)", ... columns (pass ``width``, the widest row, from
    :func:`widest_row`; without it, a longer row stops the reading with ``RaggedRows`` so the
    caller can read again with it). Excel files are read whole (they cannot be streamed) and then
    cut into chunks.

    Parameters
    ----------
    path : path of a .csv/.txt/.tsv or .xlsx file
    chunksize : int
        Leads per chunk.
    sheet : str or int, optional
        The Excel sheet with the leads.
    width : int, optional
        Cells in the widest row, when wider than the header.
    notes : FileNotes, optional
        Filled with what the reading noticed (mixed encodings), for :meth:`FileNotes.warnings`.

    Yields
    ------
    DataFrame chunks with a running index (0, 1, 2, ... over the whole file).
    """
    path = Path(path)
    notes = notes if notes is not None else FileNotes()
    notes.utf8_lines, notes.cp1252_lines, notes.cp1252_line_numbers = 0, 0, []  # counted again on a second reading
    if not path.is_file():
        raise LeadScoreInputError(f"There is no file at '{path}'. Check the name and the folder.")
    with open(path, "rb") as handle:
        head = handle.read(1_000_000)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        whole = read_leads(path, **({"sheet": sheet} if sheet is not None else {}))
        for start in range(0, len(whole), chunksize):
            yield whole.iloc[start : start + chunksize]
        return
    encoding, delimiter = check_text_table(head, path.name)
    options = dict(
        sep=delimiter,
        encoding_errors="replace",  # as read_leads reads other encodings
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=True,
        index_col=False,
        chunksize=chunksize,
    )
    if width is not None:
        header = _header(path, encoding, delimiter)
        options["names"] = [*header, *(f"(extra {n})" for n in range(1, width - len(header) + 1))]
        # Read without a header (its width would be the one pandas expects of every row); the
        # header row comes first and is dropped.
        options["header"] = None
    try:
        with open(path, "rb") as handle:
            source, options["encoding"] = _open_text(handle, encoding, notes)
            with pd.read_csv(source, **options) as reader:
                while True:
                    with warnings.catch_warnings(record=True) as caught:
                        warnings.simplefilter("always", pd.errors.ParserWarning)
                        chunk = next(reader, None)
                    if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
                        raise RaggedRows
                    if chunk is None:
                        return
                    if width is not None:
                        chunk = chunk.iloc[1:] if chunk.index[0] == 0 else chunk
                        chunk.index = chunk.index - 1
                        if chunk.empty:
                            continue
                    chunk.columns = [str(c).strip() for c in chunk.columns]
                    yield chunk
    except pd.errors.ParserError as error:
        if width is None and _LONGER_ROW.search(str(error)):
            raise RaggedRows from None  # a row further down is longer than the header
        quote = _OPEN_QUOTE.search(str(error))
        if quote:
            raise LeadScoreInputError(
                f"'{path.name}' could not be read as a table: line {int(quote.group(1)) + 1} of the file opens a "
                "quote (\") that is never closed, so everything after it would become one cell. Open the file "
                "in a text editor, close or remove that quote, save, and score it again."
            ) from None
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise LeadScoreInputError(
            f"'{path.name}' could not be read as a table: the rows do not all have the same number of "
            f"columns ({first_line}). Open it in a spreadsheet, check that row, save it as CSV again."
        ) from error
    except pd.errors.EmptyDataError as error:
        raise LeadScoreInputError(f"'{path.name}' is empty. Export your leads again with a header row.") from error


def _lines(handle, encoding: str) -> io.TextIOWrapper:
    """The lines of the open binary file, decoded as :func:`iter_lead_chunks` decodes them."""
    source, encoding = _open_text(handle, encoding, FileNotes())
    return io.TextIOWrapper(source, encoding=encoding, errors="replace", newline="")


def _header(path: Path, encoding: str, delimiter: str) -> list[str]:
    with open(path, "rb") as handle:
        for record in csv.reader(_lines(handle, encoding), delimiter=delimiter):
            if any(cell.strip() for cell in record):
                return [cell.lstrip("\ufeff") if n == 0 else cell for n, cell in enumerate(record)]
    return []


def widest_row(path: Path, notes: FileNotes | None = None) -> int:
    """The number of cells in the file's widest row (read only when a row is wider than the header).

    ``notes`` is told which rows have extra cells and the names of the columns they go in.
    """
    with open(path, "rb") as handle:
        encoding, delimiter = check_text_table(handle.read(1_000_000), path.name)
    header = _header(path, encoding, delimiter)
    with open(path, "rb") as handle:
        width, rows, lines = scan_row_widths(_lines(handle, encoding), delimiter, len(header))
    if notes is not None:
        notes.rows_with_extra_cells, notes.extra_cell_lines = rows, lines
        notes.extra_columns = [f"(extra {n})" for n in range(1, width - len(header) + 1)]
    return width
