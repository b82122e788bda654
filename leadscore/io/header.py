"""Column names from a header row: stripped, blanks named by their place, duplicates refused."""

from __future__ import annotations

from leadscore.errors import LeadScoreInputError
from leadscore.io.notes import ReadNotes
from leadscore.io.wording import capitalised

__all__ = ["column_names", "unique_names"]


def column_names(header: list[str], shown: str, notes: ReadNotes | None = None) -> list[str]:
    """Column names from a header row: stripped, blanks named by their place, duplicates refused."""
    names = ["" if name is None else str(name).strip() for name in header]
    seen, duplicated = set(), []
    for name in names:
        if name and name in seen and name not in duplicated:
            duplicated.append(name)
        seen.add(name)
    if duplicated:
        listed = ", ".join(f"'{name}'" for name in duplicated)
        raise LeadScoreInputError(
            f"{capitalised(shown)} has more than one column named {listed}. Rename the columns so each name "
            "appears once (for example 'phone' and 'phone 2'), save, and upload again."
        )
    blanks = [position for position, name in enumerate(names) if not name]
    given = unique_names([f"(column {position + 1})" for position in blanks], [n for n in names if n])
    for position, name in zip(blanks, given):
        names[position] = name
    if notes is not None:
        notes.unnamed_columns = given
    return names


def unique_names(wanted: list[str], taken: list[str]) -> list[str]:
    """``wanted`` names, with a number added to any that a real column already uses."""
    used, names = set(taken), []
    for name in wanted:
        candidate, k = name, 2
        while candidate in used:
            candidate, k = f"{name} {k}", k + 1
        used.add(candidate)
        names.append(candidate)
    return names
