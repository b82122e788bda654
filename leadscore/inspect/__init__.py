"""The first look at a lead table: the outcome, what each column holds, whether there is enough, and the leakage guard.

Names are imported lazily, so that importing one stage does not load the libraries of the others.
"""

from __future__ import annotations

from leadscore._lazy import lazy_exports

# public name -> module of this package that defines it
_EXPORTS = {
    "OutcomeMapping": "outcome",
    "OutcomeSuggestion": "outcome",
    "suggest_outcome": "outcome",
    "ColumnProfile": "profile",
    "profile_columns": "profile",
    "judge_sufficiency": "sufficiency",
    "LeakageSuspect": "leakage",
    "find_leakage_suspects": "leakage",
    "find_sensitive_columns": "sensitive",
    "SENSITIVE_ADVICE": "sensitive",
    "Inspection": "inspection",
    "inspect_leads": "inspection",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
