"""Drift: do the new leads still look like the leads the model learned from?

A model is only as good as the resemblance between the leads it scores and the leads it was
trained on. At training time :meth:`DriftReference.from_training` keeps a compact summary of the
training leads (per column: bin edges and shares for numbers, value shares for categories; and the
spread of the predicted probabilities). At scoring time :func:`compare` measures how far the new
leads are from that summary with the population stability index (PSI) and turns it into a verdict
a marketer can act on: "stable", "watch" or "retrain", with one plain sentence.

The rules, in one place:

- **PSI** = sum over bins of ``(a - e) * ln(a / e)``, ``e`` the training share of a bin and ``a``
  the new leads' share. Numbers: 10 bins cut at the training deciles (equal edges merged, the
  outer bins open-ended, a value equal to an edge belongs to the lower bin), missing values in a
  bin of their own. Categories: one bin per training value, one for values never seen in
  training, one for missing values.
- **Floor**: an empty bin counts as a share of ``FLOOR`` (0.0001, one lead in 10,000) so that PSI
  stays finite when a bin is empty on one side. Shares are not renormalised afterwards.
- **Bands** per column and for the scores: "stable" under 0.1, "watch" from 0.1, "shifted" from
  0.25. **Noise guard**: a PSI that chance alone reaches one time in a thousand with this many
  leads is "stable" whatever its size. The level is found by drawing 2,000 random samples of
  the same sizes from the training shares (fixed seed): with 60 unchanged leads, a 10-bin number
  column reaches about 1.0 and a 50-value category about 2.7; with 1,000, about 0.03.
- **Unseen values**: the share of new leads whose category value never appeared in training.
  :func:`compare` counts them only there: a category's PSI is over the leads whose value was
  seen in training (or blank). Inside the PSI, the empty training bin of new values (floored
  at 0.0001) would make 3% of new values "shifted" on its own, and the 5% / 20% rules below
  could never apply. :func:`population_stability` keeps them as a bin of their own.
- **Verdict**: "retrain" when the scores are shifted, or an important column is shifted, or at
  least 20% of new leads have a value unseen in training; "watch" when the scores or any column
  are in the watch band or beyond, or at least 5% have unseen values; "stable" otherwise.
  Important columns are those behind the first 80% of the model's importance (pass
  ``importance`` at training time); without importances every column counts as important.
- **Small batches**: under ``MIN_LEADS`` (50) new leads the verdict is "stable" with
  ``too_few_leads=True`` and a message that says so (PSI values are still reported, and values
  new since training are still named: that is a fact, not a statistic).
- **Size**: a category keeps its 50 most common values with their shares, the rest as one
  "other" share, plus the names (not shares) of up to 1,000 rarer values so that they are not
  taken for new ones. A JSON reference for 20 columns is about 10 kB.

Example
-------
>>> import pandas as pd
>>> training = pd.DataFrame({"source": ["Ads", "Referral"] * 100, "pages": list(range(200))})
>>> reference = DriftReference.from_training(
...     training, [0.2, 0.6] * 100, {"source": "category", "pages": "number"})
>>> report = compare(reference, training, [0.2, 0.6] * 100)
>>> report.verdict, report.message
('stable', 'Your new leads look like your history.')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from leadscore.errors import LeadScoreInputError
from leadscore.score.drift_reference import ColumnReference, DriftReference, checked_probabilities
from leadscore.score.psi import FLOOR, SHIFTED_PSI, WATCH_PSI, chance_psi, population_stability, psi_band, psi_of, sorted_counts

__all__ = [
    "FLOOR",
    "MIN_LEADS",
    "WATCH_PSI",
    "SHIFTED_PSI",
    "WATCH_UNSEEN",
    "RETRAIN_UNSEEN",
    "ColumnReference",
    "DriftReference",
    "ColumnDrift",
    "DriftReport",
    "population_stability",
    "psi_band",
    "compare",
]

MIN_LEADS = 50
"""Fewer new leads than this: too few to judge drift."""
WATCH_UNSEEN = 0.05
RETRAIN_UNSEEN = 0.20
EXAMPLES = 5



@dataclass(frozen=True)
class ColumnDrift:
    """How far one column of the new leads is from training.

    ``psi`` is None when the column was not compared (only its unseen values were counted);
    ``unseen_share`` is None for numbers. ``chance`` is the PSI chance alone could give with
    this many leads (the noise guard)."""

    column: str
    kind: str
    psi: float | None
    band: str | None
    unseen_share: float | None = None
    unseen_examples: tuple[str, ...] = ()
    important: bool = True
    chance: float = 0.0
    absent: bool = False

    def to_dict(self) -> dict:
        return {
            "column": self.column,
            "psi": self.psi,
            "unseen_share": self.unseen_share,
            "band": self.band,
            "kind": self.kind,
            "unseen_examples": list(self.unseen_examples),
            "important": self.important,
            "absent": self.absent,
        }


@dataclass(frozen=True)
class DriftReport:
    """Whether the new leads still look like the training leads, in one verdict and one sentence.

    Attributes
    ----------
    verdict : str
        "stable", "watch" or "retrain" (see the module docstring for the rule).
    message : str
        One plain sentence, e.g. "Your new leads look like your history."
    columns : tuple of ColumnDrift
        One per compared column, most changed first.
    score_psi : float or None
        PSI of the predicted probabilities (None when no probabilities were given).
    score_band : str or None
    leads : int
        Number of new leads compared.
    too_few_leads : bool
        True under ``MIN_LEADS`` new leads: the verdict is then "stable" whatever the PSI.
    """

    verdict: str
    message: str
    columns: tuple[ColumnDrift, ...]
    score_psi: float | None
    score_band: str | None
    leads: int
    too_few_leads: bool = False
    score_chance: float = 0.0

    def to_dict(self) -> dict:
        """``{"verdict", "message", "columns": [{"column", "psi", "unseen_share", ...}], "score_psi",
        ...}``, ready for JSON."""
        return {
            "verdict": self.verdict,
            "message": self.message,
            "columns": [column.to_dict() for column in self.columns],
            "score_psi": self.score_psi,
            "score_band": self.score_band,
            "leads": self.leads,
            "too_few_leads": self.too_few_leads,
        }


def _unseen_entry(entry) -> tuple[int, tuple[str, ...]]:
    """Read one column of the scorer's ``unseen_values`` report: ``{"leads", "examples"}`` or a count."""
    if isinstance(entry, Mapping):
        return int(entry.get("leads", 0)), tuple(str(e) for e in entry.get("examples", ()))[:EXAMPLES]
    return int(entry), ()


def _examples(unseen: pd.Series) -> tuple[str, ...]:
    return tuple(value for value, _ in sorted_counts(unseen)[:EXAMPLES])


def compare(
    reference: DriftReference,
    frame: pd.DataFrame,
    probabilities=None,
    unseen: Mapping[str, Mapping | int] | None = None,
) -> DriftReport:
    """Compare new leads with the training leads: per-column PSI, new values, score PSI, verdict.

    Parameters
    ----------
    reference : DriftReference
        Built at training time.
    frame : DataFrame
        The new leads, prepared exactly as the training leads were for the reference. A column
        the file lacks counts as blank for every lead (the model sees it that way too).
    probabilities : array-like of float, optional
        The model's probabilities for the new leads (gives ``score_psi``).
    unseen : dict of column -> {"leads": int, "examples": [...]} (or a count), optional
        Values the scorer already found new since training (``ScoringResult.report
        ["unseen_values"]``). They replace this function's own count for those columns: the
        scorer sees the values before rare and new ones are grouped.

    Returns
    -------
    DriftReport

    Example
    -------
    >>> import pandas as pd
    >>> training = pd.DataFrame({"source": ["Ads", "Referral"] * 100})
    >>> reference = DriftReference.from_training(training, None, {"source": "category"})
    >>> new = pd.DataFrame({"source": ["Ads"] * 70 + ["Webinar"] * 30})
    >>> report = compare(reference, new)
    >>> report.verdict, report.columns[0].unseen_share
    ('retrain', 0.3)
    """
    if not isinstance(frame, pd.DataFrame):
        raise LeadScoreInputError("Give the new leads as a table (DataFrame).")
    leads = int(len(frame))
    important = reference.important_columns()
    unseen = dict(unseen or {})
    columns = [
        _column_drift(column, frame, unseen, important=column.name in important, training_rows=reference.rows)
        for column in reference.columns
    ]
    columns += _unwatched_columns(unseen, leads)
    # Most changed first; columns without a PSI last; ties by name.
    columns.sort(key=lambda c: (c.psi is None, -(c.psi or 0.0), -(c.unseen_share or 0.0), c.column))
    score_psi, score_band, score_chance = _score_drift(reference, probabilities, leads)
    verdict, message = _verdict(columns, score_band, leads)
    return DriftReport(
        verdict=verdict,
        message=message,
        columns=tuple(columns),
        score_psi=score_psi,
        score_band=score_band,
        leads=leads,
        too_few_leads=leads < MIN_LEADS,
        score_chance=score_chance,
    )


def _column_drift(
    column: ColumnReference, frame: pd.DataFrame, unseen: dict, *, important: bool, training_rows: int
) -> ColumnDrift:
    """One watched column of the new leads against training. Takes the column's entry out of
    ``unseen`` (the scorer's count of new values), which replaces this function's own count."""
    leads = int(len(frame))
    absent = column.name not in frame.columns
    values = pd.Series(np.full(leads, np.nan)) if absent else frame[column.name]
    counts, new_values = column.counts(values)
    expected = column.expected_shares()
    if not column.is_number and not column.all_values_kept:
        # Too many training values to keep them all: new and unlisted rare ones look alike.
        counts = counts.copy()
        counts[-3] += counts[-2]
        counts[-2] = 0
    if not column.is_number:
        # New values are judged by their share below, not twice: in the PSI their empty
        # training bin (floored at 0.0001) would make 3% of new values "shifted" on its own.
        counts, expected = np.delete(counts, -2), np.delete(expected, -2)
    compared = int(counts.sum())
    psi = psi_of(expected, counts / compared) if compared else None
    # The simulation only matters for a PSI that would leave the stable band.
    chance = chance_psi(expected, compared, training_rows) if psi is not None and psi >= WATCH_PSI else 0.0
    unseen_share, examples = None, ()
    if not column.is_number:
        if column.name in unseen:
            count, examples = _unseen_entry(unseen.pop(column.name))
            unseen_share = count / leads if leads else 0.0
        elif column.all_values_kept:
            unseen_share = float((leads - compared) / leads) if leads else 0.0
            examples = _examples(new_values) if new_values is not None else ()
    return ColumnDrift(
        column=column.name,
        kind=column.kind,
        psi=psi,
        band=psi_band(psi, chance),
        unseen_share=unseen_share,
        unseen_examples=examples,
        important=important,
        chance=chance,
        absent=absent,
    )


def _unwatched_columns(unseen: Mapping, leads: int) -> list[ColumnDrift]:
    """Columns the scorer found new values in but the reference does not watch."""
    columns = []
    for name in sorted(unseen):
        count, examples = _unseen_entry(unseen[name])
        columns.append(
            ColumnDrift(
                column=str(name),
                kind="category",
                psi=None,
                band=None,
                unseen_share=count / leads if leads else 0.0,
                unseen_examples=examples,
                important=False,
            )
        )
    return columns


def _score_drift(reference: DriftReference, probabilities, leads: int) -> tuple[float | None, str | None, float]:
    """The PSI of the new leads' probabilities against training, its band and its chance level."""
    if probabilities is None or reference.score is None or not leads:
        return None, None, 0.0
    scores = checked_probabilities(probabilities, leads)
    counts, _ = reference.score.counts(scores)
    expected, actual = reference.score.expected_shares(), counts / leads
    score_psi = psi_of(expected, actual)
    score_chance = chance_psi(expected, leads, reference.rows) if score_psi >= WATCH_PSI else 0.0
    return score_psi, psi_band(score_psi, score_chance), score_chance


def _join(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _percent(share: float) -> str:
    return "under 1%" if 0 < share < 0.005 else f"{share * 100:.0f}%"


def _new_values_sentence(columns: Sequence[ColumnDrift]) -> str:
    examples: list[str] = []
    for column in columns:
        examples.extend(e for e in column.unseen_examples if e not in examples)
    if not examples:
        names = _join([c.column for c in columns])
        return f"Some leads have {names} values that are new since training: scores for them are guesses."
    return f"Leads from {_join([repr(e) for e in examples[:3]])} are new since training: scores for them are guesses."


def _verdict(columns: Sequence[ColumnDrift], score_band: str | None, leads: int) -> tuple[str, str]:
    """The verdict rule of the module docstring, and its sentence."""
    with_new = sorted(
        (c for c in columns if (c.unseen_share or 0) > 0), key=lambda c: (-(c.unseen_share or 0), c.column)
    )
    if leads == 0:
        return "stable", "There are no new leads to compare yet."
    if leads < MIN_LEADS:
        message = (
            f"Only {leads} new lead{'' if leads == 1 else 's'}: too few to tell whether your leads have "
            f"changed (LeadScore needs at least {MIN_LEADS})."
        )
        if with_new:
            message += " " + _new_values_sentence(with_new)
        return "stable", message

    shifted = [c.column for c in columns if c.band == "shifted" and c.important]
    moved = [c.column for c in columns if c.band in ("watch", "shifted") and c.column not in shifted]
    many_new = [c for c in with_new if c.unseen_share >= RETRAIN_UNSEEN]
    some_new = [c for c in with_new if c.unseen_share >= WATCH_UNSEEN]

    if shifted or score_band == "shifted" or many_new:
        reasons = []
        things = shifted + (["their scores"] if score_band == "shifted" else [])
        if things:
            reasons.append(f"{_join(things)} shifted")
        if many_new:
            examples = [e for c in many_new for e in c.unseen_examples][:3]
            share = max(c.unseen_share for c in many_new)
            such_as = f", such as {_join([repr(e) for e in examples])}" if examples else ""
            reasons.append(f"{_percent(share)} of them have values never seen in training{such_as}")
        return "retrain", f"Retrain: your leads have changed ({'; '.join(reasons)})."
    if some_new:
        return "watch", _new_values_sentence(some_new)
    if moved or score_band in ("watch", "shifted"):
        things = moved + (["the scores"] if score_band in ("watch", "shifted") else [])
        verb = "has" if len(things) == 1 else "have"
        return "watch", (
            f"Watch: {_join(things)} {verb} moved since training; the scores are still usable, "
            "check again with your next leads."
        )
    return "stable", "Your new leads look like your history."
