"""One lead sent as JSON: its encoding found, its size, nesting and numbers checked before it is parsed.

A webhook, a script or a PowerShell pipe sends ``{"lead_source": "LinkedIn", "pages_viewed": 4}``.
Python's own parser would recurse into a 100,000-deep object, or refuse a 5,000-digit number
with a ``ValueError``, or read a UTF-16 line as garbage; :func:`parse_lead` checks the text first
(a linear scan, no recursion) and raises :class:`LeadScoreInputError` with a plain message, so a
stream of leads answers that one line and goes on.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass

from leadscore.errors import LeadScoreInputError

__all__ = ["LeadLimits", "detect_json_encoding", "lead_lines", "parse_lead"]

_EXAMPLE = '{"lead_source": "LinkedIn", "pages_viewed": 4}'
# A JSON string (escapes included); brackets and digits inside strings are text, not structure.
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_BRACKETS = re.compile(r"[^\[\]{}]+")
# A run of number characters outside strings: digits, sign, point, exponent.
_NUMBER = re.compile(r"[-+0-9.eE]{2,}")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True)
class LeadLimits:
    """What one lead may be, checked before it is parsed.

    Parameters
    ----------
    max_depth : int
        Objects and lists inside one another (a lead is flat: 1; a field holding a list: 2).
    max_digits : int
        Digits in one number (an amount, a phone number sent as a number).
    max_chars : int
        Characters in one lead (its notes included).
    """

    max_depth: int = 32
    max_digits: int = 100
    max_chars: int = 1_000_000


def detect_json_encoding(data: bytes) -> str:
    """The encoding of JSON bytes, from their first bytes: a byte-order mark, or the zero bytes
    that UTF-16 puts beside every ASCII letter (``{`` and ``"`` begin every lead).

    Returns a name for :func:`codecs.decode`: ``"utf-8-sig"``, ``"utf-16-le"``, ``"utf-16-be"``
    or ``"utf-8"``.

    >>> detect_json_encoding('{"a": 1}'.encode("utf-16-le"))
    'utf-16-le'
    >>> detect_json_encoding(b'\\xef\\xbb\\xbf{"a": 1}')
    'utf-8-sig'
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    head = data[:64]
    if len(data) % 2 and head[:1] == b"\x00":
        head = head[1:]  # a UTF-16-LE line cut on b"\n" starts with the newline's 0 byte
    head = head[: len(head) // 2 * 2]
    # UTF-8 text holds no 0 bytes; UTF-16 holds one beside every ASCII letter, on one side.
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd >= 2 and odd > 3 * even:
        return "utf-16-le"
    if even >= 2 and even > 3 * odd:
        return "utf-16-be"
    return "utf-8"


def _text(data: bytes | str, where: str, encoding: str | None) -> tuple[str, str | None]:
    """The lead as text and a note when it was not UTF-8 (read as Windows-1252 instead)."""
    if isinstance(data, str):
        return data.lstrip("\ufeff"), None
    encoding = encoding or detect_json_encoding(data)
    if encoding.startswith("utf-16") and len(data) % 2:
        # A UTF-16 line cut on the byte b"\n" keeps half of its newline: the 0 byte after it (LE)
        # begins the next line, the 0 byte before it (BE) ends this one.
        data = data[1:] if encoding == "utf-16-le" and data[:1] == b"\x00" else data
        data = data[:-1] if encoding == "utf-16-be" and data[-1:] == b"\x00" else data
    if encoding.startswith("utf-16"):
        text = data.decode(encoding, errors="replace")
        return text.lstrip("\ufeff").rstrip("\x00"), None
    try:
        return data.decode(encoding), None
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), (
            f"{where} was not valid UTF-8; it was read as Windows-1252 text. Check accented letters in this lead."
        )


def _depth(structure: str) -> int:
    """How deep objects and lists go, given only the brackets of a lead (outside its strings)."""
    depth = deepest = 0
    for bracket in structure:
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _check(text: str, where: str, limits: LeadLimits) -> None:
    """Refuse what the parser should never see: too long, too deep, a number too long."""
    if len(text) > limits.max_chars:
        raise LeadScoreInputError(
            f"{where} is {len(text):,} characters long; a lead may be at most {limits.max_chars:,}. "
            "Send one lead per line, with long notes shortened."
        )
    outside = _STRING.sub('""', text)
    depth = _depth(_BRACKETS.sub("", outside))
    if depth > limits.max_depth:
        raise LeadScoreInputError(
            f"{where} is nested {depth:,} levels deep (at most {limits.max_depth} are read); send one flat "
            f"JSON object per line, e.g. {_EXAMPLE}."
        )
    for match in _NUMBER.finditer(outside):
        digits = sum(character.isdigit() for character in match.group())
        if digits > limits.max_digits:
            raise LeadScoreInputError(
                f"{where} holds a number of {digits:,} digits (at most {limits.max_digits} are read). Send "
                'long codes and IDs as text in quotes, e.g. {"lead_id": "12345678901234567890"}.'
            )


def parse_lead(
    data: bytes | str, number: int | None = None, limits: LeadLimits = LeadLimits(), encoding: str | None = None
) -> tuple[dict, str | None]:
    """One lead from its JSON text, checked before parsing, and a note if its text needed guessing.

    Parameters
    ----------
    data : bytes or str
        One JSON object. Bytes may be UTF-8 (with or without a byte-order mark), UTF-16 LE or
        BE (with or without one, as Windows PowerShell pipes it); not valid UTF-8 is read as
        Windows-1252, with a note.
    number : int, optional
        The line it came on, for the message ("Line 3 is ..."); else "This lead is ...".
    limits : LeadLimits
    encoding : str, optional
        The encoding, when already known for the whole stream (see :func:`detect_json_encoding`).

    Returns
    -------
    (lead, note) : the lead's fields as a dict, and a note for the user or ``None``.

    Raises
    ------
    LeadScoreInputError
        Not JSON, not an object, too long, too deep or a number too long: what to send instead.

    Example
    -------
    >>> parse_lead('{"lead_source": "LinkedIn", "pages_viewed": 4}')
    ({'lead_source': 'LinkedIn', 'pages_viewed': 4}, None)
    """
    where = f"Line {number}" if number is not None else "This lead"
    if isinstance(data, (bytes, bytearray)) and len(data) > 4 * limits.max_chars:
        raise LeadScoreInputError(
            f"{where} is {len(data):,} bytes long; a lead may be at most {limits.max_chars:,} characters. "
            "Send one lead per line, with long notes shortened."
        )
    text, note = _text(bytes(data) if isinstance(data, bytearray) else data, where, encoding)
    _check(text, where, limits)
    try:
        lead = json.loads(text)
    except json.JSONDecodeError as error:
        raise LeadScoreInputError(
            f"{where} is not valid JSON ({error.msg}). Send one lead per line as a JSON object, e.g. {_EXAMPLE}."
        ) from None
    except (ValueError, RecursionError) as error:  # the checks above should leave nothing for these
        raise LeadScoreInputError(f"{where} could not be read as JSON ({error}). Send one flat JSON object per line, e.g. {_EXAMPLE}.") from None
    if not isinstance(lead, dict):
        raise LeadScoreInputError(f"{where} is not a JSON object. Send one lead per line as an object, e.g. {_EXAMPLE}.")
    if _LONE_SURROGATE.search(json.dumps(lead, ensure_ascii=False)):
        raise LeadScoreInputError(
            f"{where} holds a broken character escape (half of a \\ud800-style pair), which no file can store. "
            "Send the text as UTF-8, or with both halves of the pair."
        )
    return lead, note


def lead_lines(stream, size: int = 1 << 16, limits: LeadLimits = LeadLimits()):
    """The lines of a byte stream of JSON leads, grouped by how they arrive, in its own encoding.

    Every complete line available at once comes in one list (a file piped in gives big groups,
    a workflow sending one lead at a time gives one line at a time, answered at once). The
    encoding is found from the first bytes: UTF-8 lines come as bytes (each read on its own, so
    one Windows-1252 line does not spoil the others), UTF-16 lines as text, decoded as they
    arrive (a UTF-16 letter may hold the byte of a newline). A line longer than the limit is
    never held whole: it comes as a :class:`LeadScoreInputError` in its place, and the stream
    goes on after it.

    Parameters
    ----------
    stream : binary stream with a file descriptor (``sys.stdin.buffer``), else any iterable of lines
    size : int
        Bytes read at a time.
    limits : LeadLimits
        ``max_chars`` bounds one line (four bytes a character).
    """
    import os

    try:
        descriptor = stream.fileno()
    except (AttributeError, OSError):
        descriptor = None
    if descriptor is None:
        yield from stream
        return
    chunks = iter(lambda: os.read(descriptor, size), b"")
    first = next(chunks, b"")
    if not first:
        return
    encoding = detect_json_encoding(first)
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace") if encoding.startswith("utf-16") else None
    yield from _grouped(_chained(first, chunks), decoder, encoding, limits.max_chars)


def _chained(first: bytes, chunks):
    yield first
    yield from chunks


def _grouped(chunks, decoder, encoding: str, max_chars: int):
    """Lines of the chunks, one list a chunk; a line over the limit becomes an error in its place."""
    newline = "\n" if decoder else b"\n"
    most = max_chars if decoder else 4 * max_chars  # UTF-8 takes up to four bytes a character
    unit = "characters" if decoder else "bytes"
    pending, skipped, number, first = newline[:0], 0, 0, True
    for data in chunks:
        data = decoder.decode(data) if decoder else data
        if first and data:
            data, first = data.lstrip("\ufeff") if decoder else data.removeprefix(codecs.BOM_UTF8), False
        lines = (pending + data).split(newline)
        pending = lines.pop()
        group = []
        for line in lines:
            number += 1
            group.append(_too_long(number, skipped + len(line), max_chars, unit) if skipped else line)
            skipped = 0
        if len(pending) > most:  # no line break yet: stop holding the line, remember how long it is
            skipped, pending = skipped + len(pending), newline[:0]
        if group:
            yield group
    if decoder:
        pending += decoder.decode(b"", final=True)
    if skipped:
        yield [_too_long(number + 1, skipped + len(pending), max_chars, unit)]
    elif pending:
        yield [pending]


def _too_long(number: int, length: int, max_chars: int, unit: str) -> LeadScoreInputError:
    return LeadScoreInputError(
        f"Line {number} is {length:,} {unit} long; a lead may be at most {max_chars:,} characters. Send one lead "
        "per line, with long notes shortened."
    )
