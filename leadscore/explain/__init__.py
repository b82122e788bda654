"""Why a lead got its score: contributions grouped by the user's own columns, segments, the Insights explainer.

Names are imported lazily, so that importing one stage does not load the libraries of the others.
"""

from __future__ import annotations

from leadscore._lazy import lazy_exports

# public name -> module of this package that defines it
_EXPORTS = {
    "fairness_table": "fairness",
    "explain_reference": "contributions",
    "ModelInsights": "insights",
    "segment_rates": "segments",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
