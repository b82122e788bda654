"""Read a lead file of any size in chunks, every value kept as text exactly as written.

The command line scores files far larger than memory; :func:`iter_lead_chunks` hands them over a
chunk at a time, read with the same checks as :func:`leadscore.read.read_leads` (encoding,
delimiter, refused files), no column ever taken as the index, every row kept.

Example
-------
>>> sum(len(chunk) for chunk in iter_lead_chunks("sample_data/new_leads.csv", chunksize=100))  # doctest: +SKIP
500
"""

from __future__ import annotations

import codecs
import csv
import warnings
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from leadscore.errors import LeadScoreInputError
from leadscore.read import check_text_table, read_leads

__all__ = ["iter_lead_chunks", "widest_row", "RaggedRows"]


class RaggedRows(Exception):
    """Some rows have more cells than the header: read again with room for the extra cells."""


def _cp1252_fallback(error: UnicodeDecodeError):
    # A file mostly in UTF-8 with a few lines saved in Windows-1252 ("Müller"): those bytes are
    # read as Windows-1252 rather than replaced, as read_leads reads such lines.
    return error.object[error.start : error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error("leadscore-cp1252", _cp1252_fallback)


def iter_lead_chunks(path, chunksize: int = 100_000, sheet=None, width: int | None = None) -> Iterator[pd.DataFrame]:
    """Read a large CSV lead file in chunks, every value kept as text exactly as written.

    Encoding and delimiter are detected like :func:`leadscore.read.read_leads` (first megabyte);
    bytes that are not UTF-8 in a UTF-8 file are read as Windows-1252. Values stay text (blank
    cells are empty text) so IDs like "00123" and all other columns are written back unchanged;
    scoring converts the columns the model reads. No column is ever taken as the index, rows
    made only of delimiters are kept (row in = row out), and rows with more cells than the
    header keep them in "(extra 1)", ... columns (pass ``width``, the widest row; without it, a
    longer row stops the reading with ``RaggedRows`` so the caller can read again with it).
    Excel files are read whole (they cannot be streamed) and then cut into chunks.

    Parameters
    ----------
    path : path of a .csv/.txt/.tsv or .xlsx file
    chunksize : int
        Leads per chunk.
    sheet : str or int, optional
        The Excel sheet with the leads.
    width : int, optional
        Cells in the widest row, when wider than the header.

    Yields
    ------
    DataFrame chunks with a running index (0, 1, 2, ... over the whole file).
    """
    path = Path(path)
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
        encoding=encoding,
        encoding_errors="leadscore-cp1252",
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=True,
        index_col=False,
        chunksize=chunksize,
    )
    if width is not None:
        header = next(csv.reader([_first_line(path, encoding)], delimiter=delimiter))
        options["names"] = [*header, *(f"(extra {n})" for n in range(1, width - len(header) + 1))]
        options["header"] = 0
    try:
        with pd.read_csv(path, **options) as reader:
            while True:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", pd.errors.ParserWarning)
                    chunk = next(reader, None)
                if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
                    raise RaggedRows
                if chunk is None:
                    return
                chunk.columns = [str(c).strip() for c in chunk.columns]
                yield chunk
    except pd.errors.ParserError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise LeadScoreInputError(
            f"'{path.name}' could not be read as a table: the rows do not all have the same number of "
            f"columns ({first_line}). Open it in a spreadsheet, check that row, save it as CSV again."
        ) from error
    except pd.errors.EmptyDataError as error:
        raise LeadScoreInputError(f"'{path.name}' is empty. Export your leads again with a header row.") from error


def _first_line(path: Path, encoding: str) -> str:
    with open(path, encoding=encoding, errors="leadscore-cp1252", newline="") as handle:
        for line in handle:
            if line.strip():
                return line.lstrip("\ufeff").rstrip("\r\n")
    return ""


def widest_row(path: Path) -> int:
    """The number of cells in the file's widest row (read only when a row is wider than the header)."""
    with open(path, "rb") as handle:
        encoding, delimiter = check_text_table(handle.read(1_000_000), path.name)
    with open(path, encoding=encoding, errors="leadscore-cp1252", newline="") as handle:
        return max((len(row) for row in csv.reader(handle, delimiter=delimiter)), default=0)
