"""Read a lead file (CSV or Excel) into a DataFrame, whatever program exported it.

Small businesses export leads from spreadsheets, CRMs and web forms. The same table arrives as
UTF-8, UTF-8 with a byte-order mark, Excel's "Unicode text" (UTF-16, tab-separated) or Windows-1252,
separated by commas, semicolons, tabs or pipes, with numbers written as "1,200", "$3,500" or "45%".
:func:`read_leads` turns any of these into one DataFrame and explains, in plain words, files it
cannot read.

What :func:`read_leads` records about the file is kept in ``df.attrs["leadscore_read"]``:
``encoding``, ``delimiter`` (``None`` for Excel) and ``unreadable_numbers`` (column -> how many
values were not numbers in a column of numbers; they are treated as missing).

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
import os
import re
import warnings
import zipfile
from pathlib import Path
from typing import IO, Union

import numpy as np
import pandas as pd
from charset_normalizer import from_bytes

from leadscore.errors import LeadScoreInputError

__all__ = [
    "MAX_UPLOAD_BYTES",
    "read_leads",
    "to_number",
    "to_datetime_if_dates",
    "detect_encoding",
    "detect_delimiter",
    "check_text_table",
]

MAX_UPLOAD_BYTES = 200 * 1024 * 1024

Source = Union[str, os.PathLike, bytes, IO[bytes]]

DELIMITERS = (",", ";", "\t", "|")
# "Nearly all" non-blank values must parse before a text column is turned into numbers or dates,
# so that a few typos ("n/a", "call back") do not keep a column of numbers as text.
NEARLY_ALL = 0.95
# Kind detection only needs a sample; the conversion itself runs on the full column.
DETECTION_SAMPLE = 20_000

_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "an image (PNG)"),
    (b"\xff\xd8\xff", "an image (JPEG)"),
    (b"GIF8", "an image (GIF)"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) or Word file"),
    (b"\x1f\x8b", "a compressed (.gz) file"),
    (b"Rar!", "a compressed (.rar) file"),
    (b"7z\xbc\xaf", "a compressed (.7z) file"),
)
_WESTERN_SINGLE_BYTE = {
    "ascii", "cp1252", "latin_1", "iso8859_1", "iso8859_15", "cp1250", "iso8859_2", "mac_roman",
    "cp850", "cp437", "mac_latin2", "cp1254", "iso8859_9",
}
_CURRENCY = "$€£¥₹"
_NUMBER_RE = re.compile(r"^[+-]?(\d+([.,]\d+)*|\d*[.,]\d+)([eE][+-]?\d+)?$")
_THOUSANDS_DOT_RE = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")  # 1.200 / 1.200,50
_THOUSANDS_COMMA_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")  # 1,200 / 1,200.50
_DECIMAL_COMMA_RE = re.compile(r"^[+-]?\d*,(\d{1,2}|\d{4,})$")  # 1,5 / 12,75 / 0,12345
# A date has digits split by - / . or is written with a month name next to digits.
_DATE_RE = re.compile(
    r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}"
    r"|\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{2,4}"
    r"|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{2,4}"
)


def read_leads(
    source: Source,
    *,
    filename: str | None = None,
    max_bytes: int = MAX_UPLOAD_BYTES,
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

    Returns
    -------
    pandas.DataFrame
        One row per lead. Headers are stripped of spaces; columns of messy numbers ("1,200",
        "$3,500", "45%" -> 45.0) are floats; columns of dates are datetime64; yes/no columns keep
        their text. ``df.attrs["leadscore_read"]`` says how the file was read.

    Raises
    ------
    LeadScoreInputError
        The file is empty, too large, not a table (an image, a zip, a web page), has duplicated
        column names, has a header but no leads, or is an Excel file that cannot be opened.
    """
    data, filename = _load_bytes(source, filename, max_bytes)
    shown = f"'{filename}'" if filename else "The file"
    if not data.strip(b" \t\r\n\x00"):
        raise LeadScoreInputError(
            f"{_cap(shown)} is empty. Export your leads again with a header row and at least one lead."
        )
    if data.startswith(b"PK\x03\x04"):
        df = _read_excel(data, shown)
        info = {"encoding": None, "delimiter": None}
    else:
        encoding, delimiter, head_text = _check_text_head(data, shown)
        # pandas reads a file on disk itself, so the raw bytes need not stay in memory meanwhile.
        on_disk = Path(source) if isinstance(source, (str, os.PathLike)) else None
        table_source = on_disk if on_disk is not None else io.BytesIO(data)
        del data
        df = _read_csv(table_source, encoding, delimiter, head_text, shown)
        info = {"encoding": encoding, "delimiter": delimiter}

    if len(df.columns) == 0:
        raise LeadScoreInputError(
            f"{_cap(shown)} is empty. Export your leads again with a header row and at least one lead."
        )
    if len(df) == 0:
        raise LeadScoreInputError(
            f"{_cap(shown)} has column names but no leads. Export the file again including the rows "
            "of your leads, not only the header."
        )
    unreadable = _convert_text_columns(df, decimal_comma=info["delimiter"] == ";")
    df.attrs["leadscore_read"] = {**info, "unreadable_numbers": unreadable}
    return df


def to_number(series: pd.Series, *, decimal_comma: bool | None = None) -> tuple[pd.Series, int]:
    """Read messy numbers such as "1,200", "$3,500", "€ 12.50", "45%" or "(300)" as floats.

    Shared by :func:`read_leads` and the cleaner, so that a file scored later is read exactly like
    the training file.

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
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("float64"), 0
    if pd.api.types.is_numeric_dtype(series.dtype):
        return series.astype("float64"), 0
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
    understands more values wins. Times with a UTC offset are converted to UTC and stored without
    a time zone, so every date column compares with every other.
    """
    values = series.dropna()
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return _naive(series)
    if len(values) == 0 or pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return None
    sample = values.astype(str).str.strip()
    if len(sample) > DETECTION_SAMPLE:
        sample = sample.sample(DETECTION_SAMPLE, random_state=0)
    sample = sample[sample != ""]
    if len(sample) == 0 or sample.str.contains(_DATE_RE).mean() < NEARLY_ALL:
        return None
    best = None
    for dayfirst in (False, True):
        parsed = _parse_dates(sample, dayfirst)
        if parsed is not None and (best is None or parsed.notna().sum() > best[1]):
            best = (dayfirst, parsed.notna().sum())
    if best is None or best[1] < NEARLY_ALL * len(sample):
        return None
    text = series.astype("string").str.strip()
    parsed = _parse_dates(text, best[0])
    return None if parsed is None else _naive(parsed).rename(series.name)


def detect_encoding(data: bytes) -> str:
    """Name the text encoding of a file: a byte-order mark wins, then UTF-8, then a best guess."""
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
    sample = data[:1_000_000]
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
    """Pick the separator (comma, semicolon, tab or pipe) that splits the first lines evenly."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if len(lines) > 1:
        lines = lines[:-1]  # the head may cut the last line short
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if not widths or max(widths) < 2:
            continue
        header_width = widths[0]
        consistency = sum(width == header_width for width in widths) / len(widths)
        score = (consistency, header_width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


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
        The file is empty, binary (an image, ...), a web page, or has duplicated column names.
    """
    shown = f"'{filename}'" if filename else "The file"
    if not head.strip(b" \t\r\n\x00"):
        raise LeadScoreInputError(
            f"{_cap(shown)} is empty. Export your leads again with a header row and at least one lead."
        )
    encoding, delimiter, head_text = _check_text_head(head, shown)
    header_line = next((line for line in head_text.splitlines() if line.strip()), "")
    _refuse_duplicates(next(csv.reader([header_line], delimiter=delimiter), []), shown)
    return encoding, delimiter


def _check_text_head(data: bytes, shown: str) -> tuple[str, str, str]:
    _refuse_binary(data, shown)
    encoding = detect_encoding(data)
    head_text = _decode_head(data, encoding)
    _refuse_html(head_text, shown)
    return encoding, detect_delimiter(head_text), head_text


def _refuse_binary(data: bytes, shown: str) -> None:
    head = data[:4096]
    what = next((name for magic, name in _MAGIC if head.startswith(magic)), None)
    has_bom = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if what is None and not has_bom and head.count(0) > 0:
        # Text in UTF-16 has zeros in every other byte; anything else with zeros is not text.
        if not (head[1::2].count(0) > 0.4 * len(head[1::2]) or head[0::2].count(0) > 0.4 * len(head[0::2])):
            what = "not a text file"
    if what is not None:
        raise LeadScoreInputError(
            f"{_cap(shown)} is {what}, not a table of leads. Export your leads from your spreadsheet "
            "or CRM as CSV (comma-separated values) or Excel (.xlsx) and upload that file."
        )


def _refuse_html(head_text: str, shown: str) -> None:
    start = head_text.lstrip().lower()[:2000]
    # A table starts with a column name; a page starts with a tag.
    if start.startswith("<") and ("<html" in start or "<body" in start or start.startswith("<!doctype html")):
        raise LeadScoreInputError(
            f"{_cap(shown)} is a web page (HTML), not a table of leads. This happens when a download "
            "link is saved with 'Save page as'. Open the page, use its Export or Download CSV button, "
            "and upload the file it gives you."
        )


def _read_excel(data: bytes, shown: str) -> pd.DataFrame:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except zipfile.BadZipFile:
        names = set()
    if "xl/workbook.xml" not in names:
        raise LeadScoreInputError(
            f"{_cap(shown)} is a compressed (zip) file or another document, not a table of leads. "
            "Unzip it first, or export your leads as CSV or Excel (.xlsx), and upload that file."
        )
    try:
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        header = next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True), ())
        workbook.close()
        df = pd.read_excel(io.BytesIO(data), sheet_name=0, engine="openpyxl")
    except Exception as error:  # openpyxl raises many types for damaged workbooks
        raise LeadScoreInputError(
            f"{_cap(shown)} looks like an Excel file but could not be opened ({type(error).__name__}). "
            "Open it in Excel, save it again as .xlsx or CSV, and upload it again."
        ) from error
    header = [h for h in header]
    while header and header[-1] is None:
        header.pop()
    _refuse_duplicates([("" if h is None else str(h)) for h in header], shown)
    df.columns = [str(c).strip() for c in df.columns]
    return df.dropna(how="all").reset_index(drop=True)


def _read_csv(
    table_source: Path | IO[bytes], encoding: str, delimiter: str, head_text: str, shown: str
) -> pd.DataFrame:
    header_line = next((line for line in head_text.splitlines() if line.strip()), "")
    header = next(csv.reader([header_line], delimiter=delimiter), [])
    _refuse_duplicates(header, shown)
    try:
        df = pd.read_csv(
            table_source,
            sep=delimiter,
            encoding=encoding,
            encoding_errors="replace",
            skip_blank_lines=True,
            low_memory=False,
        )
    except pd.errors.EmptyDataError as error:
        raise LeadScoreInputError(
            f"{_cap(shown)} is empty. Export your leads again with a header row and at least one lead."
        ) from error
    except pd.errors.ParserError as error:
        raise LeadScoreInputError(
            f"{_cap(shown)} could not be read as a table: the rows do not all have the same number of "
            f"{_DELIMITER_NAMES[delimiter]}-separated columns{_where(error)}. Open it in a "
            "spreadsheet, check that row, save it as CSV again and upload it."
        ) from error
    df.columns = [str(c).strip() for c in df.columns]
    return df.dropna(how="all").reset_index(drop=True)


def _refuse_duplicates(header: list[str], shown: str) -> None:
    names = [str(name).strip() for name in header]
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


def _convert_text_columns(df: pd.DataFrame, *, decimal_comma: bool) -> dict[str, int]:
    unreadable: dict[str, int] = {}
    for column in list(df.columns):
        series = df[column]
        if not (pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype)):
            continue
        if _looks_like_numbers(series, decimal_comma=decimal_comma):
            numbers, not_numbers = to_number(series, decimal_comma=decimal_comma or None)
            df[column] = numbers
            if not_numbers:
                unreadable[column] = not_numbers
            continue
        dates = to_datetime_if_dates(series)
        if dates is not None:
            df[column] = dates
    return unreadable


def _looks_like_numbers(series: pd.Series, *, decimal_comma: bool) -> bool:
    values = series.dropna()
    if len(values) > DETECTION_SAMPLE:
        values = values.sample(DETECTION_SAMPLE, random_state=0)
    # Judge each distinct value once, weighted by how often it appears.
    counts = values.value_counts(sort=False)
    texts = [_strip_number_text(v) for v in counts.index.tolist()]
    weights = [int(w) for t, w in zip(texts, counts.tolist()) if t]
    texts = [t for t in texts if t]
    if not texts:
        return False
    # Booleans stay text (see module doc) even when written as 0/1 next to a stray word.
    if all(t.lower() in {"0", "1", "true", "false"} for t in texts):
        return False
    use_comma = _uses_decimal_comma(texts, default=decimal_comma)
    readable = sum(w for t, w in zip(texts, weights) if not np.isnan(_parse_number(t, use_comma)))
    return readable >= NEARLY_ALL * sum(weights)


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
        return float(text)
    except ValueError:
        return np.nan


def _parse_dates(text: pd.Series, dayfirst: bool) -> pd.Series | None:
    with warnings.catch_warnings():
        # "Could not infer format" only means pandas parses value by value; the result is checked.
        warnings.simplefilter("ignore", UserWarning)
        return _parse_dates_quietly(text, dayfirst)


def _parse_dates_quietly(text: pd.Series, dayfirst: bool) -> pd.Series | None:
    try:
        return pd.to_datetime(text, errors="coerce", dayfirst=dayfirst)
    except (ValueError, TypeError, OverflowError):
        try:
            return pd.to_datetime(text, errors="coerce", dayfirst=dayfirst, utc=True)
        except (ValueError, TypeError, OverflowError):
            return None


def _naive(dates: pd.Series) -> pd.Series:
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        return dates.dt.tz_convert("UTC").dt.tz_localize(None)
    return dates


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


def _decode_head(data: bytes, encoding: str) -> str:
    return data[:65536].decode(encoding, errors="ignore").lstrip("\ufeff")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def _where(error: Exception) -> str:
    """Where pandas' parser stopped, in spreadsheet words ("row 3 has 4 cells ...")."""
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
    if not found:
        return ""
    expected, line, saw = found.groups()
    return f" (line {line} of the file has {saw} cells where the header has {expected})"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
