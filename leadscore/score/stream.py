"""Score leads as they arrive: one JSON lead per line in, one JSON result per line out.

``leadscore score MODEL -`` runs :func:`stream_jsonl`, so a workflow can route every new lead
by its tier as soon as it is scored. Lines that arrive together are scored together (a file
piped in scores as fast as the file itself); each lead still gets its own answer line, with its
own warnings or error.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

import pandas as pd

from leadscore.errors import LeadScoreInputError
from leadscore.io.lead_json import parse_lead
from leadscore.score.export import records
from leadscore.score.scoring import SCORE_COLUMNS, reasons_explainer, reference_lead, report_warnings, resolve_policy, score_batch
from leadscore.model.tiers import TierPolicy

__all__ = ["stream_jsonl"]

def _parse_line(raw_line, number: int) -> tuple[dict | None, str | None, str | None]:
    """One input line as (lead, problem, note): the lead's fields, or why it cannot be scored.

    A line is text, bytes (its encoding found, see :func:`leadscore.io.lead_json.parse_lead`), or
    the error :func:`leadscore.io.lead_json.lead_lines` put in place of a line too long to hold.
    """
    if isinstance(raw_line, LeadScoreInputError):
        return None, raw_line.message, None
    if not raw_line.strip(b" \t\r\n\x00" if isinstance(raw_line, bytes) else None):
        return None, None, None
    try:
        lead, note = parse_lead(raw_line, number)
    except LeadScoreInputError as error:
        return None, error.message, None
    return lead, None, note


class LeadStream:
    """Scores leads as they arrive, keeping what every lead reuses: the tiers, the reference lead
    and the tree explainer (building one per lead cost more than scoring the lead)."""

    def __init__(self, bundle, policy: TierPolicy, reasons: bool, labels):
        self.bundle, self.reasons, self.labels = bundle, reasons, labels
        self.policy, _ = resolve_policy(policy, bundle, None)
        self.reference = reference_lead(bundle) if reasons else None
        self.explainer = reasons_explainer(bundle.pipeline) if reasons else None

    def score(self, leads: list[dict]) -> tuple[pd.DataFrame, dict]:
        frame = pd.DataFrame([{key: _cell(value) for key, value in lead.items()} for lead in leads])
        return score_batch(self.bundle, frame, self.policy, self.reasons, self.reference, self.labels, explainer=self.explainer)

    def one(self, number: int, lead: dict, note: str | None) -> tuple[str, bool]:
        """The result line of one lead (its own warnings), or its error line; and whether it scored."""
        try:
            scored, report = self.score([lead])
            result = _answer(lead, next(records(scored)))
            notes = report_warnings({key: value for key, value in report.items() if key != "replaced_columns"})
            notes += [note] if note else []
            if notes:
                result["warnings"] = notes
            return json.dumps(result, ensure_ascii=False, default=str), True
        except LeadScoreInputError as error:
            return json.dumps({"line": number, "error": error.message}, ensure_ascii=False), False
        except Exception as error:  # noqa: BLE001 - one bad lead must never stop the stream
            message = f"This lead could not be scored ({type(error).__name__}: {error})."
            return json.dumps({"line": number, "error": message}, ensure_ascii=False), False

    def batch(self, parsed: list[tuple[int, dict, str | None]]) -> list[tuple[str, bool]]:
        """Result lines for leads that arrived together: scored as one batch when they share
        their fields and nothing about them needs a warning, else one by one (so every lead
        still gets its own warnings or error)."""
        if len(parsed) > 1 and len({tuple(lead) for _, lead, _ in parsed}) == 1:
            try:
                scored, report = self.score([lead for _, lead, _ in parsed])
            except Exception:  # noqa: BLE001 - scored one by one below, each with its own error
                pass
            else:
                if not report_warnings({key: value for key, value in report.items() if key != "replaced_columns"}):
                    lines = []
                    for (_, lead, note), result in zip(parsed, records(scored)):
                        result = _answer(lead, result)
                        if note:
                            result["warnings"] = [note]
                        lines.append((json.dumps(result, ensure_ascii=False, default=str), True))
                    return lines
        return [self.one(number, lead, note) for number, lead, note in parsed]


def stream_jsonl(
    bundle, lines_in: Iterable, out: TextIO, policy: TierPolicy | None = None, reasons: bool = True, labels=None
) -> dict:
    """Score one JSON lead per input line and write one JSON result per line as each arrives.

    Each result is the lead's own fields followed by ``lead_score``, ``conversion_probability``,
    ``tier``, ``next_action`` and ``reason_1``..``reason_3`` (plus ``warnings`` when something
    about the lead was unusual), written and flushed as soon as it is scored. A line that cannot
    be scored gets ``{"line": n, "error": "..."}`` and the stream goes on: not JSON, nested too
    deep, a number too long, a line too long (see :mod:`leadscore.io.lead_json`). Blank lines are
    skipped. Lines may be bytes in UTF-8 (not valid UTF-8 is read as Windows-1252, with a
    warning) or UTF-16, with or without a byte-order mark.

    ``lines_in`` yields lines, or lists of lines that arrived together (a micro-batch, see
    ``leadscore.io.lead_lines``): those are scored together, each lead still answered on its own line, in
    order. Models run on one thread: for a few leads at a time, threads cost more than they save.

    Parameters
    ----------
    bundle : ModelBundle
    lines_in : iterable of str, bytes, or lists of them (e.g. ``lead_lines(sys.stdin.buffer)``)
    out : text stream (e.g. ``sys.stdout``)
    policy : TierPolicy, optional
        Tiers by share are taken of the model's held-out leads (one lead has no share of itself).
    reasons : bool
    labels : mapping, optional

    Returns
    -------
    dict with ``scored`` and ``errors`` counts.
    """
    from threadpoolctl import threadpool_limits

    stream = LeadStream(bundle, policy or getattr(bundle, "policy", None) or TierPolicy(), reasons, labels)
    counts = {"scored": 0, "errors": 0}
    number = 0
    with threadpool_limits(limits=1):
        for arrived in lines_in:
            batch = arrived if isinstance(arrived, list) else [arrived]
            parsed, written = [], []
            for raw_line in batch:
                number += 1
                lead, problem, note = _parse_line(raw_line, number)
                if problem is not None:
                    written.append((number, json.dumps({"line": number, "error": problem}, ensure_ascii=False), False))
                elif lead is not None:
                    parsed.append((number, lead, note))
            written += [(n, text, ok) for (n, _, _), (text, ok) in zip(parsed, stream.batch(parsed))]
            for _, text, ok in sorted(written):
                counts["scored" if ok else "errors"] += 1
                out.write(text + "\n")
            out.flush()
    return counts


def _answer(lead: dict, scored: dict) -> dict:
    """The lead's own fields exactly as it sent them (a batch's table would turn 1 into 1.0 next to
    a blank), then its scores."""
    scores = {key: scored[key] for key in SCORE_COLUMNS if key in scored}
    return {**{key: value for key, value in lead.items() if key not in scores}, **scores}


def _cell(value):
    # Nested JSON (lists, objects) is kept as its JSON text: a lead table has flat cells.
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value
