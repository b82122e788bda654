"""Scoring with one model: a file, a CRM file, a stream of JSON leads, many files with Dask.

:class:`Scorer` is what the command uses for ``leadscore score MODEL ...`` and what a project
uses for its version in use, so a model file and a project's version score a file the same way.
It also carries the model's verdict, so every way of scoring says, before the call list, when
the model is not ready.
"""

from __future__ import annotations

from leadscore.errors import LeadScoreInputError
from leadscore.io.atomic import atomic_output
from leadscore.project.files import check_file, check_output
from leadscore.model.bundle import ModelBundle, load_bundle
from leadscore.model.card import model_card
from leadscore.model.tiers import TierPolicy
from leadscore.score.identity import identifier_columns

__all__ = ["Scorer", "arrivals"]


class Scorer:
    """One model and the tiers it scores with.

    Parameters
    ----------
    bundle : ModelBundle
    policy : TierPolicy, optional
        The tiers to use (default: the ones saved with the model).
    source : str
        Where the model came from (a file path), for messages.
    """

    def __init__(self, bundle: ModelBundle, policy: TierPolicy | None = None, source: str = ""):
        self.bundle = bundle
        self.policy = policy or bundle.policy
        self.source = source

    @classmethod
    def load(cls, path, trust: bool = False) -> "Scorer":
        """A model file saved by ``leadscore train`` or the app (signed on this computer unless ``trust``)."""
        return cls(load_bundle(check_file(path), trust=trust), source=str(path))

    def with_policy(self, policy: TierPolicy) -> "Scorer":
        return Scorer(self.bundle, policy, self.source)

    @property
    def readiness(self) -> dict:
        """The model's verdict as the Train page gave it: ``verdict`` and ``message``."""
        return dict(self.bundle.metrics.get("readiness") or {})

    def verdict_warning(self) -> str | None:
        """One sentence when the model is not ready (None when it is), in the Train page's words."""
        readiness = self.readiness
        verdict = readiness.get("verdict")
        if not verdict or verdict == "ready":
            return None
        return f"This model is {verdict}: {readiness.get('message', '')}".strip()

    def card(self) -> str:
        """The model card (Markdown)."""
        return model_card(self.bundle)

    def score_frame(self, leads, reasons: bool = True, labels=None, value=None):
        """Score a table of leads (:func:`leadscore.score.scoring.score_leads`); with ``value`` (a
        column with a deal-size estimate) also ``expected_value`` (:mod:`leadscore.score.value`)."""
        from leadscore.score.scoring import score_leads

        if value is not None:
            self.check_value(leads.columns, value)
        result = score_leads(self.bundle, leads, policy=self.policy, reasons=reasons, labels=labels)
        if value is not None:
            from leadscore.score.value import add_expected_value, unreadable_warning

            result.scored, unreadable = add_expected_value(result.scored, value)
            note = unreadable_warning(value, unreadable)
            if note:
                result.warnings = [*result.warnings, note]
        return result

    def check_value(self, columns, value: str) -> None:
        """Refuse a value column that is missing or known only after the sale (a user error saying why)."""
        from leadscore.score.value import check_value_column

        check_value_column(self.bundle, columns, value)

    def value_columns(self, columns) -> list[str]:
        """The columns that may be chosen as a lead's value (the guard refuses the others)."""
        from leadscore.score.value import value_columns

        return value_columns(self.bundle, columns)

    def score_file(self, data, out=None, *, fmt: str = "csv", split_dir=None, reasons: bool = True, sort: bool = False,
                   sheet=None, on_batch=None, protect=(), value=None) -> dict:
        """Score a file of any size into ``out`` (standard output when None), chunk by chunk.

        ``protect`` are files that must not be written over (the model file itself).
        """
        from leadscore.score.score_files import score_file

        data = check_file(data)
        if out:
            check_output(out, inputs=[data], models=protect, what="the scored leads")
        return score_file(self.bundle, data, out, policy=self.policy, fmt=fmt, split_dir=split_dir, reasons=reasons,
                          sort=sort, on_batch=on_batch, sheet=sheet, value=value)

    def score_crm(self, data, out=None, *, reasons: bool = True, sheet=None, sort: bool = False, protect=(), value=None) -> list[str]:
        """Write the file for a CRM import (identifier, score, tier, next action, top reason);
        returns the warnings about the leads."""
        from leadscore.io.read import read_leads
        from leadscore.score.export import crm_csv

        data = check_file(data)
        if out:
            check_output(out, inputs=[data], models=protect, what="the CRM file")
        result = self.score_frame(read_leads(data, **({"sheet": sheet} if sheet else {})), reasons=reasons, value=value)
        content = crm_csv(result.scored, identifier_columns(self.bundle.plan, result.scored.columns), sort=sort)
        if out:
            with atomic_output(out) as handle:
                handle.write(content)
        else:
            import sys

            sys.stdout.buffer.write(content)
        return list(result.warnings)

    def stream(self, byte_stream, out, *, reasons: bool = True) -> dict:
        """Score one JSON lead per line as the lines arrive, one JSON result per line out."""
        from leadscore.score.stream import stream_jsonl

        return stream_jsonl(self.bundle, arrivals(byte_stream), out, policy=self.policy, reasons=reasons)

    def score_many(self, pattern, out, *, reasons: bool = True, scheduler=None, workers=None, fmt: str = "csv", progress=None) -> dict:
        """Score many files in parallel with Dask (``pip install 'leadscore[dask]'``)."""
        from leadscore.score.dask_engine import score_with_dask

        return score_with_dask(self.bundle, pattern, out, policy=self.policy, reasons=reasons, scheduler=scheduler,
                               workers=workers, output_format=fmt, progress=progress)


def arrivals(stream, size: int = 1 << 16):
    """The lines of a byte stream of JSON leads, grouped by how they arrive, in the stream's own
    encoding (UTF-8, with or without BOM, or UTF-16), a line too long given as its error: see
    :func:`leadscore.io.lead_json.lead_lines`."""
    from leadscore.io.lead_json import lead_lines

    yield from lead_lines(stream, size)
