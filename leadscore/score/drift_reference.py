"""The summary of the training leads kept with a model, to compare new leads with (see
:mod:`leadscore.score.drift` for the rules): per column its bins and shares, and the spread of the
predicted probabilities."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from leadscore.errors import LeadScoreInputError
from leadscore.score.psi import as_numbers, category_bins, decile_edges, number_counts, sorted_counts, text_counts

__all__ = ["MAX_VALUES", "MAX_OTHER_VALUES", "IMPORTANT_SHARE", "ColumnReference", "DriftReference", "checked_probabilities"]

MAX_VALUES = 50
"""Category values kept with their own share in a reference; the rest share one "other" bin."""
MAX_OTHER_VALUES = 1000
"""Rarer category values whose names are kept (without shares) to tell them from unseen ones."""
IMPORTANT_SHARE = 0.80
"""Important columns: the most important ones that together make up this share of importance."""

_KINDS = {"number": "number", "category": "category", "boolean": "category"}
_SKIPPED_KINDS = ("text", "date")


@dataclass(frozen=True)
class ColumnReference:
    """What the training leads looked like in one column (or in their scores).

    Attributes
    ----------
    name : str
        The column (``"score"`` for the predicted probabilities).
    kind : str
        "number", "category" or "boolean" (booleans are compared like categories).
    edges : tuple of float
        Numbers: the inner bin edges (training deciles, equal ones merged).
    shares : tuple of float
        Numbers: the training share of each of the ``len(edges) + 1`` bins. Categories: the
        share of each value in ``values``.
    values : tuple of str
        Categories: the (up to 50) most common training values.
    other_share : float
        Categories: the share of the rarer training values not in ``values``.
    other_values : tuple of str
        Categories: those rarer values (up to 1,000), so they are not mistaken for new ones.
    all_values_kept : bool
        False when a category had too many values to keep them all; then new values can only be
        counted by the scorer (``unseen`` in :func:`compare`).
    missing_share : float
        The share of training leads with no value.
    """

    name: str
    kind: str
    edges: tuple[float, ...] = ()
    shares: tuple[float, ...] = ()
    values: tuple[str, ...] = ()
    other_share: float = 0.0
    other_values: tuple[str, ...] = ()
    all_values_kept: bool = True
    missing_share: float = 0.0

    @property
    def is_number(self) -> bool:
        return _KINDS.get(self.kind) == "number"

    @classmethod
    def from_values(cls, name: str, kind: str, values) -> "ColumnReference":
        """Summarise one training column (or the training scores, ``kind="number"``)."""
        if _KINDS.get(kind) == "number":
            numbers = as_numbers(values)
            edges = decile_edges(numbers)
            counts = number_counts(numbers, edges)
            shares = counts / max(numbers.size, 1)
            return cls(
                name=name,
                kind=kind,
                edges=tuple(float(x) for x in edges),
                shares=tuple(float(x) for x in shares[:-1]),
                missing_share=float(shares[-1]),
            )
        counts, missing = text_counts(values)
        total = max(int(counts.sum()) + missing, 1)
        order = sorted_counts(counts)
        kept, rest = order[:MAX_VALUES], order[MAX_VALUES:]
        return cls(
            name=name,
            kind=kind,
            values=tuple(value for value, _ in kept),
            shares=tuple(float(count / total) for _, count in kept),
            other_share=float(sum(count for _, count in rest) / total),
            other_values=tuple(sorted(value for value, _ in rest[:MAX_OTHER_VALUES])),
            all_values_kept=len(rest) <= MAX_OTHER_VALUES,
            missing_share=float(missing / total),
        )

    def expected_shares(self) -> np.ndarray:
        """Training shares in the bin order of :meth:`counts`."""
        if self.is_number:
            return np.array([*self.shares, self.missing_share])
        return np.array([*self.shares, self.other_share, 0.0, self.missing_share])

    def counts(self, values) -> tuple[np.ndarray, pd.Series | None]:
        """New leads per bin (same order as :meth:`expected_shares`) and, for categories, how
        many leads have each value never seen in training (None when the reference could not
        keep every training value)."""
        if self.is_number:
            return number_counts(as_numbers(values), np.asarray(self.edges, dtype=float)), None
        counts, missing = text_counts(values)
        bins, unseen = category_bins(
            counts, missing, pd.Index(self.values, dtype="str"), pd.Index(self.other_values, dtype="str")
        )
        return bins, unseen if self.all_values_kept else None

    def to_dict(self) -> dict:
        data = {"name": self.name, "kind": self.kind, "missing_share": self.missing_share}
        if self.is_number:
            data.update(edges=list(self.edges), shares=list(self.shares))
        else:
            data.update(
                values=list(self.values),
                shares=list(self.shares),
                other_share=self.other_share,
                other_values=list(self.other_values),
                all_values_kept=self.all_values_kept,
            )
        return data

    @classmethod
    def from_dict(cls, data: Mapping) -> "ColumnReference":
        kind = data["kind"]
        if kind not in _KINDS:
            raise KeyError(kind)
        reference = cls(
            name=str(data["name"]),
            kind=kind,
            edges=tuple(float(x) for x in data.get("edges", ())),
            shares=tuple(float(x) for x in data["shares"]),
            values=tuple(str(x) for x in data.get("values", ())),
            other_share=float(data.get("other_share", 0.0)),
            other_values=tuple(str(x) for x in data.get("other_values", ())),
            all_values_kept=bool(data.get("all_values_kept", True)),
            missing_share=float(data.get("missing_share", 0.0)),
        )
        expected = len(reference.edges) + 1 if reference.is_number else len(reference.values)
        if len(reference.shares) != expected:
            raise ValueError("shares do not match the bins")
        return reference


@dataclass(frozen=True)
class DriftReference:
    """A compact summary of the training leads, saved with the model, to compare new leads with.

    Build it once at training time with :meth:`from_training`; save :meth:`to_dict` (plain JSON)
    and rebuild it with :meth:`from_dict`.

    Attributes
    ----------
    rows : int
        Number of training leads.
    columns : tuple of ColumnReference
        One per compared column, in the order given at training.
    score : ColumnReference or None
        The spread of the predicted probabilities (10 bins at their deciles).
    importance : tuple of (column, share) pairs
        How much each column matters to the model (shares of the total), when given.
    skipped : tuple of str
        Columns not compared (free text and dates: their values are unique to each lead).

    Example
    -------
    >>> import pandas as pd
    >>> reference = DriftReference.from_training(
    ...     pd.DataFrame({"source": ["Ads", "Ads", "Referral", None]}), [0.1, 0.2, 0.8, 0.3],
    ...     {"source": "category"})
    >>> reference.columns[0].values, reference.columns[0].shares, reference.columns[0].missing_share
    (('Ads', 'Referral'), (0.5, 0.25), 0.25)
    >>> DriftReference.from_dict(reference.to_dict()) == reference
    True
    """

    rows: int
    columns: tuple[ColumnReference, ...]
    score: ColumnReference | None = None
    importance: tuple[tuple[str, float], ...] = ()
    skipped: tuple[str, ...] = ()

    @classmethod
    def from_training(
        cls,
        frame: pd.DataFrame,
        probabilities,
        kinds: Mapping[str, str],
        importance: Mapping[str, float] | None = None,
    ) -> "DriftReference":
        """Summarise the training leads as the model sees them.

        Parameters
        ----------
        frame : DataFrame
            The training leads, numbers as floats and categories as text (e.g. the cleaner's
            output, or the raw columns the model reads).
        probabilities : array-like of float
            The model's predicted conversion probabilities for the same leads.
        kinds : dict of column -> kind
            "number", "category" or "boolean" for each column to watch; "text" and "date"
            columns are listed in ``skipped`` and not compared.
        importance : dict of column -> float, optional
            How much each column matters to the model (e.g. mean absolute SHAP per column).
            Decides which shifted columns call for retraining; without it, every column does.

        Returns
        -------
        DriftReference
        """
        if not isinstance(frame, pd.DataFrame) or len(frame) == 0:
            raise LeadScoreInputError("There are no training leads to remember. Train on at least one lead.")
        missing = [name for name in kinds if name not in frame.columns]
        if missing:
            raise LeadScoreInputError(
                f"The training leads have no column {', '.join(repr(n) for n in missing)}. "
                "Give the kinds of the columns the model reads."
            )
        unknown = sorted({kind for kind in kinds.values() if kind not in _KINDS and kind not in _SKIPPED_KINDS})
        if unknown:
            raise LeadScoreInputError(
                f"Unknown column kind {', '.join(map(repr, unknown))}: use number, category, boolean, text or date."
            )
        columns = tuple(
            ColumnReference.from_values(str(name), kind, frame[name]) for name, kind in kinds.items() if kind in _KINDS
        )
        skipped = tuple(str(name) for name, kind in kinds.items() if kind in _SKIPPED_KINDS)
        score = None
        if probabilities is not None:
            scores = checked_probabilities(probabilities, len(frame))
            score = ColumnReference.from_values("score", "number", scores)
        return cls(
            rows=int(len(frame)),
            columns=columns,
            score=score,
            importance=_importance_shares(importance),
            skipped=skipped,
        )

    def important_columns(self) -> frozenset[str]:
        """The columns behind the first 80% of the model's importance (all columns without
        importances)."""
        if not self.importance:
            return frozenset(column.name for column in self.columns)
        important, total = [], 0.0
        for name, share in sorted(self.importance, key=lambda item: (-item[1], item[0])):
            if share <= 0 or total >= IMPORTANT_SHARE:
                break
            important.append(name)
            total += share
        return frozenset(important)

    def to_dict(self) -> dict:
        """Plain JSON: ``{"version", "rows", "columns": [...], "score", "importance", "skipped"}``."""
        return {
            "version": 1,
            "rows": self.rows,
            "columns": [column.to_dict() for column in self.columns],
            "score": self.score.to_dict() if self.score is not None else None,
            "importance": {name: share for name, share in self.importance},
            "skipped": list(self.skipped),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> "DriftReference":
        """Rebuild a reference from :meth:`to_dict` output (e.g. read from the saved model)."""
        try:
            if int(data.get("version", 1)) != 1:
                raise ValueError("version")
            return cls(
                rows=int(data["rows"]),
                columns=tuple(ColumnReference.from_dict(column) for column in data["columns"]),
                score=ColumnReference.from_dict(data["score"]) if data.get("score") else None,
                importance=_importance_shares(data.get("importance")),
                skipped=tuple(str(name) for name in data.get("skipped", ())),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            raise LeadScoreInputError(
                "The saved summary of the training leads is damaged or from a newer LeadScore. "
                "Retrain the model to check new leads against its history."
            ) from None


def _importance_shares(importance: Mapping[str, float] | None) -> tuple[tuple[str, float], ...]:
    if not importance:
        return ()
    values = {str(name): max(float(value), 0.0) for name, value in importance.items()}
    total = sum(values.values())
    if not math.isfinite(total) or total <= 0:
        return ()
    return tuple((name, values[name] / total) for name in sorted(values))


def checked_probabilities(probabilities, rows: int) -> np.ndarray:
    scores = np.asarray(probabilities, dtype=float).ravel()
    if scores.size != rows:
        raise LeadScoreInputError(
            f"There are {rows:,} leads but {scores.size:,} probabilities. Give one probability per lead."
        )
    known = scores[np.isfinite(scores)]
    if known.size and (known.min() < 0 or known.max() > 1):
        raise LeadScoreInputError(
            "Conversion probabilities must be between 0 and 1. Score the leads with LeadScore first."
        )
    return scores
