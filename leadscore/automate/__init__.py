"""Scoring each lead as it arrives: an HTTP service, tier webhooks and a watched folder, for the
workflow tools (n8n, Zapier, Make, CRM workflows) that small businesses wire their leads through.

``leadscore serve`` answers ``POST /score`` with what ``leadscore score MODEL -`` writes for each
lead; ``leadscore watch`` scores every CSV or Excel file dropped in a folder; with a project,
both record every lead in its history and send a signed webhook when a lead enters a tier.

Names are imported lazily, so that importing one stage does not load the libraries of the others.
"""

from __future__ import annotations

from leadscore._lazy import lazy_exports

# public name -> module of this package that defines it
_EXPORTS = {
    "serve": "server",
    "create_app": "server",
    "watch": "folder",
    "Webhooks": "webhooks",
    "sign": "webhooks",
    "ModelSource": "source",
    "automation_snippets": "snippets",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
