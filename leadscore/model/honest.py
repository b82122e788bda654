"""The honest range: the model without the flagged columns the user kept, beside the model in use.

Every column the leakage guard flags is left out by default; a user who keeps one (a rep's
rating they are sure is known on arrival) gets the same recipe measured without it too, on the
same held-out leads, and every figure says which model it describes.

Example
-------
>>> from types import SimpleNamespace
>>> describes(SimpleNamespace(), None), describes(SimpleNamespace(), {"columns": ["Lead rating"]})
('the model in use', "the model in use, which reads 'Lead rating' by your choice")
"""

from __future__ import annotations

__all__ = ["warned_plan", "honest_figures", "describes"]


def warned_plan(plan):
    """The plan without the kept columns the guard warned about (None when there are none, or
    nothing would be left), and those columns."""
    warned = [c for c in getattr(plan, "warned", {}) if c in plan.used_columns]
    if not warned:
        return None, []
    honest_plan = plan.with_overrides(exclude=warned)
    return (honest_plan if honest_plan.used_columns else None), warned


def honest_figures(metrics: dict, warned: list) -> dict:
    """The honest range's figures: the holdout measures of the recipe without ``warned``."""
    names = ", ".join(f"'{c}'" for c in warned)
    return {key: metrics[key] for key in ("roc_auc", "average_precision", "lift_top_decile", "ece")} | {
        "columns": warned,
        "describes": f"the same recipe without {names}, measured on the same held-out leads",
    }


def describes(plan, without_warned: dict | None) -> str:
    """Which model the holdout figures describe, in words."""
    if not without_warned:
        return "the model in use"
    names = ", ".join(f"'{c}'" for c in without_warned["columns"])
    return f"the model in use, which reads {names} by your choice"
