"""Commands to copy: scoring with the ``leadscore`` command instead of the app, on a schedule or per lead."""

from __future__ import annotations

import json

from leadscore.automate.snippets import automation_snippets, example_lead

__all__ = ["examples", "example_lead", "automation_snippets"]


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
