"""One JSON lead (leadscore/io/lead_json.py): encodings found, hostile nesting and numbers refused in plain words."""

from __future__ import annotations

import codecs

import pytest

from leadscore.errors import LeadScoreInputError
from leadscore.io import LeadLimits, detect_json_encoding, parse_lead

LEAD = '{"lead_id": "Ж-1", "source": "Referral", "pages_viewed": 4, "name": "Zoë Müller"}'
EXPECTED = {"lead_id": "Ж-1", "source": "Referral", "pages_viewed": 4, "name": "Zoë Müller"}


@pytest.mark.parametrize(
    "data, encoding",
    [
        (LEAD, None),
        (LEAD.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + LEAD.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + LEAD.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + LEAD.encode("utf-16-be"), "utf-16-be"),
        (LEAD.encode("utf-16-le"), "utf-16-le"),  # PowerShell pipes UTF-16 without a byte-order mark
        (LEAD.encode("utf-16-be"), "utf-16-be"),
        (b"\x00" + (LEAD + "\r").encode("utf-16-le"), "utf-16-le"),  # a UTF-16 line cut on the byte b"\n"
        ("\ufeff" + LEAD, None),
    ],
    ids=["str", "utf8", "utf8_bom", "utf16le_bom", "utf16be_bom", "utf16le", "utf16be", "utf16le_cut", "str_bom"],
)
def test_every_encoding_gives_the_same_lead(data, encoding):
    if encoding is not None:
        assert detect_json_encoding(data) == encoding
    assert parse_lead(data) == (EXPECTED, None)


def test_windows_1252_bytes_are_read_with_a_note():
    lead, note = parse_lead('{"name": "José Peña"}'.encode("cp1252"), number=7)
    assert lead == {"name": "José Peña"}
    assert note.startswith("Line 7 was not valid UTF-8") and "Windows-1252" in note


def _refusal(data, number=None, **limits) -> str:
    with pytest.raises(LeadScoreInputError) as caught:
        parse_lead(data, number, LeadLimits(**limits) if limits else LeadLimits())
    return caught.value.message


def test_a_lead_nested_100000_deep_is_refused_without_recursing():
    message = _refusal('{"a": ' * 100_000 + "1" + "}" * 100_000)
    assert message.startswith("This lead is nested 100,000 levels deep")
    assert "one flat JSON object per line" in message


def test_nesting_is_counted_outside_strings_only():
    # 40 brackets inside a note are text: the lead is one level deep.
    assert parse_lead('{"note": "' + "[{" * 40 + '"}') == ({"note": "[{" * 40}, None)
    # 33 levels (the lead and 32 lists inside it) is one too many; 32 is read.
    assert "nested 33 levels" in _refusal('{"a": ' + "[" * 32 + "]" * 32 + "}", number=2)
    assert parse_lead('{"a": ' + "[" * 31 + "]" * 31 + "}")[0]["a"] == [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]


def test_a_number_of_5000_digits_is_refused_before_python_tries_it():
    message = _refusal('{"deal": ' + "9" * 5000 + "}", number=3)
    assert message.startswith("Line 3 holds a number of 5,000 digits (at most 100 are read)")
    assert "as text in quotes" in message
    # The same digits as text are a lead like any other.
    assert parse_lead('{"deal": "' + "9" * 5000 + '"}')[0] == {"deal": "9" * 5000}
    assert parse_lead('{"deal": -1.5e3, "phone": 4915112345678}')[0] == {"deal": -1500.0, "phone": 4915112345678}


def test_a_lead_too_long_is_refused_by_its_size():
    message = _refusal('{"notes": "' + "x" * 2_000 + '"}', max_chars=1_000)
    assert message.startswith("This lead is 2,013 characters long; a lead may be at most 1,000.")


@pytest.mark.parametrize(
    "data, words",
    [
        ("this is not json", ("is not valid JSON", "one lead per line")),
        ('["not", "an", "object"]', ("is not a JSON object",)),
        ('{"a": 1', ("is not valid JSON",)),
        ('{"name": "\\ud800"}', ("broken character escape",)),
        ("", ("is not valid JSON",)),
    ],
    ids=["text", "array", "cut_short", "lone_surrogate", "empty"],
)
def test_what_is_not_a_lead_is_refused_with_what_to_send(data, words):
    message = _refusal(data, number=5)
    assert message.startswith("Line 5 ")
    assert all(word in message for word in words), message
    assert '{"lead_source": "LinkedIn", "pages_viewed": 4}' in message or "UTF-8" in message


def _lines(tmp_path, data: bytes, **kwargs) -> list:
    path = tmp_path / "piped"
    path.write_bytes(data)
    from leadscore.io import lead_lines

    with path.open("rb") as stream:
        return [line for group in lead_lines(stream, **kwargs) for line in group]


def test_a_utf16_stream_is_cut_into_lines_after_decoding(tmp_path):
    # 'Ċ' is U+010A: in UTF-16-LE its first byte is the byte of a newline, b"\n".
    text = '{"name": "Ċelik"}\r\n{"name": "Ana"}\r\n'
    lines = _lines(tmp_path, text.encode("utf-16-le"), size=5)  # 5 bytes a read: letters cut in half
    assert [parse_lead(line)[0] for line in lines] == [{"name": "Ċelik"}, {"name": "Ana"}]


def test_a_line_too_long_is_never_held_and_the_next_one_comes(tmp_path):
    data = b'{"a": 1}\n' + b"x" * 100 + b'\n{"b": 2}\n' + b"y" * 50
    lines = _lines(tmp_path, data, size=8, limits=LeadLimits(max_chars=10))
    assert lines[0] == b'{"a": 1}' and lines[2] == b'{"b": 2}'
    assert isinstance(lines[1], LeadScoreInputError) and lines[1].message.startswith("Line 2 is 100 bytes long")
    assert isinstance(lines[3], LeadScoreInputError) and lines[3].message.startswith("Line 4 is 50 bytes long")
    assert len(lines) == 4
