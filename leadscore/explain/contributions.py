"""Why the model scores leads the way it does: global importance, value effects, segments and
per-lead reasons, all in the user's own columns.

SHAP values are computed on the encoded features and summed back to the user's columns (every
one-hot part of "Lead Source" counts as "Lead Source"), using ``leadscore.clean.feature_sources``.

How each model kind is explained, and what it costs:

- logistic regression: exact linear contributions ``coef * (x - reference)`` in log-odds (what
  shap's LinearExplainer computes), a sparse matrix product: 100k leads in well under a second.
- forest and boosting: global views use shap's exact Tree SHAP on a sample (2,000 leads by
  default). Per-lead reasons use the Saabas approximation (one path per tree, linear in tree
  depth, what shap's ``approximate=True`` computes) so that 100k leads take seconds; LeadScore
  computes it itself (:mod:`leadscore.explain._saabas`, equal to shap's to 1e-8) so that scoring never
  imports shap. Pass ``exact=True`` to use exact Tree SHAP instead. A forest's contributions are
  in probability, a boosting model's in log-odds.

Turning contributions into probability points: the change from the average probability (the
reference) to the lead's calibrated probability is split between the columns in proportion to
their contributions (log-odds or probability). Two cases cannot be split that way honestly: the
contributions point the other way than the change (calibration reversed it), or they mostly
cancel out (their net is under a quarter of their total size, so proportions would shrink or
blow up every factor). Then each column gets what it alone would do to the average lead
(``sigmoid(logit(average) + contribution) - average`` for log-odds, the contribution itself for
probability), and what is left is shown as "Combined effects and calibration" in the waterfall. The waterfall therefore
always ends exactly at the lead's probability.

shap is imported only for exact Tree SHAP (the global views, or ``exact=True``).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import expit

from leadscore.model._answers import answering, lead_numbers
from leadscore.explain._saabas import SaabasExplainer
from leadscore.explain._saabas import supports as saabas_supports
from leadscore.errors import LeadScoreInputError
from leadscore.labels import display_values, format_value, phrase, points_text
from leadscore.model.pipeline import base_estimator, feature_sources
from leadscore.io.read import to_number

__all__ = [
    "ExplainReference",
    "LeadContributions",
    "explain_reference",
    "lead_contributions",
    "tree_explainer",
    "predict_and_explain",
    "global_contributions",
    "global_importance",
    "beeswarm_data",
    "dependence_data",
    "shown_values",
    "lead_reasons",
    "explain_lead",
]

GLOBAL_SAMPLE = 2_000
# Chunks bound the memory of dense encoded features for big batches.
_CHUNK_ROWS = 50_000
_LOG_ODDS = "log-odds"
# Below this net/total ratio the contributions mostly cancel out (see _to_points).
_MIN_NET_SHARE = 0.25
_PROBABILITY = "probability"


# --------------------------------------------------------------------------------------------
# Pipeline plumbing


def _kind(model) -> str | None:
    """"linear", "tree" or None (not explainable here)."""
    name = type(model).__name__
    if hasattr(model, "coef_") and hasattr(model, "intercept_"):
        return "linear"
    if hasattr(model, "estimators_") or hasattr(model, "_predictors") or "Tree" in name or "Forest" in name:
        return "tree"
    return None


def _unit(model) -> str:
    # Random forests and extra trees average probabilities; boosting and logistic work in log-odds.
    name = type(model).__name__
    if "Forest" in name or "ExtraTrees" in name or name.startswith("DecisionTree"):
        return _PROBABILITY
    return _LOG_ODDS


def _merge_indicators(sources: list[str]) -> list[str]:
    # "pages_viewed: missing" is part of what "pages_viewed" tells the model: one column for the user.
    present = set(sources)
    suffix = ": missing"
    return [s[: -len(suffix)] if s.endswith(suffix) and s[: -len(suffix)] in present else s for s in sources]


def _shown_values(pipeline, X_raw: pd.DataFrame, cleaned: pd.DataFrame) -> pd.DataFrame:
    """Cleaned values as the user should read them: blanks filled for the model show as
    missing, 0/1 flags as yes/no."""
    plan = getattr(pipeline[0], "plan", None)
    numeric = set(getattr(plan, "numeric", ()) or ())
    boolean = set(getattr(plan, "boolean", ()) or ())
    shown = cleaned.copy()
    for column in cleaned.columns:
        if isinstance(cleaned[column].dtype, pd.CategoricalDtype):
            # The cleaner's categories and free text, as plain values to group and write.
            shown[column] = cleaned[column].astype(object)
        elif column in boolean:
            flags = cleaned[column]
            shown[column] = flags.map({1.0: "yes", 0.0: "no"}).astype(object).where(flags.notna())
        elif column in numeric and column in X_raw.columns:
            raw = X_raw[column]
            if not pd.api.types.is_numeric_dtype(raw.dtype):
                raw = to_number(raw)[0]
            shown[column] = cleaned[column].where(raw.notna().to_numpy())
    return shown


def shown_values(pipeline, X_raw: pd.DataFrame, cleaned: pd.DataFrame | None = None) -> pd.DataFrame:
    """The leads as the model sees them, written for people: canonical spellings, derived
    timing columns, yes/no flags, and blanks kept blank (not the model's fill values).

    Use it for conversion rates by segment, so "LinkedIn" and "linkedin " count as one segment
    and a lead with no answer is counted as "missing", not as the typical value; and to compare
    new leads with the training leads (drift). Pass ``cleaned`` when the cleaner already ran.
    """
    return _shown_values(pipeline, X_raw, pipeline[0].transform(X_raw) if cleaned is None else cleaned)


def _dense(matrix) -> np.ndarray:
    if sparse.issparse(matrix):
        return matrix.toarray()
    if isinstance(matrix, pd.DataFrame):
        return matrix.to_numpy(dtype=float)
    return np.asarray(matrix, dtype=float)


def _forward(pipeline, X_raw: pd.DataFrame):
    """Clean, encode and predict once: (cleaned DataFrame, encoded matrix, probabilities)."""
    cleaned = pipeline[0].transform(X_raw)
    encoded = pipeline[1:-1].transform(cleaned) if len(pipeline) > 2 else cleaned
    probability = pipeline[-1].predict_proba(encoded)[:, 1]
    return cleaned, encoded, probability


def _group_matrix(sources: list[str]) -> tuple[list[str], sparse.csr_matrix]:
    """Columns in first-seen order and the (features x columns) 0/1 matrix summing features."""
    columns = list(dict.fromkeys(sources))
    index = {c: i for i, c in enumerate(columns)}
    rows = np.arange(len(sources))
    cols = np.array([index[s] for s in sources])
    group = sparse.csr_matrix((np.ones(len(sources)), (rows, cols)), shape=(len(sources), len(columns)))
    return columns, group


# --------------------------------------------------------------------------------------------
# Reference (what "average" means) and contributions


@dataclass(frozen=True)
class ExplainReference:
    """What a lead is compared with: the average lead of a sample (or a typical lead).

    Attributes
    ----------
    base_probability : float
        Average calibrated probability of the reference leads (the waterfall's start).
    mean_encoded : numpy array
        Mean encoded features of the reference leads (linear models compare against it).
    label : str
        How the reference is named to the user, e.g. "Average lead".
    rows : int
        How many leads the reference was computed from.
    """

    base_probability: float
    mean_encoded: np.ndarray
    label: str = "Average lead"
    rows: int = 0


def explain_reference(pipeline, X_raw: pd.DataFrame, sample: int = GLOBAL_SAMPLE, random_state: int = 0) -> ExplainReference:
    """The average lead of ``X_raw`` (e.g. the training leads), to save with a model.

    Parameters
    ----------
    pipeline : fitted Pipeline ``[clean, encode, model]``
    X_raw : DataFrame of raw leads
    sample : int
        At most this many leads are used (a fixed random sample).
    random_state : int

    Returns
    -------
    ExplainReference
    """
    X_sample = _sample(X_raw, sample, random_state)
    _, encoded, probability = _forward(pipeline, X_sample)
    mean = np.asarray(encoded.mean(axis=0)).ravel() if sparse.issparse(encoded) else _dense(encoded).mean(axis=0)
    return ExplainReference(float(np.mean(probability)), mean, "Average lead", len(X_sample))


@dataclass(frozen=True)
class LeadContributions:
    """Contributions of the user's columns to each lead's probability.

    Attributes
    ----------
    columns : list of str
        The user's (cleaned) columns, in pipeline order.
    raw : ndarray (leads x columns)
        Contributions in the model's unit (``unit``): log-odds or probability.
    points : ndarray (leads x columns)
        The same in percentage points of probability (see the module docstring).
    adjustment : ndarray (leads,)
        Percentage points not attributed to a column (calibration), usually 0.
    probability : ndarray (leads,)
        Each lead's calibrated probability.
    base_probability : float
    base_label : str
    unit : str
        "log-odds" or "probability".
    method : str
        "linear", "tree SHAP" or "Saabas (approximate tree SHAP)".
    cleaned : DataFrame
        The cleaned values (for the words "Lead source is LinkedIn").
    """

    columns: list
    raw: np.ndarray
    points: np.ndarray
    adjustment: np.ndarray
    probability: np.ndarray
    base_probability: float
    base_label: str
    unit: str
    method: str
    cleaned: pd.DataFrame


def tree_explainer(pipeline, exact: bool = False):
    """The explainer of a pipeline's tree model, or None for other models.

    Building one reads every tree of the model (tens of milliseconds): a caller explaining many
    small batches (a stream of leads) builds it once and passes it to :func:`lead_contributions`.

    Parameters
    ----------
    pipeline : fitted Pipeline ``[clean, encode, model]``
    exact : bool
        False (per-lead reasons): :class:`leadscore.explain._saabas.SaabasExplainer`, summing straight
        to the user's columns; shap's ``TreeExplainer`` for tree models it does not cover.
        True: shap's ``TreeExplainer`` (exact Tree SHAP).
    """
    model = base_estimator(pipeline)
    if _kind(model) != "tree":
        return None
    if not exact and saabas_supports(model):
        # Not shap's: one lead's cold start without shap's import (numba), see
        # benchmarks/results/score_boosting.json "one_lead"; same values (tests/test_saabas.py).
        _, group = _group_matrix(_merge_indicators(feature_sources(pipeline)))
        return SaabasExplainer(model, group)
    return _shap_explainer(model)


def _shap_explainer(model):
    import warnings

    with warnings.catch_warnings():
        # shap's plotting colours warn about matplotlib deprecations on import; not our concern.
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        import shap  # only tree models need shap: `leadscore score` stays fast for logistic models

    return shap.TreeExplainer(model)


def predict_and_explain(pipeline, encoded, explainer) -> tuple[np.ndarray, tuple | None]:
    """Probabilities of encoded leads and, for a tree model explained by LeadScore's Saabas, its
    contributions per user column, from one walk down the trees.

    Walking every tree twice, once for the probability and once for the reasons, was the
    largest cost of scoring a big file with reasons (``benchmarks/results/score_boosting.json``).
    The probability is the pipeline's own: the model's output from the walk (checked to the last
    bit in ``tests/test_saabas.py``), mapped by the model's own calibrator when it has one.

    Parameters
    ----------
    pipeline : fitted Pipeline ``[clean, encode, model]`` (model possibly calibrated)
    encoded : array (leads x features), ``pipeline[:-1].transform(leads)``
    explainer : from :func:`tree_explainer`, or None

    Returns
    -------
    (ndarray, tuple or None)
        Each lead's probability of converting, and ``(contributions, expected value)`` for
        :func:`lead_contributions`'s ``tree_values`` (None when the explainer is not LeadScore's
        Saabas: the probability then comes from ``predict_proba``).
    """
    step = pipeline.steps[-1][1]
    if not isinstance(explainer, SaabasExplainer):
        return step.predict_proba(encoded)[:, 1], None
    values, output = explainer.explain(_dense(encoded))
    probability = _probability_from(step, explainer, output)
    if probability is None:
        probability = step.predict_proba(encoded)[:, 1]
    return probability, (values, explainer.expected_value)


def _probability_from(step, explainer: SaabasExplainer, output: np.ndarray):
    """The last step's probability given its tree model's output for these leads (None when the
    step is neither the model nor a calibrator around that one model)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.frozen import FrozenEstimator

    model = explainer.model
    if step is model:
        # HistGradientBoosting's predict_proba is expit of its log-odds (its loss's link).
        return output if explainer.unit == _PROBABILITY else expit(output)
    if not isinstance(step, CalibratedClassifierCV):
        return None
    inner = [c.estimator.estimator if isinstance(c.estimator, FrozenEstimator) else c.estimator for c in step.calibrated_classifiers_]
    if any(estimator is not model for estimator in inner):
        return None
    # scikit-learn's own calibration, applied to a stand-in answering with the walk's output.
    answered = copy.copy(step)
    answered.calibrated_classifiers_ = []
    for calibrated in step.calibrated_classifiers_:
        calibrated = copy.copy(calibrated)
        calibrated.estimator = answering(model, output)
        answered.calibrated_classifiers_.append(calibrated)
    return answered.predict_proba(lead_numbers(len(output)))[:, 1]


def _tree_contributions(explainer, encoded, exact: bool, group):
    """(contributions per user column, expected value) for a batch of encoded leads."""
    if isinstance(explainer, SaabasExplainer):
        return explainer.values(_dense(encoded)), explainer.expected_value
    values = explainer.shap_values(_dense(encoded), approximate=not exact, check_additivity=False)
    values = np.asarray(values)
    expected = np.atleast_1d(np.asarray(explainer.expected_value, dtype=float))
    if values.ndim == 3:  # (leads, features, classes): keep "converted"
        values = values[:, :, -1]
        expected = expected[-1:]
    return np.asarray(values @ group), float(expected[-1])


def _to_points(raw: np.ndarray, probability: np.ndarray, base: float, unit: str):
    """Percentage points per column, and the part left to calibration (see module docstring)."""
    total = raw.sum(axis=1)
    spread = np.abs(raw).sum(axis=1)
    change = probability - base
    # Proportional allocation is used when the contributions agree with the change and do not
    # mostly cancel out; otherwise it would shrink or blow up every factor of a near-average lead.
    proportional = (total * change > 0) & (np.abs(total) >= _MIN_NET_SHARE * spread)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(proportional, change / np.where(proportional, total, 1.0), 0.0)
    if unit == _LOG_ODDS:
        # What each factor alone would do to the average lead.
        start = math.log(min(max(base, 1e-6), 1 - 1e-6) / (1 - min(max(base, 1e-6), 1 - 1e-6)))
        alone = expit(start + raw) - base  # no overflow for a factor far past the average
    else:
        alone = raw
    points = np.where(proportional[:, None], raw * scale[:, None], alone) * 100
    adjustment = change * 100 - points.sum(axis=1)
    return points, adjustment


def lead_contributions(
    pipeline,
    X_raw: pd.DataFrame,
    reference: ExplainReference | None = None,
    exact: bool = False,
    forward: tuple | None = None,
    explainer=None,
    tree_values: tuple | None = None,
) -> LeadContributions:
    """Contributions of every user column to every lead's probability.

    Parameters
    ----------
    pipeline : fitted Pipeline ``[clean, encode, model]`` (model possibly calibrated)
    X_raw : DataFrame of raw leads
    reference : ExplainReference, optional
        What leads are compared with. Without it: the average of ``X_raw`` for linear models,
        and the model's own training average for tree models.
    exact : bool
        Tree models only: exact Tree SHAP instead of the fast Saabas approximation.
    forward : (cleaned, encoded, probability), optional
        The pipeline's outputs for ``X_raw`` when the caller already has them (scoring).
    explainer : optional
        From :func:`tree_explainer` (with the same ``exact``), when the caller explains many
        batches with one model.
    tree_values : (ndarray, float), optional
        Saabas contributions per user column and the expected value, from
        :func:`predict_and_explain` (the same walk that gave the probabilities).

    Returns
    -------
    LeadContributions
    """
    model = base_estimator(pipeline)
    kind = _kind(model)
    if kind is None:
        raise TypeError(f"Explanations are not available for {type(model).__name__} models.")
    cleaned, encoded, probability = forward if forward is not None else _forward(pipeline, X_raw)
    sources = _merge_indicators(feature_sources(pipeline))
    columns, group = _group_matrix(sources)
    unit = _unit(model) if kind == "tree" else _LOG_ODDS
    if kind == "linear":
        coef = np.asarray(model.coef_, dtype=float).ravel()
        if reference is None:
            mean = np.asarray(encoded.mean(axis=0)).ravel() if sparse.issparse(encoded) else _dense(encoded).mean(axis=0)
            reference = ExplainReference(float(np.mean(probability)), mean, "Average of these leads", len(X_raw))
        weighted = group.multiply(coef[:, None]).tocsr()  # features x columns, coef folded in
        matrix = encoded if sparse.issparse(encoded) else _dense(encoded)
        raw = np.asarray(matrix @ weighted) - np.asarray(reference.mean_encoded @ weighted).ravel()
        method = "linear"
    elif tree_values is not None and not exact:
        raw, expected = tree_values
    else:
        parts, expected = [], None
        if explainer is None or (exact and isinstance(explainer, SaabasExplainer)):
            explainer = tree_explainer(pipeline, exact=exact)
        for start in range(0, encoded.shape[0], _CHUNK_ROWS):
            values, expected = _tree_contributions(explainer, encoded[start : start + _CHUNK_ROWS], exact, group)
            parts.append(values)
        raw = np.vstack(parts) if parts else np.zeros((0, len(columns)))
    if kind == "tree":
        if reference is None:
            base = expected if unit == _PROBABILITY else 1 / (1 + math.exp(-expected))
            reference = ExplainReference(float(base), np.zeros(0), "Average lead", 0)
        method = "tree SHAP" if exact else "Saabas (approximate tree SHAP)"
    points, adjustment = _to_points(raw, probability, reference.base_probability, unit)
    shown = _shown_values(pipeline, X_raw, cleaned)
    return LeadContributions(
        columns, raw, points, adjustment, probability, reference.base_probability, reference.label, unit, method, shown
    )


def _sample(X_raw: pd.DataFrame, sample: int | None, random_state: int) -> pd.DataFrame:
    if sample is None or len(X_raw) <= sample:
        return X_raw
    return X_raw.sample(n=sample, random_state=random_state)


# --------------------------------------------------------------------------------------------
# Global views


def global_contributions(pipeline, X_raw: pd.DataFrame, sample: int = GLOBAL_SAMPLE, random_state: int = 0) -> LeadContributions:
    """Exact contributions on a bounded sample of leads: what the global views are drawn from.

    The Insights page shows importance, beeswarm and dependence for the same leads, and exact
    Tree SHAP on a forest takes seconds, so compute this once per model and pass it to
    :func:`global_importance`, :func:`beeswarm_data` and :func:`dependence_data` (the caller
    that owns the model keeps it; nothing is cached here).

    Parameters
    ----------
    pipeline : fitted Pipeline ``[clean, encode, model]``
    X_raw : DataFrame of raw leads (e.g. the training leads)
    sample : int
        At most this many leads are explained (bounded cost).
    random_state : int
    """
    return lead_contributions(pipeline, _sample(X_raw, sample, random_state), exact=True)


def global_importance(contributions: LeadContributions) -> pd.DataFrame:
    """How much each of the user's columns moves the scores, on average.

    Importance is the mean absolute SHAP value of the column (one-hot parts summed first).

    Parameters
    ----------
    contributions : LeadContributions
        From :func:`global_contributions`.

    Returns
    -------
    DataFrame sorted by importance, columns ``column``, ``importance`` (mean |SHAP| in the
    model's unit), ``share`` (of the total importance, 0..1) and ``unit`` ("log-odds" or
    "probability").
    """
    importance = np.abs(contributions.raw).mean(axis=0) if len(contributions.raw) else np.zeros(len(contributions.columns))
    total = importance.sum()
    table = pd.DataFrame(
        {
            "column": contributions.columns,
            "importance": importance,
            "share": importance / total if total > 0 else np.zeros_like(importance),
            "unit": contributions.unit,
        }
    )
    return table.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)


def _value_rank(values: pd.Series, shap_values: np.ndarray) -> np.ndarray:
    """0..1 for colouring: percentile of numbers; for categories, the category's average push."""
    numeric = pd.to_numeric(values, errors="coerce") if not isinstance(values.dtype, pd.CategoricalDtype) else None
    if numeric is not None and numeric.notna().mean() > 0.5 and not pd.api.types.is_bool_dtype(values):
        return numeric.rank(pct=True).fillna(0.5).to_numpy(dtype=float)
    if pd.api.types.is_bool_dtype(values):
        return values.astype(float).fillna(0.5).to_numpy()
    keys = values.astype(str).fillna("missing")
    means = pd.Series(shap_values, index=keys.index).groupby(keys.to_numpy()).mean()
    ranks = means.rank(pct=True) if len(means) > 1 else means * 0 + 0.5
    return keys.map(ranks).to_numpy(dtype=float)


def beeswarm_data(contributions: LeadContributions, columns: int | list[str] = 10) -> pd.DataFrame:
    """One point per (lead, column): how that lead's value pushes its score up or down.

    Parameters
    ----------
    contributions : LeadContributions
        From :func:`global_contributions`.
    columns : int or list of str
        The most important ``columns`` columns, or these column names.

    Returns
    -------
    DataFrame with ``column``, ``shap`` (contribution in the model's unit), ``points``
    (percentage points of probability), ``value_rank`` (0..1, for colour: low to high value, or
    for categories how much the category raises scores) and ``value`` (display text), columns
    ordered most important first.
    """
    importance = np.abs(contributions.raw).mean(axis=0)
    order = [contributions.columns[i] for i in np.argsort(-importance, kind="stable")]
    chosen = order[: int(columns)] if isinstance(columns, (int, np.integer)) else [c for c in order if c in set(columns)]
    frames = []
    for column in chosen:
        j = contributions.columns.index(column)
        values = contributions.cleaned[column] if column in contributions.cleaned else pd.Series([np.nan] * len(contributions.cleaned))
        frames.append(
            pd.DataFrame(
                {
                    "column": column,
                    "shap": contributions.raw[:, j],
                    "points": contributions.points[:, j],
                    "value_rank": _value_rank(values.reset_index(drop=True), contributions.raw[:, j]),
                    "value": display_values(values).to_numpy(),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["column", "shap", "points", "value_rank", "value"])
    return pd.concat(frames, ignore_index=True)


def dependence_data(contributions: LeadContributions, column: str) -> pd.DataFrame:
    """How the score depends on one column: its value against its contribution, per lead.

    Parameters
    ----------
    contributions : LeadContributions
        From :func:`global_contributions`.
    column : str
        One of the user's columns the model reads (see :func:`global_importance`).

    Returns
    -------
    DataFrame with ``value`` (the cleaned value: numbers stay numbers), ``value_text``,
    ``shap`` (model unit) and ``points`` (percentage points).

    Raises
    ------
    LeadScoreInputError
        When the model does not read ``column``.
    """
    if column not in contributions.columns:
        raise LeadScoreInputError(
            f"The model does not use a column called '{column}'. Choose one of: "
            f"{', '.join(map(str, contributions.columns))}."
        )
    j = contributions.columns.index(column)
    values = contributions.cleaned[column].reset_index(drop=True)
    return pd.DataFrame(
        {
            "value": values,
            "value_text": display_values(values).to_numpy(),
            "shap": contributions.raw[:, j],
            "points": contributions.points[:, j],
        }
    )


# --------------------------------------------------------------------------------------------
# Per-lead reasons


def _reason_texts(column: str, values: pd.Series, points: np.ndarray, labels: Mapping[str, str]) -> np.ndarray:
    """"Lead source is LinkedIn: +6 points" for many leads, writing each distinct (value,
    points) pair once: a million leads have only a few thousand distinct reasons."""
    value_codes, value_uniques = pd.factorize(values, use_na_sentinel=True)
    rounded = np.where(np.abs(points) >= 1, np.round(points), np.round(points, 1))
    point_codes, point_uniques = pd.factorize(rounded)
    pairs, pair_uniques = pd.factorize(value_codes.astype(np.int64) * (len(point_uniques) + 1) + point_codes)
    value_phrases = [phrase(column, v, labels) for v in value_uniques] + [phrase(column, np.nan, labels)]
    point_texts = [points_text(v) for v in point_uniques]
    width = len(point_uniques) + 1
    texts = np.array(
        [f"{value_phrases[int(p // width)]}: {point_texts[int(p % width)]}" for p in pair_uniques],
        dtype=object,
    )
    return texts[pairs]


def _labels(pipeline, labels: Mapping[str, str] | None) -> Mapping[str, str]:
    """The user's labels: given, else those saved in the model's plan."""
    if labels is not None:
        return labels
    return getattr(getattr(pipeline[0], "plan", None), "labels", None) or {}


def lead_reasons(
    pipeline,
    X_raw: pd.DataFrame,
    top: int = 3,
    reference: ExplainReference | None = None,
    exact: bool = False,
    contributions: LeadContributions | None = None,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The ``top`` factors that move each lead's probability most, in plain words.

    Each reason reads "Lead source is LinkedIn: +6 points" (percentage points of probability
    against the reference lead), in the user's labels. Factors are ordered by size, raising or
    lowering.

    Parameters
    ----------
    pipeline : fitted Pipeline
    X_raw : DataFrame of raw leads
    top : int
        Number of reasons per lead.
    reference : ExplainReference, optional
        What leads are compared with (see :func:`lead_contributions`).
    exact : bool
        Tree models: exact Tree SHAP instead of the Saabas approximation.
    contributions : LeadContributions, optional
        Already computed contributions for these leads (skips recomputing).
    labels : mapping, optional
        Column labels; default: those saved in the model's plan.

    Returns
    -------
    DataFrame with the index of ``X_raw`` and columns ``reason_1`` .. ``reason_<top>`` (empty
    text when the model reads fewer columns).
    """
    if contributions is None:
        contributions = lead_contributions(pipeline, X_raw, reference, exact)
    points = contributions.points
    n, width = points.shape
    order = np.argsort(-np.abs(points), axis=1, kind="stable")[:, :top] if width else np.zeros((n, 0), int)
    labels = _labels(pipeline, labels)
    result = {}
    cleaned = contributions.cleaned.reset_index(drop=True)
    for rank in range(top):
        texts = np.full(n, "", dtype=object)
        if rank < width:
            picks = order[:, rank]
            for j in np.unique(picks):
                rows = np.flatnonzero(picks == j)
                column = contributions.columns[j]
                values = cleaned[column].iloc[rows] if column in cleaned else pd.Series([np.nan] * len(rows))
                texts[rows] = _reason_texts(column, values, points[rows, j], labels)
        result[f"reason_{rank + 1}"] = texts
    return pd.DataFrame(result, index=X_raw.index)


def explain_lead(
    pipeline,
    X_raw_row: pd.DataFrame | pd.Series,
    top: int = 8,
    reference: ExplainReference | None = None,
    exact: bool = False,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Why one lead got its probability: factors and waterfall data.

    Parameters
    ----------
    pipeline : fitted Pipeline
    X_raw_row : one raw lead (a one-row DataFrame or a Series)
    top : int
        Columns shown one by one; the rest are summed as "Other columns".
    reference : ExplainReference, optional
        The lead to compare with; pass :func:`explain_reference` of the training leads so the
        waterfall starts at the average probability.
    exact : bool
        Tree models: exact Tree SHAP (one lead is cheap either way; the default matches
        :func:`lead_reasons` so the two never disagree).
    labels : mapping, optional
        Column labels; default: those saved in the model's plan.

    Returns
    -------
    DataFrame with one row per step: ``kind`` ("start", "factor", "adjustment", "end"),
    ``factor`` (words, e.g. "Lead Source is LinkedIn"), ``column``, ``value``, ``points``
    (percentage points; for "start"/"end" the probability in percent), ``start`` and ``end``
    (the running probability in percent before and after the step), ``reason`` (e.g.
    "Lead Source is LinkedIn: +6 points"). The first row starts at the reference probability and
    the last row ends at the lead's probability.
    """
    row = X_raw_row.to_frame().T if isinstance(X_raw_row, pd.Series) else X_raw_row
    if len(row) != 1:
        raise LeadScoreInputError("Choose exactly one lead to explain.")
    row = row.infer_objects()
    contributions = lead_contributions(pipeline, row, reference, exact)
    points = contributions.points[0]
    cleaned = contributions.cleaned.reset_index(drop=True)
    order = np.argsort(-np.abs(points), kind="stable")
    labels = _labels(pipeline, labels)
    base = contributions.base_probability * 100
    steps = [{"kind": "start", "factor": contributions.base_label, "column": "", "value": "", "points": base}]
    for j in order[:top]:
        column = contributions.columns[j]
        raw_value = cleaned[column].iloc[0] if column in cleaned else np.nan
        value = format_value(raw_value)
        steps.append({"kind": "factor", "factor": phrase(column, raw_value, labels), "column": column, "value": value, "points": points[j]})
    rest = points[order[top:]].sum() if len(order) > top else 0.0
    if len(order) > top:
        steps.append({"kind": "factor", "factor": "Other columns", "column": "", "value": "", "points": rest})
    if abs(contributions.adjustment[0]) > 1e-9:
        steps.append(
            {"kind": "adjustment", "factor": "Combined effects and calibration", "column": "", "value": "", "points": contributions.adjustment[0]}
        )
    running = base
    for step in steps:
        if step["kind"] == "start":
            step["start"], step["end"] = 0.0, base
        else:
            step["start"], step["end"] = running, running + step["points"]
            running = step["end"]
    final = contributions.probability[0] * 100
    steps.append({"kind": "end", "factor": "This lead", "column": "", "value": "", "points": final, "start": 0.0, "end": final})
    table = pd.DataFrame(steps)
    table["reason"] = [
        f"{f}: {points_text(p)}" if k in ("factor", "adjustment") else f"{f}: {p:.0f}%"
        for f, p, k in zip(table["factor"], table["points"], table["kind"])
    ]
    return table
