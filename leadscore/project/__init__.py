"""The workflow: one saved project (data, choices, model versions, training jobs, scoring runs) that the app and the command drive.

Names are imported lazily, so that importing one stage does not load the libraries of the others.
"""

from __future__ import annotations

import importlib

# public name -> module of this package that defines it
_EXPORTS = {
    "LeadProject": "workflow",
    "STEPS": "workflow",
    "ProjectStore": "store",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
