"""The workflow: one saved project (data, choices, model versions, training jobs, scoring runs) that the app and the command drive.

The pages and the ``leadscore`` command use this stage's public face only (and
:mod:`leadscore.present` for what they show): :class:`LeadProject` with its collaborators, the
:class:`Scorer` of a model file, and the plain values the user chooses (outcome mapping, cleaning
choices, training settings, tiers). Names are imported lazily, so that scoring one lead from a
workflow does not load the training libraries.
"""

from __future__ import annotations

from leadscore._lazy import lazy_exports

# public name -> the module that defines it
_EXPORTS = {
    "LeadProject": "workflow",
    "STEPS": "workflow",
    "ProjectStore": "store",
    "Scorer": "scorer",
    "check_file": "files",
    "check_output": "files",
    "write_text": "files",
    "output_text": "files",
    "write_summary": "files",
    "TrainingQueue": "jobs",
    "QUEUE": "jobs",
    "OutcomeMapping": "leadscore.inspect.outcome",
    "CleaningChoices": "leadscore.clean.plan",
    "NO_DATE": "leadscore.clean.plan",
    "TrainingSettings": "leadscore.model.train",
    "MODEL_CHOICES": "leadscore.model.train",
    "TierPolicy": "leadscore.model.tiers",
    "DEFAULT_SHARES": "leadscore.model.tiers",
    "TIERS": "leadscore.model.tiers",
    "capacity_policy": "leadscore.model.tiers",
    "policy_from_options": "leadscore.model.tier_options",
    "choices_file_text": "leadscore.clean.choices_file",
    "read_choices_file": "leadscore.clean.choices_file",
    "CHOICES_FILE_NAME": "leadscore.clean.choices_file",
    "read_leads": "leadscore.io.read",
    "list_sheets": "leadscore.io.read",
    "SAMPLE_LEADS": "leadscore.io.samples",
    "SAMPLE_NAME": "leadscore.io.samples",
    "BANK_SAMPLE_NAME": "leadscore.io.samples",
    "BANK_MARKETING_NAME": "leadscore.io.samples",
    "bank_marketing_csv": "leadscore.io.samples",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
