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

from leadscore._lazy import lazy_exports

__version__ = "0.5.0"

# public name -> the stage package (or base module) whose public face holds it
_EXPORTS = {
    "LeadScoreInputError": "errors",
    "read_leads": "io",
    "OutcomeMapping": "inspect",
    "suggest_outcome": "inspect",
    "ColumnProfile": "inspect",
    "profile_columns": "inspect",
    "judge_sufficiency": "inspect",
    "Inspection": "inspect",
    "inspect_leads": "inspect",
    "LeakageSuspect": "inspect",
    "find_leakage_suspects": "inspect",
    "CleaningPlan": "clean",
    "CleaningChoices": "clean",
    "suggest_cleaning_plan": "clean",
    "select_training_rows": "clean",
    "LeadCleaner": "clean",
    "build_pipeline": "model",
    "TrainingSettings": "model",
    "train_lead_model": "model",
    "ModelBundle": "model",
    "save_bundle": "model",
    "load_bundle": "model",
    "model_card": "model",
    "TierPolicy": "model",
    "tier_table": "model",
    "score_leads": "score",
    "excel_safe": "score",
    "LeadProject": "project",
    "ProjectStore": "project",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
