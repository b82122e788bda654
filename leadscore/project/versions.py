"""A project's model versions: each training kept, the one in use, and the tiers of each.

:class:`ModelVersions` is the collaborator of :class:`leadscore.project.LeadProject` that keeps
every trained model as a version (saved signed in the project, or in memory before the project
is saved), knows which one is in use, and keeps the tiers with the version they belong to: tier
changes not yet saved to a version stay with that version (a draft), never leak into the next
version trained, and come back when the version is used again.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from leadscore.clean.plan import CleaningChoices, CleaningPlan
from leadscore.clean.rows import TrainingRows, select_training_rows
from leadscore.errors import LeadScoreInputError
from leadscore.explain.contributions import explain_reference
from leadscore.explain.insights import ModelInsights
from leadscore.jsonable import jsonable
from leadscore.model.bundle import ModelBundle, _installed_versions, load_bundle, save_bundle
from leadscore.model.metrics import holdout_metrics
from leadscore.model.tiers import TierPolicy
from leadscore.model.train import TrainingResult
from leadscore.project.store import VersionInfo, now
from leadscore.score.runs import drift_reference

__all__ = ["ModelVersions"]


class ModelVersions:
    """Every model version of a project, the one in use, and each version's tiers.

    Parameters
    ----------
    state : ProjectState
    data : ProjectData
        The leads and choices (a version remembers the choices it was trained with).
    """

    def __init__(self, state, data):
        self._state = state
        self._data = data
        self._memory: dict[int, ModelBundle] = {}
        self._insights: dict = {}

    # -- the versions ------------------------------------------------------------------------
    def list(self) -> list[VersionInfo]:
        """Every model version, newest first."""
        if self._state.db is not None:
            return self._state.db.versions()
        return [_memory_version(v, b) for v, b in sorted(self._memory.items(), reverse=True)]

    @property
    def current(self) -> int | None:
        """The number of the version in use (None before the first training)."""
        value = self._state.get("current_version")
        return None if value is None else int(value)

    @property
    def has_model(self) -> bool:
        return self.current is not None

    def bundle(self, version: int | None = None) -> ModelBundle:
        """A model version (the one in use by default), as saved, with its own saved tiers."""
        version = self.current if version is None else int(version)
        if version is None:
            raise LeadScoreInputError("Train a model first (Train step), or pick a saved version.")
        if version in self._memory:
            return self._memory[version]
        if self._state.db is None:
            raise LeadScoreInputError(f"There is no model version {version} in this project.")
        return self._state.cache.get("bundle", version, lambda: load_bundle(self._state.db.model_path(version)))

    def reload(self) -> None:
        """Forget the model files loaded so far (another process may have saved tiers into one)."""
        self._state.cache.drop("bundle")

    def make_current(self, version: int) -> None:
        """Use an earlier (or later) model version again; its tiers (saved or draft) come with it."""
        self.bundle(version)  # refuses a version that does not exist or does not load
        self._state.save(current_version=int(version))

    def version_of(self, bundle: ModelBundle) -> int | None:
        """The project's version that is this model (a file saved from it, by its name and
        training time), or None for a model from elsewhere."""
        for info in self.list():
            if (info.name, info.created_at) == (bundle.name, bundle.trained_at):
                return int(info.id)
        return None

    def keep(self, result: TrainingResult, plan: CleaningPlan, rows: TrainingRows, settings, policy: TierPolicy | None = None) -> VersionInfo:
        """Gather a training result into a model version, save it and make it current.

        Its tiers are ``policy`` when given, else the tiers saved with the version in use (never
        that version's unsaved changes), else the defaults.
        """
        if policy is None:
            policy = self.bundle().policy if self.has_model else TierPolicy()
        db = self._state.db
        version = db.next_version() if db is not None else max(self._memory, default=0) + 1
        bundle = self._new_bundle(result, plan, rows, version, policy)
        if db is not None:
            save_bundle(bundle, db.model_path(version))
            info = db.add_version(version, bundle, _version_summary(bundle))
        else:
            self._memory[version] = bundle
            info = _memory_version(version, bundle)
        trained = dict(self._state.get("version_choices") or {})
        trained[str(version)] = (self._data.choices or CleaningChoices()).to_dict()
        self._state.save(current_version=version, settings=settings.to_dict(), version_choices=trained)
        return info

    def _new_bundle(self, result: TrainingResult, plan: CleaningPlan, rows: TrainingRows, version: int, policy: TierPolicy) -> ModelBundle:
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
        data_name = str(self._state.get("data_name", ""))
        return ModelBundle(
            pipeline=result.pipeline,
            plan=plan,
            schema=jsonable(result.pipeline.named_steps["clean"].input_schema()),
            policy=policy,
            metrics=metrics,
            trained_at=trained_at,
            row_counts=jsonable(row_counts),
            versions=_installed_versions(),
            kind=result.kind,
            calibration=result.calibration,
            features_used=list(result.features_used),
            notes=dict(result.notes),
            name=f"v{version} · {result.kind} · {data_name} ({known:,} leads) · {trained_at[:16].replace('T', ' ')} UTC",
            explain_reference=explain_reference(result.pipeline, rows.X, random_state=0),
            holdout=result.holdout,
            data_name=data_name,
            drift_reference=drift_reference(result.pipeline, plan, rows.X),
        )

    def save_to(self, db) -> None:
        """Move the versions kept in memory into a project database."""
        for version, bundle in sorted(self._memory.items()):
            save_bundle(bundle, db.model_path(version))
            db.add_version(version, bundle, _version_summary(bundle))
        self._memory.clear()

    def compare(self, first: int, second: int) -> pd.DataFrame:
        """Two versions side by side on the held-out leads they share.

        Each version's figures come from its own held-out predictions (made by the recipe trained
        without those leads), restricted to the leads both held out, so the comparison is fair
        and honest. Returns one row per measure, one column per version.

        Raises
        ------
        LeadScoreInputError
            The versions share no held-out lead (other data, or another window).
        """
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

    def matches_choices(self) -> bool:
        """Whether the version in use was trained with the current outcome and cleaning choices."""
        choices, outcome = self._data.choices, self._data.outcome
        if not self.has_model or choices is None or outcome is None:
            return False
        trained = (self._state.get("version_choices") or {}).get(str(self.current))
        # Labels only change how columns read, never the model.
        same = {**(trained or {}), "labels": None} == {**choices.to_dict(), "labels": None}
        return self.bundle().plan.outcome == outcome and trained is not None and same

    def verdict(self) -> dict:
        """The version in use's readiness: ``verdict`` ("ready", "usable with caution", "not
        ready", "suspicious") and ``message``, in the Train page's words."""
        return dict(self.bundle().metrics.get("readiness") or {})

    # -- insights ----------------------------------------------------------------------------
    def insights(self) -> ModelInsights:
        """The explanations of the version in use on the leads it learned from (the last one kept)."""
        version, labels, policy = self.current, self._data.labels, self.policy
        key = (version, tuple(sorted(labels.items())), policy)
        if key not in self._insights:
            bundle = self.bundle(version)
            rows = select_training_rows(self._data.leads, bundle.plan)
            self._insights.clear()
            self._insights[key] = ModelInsights(bundle, rows.X, rows.y, policy=policy, labels=labels or None)
        return self._insights[key]

    # -- tiers -------------------------------------------------------------------------------
    @property
    def policy(self) -> TierPolicy:
        """The tiers in use: the version in use's unsaved changes, else the tiers saved with it."""
        if not self.has_model:
            return TierPolicy()
        draft = (self._state.get("policy_drafts") or {}).get(str(self.current))
        return TierPolicy.from_dict(draft) if draft else self.bundle().policy

    def set_policy(self, policy: TierPolicy) -> None:
        """Use these tiers with the version in use (a draft until saved to it)."""
        if not self.has_model:
            raise LeadScoreInputError("Train a model first: tiers belong to a model version.")
        if policy == self.policy:
            return
        drafts = dict(self._state.get("policy_drafts") or {})
        if policy == self.bundle().policy:
            drafts.pop(str(self.current), None)
        else:
            drafts[str(self.current)] = policy.to_dict()
        self._state.save(policy_drafts=drafts)

    def policy_saved(self) -> bool:
        """Whether the tiers in use are the ones saved with the version in use."""
        return not self.has_model or self.bundle().policy == self.policy

    def save_policy(self) -> None:
        """Save the tiers in use into the version in use's model file."""
        version, policy = self.current, self.policy
        bundle = dataclasses.replace(self.bundle(version), policy=policy)
        if self._state.db is not None:
            save_bundle(bundle, self._state.db.model_path(version))
            self._state.db.set_version_policy(version, policy.to_dict())
            self._state.cache.drop("bundle")
        else:
            self._memory[version] = bundle
        drafts = dict(self._state.get("policy_drafts") or {})
        drafts.pop(str(version), None)
        self._state.save(policy_drafts=drafts)

    def save_file(self, path) -> None:
        """Save the version in use, with the tiers in use, as a model file at ``path``."""
        save_bundle(self.with_policy(), path)

    def holdout(self) -> tuple:
        """The version in use's held-out leads: (probabilities, outcomes)."""
        holdout = self.bundle().holdout
        return holdout["conversion_probability"].to_numpy(dtype=float), holdout["converted"].to_numpy(dtype=float)

    def with_policy(self) -> ModelBundle:
        """The version in use with the tiers in use (for downloads and the model card)."""
        return dataclasses.replace(self.bundle(), policy=self.policy)


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
