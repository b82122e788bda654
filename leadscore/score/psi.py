"""The population stability index (PSI): values to bins, the index, its bands and the noise guard.

The rules are those of :mod:`leadscore.score.drift` (bins at the training deciles for numbers, one
per value for categories, missing values in a bin of their own, the ``FLOOR`` for empty bins, the
bands "stable" / "watch" / "shifted", and what chance alone reaches with this many leads).

Example
-------
>>> psi_band(0.05), psi_band(0.3)
('stable', 'shifted')
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from leadscore.errors import LeadScoreInputError

__all__ = [
    "FLOOR",
    "BINS",
    "WATCH_PSI",
    "SHIFTED_PSI",
    "CHANCE",
    "SAMPLES",
    "psi_band",
    "population_stability",
    "as_numbers",
    "text_counts",
    "sorted_counts",
    "decile_edges",
    "number_counts",
    "category_bins",
    "psi_of",
    "chance_psi",
]

FLOOR = 0.0001
"""Share given to an empty bin (one lead in 10,000) so that PSI stays finite."""
BINS = 10
"""Number bins: cut at the training deciles."""
WATCH_PSI = 0.10
SHIFTED_PSI = 0.25
CHANCE = 0.001
"""Noise guard: a PSI that chance alone reaches this often is treated as stable."""
SAMPLES = 2000
"""Simulated samples behind the noise guard."""


def as_numbers(values) -> np.ndarray:
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


def text_counts(values) -> tuple[pd.Series, int]:
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


def sorted_counts(counts: pd.Series) -> list[tuple[str, int]]:
    """Most common first, ties by value, so the same leads always give the same order."""
    return sorted(zip(counts.index.astype(str), counts.to_numpy().tolist()), key=lambda item: (-item[1], item[0]))


def decile_edges(numbers: np.ndarray, bins: int = BINS) -> np.ndarray:
    """Inner bin edges at the quantiles of the known values, equal edges merged."""
    known = numbers[np.isfinite(numbers)]
    if known.size == 0:
        return np.array([], dtype=float)
    return np.unique(np.quantile(known, np.linspace(0, 1, bins + 1)[1:-1]))


def number_counts(numbers: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Leads per bin: ``len(edges) + 1`` number bins (a value equal to an edge goes in the lower
    bin), then the missing values."""
    missing = np.isnan(numbers)
    index = np.searchsorted(edges, numbers[~missing], side="left")
    counts = np.bincount(index, minlength=edges.size + 1).astype(float)
    return np.append(counts, float(missing.sum()))


def psi_of(expected: np.ndarray, actual: np.ndarray, floor: float = FLOOR) -> float:
    e = np.maximum(np.asarray(expected, dtype=float), floor)
    a = np.maximum(np.asarray(actual, dtype=float), floor)
    return float(np.sum((a - e) * np.log(a / e)))


def chance_psi(expected: np.ndarray, leads: int, training_rows: int, floor: float = FLOOR) -> float:
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
        e_numbers, a_numbers = as_numbers(expected), as_numbers(actual)
        edges = decile_edges(e_numbers, bins)
        e_counts, a_counts = number_counts(e_numbers, edges), number_counts(a_numbers, edges)
    else:
        e_counts_by_value, e_missing = text_counts(expected)
        a_counts_by_value, a_missing = text_counts(actual)
        values = e_counts_by_value.index
        # Bins: each expected value, (other: empty here), values expected never had, missing.
        e_counts = category_bins(e_counts_by_value, e_missing, values, pd.Index([], dtype="str"))[0]
        a_counts = category_bins(a_counts_by_value, a_missing, values, pd.Index([], dtype="str"))[0]
    if e_counts.sum() == 0 or a_counts.sum() == 0:
        raise LeadScoreInputError("There are no values to compare: both sides need at least one lead.")
    return psi_of(e_counts / e_counts.sum(), a_counts / a_counts.sum(), floor)


def category_bins(
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
