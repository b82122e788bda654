"""The cleaning plan (LeadScore's suggestion and the user's choices), the rows a model learns from, and the cleaner.

Names are imported lazily, so that importing one stage does not load the libraries of the others.
"""

from __future__ import annotations

import importlib

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


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
