"""What to paste to score each lead as it arrives: the ``serve`` and ``watch`` commands, a
``curl`` call and an n8n HTTP Request node, for one model or project (the app's "Automate this").

Example
-------
>>> snippets = automation_snippets([{"name": "pages_viewed", "kind": "number", "fill": 4.0}], project="Spring leads")
>>> snippets["serve"]
"leadscore serve --project 'Spring leads'"
"""

from __future__ import annotations

import json
import shlex

__all__ = ["automation_snippets", "example_lead"]


def example_lead(schema: list[dict] | None) -> dict[str, object]:
    """One made-up lead with every column the model reads (typical values), scorable as it is."""
    if not schema:
        return {"source": "Referral", "pages_viewed": 7}
    lead: dict[str, object] = {}
    for column in schema:
        kind, fill = column.get("kind"), column.get("fill")
        if kind == "date":
            value: object = "2026-11-27 09:30"
        elif kind == "category" and column.get("categories"):
            value = fill if fill not in (None, "", "Unknown") else column["categories"][0]
        elif kind == "number":
            value = round(float(fill), 2) if isinstance(fill, (int, float)) and fill == fill else 1
        elif kind == "boolean":
            value = "yes"
        else:
            value = fill if fill not in (None, "") else ""
        lead[column["name"]] = value
    return lead


def automation_snippets(
    schema: list[dict] | None,
    model_path: str | None = None,
    project: str | None = None,
    port: int = 8765,
    token: str | None = None,
    inbox: str = "~/LeadScore/inbox",
    outbox: str = "~/LeadScore/scored",
) -> dict[str, str]:
    """The commands and the n8n node for one model file or project, ready to paste.

    Parameters
    ----------
    schema : list of dict
        The model's columns (``bundle.schema``): the example lead has exactly these.
    model_path, project : str
        The model file, or the project's name (one of them).
    port : int
    token : str, optional
        When the server is started with ``--token`` (needed to listen beyond this computer).
    inbox, outbox : str
        The folders of ``watch``.

    Returns
    -------
    dict with ``serve``, ``watch``, ``curl`` (shell commands), ``n8n`` (a workflow JSON with one
    HTTP Request node, to paste into n8n's canvas) and ``lead`` (the example lead as JSON).
    """
    if (model_path is None) == (project is None):
        raise ValueError("give a model path or a project name")
    what = f"--project {shlex.quote(project)}" if project is not None else shlex.quote(str(model_path))
    url = f"http://127.0.0.1:{int(port)}/score"
    lead = example_lead(schema)
    lead_json = json.dumps(lead, ensure_ascii=False)
    port_option = f" --port {int(port)}" if int(port) != 8765 else ""
    token_option = f" --token {shlex.quote(token)}" if token else ""
    header = f" \\\n  -H {shlex.quote('Authorization: Bearer ' + token)}" if token else ""
    node = {
        "parameters": {
            "method": "POST",
            "url": url,
            "sendHeaders": bool(token),
            "headerParameters": {"parameters": [{"name": "Authorization", "value": f"Bearer {token}"}] if token else []},
            "sendBody": True,
            "specifyBody": "json",
            "jsonBody": json.dumps(lead, ensure_ascii=False, indent=2),
            "options": {},
        },
        "name": "Score lead (LeadScore)",
        "type": "n8n-nodes-base.httpRequest",
        "typeVersion": 4.2,
        "position": [0, 0],
    }
    return {
        "serve": f"leadscore serve {what}{port_option}{token_option}",
        "watch": f"leadscore watch {inbox} {what} --out {outbox}",
        "curl": f"curl -s -X POST {url} \\\n  -H 'Content-Type: application/json'{header} \\\n  -d {shlex.quote(lead_json)}",
        "n8n": json.dumps({"nodes": [node], "connections": {}}, ensure_ascii=False, indent=2),
        "lead": lead_json,
    }
