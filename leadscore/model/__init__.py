"""The model: encode, the three kinds, calibration, honest validation, the verdict, tiers, and the signed model file.

Names are imported lazily, so that importing one stage does not load the libraries of the others.
"""

from __future__ import annotations

import importlib

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


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
