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

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from leadscore.errors import LeadScoreInputError

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

FLOOR = 0.0001
"""Share given to an empty bin (one lead in 10,000) so that PSI stays finite."""
BINS = 10
"""Number bins: cut at the training deciles."""
MAX_VALUES = 50
"""Category values kept with their own share in a reference; the rest share one "other" bin."""
MAX_OTHER_VALUES = 1000
"""Rarer category values whose names are kept (without shares) to tell them from unseen ones."""
MIN_LEADS = 50
"""Fewer new leads than this: too few to judge drift."""
WATCH_PSI = 0.10
SHIFTED_PSI = 0.25
WATCH_UNSEEN = 0.05
RETRAIN_UNSEEN = 0.20
IMPORTANT_SHARE = 0.80
"""Important columns: the most important ones that together make up this share of importance."""
CHANCE = 0.001
"""Noise guard: a PSI that chance alone reaches this often is treated as stable."""
SAMPLES = 2000
"""Simulated samples behind the noise guard."""
EXAMPLES = 5

_KINDS = {"number": "number", "category": "category", "boolean": "category"}
_SKIPPED_KINDS = ("text", "date")


# ---------------------------------------------------------------------------------------------
# Values to bins
# ---------------------------------------------------------------------------------------------


def _as_numbers(values) -> np.ndarray:
    """Floats, with anything that is not a number (blank, text) as NaN."""
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object).ravel())
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype=float)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _as_text(values) -> pd.Series:
    """Category values as trimmed text, missing values as NaN. Whole numbers lose their ".0" and
    True / False are "1" / "0", so a flag read as True, 1.0 or 1 gives the same value."""
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object).ravel())
    series = series.reset_index(drop=True)
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.map({True: "1", False: "0"}).astype("str")
    if pd.api.types.is_numeric_dtype(series.dtype):
        numbers = series.to_numpy(dtype=float, na_value=np.nan)
        whole = np.isfinite(numbers) & (numbers == np.round(numbers)) & (np.abs(numbers) < 2**53)
        text = np.where(whole, np.where(whole, numbers, 0).astype(np.int64).astype(str), numbers.astype(str))
        return pd.Series(text, dtype="str").mask(np.isnan(numbers))
    text = series.astype("str").str.strip()
    return text.mask(series.isna() | (text == ""))


def _text_counts(values) -> tuple[pd.Series, int]:
    """How many leads have each category value (trimmed text, sorted), and how many have none.

    The distinct values are found first and only they are turned into text: on 100k leads with
    a few dozen values that is the difference between milliseconds and a tenth of a second."""
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object).ravel())
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    text = _as_text(pd.Series(uniques, dtype=series.dtype if len(uniques) else object))
    known = text.notna().to_numpy()
    missing = int(np.count_nonzero(codes < 0) + counts[~known].sum())
    if not known.any():
        return pd.Series([], dtype="int64", index=pd.Index([], dtype="str")), missing
    grouped = pd.Series(counts[known], index=pd.Index(text[known].to_numpy(), dtype="str"))
    return grouped.groupby(level=0, sort=True).sum(), missing


def _sorted_counts(counts: pd.Series) -> list[tuple[str, int]]:
    """Most common first, ties by value, so the same leads always give the same order."""
    return sorted(zip(counts.index.astype(str), counts.to_numpy().tolist()), key=lambda item: (-item[1], item[0]))


def _decile_edges(numbers: np.ndarray, bins: int = BINS) -> np.ndarray:
    """Inner bin edges at the quantiles of the known values, equal edges merged."""
    known = numbers[np.isfinite(numbers)]
    if known.size == 0:
        return np.array([], dtype=float)
    return np.unique(np.quantile(known, np.linspace(0, 1, bins + 1)[1:-1]))


def _number_counts(numbers: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Leads per bin: ``len(edges) + 1`` number bins (a value equal to an edge goes in the lower
    bin), then the missing values."""
    missing = np.isnan(numbers)
    index = np.searchsorted(edges, numbers[~missing], side="left")
    counts = np.bincount(index, minlength=edges.size + 1).astype(float)
    return np.append(counts, float(missing.sum()))


def _psi(expected: np.ndarray, actual: np.ndarray, floor: float = FLOOR) -> float:
    e = np.maximum(np.asarray(expected, dtype=float), floor)
    a = np.maximum(np.asarray(actual, dtype=float), floor)
    return float(np.sum((a - e) * np.log(a / e)))


def _chance_psi(expected: np.ndarray, leads: int, training_rows: int, floor: float = FLOOR) -> float:
    """The PSI that chance alone reaches one time in a thousand with this many leads.

    Draws ``SAMPLES`` pairs of samples (``training_rows`` and ``leads`` leads) from the training
    shares themselves, computes their PSI and returns its 99.9th percentile. A formula (PSI times
    the sample size is nearly chi-square) fails exactly where it matters: with few leads and
    many values, most bins are empty and the floor makes each one cost ``e * ln(e / floor)``;
    60 unchanged leads in a 50-value column give a PSI near 2. The seed is fixed, so the same
    shares and sizes always give the same level.
    """
    shares = np.clip(np.asarray(expected, dtype=float), 0.0, None)
    if leads <= 0 or shares.sum() <= 0 or np.count_nonzero(shares) < 2:
        return 0.0
    shares = shares / shares.sum()
    rng = np.random.default_rng(0)
    new = np.maximum(rng.multinomial(leads, shares, size=SAMPLES) / leads, floor)
    if training_rows > 0:
        old = np.maximum(rng.multinomial(training_rows, shares, size=SAMPLES) / training_rows, floor)
    else:
        old = np.broadcast_to(np.maximum(shares, floor), new.shape)
    psi = np.sum((new - old) * np.log(new / old), axis=1)
    return float(np.quantile(psi, 1 - CHANCE))


def psi_band(psi: float | None, chance: float = 0.0) -> str | None:
    """The band of a PSI: "stable" (< 0.1), "watch" (0.1 to 0.25), "shifted" (>= 0.25).

    Parameters
    ----------
    psi : float or None
        A population stability index (None gives None).
    chance : float
        What chance alone could give with this many leads; a PSI at or below it is "stable".

    Example
    -------
    >>> psi_band(0.05), psi_band(0.1), psi_band(0.3), psi_band(0.3, chance=0.4)
    ('stable', 'watch', 'shifted', 'stable')
    """
    if psi is None or not math.isfinite(psi):
        return None
    if psi < WATCH_PSI or psi <= chance:
        return "stable"
    return "watch" if psi < SHIFTED_PSI else "shifted"


def population_stability(expected, actual, kind: str | None = None, bins: int = BINS, floor: float = FLOOR) -> float:
    """How far ``actual`` values have moved from ``expected`` ones: the population stability index.

    PSI = sum over bins of ``(a - e) * ln(a / e)``, with ``e`` and ``a`` the shares of each side
    in a bin. Under 0.1 the two look alike, 0.1 to 0.25 they differ somewhat, from 0.25 they
    differ a lot.

    Parameters
    ----------
    expected : array-like
        The reference values (the training leads); they set the bins.
    actual : array-like
        The values to compare (the new leads).
    kind : "number" | "category", optional
        Numbers are cut into ``bins`` bins at the quantiles of ``expected`` (equal edges merged,
        outer bins open-ended, a value on an edge in the lower bin); categories get one bin per
        value of ``expected`` plus one for values ``expected`` never had. Missing values have a
        bin of their own either way. Default: "number" when ``expected`` is numeric.
    bins : int
        Number of quantile bins for numbers (before merging equal edges).
    floor : float
        Share used for an empty bin so the logarithm stays finite (default 0.0001).

    Returns
    -------
    float (0 when both sides have the same shares).

    Example
    -------
    >>> # a: 50% -> 75%, b: 50% -> 25%: (.75 - .5) ln(.75 / .5) + (.25 - .5) ln(.25 / .5)
    >>> round(population_stability(["a", "a", "b", "b"], ["a", "a", "a", "b"]), 4)
    0.2747
    """
    kind = kind or ("number" if pd.api.types.is_numeric_dtype(pd.Series(expected).dtype) else "category")
    if kind not in ("number", "category"):
        raise LeadScoreInputError(f"Unknown kind {kind!r}: use 'number' or 'category'.")
    if kind == "number":
        e_numbers, a_numbers = _as_numbers(expected), _as_numbers(actual)
        edges = _decile_edges(e_numbers, bins)
        e_counts, a_counts = _number_counts(e_numbers, edges), _number_counts(a_numbers, edges)
    else:
        e_counts_by_value, e_missing = _text_counts(expected)
        a_counts_by_value, a_missing = _text_counts(actual)
        values = e_counts_by_value.index
        # Bins: each expected value, (other: empty here), values expected never had, missing.
        e_counts = _category_bins(e_counts_by_value, e_missing, values, pd.Index([], dtype="str"))[0]
        a_counts = _category_bins(a_counts_by_value, a_missing, values, pd.Index([], dtype="str"))[0]
    if e_counts.sum() == 0 or a_counts.sum() == 0:
        raise LeadScoreInputError("There are no values to compare: both sides need at least one lead.")
    return _psi(e_counts / e_counts.sum(), a_counts / a_counts.sum(), floor)


def _category_bins(
    counts: pd.Series, missing: int, values: pd.Index, other_values: pd.Index
) -> tuple[np.ndarray, pd.Series]:
    """Leads per bin: one per value in ``values``, then "other values seen in training", then
    "never seen in training", then missing; and the counts of the never-seen values."""
    position = values.get_indexer(counts.index) if len(values) else np.full(len(counts), -1)
    bins = np.zeros(len(values) + 3)
    np.add.at(bins, position[position >= 0], counts.to_numpy()[position >= 0])
    rest = counts[position < 0]
    in_other = other_values.get_indexer(rest.index) >= 0 if len(other_values) else np.zeros(len(rest), dtype=bool)
    bins[-3] = rest[in_other].sum()
    unseen = rest[~in_other]
    bins[-2] = unseen.sum()
    bins[-1] = missing
    return bins, unseen


# ---------------------------------------------------------------------------------------------
# The reference kept at training time
# ---------------------------------------------------------------------------------------------


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
            numbers = _as_numbers(values)
            edges = _decile_edges(numbers)
            counts = _number_counts(numbers, edges)
            shares = counts / max(numbers.size, 1)
            return cls(
                name=name,
                kind=kind,
                edges=tuple(float(x) for x in edges),
                shares=tuple(float(x) for x in shares[:-1]),
                missing_share=float(shares[-1]),
            )
        counts, missing = _text_counts(values)
        total = max(int(counts.sum()) + missing, 1)
        order = _sorted_counts(counts)
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
            return _number_counts(_as_numbers(values), np.asarray(self.edges, dtype=float)), None
        counts, missing = _text_counts(values)
        bins, unseen = _category_bins(
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
            scores = _probabilities(probabilities, len(frame))
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


def _probabilities(probabilities, rows: int) -> np.ndarray:
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


# ---------------------------------------------------------------------------------------------
# Comparing new leads with the reference
# ---------------------------------------------------------------------------------------------


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
    return tuple(value for value, _ in _sorted_counts(unseen)[:EXAMPLES])


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
    columns: list[ColumnDrift] = []
    for column in reference.columns:
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
        psi = _psi(expected, counts / compared) if compared else None
        # The simulation only matters for a PSI that would leave the stable band.
        chance = _chance_psi(expected, compared, reference.rows) if psi is not None and psi >= WATCH_PSI else 0.0
        unseen_share, examples = None, ()
        if not column.is_number:
            if column.name in unseen:
                count, examples = _unseen_entry(unseen.pop(column.name))
                unseen_share = count / leads if leads else 0.0
            elif column.all_values_kept:
                unseen_share = float((leads - compared) / leads) if leads else 0.0
                examples = _examples(new_values) if new_values is not None else ()
        columns.append(
            ColumnDrift(
                column=column.name,
                kind=column.kind,
                psi=psi,
                band=psi_band(psi, chance),
                unseen_share=unseen_share,
                unseen_examples=examples,
                important=column.name in important,
                chance=chance,
                absent=absent,
            )
        )
    # Columns the scorer found new values in but the reference does not watch.
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
    # Most changed first; columns without a PSI last; ties by name.
    columns.sort(key=lambda c: (c.psi is None, -(c.psi or 0.0), -(c.unseen_share or 0.0), c.column))

    score_psi = score_band = None
    score_chance = 0.0
    if probabilities is not None and reference.score is not None and leads:
        scores = _probabilities(probabilities, leads)
        counts, _ = reference.score.counts(scores)
        expected, actual = reference.score.expected_shares(), counts / leads
        score_psi = _psi(expected, actual)
        score_chance = _chance_psi(expected, leads, reference.rows) if score_psi >= WATCH_PSI else 0.0
        score_band = psi_band(score_psi, score_chance)

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
