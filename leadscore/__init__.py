"""LeadScore: turn a company's own lead history into calibrated conversion probabilities.

The package is the whole engine; the Streamlit pages and the ``leadscore`` command only drive
its :class:`LeadProject`. Names are imported lazily so that ``leadscore score MODEL -`` (one
lead from a workflow) starts without loading the training, plotting or explanation libraries.

Example
-------
>>> from leadscore import LeadProject
>>> project = LeadProject.from_file("sample_data/leads.csv")      # doctest: +SKIP
>>> project.inspection().sufficiency.verdict                        # doctest: +SKIP
'good'
"""

from __future__ import annotations

import importlib

__version__ = "0.4.0"

# public name -> module that defines it
_EXPORTS = {
    "LeadScoreInputError": "errors",
    "read_leads": "read",
    "ColumnProfile": "profile",
    "profile_columns": "profile",
    "OutcomeMapping": "outcome",
    "suggest_outcome": "outcome",
    "judge_sufficiency": "sufficiency",
    "Inspection": "inspect",
    "inspect_leads": "inspect",
    "LeakageSuspect": "leakage",
    "find_leakage_suspects": "leakage",
    "CleaningPlan": "plan",
    "CleaningChoices": "plan",
    "suggest_cleaning_plan": "plan",
    "select_training_rows": "rows",
    "LeadCleaner": "cleaner",
    "build_pipeline": "pipeline",
    "TrainingSettings": "train",
    "train_lead_model": "train",
    "ModelBundle": "bundle",
    "save_bundle": "bundle",
    "load_bundle": "bundle",
    "model_card": "card",
    "TierPolicy": "tiers",
    "tier_table": "tiers",
    "score_leads": "score",
    "excel_safe": "export",
    "LeadProject": "project",
    "ProjectStore": "store",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        module = importlib.import_module(f"leadscore.{_EXPORTS[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'leadscore' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
