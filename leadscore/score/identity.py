"""Which columns say who a lead is: the identifiers and personal details kept in every output.

One rule for every place that shows or writes who a lead is (the call list, the CRM file, the
keys of scoring runs), so they never disagree about it.
"""

from __future__ import annotations

__all__ = ["identifier_columns"]


def identifier_columns(plan, columns, personal: str = "all") -> list[str]:
    """The columns of ``columns`` that identify a lead, in the file's order.

    Parameters
    ----------
    plan : CleaningPlan
        The model's plan (its ``column_kinds`` say which columns are IDs or personal data).
    columns : iterable of str
        The scored table's columns.
    personal : {"all", "names", "none"}
        Which personal columns come too: all (e-mails, phones, names), names only (what a call
        list shows beside the ID), or none.

    Returns
    -------
    list of str: the ID columns first, then the personal ones.

    Example
    -------
    >>> from types import SimpleNamespace
    >>> plan = SimpleNamespace(column_kinds={"lead_id": "identifier", "full_name": "personal", "email": "personal"})
    >>> identifier_columns(plan, ["email", "lead_id", "full_name", "source"], personal="names")
    ['lead_id', 'full_name']
    """
    kinds = dict(getattr(plan, "column_kinds", {}) or {})
    columns = list(columns)
    ids = [c for c in columns if kinds.get(c) == "identifier"]
    if personal == "none":
        return ids
    people = [c for c in columns if kinds.get(c) == "personal" and (personal == "all" or "name" in str(c).lower())]
    return ids + people
