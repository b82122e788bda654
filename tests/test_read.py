"""read.py: every export a small business might upload becomes the same table, or a clear message."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from leadscore.errors import LeadScoreInputError
from leadscore.io.read import list_sheets, read_leads, to_number

TABLE = "name,city,deal size,converted\nAnna Müller,Köln,\"€1,200\",yes\nJosé Peña,Málaga,\"€3,500\",no\n"


def _check_table(df: pd.DataFrame) -> None:
    assert list(df.columns) == ["name", "city", "deal size", "converted"]
    assert df["name"].tolist() == ["Anna Müller", "José Peña"]
    assert df["city"].tolist() == ["Köln", "Málaga"]
    assert df["deal size"].tolist() == [1200.0, 3500.0]
    assert df["converted"].tolist() == ["yes", "no"]


@pytest.mark.parametrize(
    "encoding, expected",
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252")],
)
def test_reads_each_encoding_with_accents_intact(encoding, expected):
    df = read_leads(TABLE.encode(encoding), filename="leads.csv")
    _check_table(df)
    assert df.attrs["leadscore_read"]["encoding"] == expected


def test_a_few_accents_in_windows_1252_are_not_mistaken_for_another_alphabet():
    text = "lead,city,converted\n" + "".join(f"{i},Leeds,no\n" for i in range(200)) + "201,Zürich,yes\n"
    df = read_leads(text.encode("cp1252"))
    assert df.attrs["leadscore_read"]["encoding"] == "cp1252"
    assert df["city"].iloc[-1] == "Zürich"


def test_utf8_head_cut_inside_a_character_is_still_utf8():
    from leadscore.io.read import detect_encoding

    data = ("lead,city\n" + "1,Zürich\n" * 10_000).encode("utf-8")
    cut = data.index("ü".encode(), 70_000) + 1  # between the two bytes of "ü"
    assert detect_encoding(data[:cut]) == "utf-8"
    assert detect_encoding("lead,city\n1,Café".encode("cp1252")) == "cp1252"


def test_reads_utf16_without_byte_order_mark():
    df = read_leads("lead\tconverted\r\n1\tyes\r\n2\tno\r\n".encode("utf-16-le"))
    assert df["converted"].tolist() == ["yes", "no"]
    assert df.attrs["leadscore_read"]["encoding"] == "utf-16-le"


def test_reads_excel_unicode_text_utf16_tab_separated():
    # Excel's "Unicode text": UTF-16 LE with a byte-order mark, tab-separated, CRLF line ends.
    text = "name\tcity\tdeal size\tconverted\r\nAnna Müller\tKöln\t€1,200\tyes\r\nJosé Peña\tMálaga\t€3,500\tno\r\n"
    df = read_leads(b"\xff\xfe" + text.encode("utf-16-le"))
    _check_table(df)
    read = df.attrs["leadscore_read"]
    assert (read["encoding"], read["delimiter"], read["unreadable_numbers"]) == ("utf-16", "\t", {})
    assert "warnings" not in read  # nothing to tell the user


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_detects_delimiter(delimiter):
    rows = [["lead", "source", "converted"], ["1", "Referral, partner", "yes"], ["2", "Ads", "no"]]
    text = "\n".join(delimiter.join(f'"{v}"' if "," in v else v for v in row) for row in rows) + "\n"
    df = read_leads(text.encode())
    assert list(df.columns) == ["lead", "source", "converted"]
    assert df["source"].tolist() == ["Referral, partner", "Ads"]
    assert df.attrs["leadscore_read"]["delimiter"] == delimiter


def test_semicolon_file_reads_decimal_commas_and_keeps_decimal_points():
    text = "lead;score;rate;revenue\n1;1,5;93.994;1.200,50\n2;12,75;92.1;3,5\n3;0,2;91.0;10\n"
    df = read_leads(text.encode())
    assert df["score"].tolist() == [1.5, 12.75, 0.2]
    assert df["rate"].tolist() == [93.994, 92.1, 91.0]
    assert df["revenue"].tolist() == [1200.5, 3.5, 10.0]


def test_german_excel_export():
    # Excel in Germany: Windows-1252, semicolons, decimal commas, euro signs, ja/nein.
    text = "Kunde;Umsatz;Rabatt;Gewonnen\nMüller GmbH;1.234,50 €;2,5%;ja\nBäcker KG;980,00 €;10%;nein\n"
    df = read_leads(text.encode("cp1252"))
    assert df["Kunde"].tolist() == ["Müller GmbH", "Bäcker KG"]
    assert df["Umsatz"].tolist() == [1234.5, 980.0]
    assert df["Rabatt"].tolist() == [2.5, 10.0]
    assert df["Gewonnen"].tolist() == ["ja", "nein"]


def test_utf16_big_endian_with_byte_order_mark():
    df = read_leads(b"\xfe\xff" + "lead\tconverted\n1\tyes\n2\tno\n".encode("utf-16-be"))
    assert df["converted"].tolist() == ["yes", "no"]


def test_messy_numbers_become_numbers_and_text_in_them_is_counted():
    rows = ["visits,deal,discount,converted"]
    rows += [f'{i},"${i},500","{i}%",yes' for i in range(1, 40)]
    rows += ['40,call me,5%,no']
    df = read_leads(("\n".join(rows) + "\n").encode())
    assert df["deal"].iloc[:3].tolist() == [1500.0, 2500.0, 3500.0]
    assert df["discount"].iloc[:3].tolist() == [1.0, 2.0, 3.0]
    assert pd.isna(df["deal"].iloc[-1])
    assert df.attrs["leadscore_read"]["unreadable_numbers"] == {"deal": 1}
    assert df["converted"].tolist()[-2:] == ["yes", "no"]


def test_yes_no_and_true_false_stay_readable_text():
    df = read_leads(b"a,b,c\nyes,TRUE,1\nno,FALSE,0\nyes,,1\n")
    assert df["a"].tolist() == ["yes", "no", "yes"]
    assert str(df["b"].iloc[0]).lower() == "true"


def test_dates_are_parsed_day_first_when_the_values_say_so():
    df = read_leads(b"lead,first_engaged_at,signed_up\n1,2025-11-01 02:41,25/04/2024\n2,2025-11-02 14:05,03/05/2024\n")
    assert pd.api.types.is_datetime64_any_dtype(df["first_engaged_at"])
    assert df["first_engaged_at"].iloc[1] == pd.Timestamp("2025-11-02 14:05")
    assert df["signed_up"].tolist() == [pd.Timestamp("2024-04-25"), pd.Timestamp("2024-05-03")]


def test_reads_xlsx_and_file_like_uploads(tmp_path):
    frame = pd.DataFrame({" lead ": [1, 2, 3], "deal": ["$1,200", "$900", "$50"], "won": ["yes", "no", "yes"]})
    path = tmp_path / "leads.xlsx"
    frame.to_excel(path, index=False)
    df = read_leads(path)
    assert list(df.columns) == ["lead", "deal", "won"]
    assert df["deal"].tolist() == [1200.0, 900.0, 50.0]
    dated = pd.DataFrame({"signed": pd.to_datetime(["2024-04-25", "2024-05-03"]), "visits": [3, "n/a yet"]})
    dated_path = tmp_path / "dated.xlsx"
    dated.to_excel(dated_path, index=False)
    assert read_leads(dated_path)["signed"].tolist() == [pd.Timestamp("2024-04-25"), pd.Timestamp("2024-05-03")]
    upload = io.BytesIO(path.read_bytes())
    upload.name = "leads.xlsx"
    assert read_leads(upload)["won"].tolist() == ["yes", "no", "yes"]


def test_reads_the_bank_marketing_file(bank_csv_file):
    df = read_leads(bank_csv_file)
    assert df.shape == (41188, 21)
    assert (df["y"] == "yes").sum() == 4640
    assert df["euribor3m"].iloc[0] == 4.857
    assert df.attrs["leadscore_read"]["delimiter"] == ";"


def test_to_number_reads_messy_numbers_and_counts_the_rest():
    numbers, not_numbers = to_number(pd.Series(["1,200", "$3,500", "45%", "€ 12.50", "(300)", "n/a yet", None, ""]))
    assert numbers.iloc[:5].tolist() == [1200.0, 3500.0, 45.0, 12.5, -300.0]
    assert numbers.iloc[5:].isna().all()
    assert not_numbers == 1
    assert to_number(pd.Series(["1,5", "2,75"]))[0].tolist() == [1.5, 2.75]
    assert to_number(pd.Series(["1,200"]), decimal_comma=True)[0].tolist() == [1.2]


# --- files LeadScore cannot use: each says what is wrong and what to do ---------------------------


def _error(data: bytes, **kwargs) -> str:
    with pytest.raises(LeadScoreInputError) as caught:
        read_leads(data, **kwargs)
    return str(caught.value)


def test_empty_file():
    assert "is empty" in _error(b"", filename="leads.csv")
    assert "Export your leads again" in _error(b"  \r\n\r\n", filename="leads.csv")


def test_empty_excel_workbook(tmp_path):
    path = tmp_path / "leads.xlsx"
    pd.DataFrame().to_excel(path, index=False)
    assert "'leads.xlsx' is empty" in _error(path.read_bytes(), filename="leads.xlsx")


def test_image_renamed_csv():
    message = _error(b"\x89PNG\r\n\x1a\n" + bytes(200), filename="leads.csv")
    assert message.startswith("'leads.csv' is an image (PNG), not a table of leads.")
    assert "Export your leads" in message


def test_zip_renamed_csv():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("leads.csv", "a,b\n1,2\n")
    message = _error(buffer.getvalue(), filename="leads.csv")
    assert "compressed (zip)" in message and "Unzip it first" in message


def test_html_page_saved_as_csv():
    message = _error(b"<!DOCTYPE html>\n<html><head><title>CRM</title></head><body>Export</body></html>")
    assert "web page (HTML)" in message and "Download CSV" in message


def test_duplicated_column_names_are_named():
    message = _error(b"email,phone,phone,converted\na@b.com,1,2,yes\n")
    assert "more than one column named 'phone'" in message
    assert "Rename the columns" in message


def test_duplicated_column_names_in_excel(tmp_path):
    path = tmp_path / "dupes.xlsx"
    pd.DataFrame([[1, 2, "yes"]], columns=["phone", "phone ", "won"]).to_excel(path, index=False)
    with pytest.raises(LeadScoreInputError, match="more than one column named 'phone'"):
        read_leads(path)


def test_header_only_file():
    message = _error(b"lead_id,email,converted\n")
    assert "column names but no leads" in message


def test_file_over_the_size_limit(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 1000)
    with pytest.raises(LeadScoreInputError, match="LeadScore reads at once"):
        read_leads(path, max_bytes=1000)
    assert "split the file" in _error(b"a,b\n" + b"1,2\n" * 1000, max_bytes=1000)


def test_damaged_excel_file():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "not really a workbook")
    message = _error(buffer.getvalue(), filename="leads.xlsx")
    assert "could not be opened" in message and "save it again" in message


def test_a_quote_never_closed_is_refused_with_its_line():
    message = _error(b'lead,notes,converted\n1,fine,yes\n2,"call back,no\n3,later,no\n4,ok,yes\n')
    assert "line 3 of the file opens a quote" in message
    assert "text editor" in message


# --- rows and columns: row in = row out, nothing shifted, nothing dropped unseen ------------------


def _read(data: bytes, **kwargs) -> tuple[pd.DataFrame, dict]:
    df = read_leads(data, **kwargs)
    return df, df.attrs["leadscore_read"]


def test_an_extra_cell_on_the_first_row_does_not_shift_the_columns():
    # pandas alone takes the first column as the index here: IDs vanish, every column moves left.
    df, read = _read(b"id,name,source,pages,converted\nL1,Acme, Inc,ads,3,yes\nL2,Beta,seo,4,no\n")
    assert list(df.columns) == ["id", "name", "source", "pages", "converted", "(extra 1)"]
    assert df["id"].tolist() == ["L1", "L2"]
    assert df.loc[1].tolist()[:5] == ["L2", "Beta", "seo", "4", "no"]
    assert df["(extra 1)"].tolist()[0] == "yes"
    assert pd.isna(df["(extra 1)"].tolist()[1])
    assert (read["rows_with_extra_cells"], read["extra_cell_lines"]) == (1, [2])
    assert "line 2" in read["warnings"][0] and "'(extra 1)'" in read["warnings"][0]


def test_extra_cells_on_later_rows_are_kept_in_extra_columns():
    df, read = _read(b"a,b\n1,2\n3,4,5,6\n7,8\n9,10,11\n")
    assert df.shape == (4, 4)
    assert list(df.columns) == ["a", "b", "(extra 1)", "(extra 2)"]
    assert df["a"].tolist() == [1, 3, 7, 9]
    assert df["(extra 1)"].tolist()[1::2] == [5, 11]
    assert (read["rows_with_extra_cells"], read["extra_cell_lines"]) == (2, [3, 5])


def test_rows_with_fewer_cells_are_padded_with_blanks():
    df, read = _read(b"a,b,c\n1\n2,3\n4,5,6\n")
    assert df["a"].tolist() == [1, 2, 4]
    assert df["c"].isna().tolist() == [True, True, False]
    assert "warnings" not in read


def test_rows_made_of_separators_are_kept_and_counted():
    df, read = _read(b"lead,source,converted\n1,ads,yes\n,,\n2,seo,no\n,,\n3,ads,no\n")
    assert len(df) == 5
    assert df["lead"].isna().tolist() == [False, True, False, True, False]
    assert read["blank_rows"] == 2
    assert "2 rows have no values at all" in read["warnings"][0]


def test_empty_lines_are_skipped_and_counted():
    df, read = _read(b"\nlead,converted\r\n1,yes\r\n\r\n   \r\n2,no\r\n\r\n")
    assert df["lead"].tolist() == [1, 2]
    assert read["empty_lines"] == 4
    # A line break inside a quoted cell is part of the cell, not an empty line.
    df, read = _read(b'lead,notes\n1,"first\n\nsecond"\n2,x\n')
    assert df["notes"].tolist() == ["first\n\nsecond", "x"]
    assert "empty_lines" not in read


def test_a_trailing_comma_on_every_line_is_not_a_column_nor_semicolons():
    # The notes hold semicolons; a trailing comma must not make the file "semicolon-separated".
    data = b"id,notes,converted\n1,call; later,yes,\n2,x; y,no,\n3,z,no,\n"
    df, read = _read(data)
    assert read["delimiter"] == ","
    assert list(df.columns) == ["id", "notes", "converted"]
    assert df["notes"].tolist() == ["call; later", "x; y", "z"]
    assert read["empty_columns_dropped"] == 1
    assert "rows_with_extra_cells" not in read and "warnings" not in read
    _, read = _read(b"id,notes,converted,\n1,call; later,yes,\n2,x; y,no,\n")
    assert (read["delimiter"], read["empty_columns_dropped"]) == (",", 1)
    # One note with a semicolon among many without: once read as one semicolon-separated column.
    df, read = _read(b"id,notes,converted\n1,call; later,yes,\n2,x,no,\n3,z,no,\n4,w,yes,\n5,v,no,\n")
    assert read["delimiter"] == ","
    assert df["id"].tolist() == [1, 2, 3, 4, 5]


def test_a_trailing_separator_does_not_hand_the_file_to_another_separator():
    # Tab-separated with a tab at the end of every row, and a comma in every name: the commas
    # split every line evenly too, but into fewer columns.
    rows = ["Smith, John\tjohn@example.com\tyes\t", "Doe, Jane\tjane@example.com\tno\t"]
    df, read = _read(("Name, first\tEmail\tConverted\n" + "\n".join(rows) + "\n").encode())
    assert read["delimiter"] == "\t"
    assert list(df.columns) == ["Name, first", "Email", "Converted"]
    assert df["Name, first"].tolist() == ["Smith, John", "Doe, Jane"]


def test_columns_without_a_name_are_named_by_their_place():
    df, read = _read(b"a,,c, \n1,2,3,4\n5,6,7,8\n")
    assert list(df.columns) == ["a", "(column 2)", "c", "(column 4)"]
    assert df["(column 2)"].tolist() == [2, 6]
    assert read["unnamed_columns"] == ["(column 2)", "(column 4)"]
    assert "'(column 2)', '(column 4)'" in read["warnings"][0]


def test_an_unnamed_column_keeps_a_name_a_real_column_already_has():
    df, _ = _read(b"(column 2),,c\n1,2,3\n")
    assert list(df.columns) == ["(column 2)", "(column 2) 2", "c"]


def test_a_file_mixing_utf8_and_windows_1252_lines_keeps_every_name():
    names = [f"José Müller {i}" for i in range(20)]
    data = "name,converted\n".encode() + "".join(f"{n},yes\n" for n in names).encode("utf-8")
    data += "Zoë Çelik,no\nFrançois Pérez,no\n".encode("cp1252")
    df, read = _read(data)
    assert df["name"].tolist() == names + ["Zoë Çelik", "François Pérez"]
    assert read["encoding"] == "utf-8"
    assert read["cp1252_lines"] == 2
    assert "lines 22, 23" in read["warnings"][0] and "CSV UTF-8" in read["warnings"][0]


def test_a_windows_1252_file_with_a_few_utf8_lines_keeps_every_name():
    names = ["José Müller", "Zoë Peña", "François Ødegaard", "Inês Gonçalves", "Jürgen Weiß"]
    lines = [f"{names[i % 5]} {i},yes\n".encode("utf-8" if i % 20 == 0 else "cp1252") for i in range(100)]
    df, read = _read(b"name,converted\n" + b"".join(lines))
    assert df["name"].tolist() == [f"{names[i % 5]} {i}" for i in range(100)]
    assert (read["encoding"], read["cp1252_lines"]) == ("cp1252", 95)
    assert "5 lines with accents are UTF-8, 95 lines are Windows-1252" in read["warnings"][0]


def test_a_windows_1252_file_is_not_called_mixed():
    data = "name,converted\nZoë Çelik,no\nFrançois Pérez,yes\n".encode("cp1252")
    df, read = _read(data)
    assert df["name"].tolist() == ["Zoë Çelik", "François Pérez"]
    assert read["encoding"] == "cp1252" and "cp1252_lines" not in read


def test_a_cyrillic_file_with_a_chance_utf8_letter_is_still_cyrillic():
    # In Windows-1251, "Сё" is the two bytes of a UTF-8 letter: one such pair is chance.
    text = "имя,город,converted\n" + "Пётр Сёмин,Москва,да\nОльга Смирнова,Казань,нет\n" * 5
    df, read = _read(text.encode("cp1251"))
    assert df["имя"].tolist()[:2] == ["Пётр Сёмин", "Ольга Смирнова"]
    assert read["encoding"] == "cp1251" and "cp1252_lines" not in read


def test_a_word_document_mentioning_a_book_is_a_word_document():
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600) + "WordDocument".encode("utf-16-le") + "Book".encode("utf-16-le")
    assert "a Word document" in _error(ole2, filename="notes.doc")


def test_infinite_and_nan_numbers_are_missing_and_counted_as_unreadable():
    df, read = _read(b"id,deal,visits\n1,1e309,3\n2,inf,-inf\n3,-inf,5\n4,NaN,6\n5,100,7\n6,200,inf\n")
    assert df["deal"].isna().tolist() == [True, True, True, True, False, False]
    assert df["deal"].tolist()[4:] == [100.0, 200.0]
    assert df["visits"].isna().tolist() == [False, True, False, False, False, True]
    assert read["unreadable_numbers"] == {"deal": 4, "visits": 2}
    # In a column of words, "NaN" is a blank cell, as pandas has always read it.
    df, _ = _read(b"id,city\n1,Leeds\n2,NaN\n")
    assert df["city"].isna().tolist() == [False, True]


def test_to_number_turns_infinity_into_missing():
    numbers, not_numbers = to_number(pd.Series([1.0, float("inf"), float("-inf")]))
    assert numbers.isna().tolist() == [False, True, True]
    assert not_numbers == 2
    numbers, not_numbers = to_number(pd.Series(["1e309", "2", "inf"]))
    assert numbers.isna().tolist() == [True, False, True] and not_numbers == 2


def test_nul_characters_are_removed_and_counted():
    df, read = _read(b"lead,city,converted\n1,Le\x00eds,yes\n2,York\x00\x00,no\n")
    assert df["city"].tolist() == ["Leeds", "York"]
    assert read["nul_bytes"] == 3
    assert "NUL" in read["warnings"][0]


def test_dates_in_several_formats_and_excel_day_numbers():
    rows = [f"{i},2023-11-{i:02d}" for i in range(1, 21)] + ['21,"November 21, 2023"', "22,45252", "23,soon"]
    data = ("lead,signed\n" + "\n".join(rows) + "\n").encode()
    # 1 of 23 values is no date: "nearly all" (95%) are, so the column is dates.
    df, read = _read(data)
    assert df["signed"].iloc[0] == pd.Timestamp("2023-11-01")
    assert df["signed"].iloc[20] == pd.Timestamp("2023-11-21")
    assert df["signed"].iloc[21] == pd.Timestamp("2023-11-22")  # Excel's day 45252
    assert pd.isna(df["signed"].iloc[22])
    assert read["excel_serial_dates"] == {"signed": 1}
    assert read["unreadable_dates"] == {"signed": 1}
    assert any("45231" in w and "'signed'" in w for w in read["warnings"])


def test_excel_day_numbers_with_a_time_of_day_among_written_timestamps():
    data = b"lead_id,first_engaged_at\nL1,2026-11-01 08:27\nL2,46327.42292\nL3,2026-11-01 12:00\nL4,46328.75\n"
    df, read = _read(data)
    # 45231 is 1 November 2023, so 46327 (1,096 days later) is 1 November 2026; 0.42292 of a day is
    # 36,540.288 s, 10:09:00 to the second; 0.75 is 18:00.
    assert df["first_engaged_at"].tolist() == [
        pd.Timestamp("2026-11-01 08:27"),
        pd.Timestamp("2026-11-01 10:09:00"),
        pd.Timestamp("2026-11-01 12:00"),
        pd.Timestamp("2026-11-02 18:00"),
    ]
    assert df["lead_id"].tolist() == ["L1", "L2", "L3", "L4"]
    assert read["excel_serial_dates"] == {"first_engaged_at": 2}
    assert any("45231" in w and "'first_engaged_at'" in w for w in read["warnings"])


def test_numbers_like_day_numbers_stay_numbers_without_dates_around_them():
    df, read = _read(b"lead,deal\n1,45231\n2,45300\n3,41000\n")
    assert df["deal"].tolist() == [45231, 45300, 41000]
    assert "excel_serial_dates" not in read


def test_json_is_not_called_a_table():
    for data in (b'[{"lead": 1, "converted": "yes"}, {"lead": 2, "converted": "no"}]', b'{"lead": 1}\n{"lead": 2}\n'):
        message = _error(data, filename="leads.csv")
        assert "JSON" in message and "comma" not in message and "CSV" in message
    # A header that only starts like JSON is a header.
    df, _ = _read(b"[id],name\n1,Ann\n")
    assert list(df.columns) == ["[id]", "name"]


def test_a_text_file_has_no_sheets():
    assert "no sheets" in _error(TABLE.encode(), sheet="Leads")
    assert len(read_leads(TABLE.encode(), sheet=1)) == 2


# --- Excel workbooks ----------------------------------------------------------------------------


def _workbook(build) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _summary_then_leads(workbook) -> None:
    workbook.active.title = "Summary"
    workbook.active.append(["Total leads", 2])
    leads = workbook.create_sheet("Leads")
    for row in (["lead", "converted"], [1, "yes"], [2, "no"]):
        leads.append(row)


def test_leads_on_another_sheet():
    data = _workbook(_summary_then_leads)
    assert list_sheets(data) == ["Summary", "Leads"]
    message = _error(data, filename="leads.xlsx")
    assert "The sheet 'Summary' of 'leads.xlsx'" in message and "'Leads'" in message
    for sheet in ("Leads", 2, "2", " leads"):
        df, read = _read(data, sheet=sheet)
        assert df["converted"].tolist() == ["yes", "no"]
        assert (read["sheet"], read["sheets"]) == ("Leads", ["Summary", "Leads"])
        assert "warnings" not in read


def test_the_first_sheet_is_read_and_the_others_are_named():
    def build(workbook):
        workbook.active.title = "Leads"
        for row in (["lead", "converted"], [1, "yes"], [2, "no"]):
            workbook.active.append(row)
        workbook.create_sheet("Notes").append(["call Ann"])

    _, read = _read(_workbook(build))
    assert read["sheet"] == "Leads"
    assert "only the first, 'Leads', was read" in read["warnings"][0] and "'Notes'" in read["warnings"][0]


def test_an_unknown_sheet_is_refused_with_the_list():
    data = _workbook(_summary_then_leads)
    assert "no sheet named 'Deals'. Its sheets are: 'Summary', 'Leads'." in _error(data, sheet="Deals")
    assert "no sheet number 3" in _error(data, sheet=3)
    assert list_sheets(TABLE.encode()) == []


def test_formulas_without_saved_results_are_reported():
    # openpyxl, like many exporters, writes formulas without calculating them.
    def build(workbook):
        sheet = workbook.active
        sheet.append(["lead", "deal", "total", "converted"])
        for i in range(1, 4):
            sheet.append([i, 100 * i, f"=B{i + 1}*2", "yes"])
        sheet.append([4, 400, 800, "no"])

    df, read = _read(_workbook(build))
    assert df["total"].isna().tolist() == [True, True, True, False]
    assert read["formula_cells_without_values"] == {"total": 3}
    assert "3 cells in 'total' are formulas" in read["warnings"][0]


def test_excel_blank_rows_inside_the_table_are_kept_and_empty_rows_below_it_are_not():
    def build(workbook):
        sheet = workbook.active
        for row in (["lead", "converted"], [1, "yes"], [], [2, "no"]):
            sheet.append(row)
        sheet["A40"].number_format = "0.00"  # formatted, empty: not a row of the table
        sheet["A41"] = ""

    df, read = _read(_workbook(build))
    assert df["lead"].isna().tolist() == [False, True, False]
    assert read["blank_rows"] == 1


def test_password_protected_workbook():
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600) + "EncryptedPackage".encode("utf-16-le") + bytes(64)
    message = _error(ole2, filename="leads.xlsx")
    assert "protected with a password" in message and "old Excel" not in message


def test_old_excel_file():
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600) + "Workbook".encode("utf-16-le") + bytes(64)
    message = _error(ole2, filename="leads.xls")
    assert "old Excel format (.xls" in message and "Save As" in message
