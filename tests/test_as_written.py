"""The cells of a file as the export wrote them (leadscore/io/as_written.py), kept beside the parsed table.

Expected cells are the text of the small files below, copied by hand.
"""

from __future__ import annotations

import datetime as dt
import io
import pickle

import openpyxl
import pandas as pd

from leadscore.io.as_written import cells_as_written
from leadscore.io.read import read_leads

# No ID column; a date without a time, "1.0", leading zeros, blanks, and a row of blanks.
EXPORT = (
    "signed_up,zip,deal,source,note\n"
    "2018-05-07,007,1.0,Referral,\n"
    "2018-05-08,010,2.5,LinkedIn,call back\n"
    ",,,,\n"
    "2018-05-09,,12,Google Ads,N/A\n"
)
AS_WRITTEN = {
    "signed_up": ["2018-05-07", "2018-05-08", "", "2018-05-09"],
    "zip": ["007", "010", "", ""],
    "deal": ["1.0", "2.5", "", "12"],
    "source": ["Referral", "LinkedIn", "", "Google Ads"],
    "note": ["", "call back", "", "N/A"],
}


def test_a_csv_is_parsed_for_the_model_and_its_cells_come_back_as_written():
    leads = read_leads(EXPORT.encode())
    # The model reads parsed values ...
    assert leads["zip"].tolist()[:2] == [7.0, 10.0]
    assert str(leads["signed_up"].iloc[0]) == "2018-05-07 00:00:00"
    # ... the outputs show the cells exactly as the export had them.
    assert cells_as_written(leads).to_dict("list") == AS_WRITTEN


def test_a_csv_read_from_disk_is_read_again_from_disk(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(EXPORT, encoding="utf-8")
    assert cells_as_written(read_leads(path)).to_dict("list") == AS_WRITTEN


def test_rows_longer_than_the_header_keep_their_extra_cells_as_written():
    leads = read_leads(b"lead,deal\nA,1.0\nB,2.50,007\n")
    assert cells_as_written(leads).to_dict("list") == {"lead": ["A", "B"], "deal": ["1.0", "2.50"], "(extra 1)": ["", "007"]}


def test_a_workbook_shows_dates_without_times_and_text_cells_as_written():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["signed_up", "zip", "visits", "called_at"])
    sheet.append([dt.datetime(2018, 5, 7), "007", 3, dt.datetime(2018, 5, 7, 9, 30)])
    sheet.append([dt.datetime(2018, 5, 8), "010", None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    leads = read_leads(buffer.getvalue())
    assert leads["zip"].tolist() == [7.0, 10.0]  # text cells of digits are numbers to the model
    assert cells_as_written(leads).to_dict("list") == {
        "signed_up": ["2018-05-07", "2018-05-08"],
        "zip": ["007", "010"],
        "visits": ["3", ""],
        "called_at": ["2018-05-07 09:30:00", ""],
    }


def test_slices_and_reorderings_keep_each_lead_with_its_own_cells():
    leads = read_leads(EXPORT.encode())
    backwards = cells_as_written(leads.iloc[::-1])
    assert backwards["zip"].tolist() == ["", "", "010", "007"]
    assert list(backwards.index) == [3, 2, 1, 0]
    assert cells_as_written(leads[leads["source"] == "LinkedIn"])["deal"].tolist() == ["2.5"]


def test_a_row_changed_or_renumbered_after_reading_keeps_its_values():
    leads = read_leads(EXPORT.encode())
    changed = leads.copy()
    changed.loc[1, "deal"] = 3.0
    shown = cells_as_written(changed)
    assert shown["deal"].tolist()[:2] == ["1.0", 3.0]  # the changed row says what it holds now
    assert shown["zip"].tolist()[:2] == ["007", 10.0]
    # Renumbered (index reset after reordering): no row is given another lead's cells.
    renumbered = leads.iloc[[1, 0]].reset_index(drop=True)
    assert cells_as_written(renumbered)["zip"].tolist() == [10.0, 7.0]


def test_a_table_not_read_from_a_file_is_given_back_as_it_is():
    table = pd.DataFrame({"zip": [7.0]})
    assert cells_as_written(table) is table


def test_the_cells_survive_a_pickle_and_the_table_still_saves_to_parquet():
    """Streamlit's cache pickles the table; a project saves it as Parquet (attrs as JSON)."""
    leads = read_leads(EXPORT.encode())
    assert cells_as_written(pickle.loads(pickle.dumps(leads))).to_dict("list") == AS_WRITTEN
    buffer = io.BytesIO()
    leads.to_parquet(buffer)
    again = pd.read_parquet(io.BytesIO(buffer.getvalue()))
    assert again["zip"].tolist()[:2] == [7.0, 10.0]
    assert cells_as_written(again)["zip"].tolist()[:2] == [7.0, 10.0]  # nothing to give back, nothing made up


def test_two_files_concatenated_give_back_neither_files_cells():
    first, second = read_leads(EXPORT.encode()), read_leads(EXPORT.replace("007", "123").encode())
    both = pd.concat([first, second])
    assert cells_as_written(both)["zip"].tolist()[0] == 7.0
