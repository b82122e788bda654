"""Excel workbooks (.xlsx): checked before they are unpacked, a sheet chosen, its rows read as a table.

Only the rows that hold cells are read (whatever size the sheet declares); formula cells whose
result was never saved are counted, since they read as blank.
"""

from __future__ import annotations

import io
import re
import zipfile

import numpy as np
import pandas as pd

from leadscore.errors import LeadScoreInputError
from leadscore.io.as_written import cell_text
from leadscore.io.cells import MISSING_TEXT
from leadscore.io.header import column_names
from leadscore.io.notes import ReadNotes
from leadscore.io.wording import capitalised

__all__ = ["MAX_UNPACKED_BYTES", "read_workbook", "open_workbook", "other_sheets"]

# An .xlsx file is zipped XML. One whose parts unpack to more than this is refused before it is
# opened: a real export of leads is far smaller, and a "zip bomb" would fill the memory.
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024

# An Excel formula cell with no saved result: <f>...</f> followed by no <v>, or an empty one.
_FORMULA_WITHOUT_VALUE = re.compile(
    rb"<(?:\w+:)?f\b(?:[^>]*/>|[^>]*>[^<]*</(?:\w+:)?f>)\s*"
    rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v\s*>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)


def read_workbook(data: bytes, shown: str, sheet: str | int | None, notes: ReadNotes) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The table of a sheet, and its cells as text as Excel shows them (None for a sheet with no cells)."""
    workbook = open_workbook(data, shown, data_only=True)
    try:
        notes.sheets = [worksheet.title for worksheet in workbook.worksheets]
        worksheet = _choose_sheet(workbook, notes.sheets, sheet, shown)
        notes.sheet, notes.sheet_chosen = worksheet.title, sheet is not None
        sheet_path = getattr(worksheet, "_worksheet_path", None)
        # The declared size of a sheet can be anything: read the rows that are there.
        worksheet.reset_dimensions()
        rows = [list(row) for row in worksheet.iter_rows(values_only=True)]
    except LeadScoreInputError:
        raise
    except Exception as error:  # openpyxl raises many types for damaged workbooks
        raise _unopenable(shown, error) from error
    finally:
        workbook.close()

    top = next((i for i, row in enumerate(rows) if not _blank_cells(row)), None)
    if top is None:
        return pd.DataFrame(), None
    while rows and _blank_cells(rows[-1]):  # formatted but empty rows below the table
        rows.pop()
    width = max(len(row) for row in rows)
    header = rows[top] + [None] * (width - len(rows[top]))
    body = [row + [None] * (width - len(row)) for row in rows[top + 1 :]]
    names = column_names(["" if h is None else h for h in header], shown, notes)
    notes.formula_cells_without_values = _formula_cells_without_values(data, sheet_path, worksheet.title, rows, top, names)
    df = pd.DataFrame(body, columns=names, dtype=object)
    text = pd.DataFrame([[cell_text(value) for value in row] for row in body], columns=names, dtype=object)
    for column in df.columns:
        values = df[column]
        # Excel text cells that mean "nothing", as pandas reads them from a CSV.
        missing = values.isin(MISSING_TEXT)
        # Column by column: a frame of text only is left as objects by DataFrame.infer_objects.
        df[column] = (values.mask(missing) if missing.any() else values).infer_objects()
    return df, text


def open_workbook(data: bytes, shown: str, *, data_only: bool):
    """Open an .xlsx file with openpyxl, after checking it is one and is safe to unpack."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        # Each part is named at its start too: an Excel file cut short still shows its "xl/" parts.
        what = "an Excel file" if b"xl/" in data[:65536] else "a zip file"
        raise LeadScoreInputError(
            f"{capitalised(shown)} looks like {what} but is damaged or incomplete (cut short while downloading "
            "or copying?). Download or export it again, or open it in Excel and save it again, and "
            "upload the new file."
        ) from None
    names = {part.filename for part in parts}
    if "xl/workbook.bin" in names:
        raise LeadScoreInputError(
            f"{capitalised(shown)} is an Excel binary workbook (.xlsb), which LeadScore does not read. Open it "
            "in Excel, use Save As and choose 'Excel Workbook (.xlsx)' or 'CSV UTF-8', and upload that file."
        )
    if "content.xml" in names and "mimetype" in names:
        raise LeadScoreInputError(
            f"{capitalised(shown)} is an OpenDocument file (LibreOffice, .ods), which LeadScore does not read. "
            "Open it, use Save As and choose 'Excel 2007-365 (.xlsx)' or CSV, and upload that file."
        )
    if "xl/workbook.xml" not in names:
        raise LeadScoreInputError(
            f"{capitalised(shown)} is a compressed (zip) file or another document, not a table of leads. "
            "Unzip it first, or export your leads as CSV or Excel (.xlsx), and upload that file."
        )
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        raise LeadScoreInputError(
            f"{capitalised(shown)} unpacks to {unpacked / 1024**3:,.1f} GB, more than the "
            f"{MAX_UNPACKED_BYTES / 1024**3:,.0f} GB LeadScore opens (an export of leads is far "
            "smaller, so the file may be damaged or not a real export). Open it in Excel, save the "
            "sheet with your leads as 'CSV UTF-8', and upload that file."
        )
    try:
        import openpyxl

        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as error:  # openpyxl raises many types for damaged workbooks
        raise _unopenable(shown, error) from error


def _unopenable(shown: str, error: Exception) -> LeadScoreInputError:
    return LeadScoreInputError(
        f"{capitalised(shown)} looks like an Excel file but could not be opened ({type(error).__name__}). "
        "Open it in Excel, save it again as .xlsx or CSV, and upload it again."
    )


def _choose_sheet(workbook, sheets: list[str], sheet: str | int | None, shown: str):
    listed = ", ".join(f"'{name}'" for name in sheets)
    if not sheets:
        raise LeadScoreInputError(
            f"{capitalised(shown)} has no sheet with cells (only charts?). Save the sheet with your leads as "
            ".xlsx or CSV and upload it."
        )
    if sheet is None:
        return workbook.worksheets[0]
    if isinstance(sheet, str):
        wanted = sheet.strip()
        for position, name in enumerate(sheets):
            if name == sheet or name.strip().lower() == wanted.lower():
                return workbook.worksheets[position]
        if wanted.isdigit():
            sheet = int(wanted)
    if isinstance(sheet, (int, np.integer)) and not isinstance(sheet, bool):
        if 1 <= sheet <= len(sheets):
            return workbook.worksheets[int(sheet) - 1]
        raise LeadScoreInputError(
            f"{capitalised(shown)} has {len(sheets)} sheet{'s' if len(sheets) != 1 else ''}, so there is no "
            f"sheet number {sheet}. Its sheets are: {listed}. Choose one of these."
        )
    raise LeadScoreInputError(
        f"{capitalised(shown)} has no sheet named '{sheet}'. Its sheets are: {listed}. Choose one of these."
    )


def _formula_cells_without_values(
    data: bytes, sheet_path: str | None, title: str, values: list[list], top: int, names: list[str]
) -> dict[str, int]:
    """Column -> formula cells below the header whose result was never saved (they read as blank).

    openpyxl gives either the saved results or the formulas, so the sheet is read a second time
    for its formulas, only when its XML shows a formula without a result.
    """
    import openpyxl

    counts: dict[str, int] = {}
    try:
        if sheet_path is None or not _has_formulas_without_values(data, sheet_path):
            return counts
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            worksheet = workbook[title]
            worksheet.reset_dimensions()
            for index, row in enumerate(worksheet.iter_rows(values_only=True)):
                if index <= top or index >= len(values):
                    continue
                for position, cell in enumerate(row[: len(names)]):
                    formula = (isinstance(cell, str) and cell.startswith("=")) or type(cell).__name__ in (
                        "ArrayFormula",
                        "DataTableFormula",
                    )
                    saved = values[index][position] if position < len(values[index]) else None
                    if formula and saved is None:
                        counts[names[position]] = counts.get(names[position], 0) + 1
        finally:
            workbook.close()
    except Exception:  # noqa: BLE001 - the values were read; a sheet whose formulas cannot be is not worth refusing
        return {}
    return counts


def _has_formulas_without_values(data: bytes, sheet_path: str) -> bool:
    """Whether the sheet's XML holds a formula whose result was not saved (read in pieces)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(sheet_path.lstrip("/")) as xml:
        tail = b""
        while chunk := xml.read(16 << 20):
            piece = tail + chunk
            if _FORMULA_WITHOUT_VALUE.search(piece):
                return True
            tail = piece[-65536:]  # a cell cut between two pieces is whole in the next one
    return False


def _blank_cells(row: list) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in row)


def other_sheets(notes: ReadNotes) -> str:
    others = [name for name in notes.sheets if name != notes.sheet]
    if not others:
        return ""
    listed = ", ".join(f"'{name}'" for name in others)
    return f"The workbook also has the sheet{'s' if len(others) > 1 else ''} {listed}: choose the sheet with your leads."
