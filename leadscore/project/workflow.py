"""The user's journey as one object: data, outcome, cleaning, model versions, tiers, scoring.

:class:`LeadProject` is the workflow both the app's pages and the ``leadscore`` command drive
(one path, so they cannot disagree). It is made of four collaborators, each with one job::

    project.data       leads, outcome, cleaning choices, plan, training rows  (ProjectData)
    project.models     model versions, the one in use, each version's tiers   (ModelVersions)
    project.training   training in the foreground or as a background job     (TrainingJobs)
    project.scoring    scoring with the version in use, runs and history     (ScoringRuns)

    leads ──> outcome ──> cleaning choices ──> plan ──> training rows ──> model version
                                                                             ├─> insights
                                                                             ├─> tiers (per version)
                                                                             └─> scoring runs

A change to a step leaves every later step to be derived again from it: the plan, rows and
insights are computed from the current choices when asked, and kept in the project's bounded
cache (a few entries of each kind); model versions are saved results and stay available.

A project is kept in the embedded store (:mod:`leadscore.project.store`) when it has one: a
browser refresh or a server restart opens it again where the user left it. Without a store (the
command line's one-off ``train``, or the sample before the user changes anything) it lives in
memory only.

Example
-------
>>> project = LeadProject.from_file("sample_data/leads.csv")               # doctest: +SKIP
>>> project.data.set_outcome(project.data.outcome_suggestion().mapping)   # doctest: +SKIP
>>> project.data.set_choices(CleaningChoices())                           # doctest: +SKIP
>>> version = project.training.train(TrainingSettings(model="logistic"))  # doctest: +SKIP
>>> project.scoring.score(read_leads("sample_data/new_leads.csv")).scored.head()   # doctest: +SKIP
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from leadscore.clean.plan import CleaningChoices
from leadscore.errors import LeadScoreInputError
from leadscore.io.read import read_leads
from leadscore.io.samples import SAMPLE_LEADS, SAMPLE_NEW_LEADS
from leadscore.jsonable import jsonable
from leadscore.project.data import ProjectData
from leadscore.project.jobs import TrainingJobs
from leadscore.project.scoring_runs import ScoringRuns
from leadscore.project.store import ProjectDB, ProjectStore
from leadscore.project.versions import ModelVersions
from leadscore.project._state import ProjectState

__all__ = ["LeadProject", "STEPS"]

#: The journey, in order.
STEPS: tuple[str, ...] = ("Data", "Clean", "Train", "Insights", "Tiers", "Score")
_NEEDS = {"Data": (), "Clean": ("Data",), "Train": ("Data", "Clean"), "Insights": ("Train",), "Tiers": ("Train",), "Score": ("Train",)}


class LeadProject:
    """One lead history and everything the user decided and learned about it.

    Build it with :meth:`new`, :meth:`from_file`, :meth:`open` or :meth:`named`, not directly.

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
        self._state = ProjectState({"name": name, "data_name": data_name or name}, db)
        self.data = ProjectData(leads, self._state)
        self.models = ModelVersions(self._state, self.data)
        self.training = TrainingJobs(self._state, self.data, self.models)
        self.scoring = ScoringRuns(self._state, self.data, self.models)

    # -- creating and opening ----------------------------------------------------------------
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
        if isinstance(source, (str, os.PathLike)):
            from leadscore.project.files import check_file

            check_file(source)
        leads = read_leads(source, filename=filename, **({"sheet": sheet} if sheet is not None else {}))
        shown = filename or (Path(source).name if isinstance(source, (str, os.PathLike)) else "leads")
        return cls.new(leads, name or Path(shown).stem, store=store, data_name=shown)

    @classmethod
    def open(cls, store: ProjectStore, project_id: str) -> "LeadProject":
        """A saved project, as the user left it."""
        db = store.open(project_id)
        meta = db.meta()
        try:
            leads = db.load_leads()
        except LeadScoreInputError:
            if meta.get("rows") is not None:
                raise
            leads = pd.DataFrame()  # a project that only keeps runs scored from the command line
        project = cls(leads, str(meta.get("name", project_id)), db=db, data_name=str(meta.get("data_name", "")))
        project._state.values.update(meta)
        return project

    @classmethod
    def named(cls, name: str, *, store: ProjectStore | None = None, create: bool = False) -> "LeadProject":
        """A saved project by its name or id (the most recent one of that name).

        With ``create``, a project of that name is started when there is none (it keeps the
        scoring runs recorded into it).

        Raises
        ------
        LeadScoreInputError
            No such project (and not ``create``), or it is damaged.
        """
        store = store or ProjectStore()
        found = store.find(name)
        if found is not None:
            return cls.open(store, found)
        if not create:
            names = ", ".join(f"'{info.name}'" for info in store.list()[:10]) or "none yet"
            raise LeadScoreInputError(f"There is no project '{name}' on this computer (projects: {names}).")
        db = store.create(name)
        project = cls(pd.DataFrame(), str(db.meta().get("name", name)), db=db)
        project._state.values.update(db.meta())
        return project

    def save_to(self, store: ProjectStore) -> None:
        """Keep this in-memory project in ``store`` from now on (its leads, choices and versions)."""
        if self._state.db is not None:
            return
        db = store.create(self.name)
        db.save_leads(self.data.leads)
        self.models.save_to(db)
        self._state.db = db
        self._state.save(**{k: v for k, v in self._state.values.items() if k != "updated_at"})

    @property
    def db(self) -> ProjectDB | None:
        """The project's database (None while it lives in memory only)."""
        return self._state.db

    @property
    def id(self) -> str | None:
        """The project's id in the store (None while it lives in memory only)."""
        return None if self._state.db is None else self._state.db.id

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
        self._state.save(name=name)

    def sync(self) -> None:
        """Read again what other sessions, processes or a finished training job saved."""
        self._state.sync()

    # -- the journey -------------------------------------------------------------------------
    def step_status(self, visited=()) -> dict[str, bool]:
        """Which steps are done. Insights and Tiers are done once looked at with the current model."""
        has_model = self.models.has_model
        return {
            "Data": self.data.outcome is not None,
            "Clean": self.data.outcome is not None and self.data.choices is not None,
            "Train": has_model,
            "Insights": has_model and "Insights" in visited,
            "Tiers": has_model and "Tiers" in visited,
            "Score": self.scoring.last is not None,
        }

    def missing_step(self, step: str) -> str | None:
        """The earlier step that must be done before ``step`` can run, or None."""
        status = self.step_status()
        return next((earlier for earlier in _NEEDS[step] if not status[earlier]), None)

    @property
    def is_sample(self) -> bool:
        """Whether this project is the bundled sample history (its new leads are the ones to score first)."""
        return self.data_name == SAMPLE_LEADS.name

    def offered_sample_leads(self) -> tuple[str, pd.DataFrame] | None:
        """The bundled sample new leads, when the version in use can score them (they have
        every column it reads), as ``(name, leads)``; None otherwise."""
        if not self.models.has_model:
            return None
        header = pd.read_csv(SAMPLE_NEW_LEADS, nrows=0).columns
        if not all(column["name"] in header for column in self.models.bundle().schema):
            return None
        return "sample new leads", read_leads(SAMPLE_NEW_LEADS)

    # -- reports -----------------------------------------------------------------------------
    def training_report(self) -> dict:
        """The version in use's training report as JSON-ready data (``leadscore train --report``)."""
        bundle = self.models.bundle()
        policy = self.models.policy
        report = self.data.inspection().to_dict()
        report.update(
            jsonable(
                {
                    "model": {"kind": bundle.kind, "calibration": bundle.calibration, "version": self.models.current, "name": bundle.name},
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
                    "choices": (self.data.choices or CleaningChoices()).to_dict(),
                    "tiers": policy.to_dict() | {"described": policy.describe()},
                }
            )
        )
        report["fairness"] = self._fairness(bundle, policy, report.get("sensitive", []))
        report["holdout_tiers"] = self._holdout_tiers(bundle, policy)
        return report

    @staticmethod
    def _holdout_tiers(bundle, policy) -> list:
        """The held-out tier table: per tier its leads, conversions, rate and its 90% ``converted_interval``."""
        from leadscore.model.tiers import tier_table

        holdout = bundle.holdout
        if holdout is None or not len(holdout):
            return []
        table = tier_table(holdout["conversion_probability"], policy, holdout["converted"])
        columns = ["tier", "range", "leads", "converted", "conversion_rate", "converted_interval", "expected_conversions"]
        return jsonable(table[columns].to_dict("records"))

    def _fairness(self, bundle, policy, sensitive) -> list:
        """Per sensitive column, the held-out leads of each group in Hot and how they converted."""
        from leadscore.explain.fairness import fairness_table
        from leadscore.model.tiers import assign_tiers

        holdout = bundle.holdout
        if holdout is None or not sensitive:
            return []
        hot = assign_tiers(holdout["conversion_probability"].to_numpy(), policy) == "Hot"
        return jsonable(fairness_table(self.data.leads, holdout, sensitive, hot))
