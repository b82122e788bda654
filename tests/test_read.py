"""read.py: every export a small business might upload becomes the same table, or a clear message."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from leadscore.errors import LeadScoreInputError
from leadscore.read import read_leads, to_number

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
    from leadscore.read import detect_encoding

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
    assert df.attrs["leadscore_read"] == {"encoding": "utf-16", "delimiter": "\t", "unreadable_numbers": {}}


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


def test_rows_with_too_many_cells_are_explained():
    message = _error(b"a,b\n1,2\n3,4,5,6\n")
    assert "could not be read as a table" in message
    assert "(line 3 of the file has 4 cells where the header has 2)" in message
