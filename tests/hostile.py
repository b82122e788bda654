"""A corpus of broken and hostile lead files, built in code, with what reading each must give.

Every case is a function returning ``(filename, bytes)`` and a :class:`Case` in :data:`CASES`
saying what a user should get: the table ("reads", with its rows and columns) or one clear
refusal ("refused", with words the message must contain). The files are small and nothing here
is written to disk unless asked (:meth:`Case.write`), so the repository carries no binary files.

The same corpus is meant for every way in: ``tests/test_hostile_read.py`` runs it through
:func:`leadscore.io.read.read_leads`; the CLI and the app (AppTest) can loop over it too::

    from tests.hostile import CASES
    for case in CASES:
        path = case.write(tmp_path)            # the file as a user would upload it
        ...                                    # leadscore inspect path / upload in AppTest
        # case.expect, case.message_words, case.rows, case.columns, case.outcome, case.outcome_ok

``outcome`` names the outcome column of files a user would train on; ``outcome_ok`` says whether
inspecting should map its values without asking (True), or must ask or refuse (False: labels
like "maybe", one class only); ``None`` when the file is not for training.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

__all__ = ["Case", "CASES", "case", "StreamCase", "STREAM_CASES", "stream_case", "stream_table"]


@dataclass(frozen=True)
class Case:
    """One hostile file and what reading it must give.

    Parameters
    ----------
    name : str
        Short identifier (the test id).
    make : callable
        Returns ``(filename, bytes)``: the file as a user would upload it.
    expect : {"reads", "refused"}
        Whether LeadScore reads a table from it or refuses it with one message.
    rows : int, optional
        Rows of the table ("reads"): one per row of the file, blank rows included.
    columns : tuple of str or int, optional
        The column names in order, or how many there are (for very wide files).
    message_words : tuple of str
        Words the refusal must contain ("refused"): what is wrong and what to do.
    values : dict, optional
        Column -> the first values expected in it (checks nothing was shifted or mangled).
    attrs : dict, optional
        Keys of ``df.attrs["leadscore_read"]`` and the values expected there.
    read_kwargs : dict, optional
        Extra arguments for the reader (``sheet``).
    outcome, outcome_ok
        The outcome column, and whether it maps without a question (see the module doc).
    why : str
        What real situation the file stands for.
    """

    name: str
    make: Callable[[], tuple[str, bytes]]
    expect: str
    rows: int | None = None
    columns: tuple[str, ...] | int | None = None
    message_words: tuple[str, ...] = ()
    values: dict = field(default_factory=dict)
    attrs: dict = field(default_factory=dict)
    read_kwargs: dict = field(default_factory=dict)
    outcome: str | None = None
    outcome_ok: bool | None = None
    why: str = ""

    @property
    def filename(self) -> str:
        return self.make()[0]

    def data(self) -> bytes:
        return self.make()[1]

    def write(self, folder: Path) -> Path:
        """Write the file into ``folder`` under its own name and return its path."""
        filename, data = self.make()
        path = Path(folder) / filename
        path.write_bytes(data)
        return path


CASES: list[Case] = []


def case(name: str, expect: str, **expected) -> Callable:
    """Register the decorated ``() -> (filename, bytes)`` function as a case of the corpus."""

    def register(make: Callable[[], tuple[str, bytes]]) -> Callable[[], tuple[str, bytes]]:
        CASES.append(Case(name=name, make=make, expect=expect, why=(make.__doc__ or "").strip(), **expected))
        return make

    return register


# --------------------------------------------------------------------------------------------
# Building blocks

SOURCES = ("Referral", "LinkedIn", "Paid Ad", "Event", "Webinar")
# Names Windows-1252 can write, so that the same name can arrive in either encoding.
FIRST = ("José", "Zoë", "François", "Ana", "Sören", "Çelik", "Inês", "Jürgen", "Ødd", "Ñuria", "Åsa")
LAST = ("Müller", "Peña", "Ødegaard", "Gonçalves", "Béranger", "Núñez", "Åström", "Ferré", "Weiß", "Dürr")
LEAD_HEADER = ("lead_id", "source", "pages_viewed", "converted")


def _lead_rows(n: int) -> list[list[str]]:
    """``n`` plain leads: ID, source, pages viewed, yes/no (every third converted)."""
    return [[f"L-{i:04d}", SOURCES[i % 5], str(i % 13), "yes" if i % 3 == 0 else "no"] for i in range(1, n + 1)]


def _table(header, rows, sep: str = ",", end: str = "\n") -> str:
    """Cells joined as given (no quoting): the caller writes exactly the bytes it wants."""
    return "".join(sep.join(row) + end for row in [list(header), *rows])


def _leads_csv(n: int = 12, sep: str = ",", end: str = "\n") -> str:
    return _table(LEAD_HEADER, _lead_rows(n), sep, end)


def _workbook(build: Callable) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fill(sheet, header, rows) -> None:
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))


def _xlsx_leads(n: int = 12) -> bytes:
    rows = [[r[0], r[1], int(r[2]), r[3]] for r in _lead_rows(n)]
    return _workbook(lambda wb: _fill(wb.active, LEAD_HEADER, rows))


def _ole2(*stream_names: str) -> bytes:
    """A minimal Microsoft compound file: its signature, and directory entries named in UTF-16."""
    directory = b"".join(name.encode("utf-16-le").ljust(64, b"\x00") + bytes(64) for name in stream_names)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + directory


# --------------------------------------------------------------------------------------------
# Encodings


@case("utf8_bom_semicolons", "reads", rows=3, columns=("Kunde", "Umsatz", "Gewonnen"),
      values={"Kunde": ["Müller GmbH", "Bäcker KG"], "Umsatz": [1234.5, 980.0]},
      attrs={"encoding": "utf-8-sig", "delimiter": ";"}, outcome="Gewonnen", outcome_ok=True)
def utf8_bom_semicolons():
    """Excel 'CSV UTF-8' in Germany: a byte-order mark, semicolons, decimal commas."""
    text = "Kunde;Umsatz;Gewonnen\r\nMüller GmbH;1.234,50 €;ja\r\nBäcker KG;980,00 €;nein\r\nWeiß AG;12,00 €;ja\r\n"
    return "kunden.csv", b"\xef\xbb\xbf" + text.encode("utf-8")


@case("utf16_excel_unicode_text", "reads", rows=12, columns=LEAD_HEADER,
      values={"lead_id": ["L-0001", "L-0002"]}, attrs={"encoding": "utf-16", "delimiter": "\t"},
      outcome="converted", outcome_ok=True)
def utf16_excel_unicode_text():
    """Excel's 'Unicode text': UTF-16 little-endian with a byte-order mark, tabs, CRLF."""
    return "leads.txt", b"\xff\xfe" + _leads_csv(12, "\t", "\r\n").encode("utf-16-le")


@case("utf16_big_endian", "reads", rows=12, columns=LEAD_HEADER, attrs={"encoding": "utf-16"})
def utf16_big_endian():
    """UTF-16 big-endian with a byte-order mark (some Mac tools)."""
    return "leads.txt", b"\xfe\xff" + _leads_csv(12, "\t").encode("utf-16-be")


@case("utf16_without_bom", "reads", rows=12, columns=LEAD_HEADER, attrs={"encoding": "utf-16-le"})
def utf16_without_bom():
    """UTF-16 with the byte-order mark lost on the way."""
    return "leads.txt", _leads_csv(12, "\t").encode("utf-16-le")


@case("windows_1252_accents", "reads", rows=10, columns=("name", "city", "converted"),
      values={"name": ["José Müller", "Zoë Peña"], "city": ["Köln", "Málaga"]}, attrs={"encoding": "cp1252"},
      outcome="converted", outcome_ok=True)
def windows_1252_accents():
    """Excel 'CSV (comma delimited)' on Windows: Windows-1252."""
    rows = [[f"{FIRST[i % 11]} {LAST[i % 10]}", ("Köln", "Málaga")[i % 2], ("yes", "no")[i % 2]] for i in range(10)]
    return "leads.csv", _table(("name", "city", "converted"), rows).encode("cp1252")


@case("mixed_utf8_and_windows_1252", "reads", rows=143, columns=("name", "source", "converted"),
      values={"name": ["José Müller", "Zoë Peña", "François Ødegaard", "Ana Gonçalves"]},
      attrs={"encoding": "utf-8", "cp1252_lines": 13}, outcome="converted", outcome_ok=True)
def mixed_utf8_and_windows_1252():
    """Two exports pasted together: 143 names in UTF-8, every eleventh line in Windows-1252."""
    lines = ["name,source,converted\n".encode()]
    for i in range(143):
        line = f"{FIRST[i % 11]} {LAST[i % 10]},{SOURCES[i % 5]},{('yes', 'no')[i % 2]}\n"
        lines.append(line.encode("cp1252" if i % 11 == 10 else "utf-8"))
    return "leads.csv", b"".join(lines)


@case("nul_bytes_inside", "reads", rows=12, columns=LEAD_HEADER,
      values={"source": ["LinkedIn", "Paid Ad", "Event", "Webinar", "Referral"]}, attrs={"nul_bytes": 7})
def nul_bytes_inside():
    """A CRM that pads some fields with NUL characters (2 x 2 after "Referral", 3 x 1 in "Paid Ad")."""
    text = _leads_csv(12).replace("Referral", "Referral\x00\x00").replace("Paid Ad", "Paid\x00 Ad")
    return "leads.csv", text.encode()


@case("only_nul_bytes", "refused", message_words=("empty", "Export"))
def only_nul_bytes():
    """A file of nothing but NUL characters (an interrupted download)."""
    return "leads.csv", b"\x00" * 2048


@case("cyrillic_windows_1251", "reads", rows=6, columns=("имя", "город", "converted"),
      values={"имя": ["Пётр Сёмин", "Ольга Смирнова"]}, attrs={"encoding": "cp1251"})
def cyrillic_windows_1251():
    """A Russian export in Windows-1251 ("Сё" happens to be the bytes of one UTF-8 letter)."""
    rows = [["Пётр Сёмин", "Москва", "да"], ["Ольга Смирнова", "Казань", "нет"]] * 3
    return "leads.csv", _table(("имя", "город", "converted"), rows).encode("cp1251")


# --------------------------------------------------------------------------------------------
# Delimiters and line ends


@case("tab_separated", "reads", rows=12, columns=LEAD_HEADER, attrs={"delimiter": "\t"},
      outcome="converted", outcome_ok=True)
def tab_separated():
    """A .tsv export."""
    return "leads.tsv", _leads_csv(12, "\t").encode()


@case("pipe_separated", "reads", rows=12, columns=LEAD_HEADER, attrs={"delimiter": "|"})
def pipe_separated():
    """A pipe-separated export from a database tool."""
    return "leads.csv", _leads_csv(12, "|").encode()


@case("trailing_comma_every_line", "reads", rows=12, columns=("lead_id", "notes", "converted"),
      values={"notes": ["call back; Tuesday", "left voicemail; no answer"]},
      attrs={"delimiter": ",", "empty_columns_dropped": 1}, outcome="converted", outcome_ok=True)
def trailing_comma_every_line():
    """Every line ends with a comma, and notes contain semicolons (was called 'semicolon-separated')."""
    notes = ("call back; Tuesday", "left voicemail; no answer", "sent deck; wants demo")
    rows = [[f"L-{i}", notes[i % 3], ("yes", "no")[i % 2], ""] for i in range(12)]
    return "leads.csv", _table(("lead_id", "notes", "converted", ""), rows).encode()


@case("trailing_comma_rows_not_header", "reads", rows=12, columns=LEAD_HEADER,
      attrs={"empty_columns_dropped": 1}, values={"lead_id": ["L-0001", "L-0002"]})
def trailing_comma_rows_not_header():
    """Rows end with a comma, the header does not: pandas would take the IDs as the index."""
    return "leads.csv", _leads_csv(12).replace("\n", ",\n").replace("converted,\n", "converted\n").encode()


@case("one_column", "reads", rows=4, columns=("email",), values={"email": ["ann@example.com", "bob@example.com"]})
def one_column():
    """A list of e-mail addresses only."""
    return "emails.csv", b"email\nann@example.com\nbob@example.com\ncarla@example.com\ndan@example.com\n"


@case("five_thousand_columns", "reads", rows=3, columns=5001, values={"converted": ["yes", "no", "yes"]})
def five_thousand_columns():
    """A survey export with 5,000 question columns and the outcome last."""
    header = [f"q{i}" for i in range(5000)] + ["converted"]
    rows = [[str((i + r) % 5) for i in range(5000)] + [("yes", "no")[r % 2]] for r in range(3)]
    return "survey.csv", _table(header, rows).encode()


@case("crlf_line_ends", "reads", rows=12, columns=LEAD_HEADER, values={"converted": ["no", "no", "yes"]})
def crlf_line_ends():
    """Windows line ends."""
    return "leads.csv", _leads_csv(12, end="\r\n").encode()


@case("cr_only_line_ends", "reads", rows=12, columns=LEAD_HEADER, values={"converted": ["no", "no", "yes"]})
def cr_only_line_ends():
    """Old Mac Excel: lines end with a lone CR."""
    return "leads.csv", _leads_csv(12, end="\r").encode()


@case("mixed_line_ends", "reads", rows=12, columns=LEAD_HEADER)
def mixed_line_ends():
    """Two files pasted together: LF lines, then CRLF lines."""
    text = _leads_csv(12)
    head, tail = text[: len(text) // 2], text[len(text) // 2 :]
    cut = tail.index("\n") + 1
    return "leads.csv", (head + tail[:cut] + tail[cut:].replace("\n", "\r\n")).encode()


# --------------------------------------------------------------------------------------------
# Rows, quotes and cells


@case("extra_cell_on_first_row", "reads", rows=12, columns=(*LEAD_HEADER, "(extra 1)"),
      values={"lead_id": ["L-0001", "L-0002"], "(extra 1)": ["no"]},
      attrs={"rows_with_extra_cells": 1, "extra_cell_lines": [2]})
def extra_cell_on_first_row():
    """An unquoted comma in row 1 ("Paid, Social"): pandas silently shifted every column left."""
    text = _leads_csv(12).replace("L-0001,LinkedIn", "L-0001,Paid, Social", 1)
    return "leads.csv", text.encode()


@case("extra_cells_on_later_rows", "reads", rows=12, columns=(*LEAD_HEADER, "(extra 1)", "(extra 2)"),
      attrs={"rows_with_extra_cells": 2, "extra_cell_lines": [5, 9]})
def extra_cells_on_later_rows():
    """Two rows with unquoted commas further down."""
    lines = _leads_csv(12).splitlines(keepends=True)
    lines[4] = lines[4].replace(",", ",Inc,", 1)
    lines[8] = lines[8].replace(",", ",a,b,", 1)
    return "leads.csv", "".join(lines).encode()


@case("rows_with_fewer_cells", "reads", rows=12, columns=LEAD_HEADER, values={"lead_id": ["L-0001", "L-0002"]})
def rows_with_fewer_cells():
    """Some tools drop empty cells at the end of a row."""
    return "leads.csv", _leads_csv(12).replace(",no\n", "\n").encode()


@case("separator_only_rows", "reads", rows=15, columns=LEAD_HEADER, attrs={"blank_rows": 3})
def separator_only_rows():
    """Rows made only of commas (deleted contents in a spreadsheet): kept, row in = row out."""
    lines = _leads_csv(12).splitlines(keepends=True)
    for at in (3, 7, 11):
        lines.insert(at, ",,,\n")
    return "leads.csv", "".join(lines).encode()


@case("empty_lines_between_rows", "reads", rows=12, columns=LEAD_HEADER, attrs={"empty_lines": 4})
def empty_lines_between_rows():
    """Empty lines (nothing on them) between rows and at the end: skipped and counted."""
    lines = _leads_csv(12).splitlines(keepends=True)
    lines.insert(5, "\n")
    lines.insert(9, "   \n")
    return "leads.csv", ("".join(lines) + "\n\n").encode()


@case("unterminated_quote", "refused", message_words=("line 4", "quote", "never closed", "text editor"))
def unterminated_quote():
    """A note that opens a quote and never closes it, swallowing the rest of the file."""
    lines = _leads_csv(12).splitlines(keepends=True)
    lines[3] = lines[3].replace("LinkedIn", '"LinkedIn', 1).replace("Paid Ad", '"Paid Ad', 1).replace("Event", '"Event', 1)
    return "leads.csv", "".join(lines).encode()


@case("quoted_line_breaks_and_quotes", "reads", rows=3, columns=("lead_id", "notes", "converted"),
      values={"notes": ['He said "call me"\nnext week', "first line\r\n\r\nthird line", None]})
def quoted_line_breaks_and_quotes():
    """Notes with line breaks, empty lines and doubled quotes inside quoted cells."""
    text = 'lead_id,notes,converted\n1,"He said ""call me""\nnext week",yes\n2,"first line\r\n\r\nthird line",no\n3,"",no\n'
    return "leads.csv", text.encode()


@case("cell_of_200_kb", "reads", rows=3, columns=("lead_id", "notes", "converted"))
def cell_of_200_kb():
    """A notes cell holding a pasted e-mail thread of 200 KB."""
    big = "blah " * 40_000
    return "leads.csv", f'lead_id,notes,converted\n1,"{big}",yes\n2,short,no\n3,"{big}",no\n'.encode()


@case("empty_file", "refused", message_words=("empty", "header row"))
def empty_file():
    """Zero bytes."""
    return "leads.csv", b""


@case("only_whitespace", "refused", message_words=("empty", "Export"))
def only_whitespace():
    """Spaces and line ends only."""
    return "leads.csv", b"  \r\n\t\n   \n"


@case("header_only", "refused", message_words=("column names but no leads", "rows of your leads"))
def header_only():
    """An export filtered down to nothing."""
    return "leads.csv", b"lead_id,source,pages_viewed,converted\n"


@case("header_and_separator_rows_only", "refused", message_words=("no leads", "rows are empty"))
def header_and_separator_rows_only():
    """A header and rows of commas only."""
    return "leads.csv", b"lead_id,source,converted\n,,\n,,\n"


@case("single_row", "reads", rows=1, columns=LEAD_HEADER, values={"lead_id": ["L-0001"]},
      outcome="converted", outcome_ok=False)
def single_row():
    """One lead: readable, far too few to train on."""
    return "leads.csv", _leads_csv(1).encode()


@case("duplicate_headers", "refused", message_words=("more than one column named 'phone'", "Rename"))
def duplicate_headers():
    """Two columns with the same name."""
    return "leads.csv", b"lead_id,phone,phone,converted\n1,555,556,yes\n2,557,558,no\n"


@case("duplicate_headers_after_spaces", "refused", message_words=("more than one column named 'email'",))
def duplicate_headers_after_spaces():
    """Names that differ only by spaces ("email" and " email ")."""
    return "leads.csv", b"email, email ,converted\na@x.com,b@x.com,yes\n"


@case("blank_headers", "reads", rows=2, columns=("lead_id", "(column 2)", "converted", "(column 4)"),
      values={"(column 2)": ["Referral", "Event"]}, attrs={"unnamed_columns": ["(column 2)", "(column 4)"]})
def blank_headers():
    """Columns without a name (a deleted header cell; an unnamed index)."""
    return "leads.csv", b"lead_id,,converted, \n1,Referral,yes,7\n2,Event,no,8\n"


@case("headers_with_formula_starts", "reads", rows=2,
      columns=("=SUM(A1:A9)", "+1", "-x", "@score", "=HYPERLINK(\"http://x\")", "converted"))
def headers_with_formula_starts():
    """Column names a spreadsheet would run as formulas."""
    text = '=SUM(A1:A9),+1,-x,@score,"=HYPERLINK(""http://x"")",converted\n1,2,3,4,5,yes\n6,7,8,9,10,no\n'
    return "leads.csv", text.encode()


@case("cells_with_formula_starts", "reads", rows=6, columns=("lead_id", "note", "converted"),
      values={"note": ['=HYPERLINK("http://evil.example","click")', "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-1+1",
                       "\tstarts with a tab", "\rstarts with a CR"]})
def cells_with_formula_starts():
    """Cells that start like formulas ("CSV injection"); read as the text they are."""
    notes = ['"=HYPERLINK(""http://evil.example"",""click"")"', "\"@SUM(1+1)*cmd|' /C calc'!A0\"", "+1+1", "-1+1",
             '"\tstarts with a tab"', '"\rstarts with a CR"']
    rows = [[str(i), note, ("yes", "no")[i % 2]] for i, note in enumerate(notes)]
    return "leads.csv", _table(("lead_id", "note", "converted"), rows).encode()


@case("unicode_and_control_characters", "reads", rows=3, columns=("名前", "ملاحظة", "emoji 🚀", "converted"),
      values={"名前": ["山田 太郎", "Zoë\u200b", "a\x01b"]})
def unicode_and_control_characters():
    """Japanese, Arabic, emoji, a zero-width space and a control character."""
    text = "名前,ملاحظة,emoji 🚀,converted\n山田 太郎,مرحبا,👍,yes\nZoë\u200b,نعم,🔥🔥,no\na\x01b,x,y,no\n"
    return "leads.csv", text.encode()


# --------------------------------------------------------------------------------------------
# Numbers and dates


@case("messy_numbers", "reads", rows=6, columns=("lead_id", "deal", "discount", "balance"),
      values={"deal": [1200.0, 3500.0, 12.5, 900.0], "discount": [45.0, 5.0, 12.5, 0.0],
              "balance": [-300.0, 1200.0, 0.0, 15.0]})
def messy_numbers():
    """Currency signs, thousands separators, percents and accounting brackets."""
    text = (
        'lead_id,deal,discount,balance\n1,"1,200",45%,(300)\n2,"$3,500",5%,"1,200"\n3,€ 12.50,12.5%,0\n'
        '4,900,0%,15\n5,"$1,200.50",1%,(20)\n6,£75,2%,"(1,000)"\n'
    )
    return "leads.csv", text.encode()


@case("european_numbers", "reads", rows=3, columns=("lead_id", "deal"), values={"deal": [1200.5, 3.5, 10.0]},
      attrs={"delimiter": ";"})
def european_numbers():
    """Decimal commas and thousands dots in a semicolon file."""
    return "leads.csv", b"lead_id;deal\n1;1.200,50\n2;3,5\n3;10\n"


@case("infinite_and_nan_numbers", "reads", rows=8, columns=("lead_id", "deal", "converted"),
      values={"deal": [None, None, None, None, 100.0]}, attrs={"unreadable_numbers": {"deal": 4}})
def infinite_and_nan_numbers():
    """1e309, inf, -inf and NaN in a column of numbers (infinite values break models)."""
    deals = ["1e309", "inf", "-inf", "NaN", "100", "200", "300", "400"]
    rows = [[str(i), d, ("yes", "no")[i % 2]] for i, d in enumerate(deals)]
    return "leads.csv", _table(("lead_id", "deal", "converted"), rows).encode()


@case("dates_in_several_formats", "reads", rows=24, columns=("lead_id", "signed_up"),
      values={"signed_up": ["2024-04-01", "2024-04-02"]}, attrs={"unreadable_dates": {"signed_up": 1}})
def dates_in_several_formats():
    """ISO dates with a few written out ("April 21, 2024", "22 Apr 2024") and one typo."""
    rows = [[str(i), f"2024-04-{i:02d}"] for i in range(1, 21)]
    rows += [["21", '"April 21, 2024"'], ["22", "22 Apr 2024"], ["23", "2024/04/23"], ["24", "soon"]]
    return "leads.csv", _table(("lead_id", "signed_up"), rows).encode()


@case("day_first_dates", "reads", rows=3, columns=("lead_id", "signed_up"),
      values={"signed_up": ["2024-04-25", "2024-05-03", "2024-12-31"]})
def day_first_dates():
    """European day/month/year dates."""
    return "leads.csv", b"lead_id,signed_up\n1,25/04/2024\n2,03/05/2024\n3,31/12/2024\n"


@case("excel_day_numbers_among_dates", "reads", rows=22, columns=("lead_id", "signed_up"),
      values={"signed_up": ["2023-11-01"]}, attrs={"excel_serial_dates": {"signed_up": 2}})
def excel_day_numbers_among_dates():
    """Dates pasted from Excel as numbers (45231 = 1 November 2023) among written dates."""
    rows = [[str(i), f"2023-11-{i:02d}"] for i in range(1, 21)] + [["21", "45251"], ["22", "45252.5"]]
    return "leads.csv", _table(("lead_id", "signed_up"), rows).encode()


@case("yes_no_true_blank", "reads", rows=4, columns=("lead_id", "visited_pricing", "converted"),
      values={"converted": ["yes", "no", "yes", "no"]})
def yes_no_true_blank():
    """A yes/no column written as TRUE or nothing."""
    return "leads.csv", b"lead_id,visited_pricing,converted\n1,TRUE,yes\n2,,no\n3,TRUE,yes\n4,,no\n"


# --------------------------------------------------------------------------------------------
# Outcome labels (read as written; what they mean is the outcome step's question)


def _outcome_file(labels: list[str]) -> bytes:
    rows = [[f"L-{i}", SOURCES[i % 5], label] for i, label in enumerate(labels)]
    return _table(("lead_id", "source", "outcome"), rows).encode()


@case("outcome_maybe", "reads", rows=30, columns=("lead_id", "source", "outcome"),
      values={"outcome": ["yes", "no", "maybe"]}, outcome="outcome", outcome_ok=False)
def outcome_maybe():
    """yes / no / maybe: 'maybe' must be a question, never a guess."""
    return "leads.csv", _outcome_file(["yes", "no", "maybe"] * 10)


@case("outcome_shouting", "reads", rows=30, columns=("lead_id", "source", "outcome"),
      values={"outcome": ["YES!!", "no", "Yes"]}, outcome="outcome", outcome_ok=False)
def outcome_shouting():
    """YES!! / no / Yes typed by hand."""
    return "leads.csv", _outcome_file(["YES!!", "no", "Yes"] * 10)


@case("outcome_spanish", "reads", rows=30, columns=("lead_id", "source", "outcome"),
      values={"outcome": ["si", "no", "sí"]}, outcome="outcome", outcome_ok=True)
def outcome_spanish():
    """si / no / sí from a Spanish team."""
    return "leads.csv", _outcome_file(["si", "no", "sí"] * 10)


@case("outcome_floats_with_blanks", "reads", rows=30, columns=("lead_id", "source", "outcome"),
      values={"outcome": [1.0, 0.0, None]}, outcome="outcome", outcome_ok=True)
def outcome_floats_with_blanks():
    """1.0 / 0.0 written by a script, blanks for open leads."""
    return "leads.csv", _outcome_file(["1.0", "0.0", ""] * 10)


@case("outcome_pipeline_stages", "reads", rows=40, columns=("lead_id", "source", "outcome"),
      values={"outcome": ["Won", "Lost", "Engaging", "Prospecting"]}, outcome="outcome", outcome_ok=True)
def outcome_pipeline_stages():
    """CRM stages: Won / Lost are outcomes, Engaging / Prospecting still open."""
    return "leads.csv", _outcome_file(["Won", "Lost", "Engaging", "Prospecting"] * 10)


@case("outcome_true_or_blank", "reads", rows=30, columns=("lead_id", "source", "outcome"),
      outcome="outcome", outcome_ok=False)
def outcome_true_or_blank():
    """TRUE for converted and nothing otherwise: blanks read as 'still open', so one class only."""
    return "leads.csv", _outcome_file(["TRUE", "", ""] * 10)


@case("outcome_one_class", "reads", rows=30, columns=("lead_id", "source", "outcome"),
      outcome="outcome", outcome_ok=False)
def outcome_one_class():
    """Only converted leads (an export of customers)."""
    return "leads.csv", _outcome_file(["yes"] * 30)


# --------------------------------------------------------------------------------------------
# Excel workbooks


@case("xlsx_plain", "reads", rows=12, columns=LEAD_HEADER, values={"pages_viewed": [1, 2, 3]},
      attrs={"sheet": "Sheet", "sheets": ["Sheet"]}, outcome="converted", outcome_ok=True)
def xlsx_plain():
    """A plain workbook, for comparison."""
    return "leads.xlsx", _xlsx_leads()


def _summary_then_leads(workbook) -> None:
    workbook.active.title = "Summary"
    workbook.active.append(["Total leads", 12])
    _fill(workbook.create_sheet("Leads"), LEAD_HEADER, _lead_rows(12))


@case("xlsx_leads_on_sheet_2", "refused",
      message_words=("The sheet 'Summary'", "no leads", "also has the sheet 'Leads'", "choose the sheet"))
def xlsx_leads_on_sheet_2():
    """A summary on sheet 1, the leads on sheet 2 (read by default: sheet 1)."""
    return "leads.xlsx", _workbook(_summary_then_leads)


@case("xlsx_leads_on_sheet_2_chosen", "reads", rows=12, columns=LEAD_HEADER, read_kwargs={"sheet": "Leads"},
      attrs={"sheet": "Leads", "sheets": ["Summary", "Leads"]}, outcome="converted", outcome_ok=True)
def xlsx_leads_on_sheet_2_chosen():
    """The same workbook with the sheet chosen."""
    return "leads.xlsx", _workbook(_summary_then_leads)


@case("xlsx_unknown_sheet", "refused", read_kwargs={"sheet": "Deals"},
      message_words=("no sheet named 'Deals'", "'Summary', 'Leads'"))
def xlsx_unknown_sheet():
    """A sheet name that is not there."""
    return "leads.xlsx", _workbook(_summary_then_leads)


@case("xlsx_empty_first_sheet", "refused", message_words=("is empty", "also has the sheet 'Leads'"))
def xlsx_empty_first_sheet():
    """An empty first sheet."""

    def build(workbook):
        _fill(workbook.create_sheet("Leads"), LEAD_HEADER, _lead_rows(3))

    return "leads.xlsx", _workbook(build)


@case("xlsx_formulas_without_values", "reads", rows=12, columns=("lead_id", "deal", "total", "link", "converted"),
      values={"deal": [100, 200]}, attrs={"formula_cells_without_values": {"total": 12, "link": 12}})
def xlsx_formulas_without_values():
    """Formulas (=B2*2, =HYPERLINK(...)) saved by a program that does not calculate them."""

    def build(workbook):
        rows = [[f"L-{i}", 100 * i, f"=B{i + 1}*2", f'=HYPERLINK("http://crm.example/{i}")', ("yes", "no")[i % 2]]
                for i in range(1, 13)]
        _fill(workbook.active, ("lead_id", "deal", "total", "link", "converted"), rows)

    return "leads.xlsx", _workbook(build)


@case("xlsx_dates_and_day_numbers", "reads", rows=41, columns=("lead_id", "signed_up"),
      values={"signed_up": ["2023-11-01"]}, attrs={"excel_serial_dates": {"signed_up": 1}})
def xlsx_dates_and_day_numbers():
    """Date cells, and one date typed as a number formatted 'General'."""
    import datetime

    def build(workbook):
        rows = [[i, datetime.datetime(2023, 11, 1) + datetime.timedelta(days=i - 1)] for i in range(1, 41)]
        _fill(workbook.active, ("lead_id", "signed_up"), rows + [[41, 45270]])

    return "leads.xlsx", _workbook(build)


@case("xlsx_blank_rows_and_offset_table", "reads", rows=4, columns=("lead_id", "converted"),
      values={"lead_id": ["L-1", None, "L-2", "L-3"]}, attrs={"blank_rows": 1, "empty_columns_dropped": 2})
def xlsx_blank_rows_and_offset_table():
    """A table starting at C3 with an empty row inside and formatted empty cells below."""

    def build(workbook):
        sheet = workbook.active
        for row, (lead, converted) in enumerate([("lead_id", "converted"), ("L-1", "yes"), (None, None),
                                                ("L-2", "no"), ("L-3", "no")], start=3):
            sheet.cell(row, 3, lead)
            sheet.cell(row, 4, converted)
        sheet["C50"].number_format = "0.00"

    return "leads.xlsx", _workbook(build)


@case("xlsx_duplicate_headers", "refused", message_words=("more than one column named 'phone'",))
def xlsx_duplicate_headers():
    """Two 'phone' columns in a workbook."""
    return "leads.xlsx", _workbook(lambda wb: _fill(wb.active, ("phone", "phone ", "won"), [[1, 2, "yes"]]))


@case("xlsx_empty_workbook", "refused", message_words=("is empty",))
def xlsx_empty_workbook():
    """A new workbook saved without data."""
    return "leads.xlsx", _workbook(lambda wb: None)


@case("xlsx_cut_short", "refused", message_words=("damaged or incomplete", "again"))
def xlsx_cut_short():
    """A workbook whose download stopped halfway."""
    data = _xlsx_leads()
    return "leads.xlsx", data[: len(data) // 2]


@case("xlsx_damaged_inside", "refused", message_words=("could not be opened", "save it again"))
def xlsx_damaged_inside():
    """A zip with the parts of a workbook, but nonsense inside."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "not really a workbook")
    return "leads.xlsx", buffer.getvalue()


@case("xlsx_password_protected", "refused", message_words=("protected with a password", "without a password"))
def xlsx_password_protected():
    """A workbook saved with 'Encrypt with Password' (an encrypted package in an OLE2 file)."""
    return "leads.xlsx", _ole2("Root Entry", "EncryptionInfo", "EncryptedPackage")


@case("xls_old_excel", "refused", message_words=("old Excel format (.xls", "Save As", ".xlsx"))
def xls_old_excel():
    """An Excel 97-2003 workbook."""
    return "leads.xls", _ole2("Root Entry", "Workbook", "\x05SummaryInformation")


@case("word_document", "refused", message_words=("Word document", "not a table of leads"))
def word_document():
    """A .doc file uploaded by mistake."""
    return "leads.doc", _ole2("Root Entry", "WordDocument", "1Table")


@case("zip_bomb_as_xlsx", "refused", message_words=("unpacks to", "GB", "CSV"))
def zip_bomb_as_xlsx():
    """A zip named .xlsx whose sheet claims to unpack to 3.7 GB (refused before anything is unpacked)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<row><c><v>0</v></c></row>" * 4000)
    data = bytearray(buffer.getvalue())
    # Write the claimed size into the sheet's central directory entry (offset 24: uncompressed size).
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_length].endswith(b"sheet1.xml"):
            struct.pack_into("<I", data, at + 24, 3_950_000_000)
        at = data.find(b"PK\x01\x02", at + 4)
    return "leads.xlsx", bytes(data)


@case("zip_not_a_workbook", "refused", message_words=("compressed (zip)", "Unzip"))
def zip_not_a_workbook():
    """A zip of CSV files named .xlsx."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("leads.csv", _leads_csv(3))
    return "leads.xlsx", buffer.getvalue()


@case("opendocument_spreadsheet", "refused", message_words=("OpenDocument", ".xlsx"))
def opendocument_spreadsheet():
    """A LibreOffice .ods file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return "leads.ods", buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Not tables at all


@case("png_image", "refused", message_words=("image (PNG)", "not a table of leads"))
def png_image():
    """A screenshot of the CRM instead of an export."""
    return "leads.csv", b"\x89PNG\r\n\x1a\n" + bytes(13) + b"IHDR" + bytes(300)


@case("jpeg_image", "refused", message_words=("image (JPEG)",))
def jpeg_image():
    """A photo of a printed list."""
    return "leads.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(300)


@case("pdf_document", "refused", message_words=("PDF document", "CSV"))
def pdf_document():
    """A report saved as PDF."""
    return "leads.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"


@case("html_page", "refused", message_words=("web page (HTML)", "Download CSV"))
def html_page():
    """A download link saved with 'Save page as'."""
    return "leads.csv", b"<!DOCTYPE html>\n<html><head><title>CRM login</title></head><body><form></form></body></html>\n"


@case("json_array", "refused", message_words=("JSON", "Export > CSV"))
def json_array():
    """An API response saved as a file."""
    return "leads.json", b'[{"lead_id": "L-1", "source": "Event", "converted": "yes"}, {"lead_id": "L-2", "converted": "no"}]'


@case("json_lines", "refused", message_words=("JSON",))
def json_lines():
    """JSON Lines from a webhook log."""
    return "leads.csv", b'{"lead_id": "L-1", "converted": "yes"}\n{"lead_id": "L-2", "converted": "no"}\n'


@case("xml_document", "refused", message_words=("XML", ".xlsx"))
def xml_document():
    """An XML export."""
    return "leads.xml", b'<?xml version="1.0"?>\n<leads><lead id="1"><converted>yes</converted></lead></leads>\n'


@case("excel_2003_xml", "refused", message_words=("Excel 2003 XML", ".xlsx"))
def excel_2003_xml():
    """An 'XML Spreadsheet 2003' file."""
    return "leads.xml", (
        b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
        b"<Worksheet><Table><Row><Cell><Data>lead</Data></Cell></Row></Table></Worksheet></Workbook>\n"
    )


@case("rtf_document", "refused", message_words=("Rich Text", "CSV"))
def rtf_document():
    """A table pasted into WordPad."""
    return "leads.rtf", b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}} lead_id, converted\\par 1, yes}"


@case("gzip_file", "refused", message_words=("compressed (.gz)",))
def gzip_file():
    """A compressed export."""
    import gzip

    return "leads.csv.gz", gzip.compress(_leads_csv(12).encode())


@case("random_binary", "refused", message_words=("not a text file",))
def random_binary():
    """Bytes from a program file."""
    import random

    generator = random.Random(15)
    return "leads.csv", bytes(generator.randrange(256) for _ in range(4096))


# --------------------------------------------------------------------------------------------
# Streams: `leadscore score MODEL -`, one JSON lead per line. Each case is the bytes piped in
# and what each line must get: "scored" (its lead_id) or words of its `error` line. The stream
# never stops: the good leads around a bad line are scored, in order.


@dataclass(frozen=True)
class StreamCase:
    """One hostile stream and what each of its lines must get.

    ``lines`` holds, per non-blank line in order, ``("scored", lead_id)`` or ``("error", words)``.
    """

    name: str
    make: Callable[[], bytes]
    lines: tuple[tuple[str, object], ...]
    why: str = ""

    def data(self) -> bytes:
        return self.make()


STREAM_CASES: list[StreamCase] = []


def stream_case(name: str, *lines: tuple[str, object]) -> Callable:
    """Register the decorated ``() -> bytes`` function as a stream case."""

    def register(make: Callable[[], bytes]) -> Callable[[], bytes]:
        STREAM_CASES.append(StreamCase(name=name, make=make, lines=tuple(lines), why=(make.__doc__ or "").strip()))
        return make

    return register


def _stream_lead(lead_id: str, **extra) -> str:
    import json

    return json.dumps({"lead_id": lead_id, "source": "Referral", "pages_viewed": 7, **extra}, ensure_ascii=False)


def _around(bad: str, end: str = "\n") -> str:
    """A bad line between two good leads, S-1 and S-2."""
    return _stream_lead("S-1") + end + bad + end + _stream_lead("S-2") + end


@stream_case("stream_nested_100000_deep", ("scored", "S-1"), ("error", ("Line 2", "nested 100,000 levels deep", "one flat JSON object per line")), ("scored", "S-2"))
def stream_nested_100000_deep():
    """An object 100,000 levels deep (Python's parser would recurse until it fails)."""
    return _around('{"a": ' * 100_000 + "1" + "}" * 100_000).encode()


@stream_case("stream_number_5000_digits", ("scored", "S-1"), ("error", ("Line 2", "5,000 digits", "as text in quotes")), ("scored", "S-2"))
def stream_number_5000_digits():
    """A 5,000-digit number (Python refuses to convert more than 4,300 digits)."""
    return _around('{"lead_id": "X", "deal": ' + "7" * 5_000 + "}").encode()


@stream_case("stream_line_of_5_mb", ("scored", "S-1"), ("error", ("Line 2", "5,000,000 bytes long", "at most 1,000,000 characters")), ("scored", "S-2"))
def stream_line_of_5_mb():
    """A 5 MB line with no line break for its length (never held whole)."""
    return _around('{"notes": "' + "n" * (5_000_000 - 13) + '"}').encode()


@stream_case("stream_endless_last_line", ("scored", "S-1"), ("error", ("Line 2", "6,000,000 bytes long")))
def stream_endless_last_line():
    """The stream ends inside a 6 MB line that never breaks."""
    return (_stream_lead("S-1") + "\n" + "z" * 6_000_000).encode()


@stream_case("stream_utf16_powershell", ("scored", "S-1"), ("scored", "S-2"), ("scored", "S-3"))
def stream_utf16_powershell():
    """What Windows PowerShell pipes: UTF-16 little-endian, no byte-order mark, CRLF; a name whose
    letter 'Ċ' (U+010A) holds the byte of a newline."""
    return "\r\n".join(_stream_lead(f"S-{i}", name="Ċelik Жанна") for i in (1, 2, 3)).encode("utf-16-le") + "\r\n".encode("utf-16-le")


@stream_case("stream_utf16_with_bom", ("scored", "S-1"), ("scored", "S-2"))
def stream_utf16_with_bom():
    """UTF-16 with its byte-order mark (Notepad's 'Unicode')."""
    return "\n".join(_stream_lead(f"S-{i}", name="Zoë") for i in (1, 2)).encode("utf-16")


@stream_case("stream_utf16_big_endian", ("scored", "S-1"), ("scored", "S-2"))
def stream_utf16_big_endian():
    """UTF-16 big-endian with its byte-order mark."""
    return ("\ufeff" + "\n".join(_stream_lead(f"S-{i}") for i in (1, 2)) + "\n").encode("utf-16-be")


@stream_case("stream_utf8_with_bom", ("scored", "S-1"), ("scored", "S-2"))
def stream_utf8_with_bom():
    """UTF-8 with a byte-order mark before the first lead."""
    return ("\n".join(_stream_lead(f"S-{i}", name="Zoë") for i in (1, 2)) + "\n").encode("utf-8-sig")


@stream_case("stream_windows_1252_line", ("scored", "S-1"), ("scored", "W-1"), ("scored", "S-2"))
def stream_windows_1252_line():
    """One line in Windows-1252 among UTF-8 ones (scored, with a note about its letters)."""
    return _stream_lead("S-1").encode() + b"\n" + _stream_lead("W-1", name="José").encode("cp1252") + b"\n" + _stream_lead("S-2").encode() + b"\n"


@stream_case(
    "stream_not_leads",
    ("scored", "S-1"),
    ("error", ("Line 3", "not valid JSON")),  # lines are counted as in the file, blank ones too
    ("error", ("Line 5", "not a JSON object")),
    ("error", ("Line 7", "broken character escape")),
    ("error", ("Line 9", "not valid JSON")),
    ("scored", "S-2"),
)
def stream_not_leads():
    """Text, an array, a lone surrogate escape, a line cut short, blank lines between them."""
    bad = ["this is not json", '["an", "array"]', '{"lead_id": "X", "name": "\\ud800"}', '{"lead_id": "X", "source": "Ref']
    return (_stream_lead("S-1") + "\n\n" + "\n  \n".join(bad) + "\n\n" + _stream_lead("S-2") + "\n").encode()


@stream_case("stream_nul_bytes_and_crlf", ("scored", "S-1"), ("error", ("Line 2", "not valid JSON")), ("scored", "S-2"))
def stream_nul_bytes_and_crlf():
    """CRLF line ends, and a line of NUL bytes inside a lead's text."""
    return _around('{"lead_id": "X\x00\x00\x00', end="\r\n").encode()


@stream_case("stream_last_line_without_break", ("scored", "S-1"), ("scored", "S-2"))
def stream_last_line_without_break():
    """The last lead has no line break after it."""
    return (_stream_lead("S-1") + "\n" + _stream_lead("S-2")).encode()


@stream_case("stream_nested_but_allowed", ("scored", "S-1"), ("scored", "N-1"), ("scored", "S-2"))
def stream_nested_but_allowed():
    """A lead with a list and an object in its fields (kept as their JSON text), 3 levels deep."""
    return _around(_stream_lead("N-1", tags=["a", ["b"]], owner={"name": "Ana"}).replace("S-", "S-")).encode()


def stream_table(results: dict[str, list[str]]) -> str:
    """A Markdown table of the stream cases and what each line got (``results``: name -> outcomes)."""
    rows = ["| case | what it stands for | lines (expected) | got |", "|---|---|---|---|"]
    for stream in STREAM_CASES:
        expected = ", ".join(f"error '{detail[1]}'" if kind == "error" else f"scored {detail}" for kind, detail in stream.lines)
        rows.append(f"| {stream.name} | {' '.join(stream.why.split())} | {expected} | {'; '.join(results.get(stream.name, ['not run']))} |")
    return "\n".join(rows)
