"""Properties of read_leads on random tables (Hypothesis): whatever the names and cells, written
as a CSV by a standard writer in any common encoding and separator, the table read back has every
row in order, every header, and every cell as written.

Kept fast: small tables, 100 examples per property, the same examples every run (derandomized)
and no example database written into the repository. To search harder while working on the
reader, run with ``--hypothesis-seed=<n>`` and a larger ``max_examples``.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from leadscore.errors import LeadScoreInputError
from leadscore.io.read import read_leads, to_number

PROPERTY = settings(
    max_examples=100,
    deadline=None,  # the test machine is shared; speed is measured in benchmarks/, not here
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

DELIMITERS = (",", ";", "\t", "|")
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252")
LINE_ENDS = ("\n", "\r\n", "\r")
# Cells a reader rightly turns into something else than their text: blanks ("NA", "null"), yes/no
# (True/False), numbers that are not ("inf", "NaN"). Cells with digits may be numbers or dates.
SPECIAL = {
    "#n/a", "#n/a n/a", "#na", "<na>", "n/a", "na", "null", "none", "nan", "-nan", "+nan",
    "true", "false", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity",
}

# Text of every kind except digits and NUL: letters of many scripts, spaces, punctuation, quotes,
# line breaks, control characters, formula starts (= + - @) and emoji.
_LETTERS = st.characters(
    blacklist_categories=("Nd", "Cs"),
    blacklist_characters="\x00",
    max_codepoint=0x1F9FF,
)


def _cell(delimiter: str) -> st.SearchStrategy[str]:
    # The other separators stay out of the cells: a table whose every cell holds "a;b" is
    # honestly ambiguous between comma- and semicolon-separated.
    others = "".join(d for d in DELIMITERS if d != delimiter)
    text = st.text(_LETTERS.filter(lambda ch: ch not in others), max_size=12)
    return st.one_of(text, st.sampled_from(["", " ", '"', "=SUM(A1)", "@x", "+x", "-x", "\r", "\n", "a\r\nb"]))


def _name(delimiter: str) -> st.SearchStrategy[str]:
    return _cell(delimiter).filter(lambda name: name.strip() != "")


@st.composite
def tables(draw):
    delimiter = draw(st.sampled_from(DELIMITERS))
    width = draw(st.integers(2, 6))
    names = draw(st.lists(_name(delimiter), min_size=width, max_size=width, unique_by=str.strip))
    rows = draw(st.lists(st.lists(_cell(delimiter), min_size=width, max_size=width), min_size=1, max_size=8))
    for row in rows:
        for cell in row:
            assume(cell.strip().lower() not in SPECIAL or cell == "")
    encoding = draw(st.sampled_from(ENCODINGS))
    line_end = draw(st.sampled_from(LINE_ENDS))
    return names, rows, delimiter, encoding, line_end


def _write(names, rows, delimiter: str, line_end: str) -> str:
    """CSV as Excel writes it: a cell is quoted when it holds the separator, a quote or a line break.

    (Python's csv writer leaves a lone CR unquoted when rows end with LF: no reader can read that.)
    """

    def cell(text: str) -> str:
        if any(ch in text for ch in (delimiter, '"', "\r", "\n")):
            return '"' + text.replace('"', '""') + '"'
        return text

    return "".join(delimiter.join(cell(text) for text in row) + line_end for row in [names, *rows])


def _encode(text: str, encoding: str) -> bytes:
    data = text.encode(encoding)
    if encoding == "cp1252" and not text.isascii():
        # A line that is valid UTF-8 with accents could be either encoding; any reader takes UTF-8.
        for line in data.splitlines():
            if not line.isascii():
                try:
                    line.decode("utf-8")
                    assume(False)
                except UnicodeDecodeError:
                    pass
    return data


def _same(read, written: str) -> bool:
    if written == "":
        return pd.isna(read)
    return read == written


@PROPERTY
@given(tables())
def test_a_written_table_reads_back_with_every_row_header_and_cell(table):
    names, rows, delimiter, encoding, line_end = table
    text = _write(names, rows, delimiter, line_end)
    try:
        data = _encode(text, encoding)
    except UnicodeEncodeError:
        assume(False)  # Windows-1252 cannot write this text
    if all(not cell.strip() for row in rows for cell in row):
        with pytest.raises(LeadScoreInputError, match="no leads"):
            read_leads(data)
        return
    df = read_leads(data)
    assert list(df.columns) == [name.strip() for name in names]
    assert len(df) == len(rows)
    for position, row in enumerate(rows):
        read = df.iloc[position].tolist()
        assert all(_same(r, w) for r, w in zip(read, row)), (read, row)
    assert df.attrs["leadscore_read"]["delimiter"] == delimiter


@st.composite
def ragged_tables(draw):
    width = draw(st.integers(1, 5))
    letters = st.text(st.characters(min_codepoint=ord("a"), max_codepoint=ord("z")), min_size=1, max_size=5).filter(
        lambda word: word not in SPECIAL
    )
    names = draw(st.lists(letters, min_size=width, max_size=width, unique=True))
    rows = draw(st.lists(st.lists(letters, min_size=1, max_size=width + 3), min_size=1, max_size=10))
    return names, rows


@PROPERTY
@given(ragged_tables())
def test_rows_longer_or_shorter_than_the_header_keep_every_cell_in_place(table):
    names, rows = table
    data = ("\n".join(",".join([*names]) if i == 0 else ",".join(row) for i, row in enumerate([names, *rows])) + "\n")
    df = read_leads(data.encode())
    longest = max(len(row) for row in rows)
    extra = [f"(extra {k})" for k in range(1, longest - len(names) + 1)]
    assert list(df.columns) == names + extra
    assert len(df) == len(rows)
    for position, row in enumerate(rows):
        read = df.iloc[position].tolist()
        padded = row + [""] * (len(read) - len(row))
        assert all(_same(r, w) for r, w in zip(read, padded)), (read, row)
    longer = sum(len(row) > len(names) for row in rows)
    assert df.attrs["leadscore_read"].get("rows_with_extra_cells", 0) == longer


@PROPERTY
@given(st.integers(0, 10**12), st.sampled_from(["{:,}", "${:,}", "{:,}%", "€ {:,}", "({:,})"]))
def test_thousands_separated_numbers_read_as_the_number(number, form):
    text = form.format(number)
    numbers, not_numbers = to_number(pd.Series([text, None]))
    expected = -number if form.startswith("(") and number else number
    assert numbers.iloc[0] == expected and not_numbers == 0


@PROPERTY
@given(st.integers(0, 10**9), st.integers(0, 99))
def test_decimal_comma_numbers_read_as_the_number(whole, cents):
    text = f"{whole:,}".replace(",", ".") + f",{cents:02d}"  # 1.234.567,08
    numbers, _ = to_number(pd.Series([text]), decimal_comma=True)
    assert numbers.iloc[0] == pytest.approx(whole + cents / 100)
