"""Words the app shows: user text kept as text, the verdict in its box, notes on the call list.

Example
-------
>>> plain("[here](http://x)")
'\\\\[here\\\\](http:\u200b//x)'
"""

from __future__ import annotations

import re

from leadscore.model.estimators import MODEL_NAMES
from leadscore.model.tiers import TIERS

__all__ = ["plain", "verdict_box", "tier_gap_note", "version_rows"]

# Signs that make emphasis, links, code, HTML, tables or maths anywhere in a line.
# (An underscore inside a word, as in "deal_size", makes no emphasis and is left as it is.)
_MARKDOWN = re.compile(r"([\\`*\[\]|~<>$]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
# Signs that make a heading, a list or a quote at the start of a line.
_LINE_START = re.compile(r"^(\s*)([#>+\-]|\d+[.)])", re.MULTILINE)
_LINKISH = re.compile(r"(://|www\.|@)", re.IGNORECASE)


def plain(text) -> str:
    """``text`` written so that Markdown shows it as it is: never a link, emphasis or HTML.

    Every Markdown sign is escaped, and the places a renderer would turn into a link (``://``,
    ``www.``, an ``@``) get an invisible break, so a cell such as ``=HYPERLINK("http://x")``
    reads as typed.
    """
    escaped = _MARKDOWN.sub(r"\\\1", str(text))
    escaped = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)
    return _LINKISH.sub(lambda m: m.group(0)[0] + "\u200b" + m.group(0)[1:] if m.group(0) != "@" else "@\u200b", escaped)


def verdict_box(readiness: dict) -> tuple[str, str]:
    """How to show a model's verdict: ``(kind, text)``, kind "success", "warning" or "error"."""
    verdict = str(readiness.get("verdict") or "not ready")
    kind = {"ready": "success", "usable with caution": "warning"}.get(verdict, "error")
    return kind, f"**{verdict.capitalize()}.** {readiness.get('message', '')}".strip()


def tier_gap_note(promised_share: dict, leads_per_tier: dict, total: int, by_share: bool) -> str | None:
    """Why a tier's share of these leads differs from its share of the held-out leads (5 points
    or more), or None when they agree."""
    for tier in TIERS:
        promised = promised_share.get(tier)
        if promised is None or promised != promised:
            continue
        here = leads_per_tier.get(tier, 0) / max(total, 1)
        if abs(float(promised) - here) >= 0.05:
            return (
                f"On the Tiers page, {float(promised):.0%} of held-out leads were {tier}; here "
                f"{here:.0%} are ({int(leads_per_tier.get(tier, 0)):,} of {total:,}). "
                "That is expected to some degree: these are other leads (newer, maybe from other sources or "
                "campaigns), and the model in use was trained again on all your history after it was tested, "
                "so its scores shift a little. "
                + ("Tiers by share always take their shares of the leads scored together."
                   if by_share else "To always get the same share in each tier, set the tiers by share on the Tiers page.")
            )
    return None


def version_rows(versions, current: int | None) -> list[dict]:
    """The Train page's versions table: one row per version, the one in use marked."""
    return [
        {
            "Version": f"v{v.id}" + (" (in use)" if v.id == current else ""),
            "Model": MODEL_NAMES.get(v.kind, v.kind),
            "Ranks leads right": v.roc_auc,
            "Verdict": v.verdict,
            "Trained": v.created_at[:16].replace("T", " ") + " UTC",
        }
        for v in versions
    ]


def holdout_ranges(validation: dict) -> str:
    """'Ranks leads right: 0.87, most likely between 0.85 and 0.89. Top 10% vs average: ...' ('' without ranges)."""
    from leadscore.model.uncertainty import interval_words

    parts = []
    if validation.get("roc_auc_interval"):
        parts.append("Ranks leads right: " + interval_words(validation.get("roc_auc"), validation["roc_auc_interval"]) + ".")
    if validation.get("lift_top_decile_interval"):
        parts.append("Top 10% vs average: " + interval_words(validation.get("lift_top_decile"), validation["lift_top_decile_interval"], 1, "×") + ".")
    return " ".join(parts) + (" (90% ranges from the held-out leads)" if parts else "")


def tier_rate_ranges(table) -> str:
    """'Hot converted 32%, most likely between 27% and 38%; Warm ...' from a tier table with
    outcomes ('' without them)."""
    from leadscore.labels import rate_text

    parts = []
    for row in table.itertuples():
        interval = getattr(row, "converted_interval", None)
        if not interval or row.conversion_rate != row.conversion_rate:
            continue
        low, high = interval
        parts.append(f"{row.tier} {rate_text(row.conversion_rate)}, most likely between {rate_text(low, high)} and {rate_text(high, low)}")
    return ("Held-out leads converted: " + "; ".join(parts) + " (90% ranges).") if parts else ""


def expected_words(expected: dict | None) -> str:
    """'If these leads convert the way your history did, expect about 41 conversions (12 of them
    Hot); the model should rank them at about ROC AUC 0.78.' ('' without an expectation)."""
    if not expected or expected.get("conversions") is None:
        return ""
    total = round(expected["conversions"])
    text = f"If these leads convert the way your history did, expect about {total:,} conversion{'' if total == 1 else 's'}"
    hot = (expected.get("per_tier") or {}).get("Hot")
    if hot is not None:
        text += f" ({round(hot):,} of them Hot)"
    if expected.get("roc_auc") is not None:
        text += f"; the model should rank them at about ROC AUC {expected['roc_auc']:.2f}"
    return text + "."
