"""Decoding a file's bytes: which encoding it is in, and files that mix UTF-8 and Windows-1252 lines.

Exports arrive as UTF-8 (with or without a byte-order mark), UTF-16 ("Unicode text"), Windows-1252
or another single-byte encoding; a file pasted together from two systems may mix UTF-8 lines with
Windows-1252 ones, and is then decoded line by line.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

__all__ = ["detect_encoding", "decodes_line_by_line", "decode_line", "decode_lines", "decode_head", "WESTERN_SINGLE_BYTE", "UTF8_CHARACTER"]

WESTERN_SINGLE_BYTE = {
    "ascii", "cp1252", "latin_1", "latin-1", "iso8859_1", "iso8859_15", "cp1250", "iso8859_2",
    "mac_roman", "cp850", "cp437", "mac_latin2", "cp1254", "iso8859_9",
}
# One well-formed multi-byte UTF-8 character (a Windows-1252 file almost never contains one).
UTF8_CHARACTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


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
        if guess is not None and guess.encoding not in WESTERN_SINGLE_BYTE and not guess.encoding.startswith("utf"):
            return guess.encoding
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def decodes_line_by_line(encoding: str) -> bool:
    """Whether a file whose start reads as ``encoding`` may mix UTF-8 and Windows-1252 lines, and is
    then read with :func:`decode_line`, one line at a time (UTF-8, or a Western single-byte guess)."""
    return encoding in ("utf-8", "utf-8-sig") or encoding in WESTERN_SINGLE_BYTE


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


def decode_lines(data: bytes) -> tuple[str, list[int], int]:
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


def decode_head(data: bytes, encoding: str, size: int = 65536) -> str:
    # "replace", as pandas decodes the whole file, so that header names match its reading.
    return data[:size].decode(encoding, errors="replace").lstrip("\ufeff")
