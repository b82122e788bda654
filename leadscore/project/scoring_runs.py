"""A project's scoring runs: score with the version in use, record each run, read the history.

:class:`ScoringRuns` is the collaborator of :class:`leadscore.project.LeadProject` that scores
leads (a table from the app, a file from the command) and records every run in the project's
history with the model version that scored it, whoever scored it, so movers, a lead's trend and
the feedback on outcomes read one history.
"""

from __future__ import annotations

import pandas as pd

from leadscore.errors import LeadScoreInputError
from leadscore.project.scorer import Scorer
from leadscore.score.expected import expected_outcomes
from leadscore.score.history import movers
from leadscore.score.runs import feedback_for, key_scheme, run_leads, run_summary
from leadscore.score.scoring import ScoringResult

__all__ = ["ScoringRuns"]

RUN_COLUMNS = ["run", "at", "version", "source", "rows", "summary"]


class ScoringRuns:
    """Score leads with the version in use and keep the history of every run.

    Parameters
    ----------
    state : ProjectState
    data : ProjectData
    versions : ModelVersions
    """

    def __init__(self, state, data, versions):
        self._state = state
        self._data = data
        self._versions = versions
        self.last: ScoringResult | None = None
        self.last_name: str | None = None

    def scorer(self) -> Scorer:
        """The version in use with the tiers in use."""
        return Scorer(self._versions.bundle(), self._versions.policy)

    # -- scoring -----------------------------------------------------------------------------
    def score(self, leads: pd.DataFrame, name: str = "leads", reasons: bool = True, key_column: str | None = None,
              value: str | None = None) -> ScoringResult:
        """Score leads with the version in use and the tiers in use (with ``value``, a column with
        a deal-size estimate, also ``expected_value``: see :mod:`leadscore.score.value`).

        The result is kept as the last run and, in a saved project, recorded in its history
        (each lead's key, probability, tier and top reason; see :meth:`movers`).
        """
        scorer = self.scorer()
        result = scorer.score_frame(leads, reasons=reasons, labels=self._data.labels or None, value=value)
        self.last, self.last_name = result, name
        if self._state.db is not None:
            summary = self.record(scorer, result.scored, result.drift, list(result.warnings), name, key_column, table=result.scored)
            result.report["run"] = summary["run"]
            result.report["expected"] = summary["expected"]  # the run's summary already has it
        else:
            result.report["expected"] = expected_outcomes(result.scored)
        return result

    def score_file(self, data, out=None, *, scorer: Scorer | None = None, fmt: str = "csv", split_dir=None, reasons: bool = True,
                   sort: bool = False, sheet=None, key_column: str | None = None, protect=(), value=None) -> dict:
        """Score a file (with the version in use, or ``scorer``'s model) and record the run.

        Returns the run's summary (``run``, ``rows``, ``tiers``, ``drift``, ``model_version``,
        ``readiness``, ...).
        """
        scorer = scorer or self.scorer()
        batches: dict = {}
        summary = scorer.score_file(data, out, fmt=fmt, split_dir=split_dir, reasons=reasons, sort=sort, sheet=sheet,
                                    on_batch=batches.__setitem__, protect=protect, value=value)
        scored = pd.concat([batches[number] for number in sorted(batches)]) if batches else pd.DataFrame()
        from pathlib import Path

        recorded = self.record(scorer, scored, summary.get("drift"), summary.get("warnings", []), Path(str(data)).name, key_column)
        return {**summary, **recorded}

    def record(self, scorer: Scorer, scored: pd.DataFrame, drift, warnings, source: str, key_column: str | None = None, table=None) -> dict:
        """Record one run in the project's history (when it is saved); returns its summary."""
        bundle = scorer.bundle
        scheme = key_scheme(bundle, scored, key_column)
        summary = run_summary(bundle, scored, drift, scorer.policy, scheme, warnings)
        version = self._versions.version_of(bundle)
        summary["model_version"] = version
        summary["readiness"] = scorer.readiness
        if self._state.db is not None:
            summary["run"] = self._state.db.record_run(version, source, summary, run_leads(scored, scheme), table)
        else:
            summary["run"] = None
        return summary

    # -- the history -------------------------------------------------------------------------
    def runs(self) -> pd.DataFrame:
        """Every scoring run recorded in this project, oldest first."""
        return self._state.db.runs() if self._state.db is not None else pd.DataFrame(columns=RUN_COLUMNS)

    def movers(self) -> pd.DataFrame | None:
        """Leads whose score moved between the last two runs, largest change first (None
        until there are two runs)."""
        runs = self.runs()
        if len(runs) < 2:
            return None
        before, after = runs["run"].iloc[-2], runs["run"].iloc[-1]
        policies = [runs["summary"].iloc[i].get("policy") for i in (-2, -1)]
        return movers(self._state.db.run_leads(before), self._state.db.run_leads(after), *policies)

    def lead_trend(self, key: str) -> pd.DataFrame:
        """One lead's scores over the recorded runs, oldest first."""
        if self._state.db is None:
            return pd.DataFrame(columns=["run", "at", "probability", "tier"])
        return self._state.db.lead_history(key)

    def history(self, lead: str | None = None, with_movers: bool = False) -> dict:
        """The history as JSON-ready data: ``runs`` (each with its ``model_version``), and
        ``movers`` (when asked, or when no lead is asked for) and ``lead`` (one lead's scores)."""
        runs = self.runs()
        result = {
            "runs": [
                {"run": int(row.run), "at": row.at, "rows": int(row.rows), "model": row.summary.get("model"),
                 "model_version": None if pd.isna(row.version) else int(row.version), "source": row.source,
                 "drift": (row.summary.get("drift") or {}).get("verdict")}
                for row in runs.itertuples()
            ]
        }
        if with_movers or not lead:
            moved = self.movers()
            result["movers"] = [] if moved is None else [
                {"key": r.key, "before": float(r.before), "after": float(r.after), "tier_before": r.tier_before, "tier_after": r.tier_after}
                for r in moved.itertuples()
            ]
        if lead:
            trend = self.lead_trend(lead)
            result["lead"] = {"key": lead, "scores": [
                {"run": int(r.run), "at": r.at, "probability": float(r.probability), "tier": r.tier} for r in trend.itertuples()
            ]}
        return result

    def feedback(self, leads_with_outcomes: pd.DataFrame):
        """How the leads scored earlier really converted, against what the model promised.

        The outcomes are read with the project's outcome mapping (else the model's, else
        LeadScore's guess for this file) and matched to earlier scores by the keys the runs used.
        """
        runs = self.runs()
        if runs.empty:
            raise LeadScoreInputError("No leads have been scored in this project yet, so there is nothing to check against outcomes. Score them first.")
        outcome = self._data.outcome
        if outcome is None and self._versions.has_model:
            outcome = self._versions.bundle().plan.outcome
        if outcome is None:
            from leadscore.inspect.outcome import suggest_outcome

            suggestion = suggest_outcome(leads_with_outcomes)
            if suggestion.mapping is None:
                raise LeadScoreInputError(f"{suggestion.question} Name the outcome the way the app does, or add a yes/no 'converted' column.")
            outcome = suggestion.mapping
        scheme = runs["summary"].iloc[-1].get("keys") or {}
        return feedback_for(self._state.db.scored_leads(), leads_with_outcomes, outcome, scheme)

    def restore_last(self) -> None:
        """Show the latest run made in the app again (after a refresh or a restart)."""
        if self._state.db is None or self.last is not None:
            return
        runs = self.runs()
        for run in reversed(runs["run"].tolist()):
            table = self._state.db.run_table(run)
            if table is not None:
                summary = runs.set_index("run").at[run, "summary"]
                self.last = ScoringResult(table, list(summary.get("warnings", [])), {"run": run}, summary.get("drift"))
                self.last_name = str(runs.set_index("run").at[run, "source"])
                return
