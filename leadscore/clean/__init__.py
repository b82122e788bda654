"""The cleaning plan (LeadScore's suggestion and the user's choices), the rows a model learns from, and the cleaner.

Names are imported lazily, so that importing one stage does not load the libraries of the others.
"""

from __future__ import annotations

from leadscore._lazy import lazy_exports

# public name -> module of this package that defines it
_EXPORTS = {
    "CleaningPlan": "plan",
    "CleaningChoices": "choices",
    "suggest_cleaning_plan": "plan",
    "plan_for": "choices",
    "TrainingRows": "rows",
    "select_training_rows": "rows",
    "LeadCleaner": "cleaner",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
