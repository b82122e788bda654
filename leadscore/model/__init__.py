"""The model: encode, the three kinds, calibration, honest validation, the verdict, tiers, and the signed model file.

Names are imported lazily, so that importing one stage does not load the libraries of the others.
"""

from __future__ import annotations

from leadscore._lazy import lazy_exports

# public name -> module of this package that defines it
_EXPORTS = {
    "build_pipeline": "pipeline",
    "TrainingSettings": "train",
    "TrainingResult": "train",
    "train_lead_model": "train",
    "TierPolicy": "tiers",
    "tier_table": "tiers",
    "ModelBundle": "bundle",
    "save_bundle": "bundle",
    "load_bundle": "bundle",
    "model_card": "card",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
