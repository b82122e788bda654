"""Bytes in: loading a file (path, bytes or upload) within the size limit, and refusing what is not a table.

An image, a PDF, an archive, an old or password-protected Office file, a web page, JSON, XML or RTF
is named for what it is, with what to export instead.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from pathlib import Path
from typing import IO, Union

from leadscore.errors import LeadScoreInputError
from leadscore.io.wording import capitalised, megabytes

__all__ = ["MAX_UPLOAD_BYTES", "Source", "EMPTY_FILE", "load_bytes", "refuse_binary", "refuse_other_formats"]

MAX_UPLOAD_BYTES = 200 * 1024 * 1024

Source = Union[str, os.PathLike, bytes, IO[bytes]]

EMPTY_FILE = "{shown} is empty. Export your leads again with a header row and at least one lead."
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


def load_bytes(source: Source, filename: str | None, max_bytes: int) -> tuple[bytes, str | None]:
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
            raise LeadScoreInputError(too_big.format(size=megabytes(size), limit=megabytes(max_bytes)))
        data = path.read_bytes()
    else:
        filename = filename or getattr(source, "name", None)
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise LeadScoreInputError(too_big.format(size=f"over {megabytes(max_bytes)}", limit=megabytes(max_bytes)))
    return data, filename


def refuse_binary(data: bytes, shown: str) -> None:
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
            f"{capitalised(shown)} is {what}, not a table of leads. Export your leads from your spreadsheet "
            "or CRM as CSV (comma-separated values) or Excel (.xlsx) and upload that file."
        )


def _refuse_ole2(data: bytes, shown: str) -> None:
    """Old Office files and password-protected new ones share one container; its parts say which."""

    def holds(name: str) -> bool:
        return name.encode("utf-16-le") in data  # directory entries are named in UTF-16

    if holds("EncryptedPackage") or holds("EncryptionInfo"):
        raise LeadScoreInputError(
            f"{capitalised(shown)} is protected with a password, so LeadScore cannot open it. Open it in "
            "Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password, "
            "then delete the password), save it as .xlsx without a password, and upload it again. "
            "Or save it as CSV."
        )
    if holds("WordDocument"):  # before "Book": a Word file keeps its own text in UTF-16 too
        raise LeadScoreInputError(
            f"{capitalised(shown)} is a Word document, not a table of leads. Export your leads from your "
            "spreadsheet or CRM as CSV (comma-separated values) or Excel (.xlsx) and upload that file."
        )
    if holds("Workbook") or holds("Book"):
        raise LeadScoreInputError(
            f"{capitalised(shown)} is in the old Excel format (.xls, Excel 97-2003), which LeadScore does not "
            "read. Open it in Excel, use Save As and choose 'Excel Workbook (.xlsx)' or 'CSV UTF-8', "
            "and upload that file."
        )
    raise LeadScoreInputError(
        f"{capitalised(shown)} is an old Microsoft Office document, not a table of leads. Export your leads from your spreadsheet "
        "or CRM as CSV (comma-separated values) or Excel (.xlsx) and upload that file."
    )


def refuse_other_formats(head_text: str, shown: str) -> None:
    """Refuse text files that are not tables: web pages, JSON, XML, RTF."""
    start = head_text.lstrip().lower()[:2000]
    # A table starts with a column name; a page starts with a tag.
    if start.startswith("<") and ("<html" in start or "<body" in start or start.startswith("<!doctype html")):
        raise LeadScoreInputError(
            f"{capitalised(shown)} is a web page (HTML), not a table of leads. This happens when a download "
            "link is saved with 'Save page as'. Open the page, use its Export or Download CSV button, "
            "and upload the file it gives you."
        )
    if start.startswith("<?xml") or (re.match(r"<[a-z][\w:.-]*[\s>]", start) and re.search(r"</[a-z][\w:.-]*>", start)):
        excel_xml = "urn:schemas-microsoft-com:office:spreadsheet" in start or "<workbook" in start
        what = "an Excel 2003 XML spreadsheet" if excel_xml else "an XML document"
        raise LeadScoreInputError(
            f"{capitalised(shown)} is {what}, not a table LeadScore reads. Open it in Excel, save it as "
            "'Excel Workbook (.xlsx)' or 'CSV UTF-8', and upload that file."
        )
    if _looks_like_json(head_text):
        raise LeadScoreInputError(
            f"{capitalised(shown)} is JSON data, not a table of leads. Export your leads as CSV from the tool "
            "that made this file (look for Export > CSV), or open it in Excel (Data > Get Data > From "
            "File > From JSON) and save it as CSV or .xlsx, and upload that file."
        )
    if start.startswith("{\\rtf"):
        raise LeadScoreInputError(
            f"{capitalised(shown)} is a Rich Text (RTF) document, not a table of leads. Export your leads from "
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
