"""The user's journey as one object: data, outcome, cleaning, model versions, tiers, scoring.

:class:`LeadProject` owns every step of the journey and knows what each step depends on:

    leads ──> outcome ──> cleaning choices ──> plan ──> training rows ──> model version
                                                                             ├─> insights
                                                                             ├─> tiers (policy)
                                                                             └─> scoring runs

The app's pages and the ``leadscore`` command both drive this one object (one path, so they
cannot disagree). A change to a step leaves every later step to be derived again from it: the
plan, rows and insights are computed from the current choices when asked (and kept while those
choices stay the same); model versions are saved results and stay available, with
:meth:`LeadProject.model_matches_choices` telling whether the current one was trained with the
current choices.

A project is kept in the embedded store (:mod:`leadscore.project.store`) when it has one: a browser
refresh or a server restart opens it again where the user left it. Without a store (the
command line's one-off ``train``, or the sample before the user changes anything) it lives in
memory only.

Example
-------
>>> project = LeadProject.from_file("sample_data/leads.csv")          # doctest: +SKIP
>>> project.set_outcome(project.outcome_suggestion().mapping)         # doctest: +SKIP
>>> project.set_choices(CleaningChoices())                            # doctest: +SKIP
>>> version = project.train(TrainingSettings(model="logistic"))       # doctest: +SKIP
>>> project.score(read_leads("sample_data/new_leads.csv")).scored.head()   # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from leadscore.model.bundle import ModelBundle, _installed_versions, load_bundle, save_bundle
from leadscore.errors import LeadScoreInputError
from leadscore.explain.contributions import explain_reference
from leadscore.score.history import movers
from leadscore.score.runs import drift_reference, feedback_for, key_scheme, run_leads, run_summary
from leadscore.explain.insights import ModelInsights
from leadscore.inspect.inspection import Inspection, inspect_leads
from leadscore.jsonable import jsonable
from leadscore.inspect.outcome import OutcomeMapping, OutcomeSuggestion, suggest_outcome
from leadscore.clean.plan import NO_DATE, CleaningChoices, CleaningPlan, plan_for, suggest_cleaning_plan
from leadscore.io.read import read_leads
from leadscore.clean.rows import TrainingRows, select_training_rows
from leadscore.score.scoring import ScoringResult, score_leads
from leadscore.project.store import ProjectDB, ProjectStore, VersionInfo, now
from leadscore.model.tiers import TierPolicy
from leadscore.model.train import TrainingResult, TrainingSettings, train_lead_model

__all__ = ["LeadProject", "STEPS", "job_is_alive"]

log = logging.getLogger("leadscore.project.workflow")

#: The journey, in order.
STEPS: tuple[str, ...] = ("Data", "Clean", "Train", "Insights", "Tiers", "Score")

Progress = Callable[[str, float], None]


def job_is_alive(owner: str) -> bool:
    """Whether the process (and, in this process, the thread) that runs a job still runs."""
    pid_text, _, thread_name = str(owner).partition(":")
    try:
        pid = int(pid_text)
    except ValueError:
        return False
    if pid == os.getpid():
        return any(thread.name == thread_name and thread.is_alive() for thread in threading.enumerate())
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class LeadProject:
    """One lead history and everything the user decided and learned about it.

    Build it with :meth:`new`, :meth:`from_file` or :meth:`open`, not directly.

    Parameters
    ----------
    leads : DataFrame
        The lead history as read.
    name : str
        The project's name ("Spring leads").
    db : ProjectDB, optional
        Where the project is saved; None keeps it in memory.
    data_name : str
        The file it came from ("leads.csv").
    """

    def __init__(self, leads: pd.DataFrame, name: str, db: ProjectDB | None = None, data_name: str = ""):
        self.leads = leads
        self.db = db
        self._state: dict = {"name": name, "data_name": data_name or name}
        self._cache: dict = {}
        self._memory_versions: dict[int, ModelBundle] = {}
        self._bundles: dict[int, ModelBundle] = {}
        self._insights: dict = {}
        self.last_run: ScoringResult | None = None
        self.last_run_name: str | None = None

    # -- creating and opening ------------------------------------------------------------------
    @classmethod
    def new(cls, leads: pd.DataFrame, name: str, *, store: ProjectStore | None = None, data_name: str = "") -> "LeadProject":
        """A project for a lead table; saved in ``store`` when given."""
        project = cls(leads, name, data_name=data_name)
        if store is not None:
            project.save_to(store)
        return project

    @classmethod
    def from_file(cls, source, *, filename: str | None = None, sheet=None, store: ProjectStore | None = None, name: str | None = None) -> "LeadProject":
        """Read a lead file (see :func:`leadscore.io.read.read_leads`) into a new project."""
        leads = read_leads(source, filename=filename, **({"sheet": sheet} if sheet is not None else {}))
        shown = filename or (Path(source).name if isinstance(source, (str, os.PathLike)) else "leads")
        return cls.new(leads, name or Path(shown).stem, store=store, data_name=shown)

    @classmethod
    def open(cls, store: ProjectStore, project_id: str) -> "LeadProject":
        """A saved project, as the user left it."""
        db = store.open(project_id)
        meta = db.meta()
        project = cls(db.load_leads(), str(meta.get("name", project_id)), db=db, data_name=str(meta.get("data_name", "")))
        project._state.update(meta)
        return project

    def save_to(self, store: ProjectStore) -> None:
        """Keep this in-memory project in ``store`` from now on (its leads, choices and versions)."""
        if self.db is not None:
            return
        db = store.create(self.name)
        db.save_leads(self.leads)
        for version, bundle in sorted(self._memory_versions.items()):
            save_bundle(bundle, db.model_path(version))
            db.add_version(version, bundle, _version_summary(bundle))
        self.db = db
        self._memory_versions.clear()
        self._save(**{k: v for k, v in self._state.items() if k not in ("updated_at",)})

    @property
    def id(self) -> str | None:
        """The project's id in the store (None while it lives in memory only)."""
        return None if self.db is None else self.db.id

    @property
    def name(self) -> str:
        return str(self._state.get("name", ""))

    @property
    def data_name(self) -> str:
        return str(self._state.get("data_name", ""))

    def rename(self, name: str) -> None:
        name = " ".join(str(name).split())
        if not name:
            raise LeadScoreInputError("A project needs a name. Type one, e.g. 'Spring leads'.")
        self._save(name=name)

    def sync(self) -> None:
        """Read again what other sessions, processes or a finished training job saved."""
        if self.db is not None:
            self._state.update(self.db.meta())

    def _save(self, **values) -> None:
        self._state.update(jsonable(values))
        if self.db is not None:
            self.db.set_meta(**values)

    # -- 1. the outcome ------------------------------------------------------------------------
    def outcome_suggestion(self, column: str | None = None) -> OutcomeSuggestion:
        """LeadScore's guess of the outcome column (or of ``column``'s value meanings)."""
        key = ("suggestion", column)
        if key not in self._cache:
            self._cache[key] = suggest_outcome(self.leads, column)
        return self._cache[key]

    @property
    def outcome(self) -> OutcomeMapping | None:
        data = self._state.get("outcome")
        if not data:
            return None
        return OutcomeMapping(data["column"], tuple(data["positive_values"]), tuple(data["negative_values"]), tuple(data.get("open_values", ())))

    def set_outcome(self, mapping: OutcomeMapping) -> None:
        """Say which values mean converted, not converted or still open."""
        if mapping == self.outcome:
            return
        counts = mapping.counts(self.leads)  # raises for a missing column
        self._save(
            outcome={
                "column": mapping.column,
                "positive_values": list(mapping.positive_values),
                "negative_values": list(mapping.negative_values),
                "open_values": list(mapping.open_values),
            },
            outcome_counts=counts,
        )

    def inspection(self) -> Inspection:
        """Profiles, counts, sufficiency and leakage suspects for the current outcome."""
        outcome = self._require_outcome()
        date_column = self._date_choice()
        key = ("inspection", outcome, date_column)
        if key not in self._cache:
            self._cache[key] = inspect_leads(self.leads, outcome=outcome, date_column=date_column)
        return self._cache[key]

    def _require_outcome(self) -> OutcomeMapping:
        outcome = self.outcome
        if outcome is None:
            raise LeadScoreInputError(
                "Say first which column holds the outcome and which of its values mean converted "
                "(Data step, or --target / --converted on the command line)."
            )
        return outcome

    # -- 2. cleaning ---------------------------------------------------------------------------
    @property
    def choices(self) -> CleaningChoices | None:
        """The cleaning choices the user confirmed (None until they do)."""
        data = self._state.get("choices")
        return None if data is None else CleaningChoices.from_dict(data)

    def set_choices(self, choices: CleaningChoices) -> None:
        """Confirm cleaning choices (the plan is derived from them and the suggestion)."""
        self.plan_for(choices)  # refuses choices that name unknown columns
        self._save(choices=choices.to_dict())

    def _date_choice(self, choices: CleaningChoices | None = None) -> str | None:
        choices = choices if choices is not None else (self.choices or CleaningChoices())
        return None if choices.date_column in (None, NO_DATE) else choices.date_column

    def suggested_plan(self, date_column: str | None = None) -> CleaningPlan:
        """LeadScore's own plan for this data (with this arrival date column, or its own choice)."""
        outcome = self._require_outcome()
        key = ("suggested", outcome, date_column)
        if key not in self._cache:
            inspection = self._cache.get(("inspection", outcome, date_column)) or inspect_leads(
                self.leads, outcome=outcome, date_column=date_column
            )
            self._cache[("inspection", outcome, date_column)] = inspection
            self._cache[key] = suggest_cleaning_plan(
                self.leads, outcome, inspection.profiles, inspection.leakage_suspects, date_column=date_column
            )
        return self._cache[key]

    def plan_for(self, choices: CleaningChoices) -> CleaningPlan:
        """The plan these choices give (the suggestion with the choices applied)."""
        key = ("plan", self._require_outcome(), choices)
        if key not in self._cache:
            self._cache[key] = plan_for(self.suggested_plan(self._date_choice(choices)), choices)
        return self._cache[key]

    @property
    def plan(self) -> CleaningPlan:
        """The plan of the confirmed choices."""
        choices = self.choices
        if choices is None:
            raise LeadScoreInputError("Confirm how the data is cleaned first (Clean step).")
        return self.plan_for(choices)

    def training_rows(self, plan: CleaningPlan | None = None) -> TrainingRows:
        """The leads a plan keeps for training, with the before/after report."""
        plan = plan or self.plan
        key = ("rows", id(plan), plan.outcome, plan.date_column, plan.window_months)
        cached = self._cache.get(key)
        if cached is None or cached[0] is not plan:
            cached = (plan, select_training_rows(self.leads, plan))
            self._cache[key] = cached
        return cached[1]

    @property
    def labels(self) -> dict[str, str]:
        """The user's column labels (used by every page, reason and download)."""
        return (self.choices or CleaningChoices()).label_map

    def set_label(self, column: str, text: str) -> None:
        """Rename how a column reads, everywhere (saved with the choices)."""
        if column not in self.leads.columns and not column.startswith(("minutes from", "days from")):
            raise LeadScoreInputError(f"There is no column '{column}' to rename. Pick one from the list.")
        self._save(choices=(self.choices or CleaningChoices()).with_label(column, text).to_dict())

    # -- 3. training ---------------------------------------------------------------------------
    @property
    def settings(self) -> TrainingSettings:
        return TrainingSettings(**(self._state.get("settings") or {}))

    def train(self, settings: TrainingSettings | None = None, progress: Progress | None = None) -> VersionInfo:
        """Train, validate and keep a new model version with the confirmed plan; it becomes current.

        Raises
        ------
        LeadScoreInputError
            No confirmed plan, too few leads, or nothing to learn from.
        """
        settings = settings or self.settings
        plan = self.plan
        rows = self.training_rows(plan)
        result = train_lead_model(rows, plan, settings, progress)
        return self._keep(result, plan, rows, settings)

    def start_training(self, settings: TrainingSettings | None = None) -> int:
        """Train in a background thread (the app), so a click or a refresh never loses the run.

        The project must be saved (the job's progress and its result are kept in the store, where
        any session of this project sees them). Returns the job id.
        """
        if self.db is None:
            raise LeadScoreInputError("Save the project first: training in the background keeps its result in the project.")
        settings = settings or self.settings
        plan = self.plan
        rows = self.training_rows(plan)
        thread_name = f"leadscore-train-{self.db.id}-{now()}"
        job = self.db.start_job("train", f"{os.getpid()}:{thread_name}", job_is_alive)
        self._save(settings=settings.to_dict())
        worker = threading.Thread(target=self._train_job, args=(job, plan, rows, settings), name=thread_name, daemon=True)
        worker.start()
        return job

    def _train_job(self, job: int, plan: CleaningPlan, rows: TrainingRows, settings: TrainingSettings) -> None:
        def progress(message: str, fraction: float) -> None:
            self.db.update_job(job, message=message, fraction=fraction)

        try:
            result = train_lead_model(rows, plan, settings, progress)
            version = self._keep(result, plan, rows, settings)
        except LeadScoreInputError as problem:
            self.db.update_job(job, state="failed", message=problem.message)
        except Exception as error:  # noqa: BLE001 - the job must end with a state the page can show
            log.exception("Training failed")
            self.db.update_job(
                job,
                state="failed",
                message=f"Training stopped on something LeadScore did not expect ({type(error).__name__}: {error}). Try again, or report it.",
            )
        else:
            self.db.update_job(job, state="done", fraction=1.0, message="Training finished", result={"version": version.id})

    def training_job(self) -> dict | None:
        """The latest training job of this project: ``state`` ("running", "done", "failed",
        "stopped"), ``message``, ``fraction``; None when there was none."""
        if self.db is None:
            return None
        job = self.db.latest_job("train")
        if job is not None and job["state"] == "running" and not job_is_alive(job["owner"]):
            job = {**job, "state": "stopped", "message": "Stopped: LeadScore was closed while training. Train again."}
        return job

    def _keep(self, result: TrainingResult, plan: CleaningPlan, rows: TrainingRows, settings: TrainingSettings) -> VersionInfo:
        """Gather a training result into a model version, save it and make it current."""
        version = self.db.next_version() if self.db is not None else max(self._memory_versions, default=0) + 1
        bundle = self._bundle(result, plan, rows, version)
        if self.db is not None:
            save_bundle(bundle, self.db.model_path(version))
            info = self.db.add_version(version, bundle, _version_summary(bundle))
        else:
            self._memory_versions[version] = bundle
            info = _memory_version(version, bundle)
        self._bundles[version] = bundle
        self._save(current_version=version, settings=settings.to_dict(), version_choices={str(version): (self.choices or CleaningChoices()).to_dict()})
        return info

    def _bundle(self, result: TrainingResult, plan: CleaningPlan, rows: TrainingRows, version: int) -> ModelBundle:
        trained_at = now()
        row_counts = dict(result.row_counts)
        row_counts["selection"] = jsonable(rows.report)
        metrics = {
            "validation": jsonable(result.validation),
            "leaderboard": jsonable(result.leaderboard),
            "readiness": jsonable(result.readiness),
            "reliability": jsonable(result.reliability),
            "learning_curve": jsonable(result.learning_curve),
            "learning_curve_answer": result.learning_curve_answer,
            "notes": dict(result.notes),
        }
        known = int(row_counts.get("known_rows", len(rows.y)))
        return ModelBundle(
            pipeline=result.pipeline,
            plan=plan,
            schema=jsonable(result.pipeline.named_steps["clean"].input_schema()),
            policy=self.policy,
            metrics=metrics,
            trained_at=trained_at,
            row_counts=jsonable(row_counts),
            versions=_installed_versions(),
            kind=result.kind,
            calibration=result.calibration,
            features_used=list(result.features_used),
            notes=dict(result.notes),
            name=f"v{version} · {result.kind} · {self.data_name} ({known:,} leads) · {trained_at[:16].replace('T', ' ')} UTC",
            explain_reference=explain_reference(result.pipeline, rows.X, random_state=0),
            holdout=result.holdout,
            data_name=self.data_name,
            drift_reference=drift_reference(result.pipeline, plan, rows.X),
        )

    def versions(self) -> list[VersionInfo]:
        """Every model version, newest first."""
        if self.db is not None:
            return self.db.versions()
        return [_memory_version(v, b) for v, b in sorted(self._memory_versions.items(), reverse=True)]

    @property
    def current_version(self) -> int | None:
        value = self._state.get("current_version")
        return None if value is None else int(value)

    def bundle(self, version: int | None = None) -> ModelBundle:
        """A model version (the current one by default), as saved, with its own tier policy."""
        version = self.current_version if version is None else int(version)
        if version is None:
            raise LeadScoreInputError("Train a model first (Train step), or pick a saved version.")
        if version not in self._bundles:
            if self.db is None:
                self._bundles[version] = self._memory_versions[version]
            else:
                self._bundles[version] = load_bundle(self.db.model_path(version))
        return self._bundles[version]

    @property
    def has_model(self) -> bool:
        return self.current_version is not None

    def make_current(self, version: int) -> None:
        """Use an earlier (or later) model version again; its saved tiers come with it."""
        bundle = self.bundle(version)
        self._save(current_version=int(version), policy=bundle.policy.to_dict())

    def compare_versions(self, first: int, second: int) -> pd.DataFrame:
        """Two versions side by side on the held-out leads they share.

        Each version's figures come from its own held-out predictions (made by the recipe trained
        without those leads), restricted to the leads both held out, so the comparison is fair
        and honest. Returns one row per measure, one column per version.

        Raises
        ------
        LeadScoreInputError
            The versions share no held-out lead (other data, or another window).
        """
        from leadscore.model.metrics import holdout_metrics

        holdouts = {v: self.bundle(v).holdout for v in (int(first), int(second))}
        if any(h is None or "lead" not in h.columns for h in holdouts.values()):
            raise LeadScoreInputError("One of these versions was saved without its held-out leads; train it again to compare.")
        shared = sorted(set(holdouts[int(first)]["lead"]) & set(holdouts[int(second)]["lead"]))
        if not shared:
            raise LeadScoreInputError(
                f"Versions {first} and {second} were tested on different leads (other data or another time window), so "
                "they cannot be compared side by side. Compare their reports on the Train page instead."
            )
        columns = {}
        for version, holdout in holdouts.items():
            part = holdout.set_index("lead").loc[shared]
            metrics = holdout_metrics(part["converted"].to_numpy(), part["conversion_probability"].to_numpy())
            columns[f"v{version}"] = [metrics["roc_auc"], metrics["lift_top_decile"], metrics["ece"], metrics["log_loss"], metrics["brier"]]
        table = pd.DataFrame(
            columns,
            index=["Ranks leads right (ROC AUC)", "Top 10% vs average", "Percentages off by", "Log loss", "Brier score"],
        )
        table.attrs["leads"] = len(shared)
        return table

    def model_matches_choices(self) -> bool:
        """Whether the current version was trained with the current outcome and cleaning choices."""
        if not self.has_model or self.choices is None or self.outcome is None:
            return False
        trained = (self._state.get("version_choices") or {}).get(str(self.current_version))
        bundle = self.bundle()
        # Labels only change how columns read, never the model.
        same = {**(trained or {}), "labels": None} == {**self.choices.to_dict(), "labels": None}
        return bundle.plan.outcome == self.outcome and trained is not None and same

    # -- 4. insights ---------------------------------------------------------------------------
    def insights(self) -> ModelInsights:
        """The explanations of the current version on the leads it learned from (kept once built)."""
        version = self.current_version
        bundle = self.bundle(version)
        key = (version, tuple(sorted(self.labels.items())), self.policy)
        if key not in self._insights:
            rows = select_training_rows(self.leads, bundle.plan)
            self._insights.clear()
            self._insights[key] = ModelInsights(bundle, rows.X, rows.y, policy=self.policy, labels=self.labels or None)
        return self._insights[key]

    # -- 5. tiers ------------------------------------------------------------------------------
    @property
    def policy(self) -> TierPolicy:
        """The tier policy in use (thresholds or shares, and actions)."""
        data = self._state.get("policy")
        return TierPolicy() if not data else TierPolicy.from_dict(data)

    def set_policy(self, policy: TierPolicy) -> None:
        """Use these tiers from now on (the current version keeps its own until saved to it)."""
        if policy != self.policy:
            self._save(policy=policy.to_dict())

    def policy_saved(self) -> bool:
        """Whether the tiers in use are the ones saved with the current version."""
        return not self.has_model or self.bundle().policy == self.policy

    def save_policy_to_version(self) -> None:
        """Save the tiers in use into the current version's model file."""
        version = self.current_version
        bundle = dataclasses.replace(self.bundle(version), policy=self.policy)
        if self.db is not None:
            save_bundle(bundle, self.db.model_path(version))
            self.db.set_version_policy(version, self.policy.to_dict())
        else:
            self._memory_versions[version] = bundle
        self._bundles[version] = bundle

    def holdout(self) -> tuple:
        """The current version's held-out leads: (probabilities, outcomes)."""
        holdout = self.bundle().holdout
        return holdout["conversion_probability"].to_numpy(dtype=float), holdout["converted"].to_numpy(dtype=float)

    def model_with_policy(self) -> ModelBundle:
        """The current version with the tiers in use (for downloads and the model card)."""
        return dataclasses.replace(self.bundle(), policy=self.policy)

    # -- 6. scoring ----------------------------------------------------------------------------
    def score(self, leads: pd.DataFrame, name: str = "leads", reasons: bool = True, key_column: str | None = None) -> ScoringResult:
        """Score leads with the current version and the tiers in use.

        The result is kept as the last run and, in a saved project, recorded in its history
        (each lead's key, probability, tier and top reason; see :meth:`movers`).
        """
        bundle = self.bundle()
        result = score_leads(bundle, leads, policy=self.policy, reasons=reasons, labels=self.labels or None)
        self.last_run, self.last_run_name = result, name
        if self.db is not None:
            scheme = key_scheme(bundle, leads, key_column)
            summary = run_summary(bundle, result.scored, result.drift, self.policy, scheme)
            run = self.db.record_run(self.current_version, name, summary, run_leads(result.scored, scheme), result.scored)
            result.report["run"] = run
        return result

    def runs(self) -> pd.DataFrame:
        """Every scoring run recorded in this project, oldest first."""
        return self.db.runs() if self.db is not None else pd.DataFrame(columns=["run", "at", "version", "source", "rows", "summary"])

    def movers(self) -> pd.DataFrame | None:
        """Leads whose score moved between the last two runs, largest change first (None
        until there are two runs)."""
        runs = self.runs()
        if len(runs) < 2:
            return None
        before, after = runs["run"].iloc[-2], runs["run"].iloc[-1]
        return movers(self.db.run_leads(before), self.db.run_leads(after))

    def lead_trend(self, key: str) -> pd.DataFrame:
        """One lead's scores over the recorded runs, oldest first."""
        return self.db.lead_history(key) if self.db is not None else pd.DataFrame(columns=["run", "at", "probability", "tier"])

    def feedback(self, leads_with_outcomes: pd.DataFrame):
        """How the leads scored earlier really converted, against what the model promised.

        The outcomes are read with the project's outcome mapping and matched to earlier scores
        by the same keys the runs used.
        """
        runs = self.runs()
        if runs.empty:
            raise LeadScoreInputError("No leads have been scored in this project yet, so there is nothing to check against outcomes.")
        scheme = runs["summary"].iloc[-1].get("keys") or {}
        return feedback_for(self.db.scored_leads(), leads_with_outcomes, self.outcome or self.bundle().plan.outcome, scheme)

    def restore_last_run(self) -> None:
        """Show the latest run made in the app again (after a refresh or a restart)."""
        if self.db is None or self.last_run is not None:
            return
        runs = self.runs()
        for run in reversed(runs["run"].tolist()):
            table = self.db.run_table(run)
            if table is not None:
                summary = runs.set_index("run").at[run, "summary"]
                self.last_run = ScoringResult(table, list(summary.get("warnings", [])), {"run": run}, summary.get("drift"))
                self.last_run_name = str(runs.set_index("run").at[run, "source"])
                return

    # -- the journey ---------------------------------------------------------------------------
    def step_status(self, visited=()) -> dict[str, bool]:
        """Which steps are done. Insights and Tiers are done once looked at with the current model."""
        return {
            "Data": self.outcome is not None,
            "Clean": self.outcome is not None and self.choices is not None,
            "Train": self.has_model,
            "Insights": self.has_model and "Insights" in visited,
            "Tiers": self.has_model and "Tiers" in visited,
            "Score": self.last_run is not None,
        }

    def missing_step(self, step: str) -> str | None:
        """The earlier step that must be done before ``step`` can run, or None."""
        needs = {
            "Data": (),
            "Clean": ("Data",),
            "Train": ("Data", "Clean"),
            "Insights": ("Train",),
            "Tiers": ("Train",),
            "Score": ("Train",),
        }[step]
        status = self.step_status()
        return next((earlier for earlier in needs if not status[earlier]), None)

    # -- reports -------------------------------------------------------------------------------
    def training_report(self) -> dict:
        """The current version's training report as JSON-ready data (``leadscore train --report``)."""
        bundle = self.bundle()
        report = self.inspection().to_dict()
        report.update(
            jsonable(
                {
                    "model": {"kind": bundle.kind, "calibration": bundle.calibration, "version": self.current_version, "name": bundle.name},
                    "validation": bundle.metrics["validation"],
                    "leaderboard": bundle.metrics["leaderboard"],
                    "features_used": bundle.features_used,
                    "readiness": bundle.metrics["readiness"],
                    "learning_curve": bundle.metrics["learning_curve"],
                    "learning_curve_answer": bundle.metrics["learning_curve_answer"],
                    "notes": bundle.notes,
                    "row_counts": bundle.row_counts,
                    "excluded_columns": bundle.plan.excluded,
                    "warned_columns": bundle.plan.warned,
                    "date_column": bundle.plan.date_column,
                    "choices": (self.choices or CleaningChoices()).to_dict(),
                    "tiers": self.policy.to_dict() | {"described": self.policy.describe()},
                }
            )
        )
        return report


def _version_summary(bundle: ModelBundle) -> dict:
    validation = bundle.metrics.get("validation", {})
    return {
        "holdout_rows": validation.get("holdout_rows"),
        "average_precision": validation.get("average_precision"),
        "method": validation.get("method"),
        "known_rows": bundle.row_counts.get("known_rows"),
        "data_name": bundle.data_name,
    }


def _memory_version(version: int, bundle: ModelBundle) -> VersionInfo:
    validation = bundle.metrics.get("validation", {})
    return VersionInfo(
        id=version,
        created_at=bundle.trained_at,
        name=bundle.name,
        file="",
        kind=bundle.kind,
        roc_auc=validation.get("roc_auc"),
        verdict=bundle.metrics.get("readiness", {}).get("verdict", ""),
        policy=bundle.policy.to_dict(),
        summary=_version_summary(bundle),
    )
