"""The tables the Clean page shows and edits: every column with its switch, the category
spellings, and the plan in plain words (built here so a unit test can call them).

Example
-------
>>> table = column_table(plan, suggested, suspects)                         # doctest: +SKIP
>>> exclude, keep = overrides_from_column_table(table, suggested)            # doctest: +SKIP
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "column_table",
    "overrides_from_column_table",
    "labels_from_column_table",
    "category_mapping_table",
    "spellings_from_table",
    "plan_table",
]


def column_table(plan: "CleaningPlan", suggested: "CleaningPlan", suspects=(), labels=None) -> pd.DataFrame:
    """One row per column of the file: how it is used, LeadScore's advice and why, and a switch.

    Every column can be left out or used: the table shows LeadScore's suggestion next to the
    current choice, and keeps a warning visible on a flagged column the user decided to use.

    Parameters
    ----------
    plan : CleaningPlan
        The plan with the user's choices.
    suggested : CleaningPlan
        LeadScore's suggestion (what "LeadScore suggests" refers to).
    suspects : sequence of LeakageSuspect
        The leakage guard's findings (their reasons are shown).
    labels : mapping, optional

    Returns
    -------
    DataFrame with ``column``, ``label``, ``kind``, ``suggestion`` ("use", "leave out", "leave
    out, unless known on arrival" for a leakage suspect), ``why`` (plain words), ``use`` (bool:
    the model reads it under ``plan``; unticked for every suspect until the user keeps it).
    """
    from leadscore.labels import label

    reasons = {s.column: s.reason for s in suspects}
    actions = {s.column: s.action for s in suspects}
    used = set(plan.used_columns) | (set(plan.text) if not plan.use_text else set())
    suggested_used = set(suggested.used_columns)
    rows = []
    for column, kind in plan.column_kinds.items():
        if column == plan.outcome.column:
            continue
        if column in suggested_used:
            advice = "use"
        elif column in actions:
            # Left out until the user says it is known when a lead arrives.
            advice = "leave out, unless known on arrival"
        else:
            advice = "leave out"
        why = reasons.get(column) or suggested.excluded.get(column, "")
        if column in plan.warned and column not in reasons:
            why = plan.warned[column]
        rows.append(
            {
                "column": column,
                "label": label(column, labels),
                "kind": kind,
                "suggestion": advice,
                "why": why,
                "use": column in used and column in set(plan.used_columns) | set(plan.text),
            }
        )
    return pd.DataFrame(rows, columns=["column", "label", "kind", "suggestion", "why", "use"])


def overrides_from_column_table(table: pd.DataFrame, suggested: "CleaningPlan") -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(exclude, keep)`` from the edited column table: differences from the suggestion only."""
    suggested_used = set(suggested.used_columns)
    exclude = tuple(str(c) for c, use in zip(table["column"], table["use"]) if not bool(use) and c in suggested_used)
    keep = tuple(str(c) for c, use in zip(table["column"], table["use"]) if bool(use) and c not in suggested_used)
    return exclude, keep


def labels_from_column_table(table: pd.DataFrame) -> tuple[tuple[str, str], ...]:
    """The labels the user typed in the column table (those that differ from LeadScore's)."""
    from leadscore.labels import label

    return tuple(
        (str(c), str(l).strip())
        for c, l in zip(table["column"], table["label"])
        if isinstance(l, str) and l.strip() and l.strip() != label(str(c))
    )


def category_mapping_table(plan: "CleaningPlan") -> pd.DataFrame:
    """The plan's category mappings as rows ``column, raw_value, becomes`` for editing.

    Spellings LeadScore merged come first (they are what the user should check), then the
    values kept as written.
    """
    rows = [
        {"column": column, "raw_value": raw, "becomes": canonical}
        for column, mapping in sorted((plan.category_mappings or {}).items())
        if column in plan.categorical
        for raw, canonical in mapping.items()
    ]
    table = pd.DataFrame(rows, columns=["column", "raw_value", "becomes"])
    merged = table["raw_value"] != table["becomes"]
    return pd.concat([table[merged], table[~merged]], ignore_index=True)


def spellings_from_table(table: pd.DataFrame, suggested: "CleaningPlan") -> tuple[tuple[str, str, str], ...]:
    """The spellings the user grouped differently from the suggestion, as choices."""
    changes = []
    for row in table.itertuples(index=False):
        if pd.isna(row.column) or pd.isna(row.raw_value):
            continue
        becomes = row.raw_value if pd.isna(row.becomes) or str(row.becomes).strip() == "" else str(row.becomes).strip()
        if suggested.category_mappings.get(str(row.column), {}).get(str(row.raw_value)) != becomes:
            changes.append((str(row.column), str(row.raw_value), str(becomes)))
    return tuple(changes)


def plan_table(plan: "CleaningPlan") -> pd.DataFrame:
    """Each cleaning choice in plain words: ``choice``, ``setting`` and ``effect``."""
    from leadscore.labels import label

    def names(columns) -> str:
        return ", ".join(label(c, plan.labels) for c in columns) or "none"

    missing = plan.missing or {}
    how = {
        "median": "typical (median) value",
        "most_frequent": "most common value",
        "unknown": "'Unknown'",
        "model": "left for the model",
        "no": "'no'",
    }
    fills = ", ".join(f"{label(column, plan.labels)}: {how.get(rule, rule)}" for column, rule in sorted(missing.items())) or "none needed"
    rows = [
        ("Outcome", f"'{plan.outcome.column}'", "Converted = " + ", ".join(plan.outcome.positive_values)),
        (
            "Time window",
            f"last {plan.window_months} months of '{plan.date_column}'" if plan.window_months and plan.date_column else "all history",
            "Older leads are left out so the model learns today's market." if plan.window_months else "Every lead with an outcome is used.",
        ),
        ("Number columns", str(len(plan.numeric)), names(plan.numeric)),
        ("Category columns", str(len(plan.categorical)), names(plan.categorical)),
        ("Yes/no columns", str(len(plan.boolean)), names(plan.boolean)),
        ("Dates and times", str(len(plan.timestamps)), "Turned into day of week (and hour, when there is a time): " + names(plan.timestamps)),
        ("Follow-up speed", str(len(plan.followup)), ", ".join(f"{label(a, plan.labels)} to {label(b, plan.labels)}" for a, b in plan.followup) or "none found"),
        ("Free text", "used" if plan.use_text else "not used", names(plan.text) if plan.text else "no text columns"),
        ("Rare categories", f"under {plan.rare_share:.1%} of leads", "Grouped as 'Other' so a handful of leads cannot steer the model."),
        ("Missing values", f"{len(missing)} columns", fills),
        ("Missing flags", str(len(plan.missing_indicators)), "A yes/no column saying the value was missing: " + names(plan.missing_indicators)),
        ("Left out", f"{len(plan.excluded)} columns", "; ".join(f"{label(c, plan.labels)}: {r}" for c, r in plan.excluded.items()) or "none"),
    ]
    return pd.DataFrame(rows, columns=["choice", "setting", "effect"])
