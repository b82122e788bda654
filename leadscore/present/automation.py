"""Commands to copy: scoring with the ``leadscore`` command instead of the app, on a schedule or per lead."""

from __future__ import annotations

import json

__all__ = ["examples", "example_lead"]


def example_lead(schema: list[dict] | None) -> dict[str, object]:
    """One made-up lead with every column a model reads (typical values), for the JSON example."""
    if not schema:
        return {"source": "Referral", "pages_viewed": 7}
    lead: dict[str, object] = {}
    for column in schema:
        kind, fill = column.get("kind"), column.get("fill")
        if kind == "date":
            value: object = "2026-11-27 09:30"
        elif kind == "category" and column.get("categories"):
            # A fill for blanks ("Unknown", "(blank)") is no answer to show in an example.
            value = fill if fill not in (None, "", "Unknown") and not str(fill).startswith("(blank") else column["categories"][0]
        elif kind == "number":
            value = round(float(fill), 2) if isinstance(fill, (int, float)) and fill == fill else 1
        elif kind == "boolean":
            value = "yes"
        else:
            value = fill if fill not in (None, "") else ""
        lead[column["name"]] = value
    return lead


def examples(model_path: str = "models/leadscore-model.joblib", schema: list[dict] | None = None) -> dict[str, str]:
    """Shell examples for scoring with the ``leadscore`` command instead of the app.

    With the model's ``schema``, the JSON-lines example is a lead with exactly the columns that
    model reads, so it works when pasted into a terminal.
    """
    lead = json.dumps(example_lead(schema), ensure_ascii=False).replace("'", "")
    return {
        "csv": f"leadscore score {model_path} new_leads.csv --out scored_leads.csv",
        "sorted": f"leadscore score {model_path} new_leads.csv --sort --out call_list.csv",
        "tiers": f"leadscore score {model_path} new_leads.csv --out scored_leads.csv --split-tiers by_tier/",
        "crm": f"leadscore score {model_path} new_leads.csv --format crm --out crm_import.csv",
        "jsonl": (
            f"echo '{lead}' \\\n  | leadscore score {model_path} -\n"
            "# one JSON result per lead, as soon as it is scored: the lead's own fields, then\n"
            '# "lead_score", "conversion_probability", "tier", "next_action", "reason_1".."reason_3"'
        ),
        "weekly": (
            "# every Monday at 7:00, score the week's export with this model\n"
            f"0 7 * * 1  leadscore score {model_path} /exports/new_leads.csv --sort --out /exports/call_list.csv"
        ),
    }
