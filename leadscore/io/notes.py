"""What reading noticed about a file, and the sentences that tell the user.

:class:`ReadNotes` is filled while a file is read and becomes ``df.attrs["leadscore_read"]`` (the
keys are listed in :mod:`leadscore.io.read`); the sentences are shared with the chunked reader and
with scoring, so a file gets the same words whichever way it is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from leadscore.io.wording import counted, has_or_have, line_list

__all__ = ["ReadNotes", "day_numbers_note", "unreadable_dates_note", "mixed_encoding_warning", "extra_cells_warning"]


@dataclass
class ReadNotes:
    """What reading noticed about a file; becomes ``df.attrs["leadscore_read"]``."""

    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    unreadable_numbers: dict[str, int] = field(default_factory=dict)
    unreadable_dates: dict[str, int] = field(default_factory=dict)
    excel_serial_dates: dict[str, int] = field(default_factory=dict)
    blank_rows: int = 0
    empty_lines: int = 0
    rows_with_extra_cells: int = 0
    extra_cell_lines: list[int] = field(default_factory=list)
    unnamed_columns: list[str] = field(default_factory=list)
    empty_columns_dropped: int = 0
    cp1252_lines: int = 0
    cp1252_line_numbers: list[int] = field(default_factory=list)
    utf8_lines: int = 0
    nul_bytes: int = 0
    formula_cells_without_values: dict[str, int] = field(default_factory=dict)
    # For the words only: whether the caller chose the sheet, the names of the "(extra N)" columns.
    sheet_chosen: bool = False
    extra_columns: list[str] = field(default_factory=list)

    def as_attrs(self) -> dict:
        always = {
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "unreadable_numbers": dict(self.unreadable_numbers),
        }
        when_found = {
            "sheet": self.sheet,
            "sheets": list(self.sheets),
            "warnings": _warnings(self),
            "unreadable_dates": dict(self.unreadable_dates),
            "excel_serial_dates": dict(self.excel_serial_dates),
            "blank_rows": self.blank_rows,
            "empty_lines": self.empty_lines,
            "rows_with_extra_cells": self.rows_with_extra_cells,
            "extra_cell_lines": list(self.extra_cell_lines),
            "unnamed_columns": list(self.unnamed_columns),
            "empty_columns_dropped": self.empty_columns_dropped,
            "cp1252_lines": self.cp1252_lines,
            "nul_bytes": self.nul_bytes,
            "formula_cells_without_values": dict(self.formula_cells_without_values),
        }
        return {**always, **{key: value for key, value in when_found.items() if value}}


def _warnings(notes: ReadNotes) -> list[str]:
    """What the user should know about how the file was read, each with what to do."""
    found = []
    if len(notes.sheets) > 1 and not notes.sheet_chosen:
        others = ", ".join(f"'{name}'" for name in notes.sheets[1:])
        found.append(
            f"This workbook has {len(notes.sheets)} sheets; only the first, '{notes.sheet}', was read "
            f"(the others: {others}). If your leads are on another sheet, choose it."
        )
    if notes.cp1252_lines:
        found.append(mixed_encoding_warning(notes.utf8_lines, notes.cp1252_lines, notes.cp1252_line_numbers))
    if notes.rows_with_extra_cells:
        found.append(extra_cells_warning(notes.rows_with_extra_cells, notes.extra_cell_lines, notes.extra_columns))
    if notes.unnamed_columns:
        found.append(
            f"{counted(len(notes.unnamed_columns), 'column')} {has_or_have(len(notes.unnamed_columns))} no name in the "
            f"header and {'are' if len(notes.unnamed_columns) > 1 else 'is'} called "
            f"{', '.join(repr(c) for c in notes.unnamed_columns)}. Give "
            f"{'them names' if len(notes.unnamed_columns) > 1 else 'it a name'} in your spreadsheet if "
            f"{'they matter' if len(notes.unnamed_columns) > 1 else 'it matters'}."
        )
    if notes.blank_rows:
        many = notes.blank_rows > 1
        found.append(
            f"{counted(notes.blank_rows, 'row')} {has_or_have(notes.blank_rows)} no values at all; "
            f"{'they are kept as empty rows' if many else 'it is kept as an empty row'} so that rows stay "
            f"in place, and {'count as leads' if many else 'counts as a lead'} still in the pipeline. "
            f"Delete {'them' if many else 'it'} in your spreadsheet if {'they are not leads' if many else 'it is not a lead'}."
        )
    for column, count in notes.formula_cells_without_values.items():
        many = count > 1
        found.append(
            f"{counted(count, 'cell')} in '{column}' {'are formulas' if many else 'is a formula'} whose "
            f"result was never saved in the file, so {'they read' if many else 'it reads'} as blank. Open "
            "the file in Excel, let it calculate, save it, and upload it again."
        )
    found += [day_numbers_note(column, count) for column, count in notes.excel_serial_dates.items()]
    found += [unreadable_dates_note(column, count) for column, count in notes.unreadable_dates.items()]
    if notes.nul_bytes:
        found.append(
            f"The file contained {counted(notes.nul_bytes, 'NUL character')} (invisible padding some "
            f"systems write); {'they were' if notes.nul_bytes > 1 else 'it was'} removed."
        )
    return found


def day_numbers_note(column: str, count: int) -> str:
    """What the user reads when ``count`` values of a date column were Excel day numbers."""
    some = "were numbers such as" if count > 1 else "was a number such as"
    return (
        f"{counted(count, 'value')} in the date column '{column}' {some} 45231, which is how Excel "
        f"stores a date (45231 is 1 November 2023); {'they were' if count > 1 else 'it was'} read as "
        f"{'those dates' if count > 1 else 'that date'}. Check {'them' if count > 1 else 'it'}, and "
        "format the column as dates in your spreadsheet."
    )


def unreadable_dates_note(column: str, count: int) -> str:
    """What the user reads when ``count`` values of a date column were no date."""
    return (
        f"{counted(count, 'value')} in the date column '{column}' could not be read as "
        f"{'dates and count' if count > 1 else 'a date and counts'} as missing. Check the column in "
        "your spreadsheet."
    )


def mixed_encoding_warning(utf8_lines: int, cp1252_lines: int, line_numbers: list[int]) -> str:
    """What to tell the user about a file mixing UTF-8 lines (those with accents counted) and
    Windows-1252 lines (``line_numbers``: the first of them)."""
    return (
        f"This file mixes two encodings: {counted(utf8_lines, 'line')} with accents "
        f"{'are' if utf8_lines > 1 else 'is'} UTF-8, {counted(cp1252_lines, 'line')} "
        f"{'are' if cp1252_lines > 1 else 'is'} Windows-1252 ({line_list(line_numbers, cp1252_lines)}). "
        "Each line was read in its own encoding; check the accented letters there. To avoid this, export "
        "the file again as 'CSV UTF-8'."
    )


def extra_cells_warning(rows: int, line_numbers: list[int], extra_columns: list[str]) -> str:
    """What to tell the user about ``rows`` rows with more cells than the header has names (the
    first of them on ``line_numbers``), kept in ``extra_columns``."""
    extra = [f"'{name}'" for name in extra_columns]
    kept = f" in the column{'s' if len(extra) > 1 else ''} {', '.join(extra)}" if extra else ""
    return (
        f"{counted(rows, 'row')} {has_or_have(rows)} more cells "
        f"than the header has names ({line_list(line_numbers, rows)}); "
        f"the extra cells are kept{kept}. A value with an unquoted separator usually causes "
        "this and moves the rest of that row one column to the right: check those rows."
    )
