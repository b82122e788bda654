"""Everything the Insights page shows about one model, computed once and kept by its owner.

:class:`ModelInsights` is to the Insights page what an explainer is to a dashboard: the page
only calls its methods. It holds one model version, the leads it learned from and their
outcomes, and remembers what it computed (SHAP values on a sample, segments, single leads), so
moving between columns or leads never recomputes. It belongs to the project that owns the
model (one per session); nothing here is shared between sessions.

It also answers "what would move this lead to Hot?": :meth:`ModelInsights.what_if` changes one
or two of a lead's answers and scores it again with the same model.

Example
-------
>>> insights = ModelInsights(bundle, rows.X, rows.y)          # doctest: +SKIP
>>> insights.importance().head(3)["label"].tolist()          # doctest: +SKIP
['Timeline', 'Budget range', 'Source']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from leadscore.explain import contributions as explain
from leadscore.errors import LeadScoreInputError
from leadscore.labels import format_value, label, rate_text
from leadscore.explain.segments import segment_rates, segment_sentences
from leadscore.model.tiers import TierPolicy, assign_tiers
from leadscore.inspect.timing import as_timestamps

__all__ = ["ModelInsights", "WhatIfField"]


@dataclass(frozen=True)
class WhatIfField:
    """One answer of a lead the user can change in the what-if panel.

    Attributes
    ----------
    name : str
        The column (or "minutes from A to B" for follow-up speed).
    label : str
        How it reads.
    kind : str
        "category", "number", "boolean", "minutes" or "days" (the gap between two dates).
    options : tuple of str
        The values to pick from (categories, yes/no).
    """

    name: str
    label: str
    kind: str
    options: tuple[str, ...] = ()


class ModelInsights:
    """The explanations of one model version on the leads it learned from.

    Parameters
    ----------
    bundle : ModelBundle
        The model version (pipeline, plan, held-out leads, reference lead).
    X : DataFrame
        The raw leads it learned from (``TrainingRows.X``).
    y : array of 0/1
        Their outcomes.
    policy : TierPolicy, optional
        For the what-if tier; the bundle's by default.
    labels : mapping, optional
        Column labels; the bundle's plan's by default.
    """

    def __init__(self, bundle, X: pd.DataFrame, y, policy: TierPolicy | None = None, labels: Mapping[str, str] | None = None):
        self.bundle = bundle
        self.pipeline = bundle.pipeline
        self.X = X
        self.y = np.asarray(y)
        self.policy = policy or bundle.policy
        self.labels = dict(labels if labels is not None else (getattr(bundle.plan, "labels", {}) or {}))
        self._contributions = None
        self._shown = None
        self._dependence: dict = {}
        self._segments: dict = {}
        self._leads: dict = {}

    # -- what drives the scores ---------------------------------------------------------------
    @property
    def contributions(self):
        """Exact SHAP values on a fixed sample of the training leads (computed once)."""
        if self._contributions is None:
            self._contributions = explain.global_contributions(self.pipeline, self.X, random_state=0)
        return self._contributions

    def importance(self) -> pd.DataFrame:
        """Columns by how much they move the scores (``column``, ``label``, ``share``, ...)."""
        table = explain.global_importance(self.contributions)
        table.insert(1, "label", [label(c, self.labels) for c in table["column"]])
        return table

    def beeswarm(self, columns: int = 10) -> pd.DataFrame:
        """One dot per lead and column (see :func:`leadscore.explain.contributions.beeswarm_data`), labelled."""
        table = explain.beeswarm_data(self.contributions, columns=columns)
        table["column"] = [label(c, self.labels) for c in table["column"]]
        return table

    def dependence(self, column: str) -> pd.DataFrame:
        """A column's value against its effect, per lead."""
        if column not in self._dependence:
            self._dependence[column] = explain.dependence_data(self.contributions, column)
        return self._dependence[column]

    # -- plain conversion rates ----------------------------------------------------------------
    @property
    def shown(self) -> pd.DataFrame:
        """The training leads as the model sees them, written for people (blanks kept blank)."""
        if self._shown is None:
            self._shown = explain.shown_values(self.pipeline, self.X)
        return self._shown

    def segments(self, column: str) -> pd.DataFrame:
        """Conversion rate by segment of one (cleaned) column, from the training leads."""
        if column not in self._segments:
            self._segments[column] = segment_rates(self.shown, self.y, [column])
        return self._segments[column]

    def story(self, top: int = 5) -> list[str]:
        """The most telling segments among the six most important columns, in sentences."""
        columns = list(self.importance()["column"].head(6))
        return segment_sentences(segment_rates(self.shown, self.y, columns), top=top, labels=self.labels)

    # -- one lead ------------------------------------------------------------------------------
    def lead_choices(self, limit: int = 200) -> dict[str, object]:
        """Held-out leads to pick from, most likely first: a readable label -> the lead's index.

        The chance shown is the saved model's (which also learned from these leads after they
        were used for testing), the same one the waterfall explains.
        """
        holdout = self.bundle.holdout
        if holdout is None or not len(holdout):
            return {}
        index = [i for i in holdout.index if i in self.X.index]
        rows = self.X.loc[index]
        chance = pd.Series(self.pipeline.predict_proba(rows)[:, 1], index=index)
        kinds = dict(getattr(self.bundle.plan, "column_kinds", None) or {})
        who = [c for c in self.X.columns if kinds.get(c) == "identifier"] + [
            c for c in self.X.columns if kinds.get(c) == "personal" and "name" in c.lower()
        ]
        choices = {}
        for position, (lead, probability) in enumerate(chance.sort_values(ascending=False).head(limit).items()):
            name = " · ".join(format_value(self.X.at[lead, c]) for c in who[:2]) or f"Lead {lead + 1}"
            outcome = "converted" if holdout.at[lead, "converted"] == 1 else "did not convert"
            choices[f"{name}: {rate_text(probability)} chance ({outcome})"] = lead
        return choices

    def explain(self, row: pd.DataFrame) -> pd.DataFrame:
        """The waterfall of one raw lead (a one-row table), in the user's labels."""
        return explain.explain_lead(self.pipeline, row, reference=self.bundle.explain_reference, labels=self.labels)

    def explain_training_lead(self, index) -> pd.DataFrame:
        """The waterfall of one of the training leads, by index (kept once computed)."""
        if index not in self._leads:
            self._leads[index] = self.explain(self.X.loc[[index]])
        return self._leads[index]

    # -- what if ------------------------------------------------------------------------------
    def what_if_fields(self) -> list[WhatIfField]:
        """The answers a user can change: categories, numbers, yes/no and follow-up speed."""
        plan = self.bundle.plan
        schema = {column["name"]: column for column in self.bundle.schema}
        fields = []
        for name in plan.categorical:
            options = tuple(schema.get(name, {}).get("categories") or ())
            fields.append(WhatIfField(name, label(name, self.labels), "category", options))
        for name in plan.boolean:
            fields.append(WhatIfField(name, label(name, self.labels), "boolean", ("yes", "no")))
        for name in plan.numeric:
            fields.append(WhatIfField(name, label(name, self.labels), "number"))
        for name in plan.gap_columns():
            unit = "days" if name.startswith("days") else "minutes"
            fields.append(WhatIfField(name, label(name, self.labels), unit))
        return fields

    def what_if(self, row: pd.DataFrame, changes: Mapping[str, object]) -> dict:
        """Score one lead again with some of its answers changed.

        Parameters
        ----------
        row : DataFrame
            One raw lead.
        changes : mapping
            Field name (see :meth:`what_if_fields`) -> the new answer. A follow-up speed in
            minutes moves the later timestamp to that many minutes after the earlier one.

        Returns
        -------
        dict
            ``before`` and ``after`` (probability), ``tier_before``, ``tier_after``,
            ``waterfall`` (the changed lead's :func:`leadscore.explain.contributions.explain_lead` table).
        """
        if len(row) != 1:
            raise LeadScoreInputError("Choose exactly one lead to change.")
        fields = {field.name: field for field in self.what_if_fields()}
        changed = row.copy()
        for name, value in changes.items():
            field = fields.get(name)
            if field is None:
                raise LeadScoreInputError(f"'{name}' is not an answer the model reads; choose one of the listed answers.")
            if field.kind in ("minutes", "days"):
                plan = self.bundle.plan
                start, end = next(pair for pair, gap in zip(plan.followup, plan.gap_columns()) if gap == name)
                began = as_timestamps(changed[start]).iloc[0]
                if pd.isna(began):
                    raise LeadScoreInputError(f"This lead has no '{label(start, self.labels)}', so its follow-up speed cannot be set.")
                changed[end] = [began + pd.Timedelta(**{field.kind: float(value)})]
            else:
                changed[name] = changed[name].astype(object)
                changed[name] = [value]
        before = float(self.pipeline.predict_proba(row)[:, 1][0])
        after = float(self.pipeline.predict_proba(changed)[:, 1][0])
        tiers = assign_tiers(np.array([before, after]), self.policy.resolved(self._reference_probabilities()))
        return {
            "before": before,
            "after": after,
            "tier_before": str(tiers[0]),
            "tier_after": str(tiers[1]),
            "waterfall": self.explain(changed),
        }

    def _reference_probabilities(self) -> np.ndarray:
        holdout = self.bundle.holdout
        if holdout is None or not len(holdout):
            return np.array([0.5])
        return holdout["conversion_probability"].to_numpy(dtype=float)
