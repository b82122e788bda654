"""Train, validate honestly, calibrate, compare and pick the lead model.

The flow of :func:`train_lead_model`::

    known leads ──> holdout (newest ~20% when there is a date, else a stratified 20%)
                └─> training part ──> inner validation (5-fold CV on small data, else one split)
                                      ├─ compare logistic / forest / boosting by log loss
                                      └─ does calibration improve the winner's validation log loss?
                ──> winner fit on the training part (calibrated if chosen) ──> holdout metrics,
                    reliability curve, tiers, readiness verdict
                ──> learning curve: 25/50/75/100% of the training part, scored on the holdout
                ──> final model: the same recipe refit on all known leads (this one is saved)

The holdout is only ever used to *measure*: the model choice and the calibration choice are made
inside the training part, so the holdout figures are what a user can expect on future leads.

Every model is one scikit-learn ``Pipeline`` built by :func:`leadscore.clean.build_pipeline`:
``[("clean", LeadCleaner), ("encode", ...), ("model", estimator)]``. Calibration wraps only the
last step (``CalibratedClassifierCV``), so ``pipeline[:-1].transform(raw)`` still gives the
encoded features and :func:`base_estimator` unwraps the calibrator for SHAP.

Example
-------
>>> result, bundle, report = train_from_frame(read_leads("sample_data/leads.csv"))  # doctest: +SKIP
>>> report["validation"]["method"], report["model"]["kind"]                          # doctest: +SKIP
('time', 'boosting')
"""

from __future__ import annotations

import contextlib
import math
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, train_test_split
from threadpoolctl import threadpool_limits

from leadscore.errors import LeadScoreInputError
from leadscore.metrics import holdout_metrics, reliability_curve

__all__ = [
    "MODEL_KINDS",
    "TrainingResult",
    "TrainingSettings",
    "base_estimator",
    "make_estimator",
    "train_from_frame",
    "train_lead_model",
]

Progress = Callable[[str, float], None]

# Simplest first: on a near-tie the earlier one wins.
MODEL_KINDS = ("logistic", "forest", "boosting")
MODEL_NAMES = {"logistic": "logistic regression", "forest": "random forest", "boosting": "gradient boosting"}

# Below this many training leads, inner validation is 5-fold cross-validation (cheap, and one
# split would be too noisy to choose a model); above it, one split keeps training fast.
SMALL_TRAINING_ROWS = 5000
# Calibrated fits below this size use cross-validated calibration (no leads lost to a
# calibration split); above it, one calibration split avoids refitting the model k times.
CV_CALIBRATION_ROWS = SMALL_TRAINING_ROWS
# Isotonic calibration needs many leads to be smoother than a sigmoid; below this, sigmoid.
ISOTONIC_MIN_ROWS = 10000
ISOTONIC_MIN_CONVERTED = 500
# Forests above this many leads draw this many per tree, to bound time and tree size.
FOREST_MAX_SAMPLES = 100_000
# Log loss within this relative margin of the best counts as a tie (the simpler model wins).
NEAR_TIE = 0.01
# Calibration is applied only when it lowers cross-fitted validation log loss by this share.
CALIBRATION_GAIN = 0.002
LEARNING_CURVE_SHARES = (0.25, 0.5, 0.75, 1.0)
# Below this many leads, models train single-threaded (threads cost more than they save).
PARALLEL_MIN_ROWS = 20000


@dataclass(frozen=True)
class TrainingSettings:
    """The user's training choices.

    Parameters
    ----------
    model : str
        "auto" (try all three, keep the best by validation log loss), "logistic", "forest" or
        "boosting".
    holdout_share : float
        Share of known leads held out to measure the model (the newest ones when dated).
    random_state : int
        Seed for every random choice, so the same data and settings give the same model.
    """

    model: str = "auto"
    holdout_share: float = 0.2
    random_state: int = 0

    def __post_init__(self):
        if self.model not in ("auto",) + MODEL_KINDS:
            raise LeadScoreInputError(
                f"'{self.model}' is not a model LeadScore knows. Choose auto, logistic, forest or boosting."
            )
        if not 0.05 <= float(self.holdout_share) <= 0.5:
            raise LeadScoreInputError(
                f"The holdout share must be between 5% and 50% of the leads (it is {self.holdout_share:.0%})."
            )


@dataclass
class TrainingResult:
    """A trained, validated and calibrated lead model with everything learned about it.

    Attributes
    ----------
    pipeline : sklearn.pipeline.Pipeline
        The final model (refit on all known leads); ``predict_proba(raw_leads)[:, 1]``.
    kind : str
        "logistic", "forest" or "boosting".
    calibration : str
        "sigmoid", "isotonic" or "none".
    validation : dict
        ``method`` ("time" or "stratified"), ``explanation`` (a sentence), ``holdout_rows``,
        ``holdout_converted``, ``roc_auc``, ``average_precision``, ``brier``, ``log_loss``,
        ``ece``, ``lift_top_decile``, ``conversion_rate``, ``tiers`` (conversion rate per tier
        at the current thresholds, a list of dicts).
    leaderboard : list of dict
        ``{model, roc_auc, average_precision, log_loss, brier, fit_seconds, chosen}`` per model
        tried, measured on validation leads inside the training part.
    reliability : pandas.DataFrame
        ``predicted``, ``observed``, ``leads`` per probability group on the holdout.
    learning_curve : pandas.DataFrame
        ``share``, ``training_rows``, ``roc_auc``, ``log_loss``, ``brier`` on the holdout.
    learning_curve_answer : str
        Would more data help? In a sentence.
    readiness : dict
        ``verdict`` ("ready", "usable with caution", "not ready") and ``message``.
    holdout : pandas.DataFrame
        ``conversion_probability`` and ``converted`` for each held-out lead (original index).
    features_used : list of str
        The user's columns the model reads.
    notes : dict
        Sentences: ``validation``, ``calibration``, ``final_fit``.
    row_counts : dict
        ``known_rows``, ``converted``, ``not_converted``, ``set_aside`` (reason -> leads),
        ``training_rows``, ``holdout_rows``, ``final_rows``.
    settings : TrainingSettings
    """

    pipeline: object
    kind: str
    calibration: str
    validation: dict
    leaderboard: list
    reliability: pd.DataFrame
    learning_curve: pd.DataFrame
    learning_curve_answer: str
    readiness: dict
    holdout: pd.DataFrame
    features_used: list
    notes: dict = field(default_factory=dict)
    row_counts: dict = field(default_factory=dict)
    settings: TrainingSettings = field(default_factory=TrainingSettings)


# --------------------------------------------------------------------------------------------
# Models


def make_estimator(kind: str, n_rows: int, random_state: int = 0):
    """A fresh, unfitted scikit-learn classifier for one model kind, sized for ``n_rows`` leads.

    No class rebalancing (no ``class_weight``, no resampling): the probabilities must stay true
    conversion rates. Forest trees are bounded (depth 10, leaves of at least 20 leads) so that
    training stays quick and SHAP explains them in seconds.

    Parameters
    ----------
    kind : str
        "logistic", "forest" or "boosting".
    n_rows : int
        How many leads it will be fit on.
    random_state : int

    Returns
    -------
    sklearn classifier
    """
    if kind == "logistic":
        # L2-regularised; the encoder scales numbers, so one C suits every column.
        return LogisticRegression(C=1.0, max_iter=2000)
    if kind == "forest":
        max_samples = None if n_rows <= FOREST_MAX_SAMPLES else FOREST_MAX_SAMPLES / n_rows
        return RandomForestClassifier(
            n_estimators=150,
            max_depth=10,
            min_samples_leaf=20,
            # A third of the features per split: "sqrt" starves trees of the few strong columns.
            max_features=0.33,
            max_samples=max_samples,
            n_jobs=2 if n_rows >= PARALLEL_MIN_ROWS else 1,
            random_state=random_state,
        )
    if kind == "boosting":
        # Early stopping watches a random 10% of the leads; below 10k leads that slice is too
        # noisy to stop on, so a fixed, modest number of small trees is steadier.
        large = n_rows >= 10_000
        return HistGradientBoostingClassifier(
            # Plenty of leads: a faster rate reaches the same loss in half the trees.
            learning_rate=0.1 if n_rows >= PARALLEL_MIN_ROWS else 0.05,
            max_iter=1000 if large else 150,
            max_leaf_nodes=8,
            min_samples_leaf=40,
            l2_regularization=1.0,
            early_stopping=large,
            validation_fraction=0.1,
            n_iter_no_change=20,
            random_state=random_state,
        )
    raise LeadScoreInputError(f"'{kind}' is not a model LeadScore knows. Choose logistic, forest or boosting.")


def base_estimator(pipeline):
    """The fitted model inside a pipeline, with any calibration wrapper removed (for SHAP).

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
        A pipeline from :func:`train_lead_model` (last step "model").

    Returns
    -------
    The fitted LogisticRegression, RandomForestClassifier or HistGradientBoostingClassifier.
    """
    model = pipeline.steps[-1][1]
    if isinstance(model, CalibratedClassifierCV):
        model = model.calibrated_classifiers_[0].estimator
    if isinstance(model, FrozenEstimator):
        model = model.estimator
    return model


def _build(plan, kind: str, estimator):
    from leadscore.clean import build_pipeline

    return build_pipeline(plan, kind, estimator)


def _subset(X: pd.DataFrame, positions) -> pd.DataFrame:
    return X.iloc[np.asarray(positions)]


def _converted_count(y) -> int:
    return int(np.asarray(y).sum())


# --------------------------------------------------------------------------------------------
# Splits


@dataclass(frozen=True)
class _Split:
    train: np.ndarray
    holdout: np.ndarray
    method: str
    explanation: str


def _date_order(dates: pd.Series) -> np.ndarray:
    """Positions from oldest to newest; undated leads count as oldest so they train, never test."""
    values = pd.to_datetime(pd.Series(dates).reset_index(drop=True), errors="coerce")
    return values.sort_values(kind="stable", na_position="first").index.to_numpy()


def _usable_dates(dates, n: int) -> bool:
    if dates is None or len(dates) != n:
        return False
    return pd.to_datetime(pd.Series(dates), errors="coerce").notna().mean() >= 0.9


def _split_holdout(y: np.ndarray, dates, share: float, random_state: int, date_name: str | None) -> _Split:
    """Hold out the newest ``share`` of leads when dates allow, else a stratified random share."""
    n = len(y)
    n_holdout = max(1, int(math.ceil(share * n)))
    fallback_reason = ""
    if dates is not None and not _usable_dates(dates, n):
        fallback_reason = (
            f"The date column{f' {date_name!r}' if date_name else ''} is blank for more than 10% "
            "of leads, so the newest leads could not be held out reliably. "
        )
    elif dates is not None:
        order = _date_order(dates)
        train, holdout = np.sort(order[: n - n_holdout]), np.sort(order[n - n_holdout :])
        held = y[holdout]
        if held.sum() >= 5 and (len(held) - held.sum()) >= 5 and y[train].sum() >= 5:
            stamps = pd.to_datetime(pd.Series(dates).iloc[holdout], errors="coerce")
            first, last = stamps.min(), stamps.max()
            return _Split(
                train,
                holdout,
                "time",
                f"The newest {len(holdout):,} leads ({share:.0%}, {date_name or 'dated'} from "
                f"{first:%Y-%m-%d} to {last:%Y-%m-%d}) were held out and the model learned only from "
                "older leads, the way it will be used: scoring leads that come after its training "
                "data. A random split would flatter the model if buying behaviour drifts.",
            )
        fallback_reason = "The newest leads had too few conversions to measure the model on them. "
    positions = np.arange(n)
    train, holdout = train_test_split(positions, test_size=n_holdout, stratify=y, random_state=random_state)
    lead_in = "There is no date column, so a random" if dates is None else f"{fallback_reason}A random"
    return _Split(
        np.sort(train),
        np.sort(holdout),
        "stratified",
        f"{lead_in} {share:.0%} of leads ({len(holdout):,}, with the same conversion rate as the "
        "rest) were held out, and the model never saw them while learning.",
    )


def _inner_folds(y: np.ndarray, dates, random_state: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(fit, validate) position pairs inside the training part, for choosing model and calibration."""
    n = len(y)
    if n < SMALL_TRAINING_ROWS:
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=random_state)
        return [(fit, val) for fit, val in folds.split(np.zeros(n), y)]
    return [_one_split(y, dates, 0.2, random_state)]


def _one_split(y: np.ndarray, dates, share: float, random_state: int) -> tuple[np.ndarray, np.ndarray]:
    """One (fit, validate) split: the newest ``share`` when dated, else stratified."""
    n = len(y)
    n_val = max(1, int(math.ceil(share * n)))
    if dates is not None:
        order = _date_order(dates)
        fit, val = np.sort(order[: n - n_val]), np.sort(order[n - n_val :])
        if y[val].sum() >= 5 and y[fit].sum() >= 5:
            return fit, val
    fit, val = train_test_split(np.arange(n), test_size=n_val, stratify=y, random_state=random_state)
    return np.sort(fit), np.sort(val)


# --------------------------------------------------------------------------------------------
# Calibration


def _calibration_method(n_rows: int, n_converted: int) -> str:
    """Isotonic with plenty of leads (it can bend any way), else sigmoid (2 numbers, stable)."""
    if n_rows >= ISOTONIC_MIN_ROWS and n_converted >= ISOTONIC_MIN_CONVERTED:
        return "isotonic"
    return "sigmoid"


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _cross_fitted_calibration(probability: np.ndarray, y: np.ndarray, method: str, random_state: int) -> np.ndarray:
    """Calibrated probabilities where each lead's calibrator never saw that lead."""
    calibrated = np.empty_like(probability)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=random_state)
    for fit, val in folds.split(probability.reshape(-1, 1), y):
        if method == "isotonic":
            model = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(probability[fit], y[fit])
            calibrated[val] = model.predict(probability[val])
        else:
            model = LogisticRegression(C=1e6, max_iter=1000).fit(_logit(probability[fit]).reshape(-1, 1), y[fit])
            calibrated[val] = model.predict_proba(_logit(probability[val]).reshape(-1, 1))[:, 1]
    return calibrated


def _choose_calibration(probability: np.ndarray, y: np.ndarray, method: str, random_state: int) -> tuple[str, str]:
    """Decide on validation predictions (never the holdout) whether calibrating helps."""
    raw = holdout_metrics(y, probability)
    if y.sum() < 10 or (len(y) - y.sum()) < 10:
        return "none", "Calibration was not tried: too few validation leads of each outcome."
    after = holdout_metrics(y, _cross_fitted_calibration(probability, y, method, random_state))
    figures = (
        f"log loss {raw['log_loss']:.4f} -> {after['log_loss']:.4f}, "
        f"calibration error {raw['ece']:.1%} -> {after['ece']:.1%}"
    )
    if after["log_loss"] < raw["log_loss"] * (1 - CALIBRATION_GAIN):
        return method, (
            f"{method.capitalize()} calibration was tested on validation leads inside the training "
            f"part (never the holdout), each calibrated by a calibrator that had not seen it: "
            f"{figures}. It helped, so it is applied."
        )
    return "none", (
        f"{method.capitalize()} calibration was tested on validation leads inside the training part "
        f"(never the holdout): {figures}. It did not help, so the model's own probabilities are used."
    )


def _fit_recipe(X: pd.DataFrame, y: np.ndarray, dates, plan, kind: str, calibration: str, random_state: int):
    """Fit one model the way the final model is fit: plain, or calibrated on unseen leads."""
    n = len(y)
    if calibration == "none":
        return _build(plan, kind, make_estimator(kind, n, random_state)).fit(X, y)
    if n < CV_CALIBRATION_ROWS:
        # ensemble=False: one model on all leads plus one calibrator fit on out-of-fold
        # predictions, so base_estimator() has a single model for SHAP to explain.
        calibrated = CalibratedClassifierCV(
            make_estimator(kind, int(n * 2 / 3), random_state),
            method=calibration,
            cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=random_state),
            ensemble=False,
        )
        return _build(plan, kind, calibrated).fit(X, y)
    fit, cal = _one_split(y, dates, 0.2, random_state)
    dates_fit = None if dates is None else pd.Series(dates).iloc[fit]
    pipeline = _fit_recipe(_subset(X, fit), y[fit], dates_fit, plan, kind, "none", random_state)
    return _calibrate_fitted(pipeline, _subset(X, cal), y[cal], calibration)


def _calibrate_fitted(pipeline, X_cal: pd.DataFrame, y_cal: np.ndarray, calibration: str):
    """Wrap a fitted pipeline's last step in a calibrator fit on leads the model did not see."""
    encoded = pipeline[:-1].transform(X_cal)
    calibrator = CalibratedClassifierCV(FrozenEstimator(pipeline.steps[-1][1]), method=calibration)
    calibrator.fit(encoded, y_cal)
    pipeline.steps[-1] = ("model", calibrator)
    return pipeline


# --------------------------------------------------------------------------------------------
# Verdicts in words


def _readiness(metrics: dict, holdout_converted: int, known_converted: int) -> dict:
    """A careful analyst's verdict on the holdout figures: ready / usable with caution / not ready."""
    auc, ece, lift = metrics["roc_auc"], metrics["ece"], metrics["lift_top_decile"]
    if auc is None or (isinstance(auc, float) and math.isnan(auc)) or holdout_converted < 10:
        return {
            "verdict": "not ready",
            "message": (
                f"Only {holdout_converted} of the held-out leads converted, too few to tell whether "
                "the model works. Collect more leads with a known outcome (at least a few hundred "
                "conversions) and train again before relying on the scores."
            ),
        }
    summary = (
        f"On {metrics['rows']:,} held-out leads it had not seen, ROC AUC was {auc:.2f}, "
        f"the top 10% converted at {lift:.1f}x the average rate, and predicted probabilities "
        f"were off by {ece:.1%} on average."
    )
    if auc < 0.60 or lift < 1.3:
        return {
            "verdict": "not ready",
            "message": (
                f"{summary} That is barely better than picking leads at random. Don't prioritise "
                "with these scores yet: add columns that describe each lead's interest (source, "
                "pages viewed, budget, timeline...) or collect more outcomes, then train again."
            ),
        }
    cautions = []
    if auc < 0.70:
        cautions.append("it separates converters from the rest only moderately")
    if ece > 0.05:
        cautions.append("its probabilities are noticeably off, so tier rates are approximate")
    if holdout_converted < 50:
        cautions.append(f"only {holdout_converted} held-out leads converted, so these figures are rough")
    if known_converted < 200:
        cautions.append(f"it learned from only {known_converted} conversions")
    if cautions:
        return {
            "verdict": "usable with caution",
            "message": (
                f"{summary} Use it to order your call list, but " + "; ".join(cautions)
                + ". Check its tiers against real results after a few weeks and retrain as outcomes come in."
            ),
        }
    return {
        "verdict": "ready",
        "message": (
            f"{summary} Use the tiers to decide whom to call first, and retrain every few months so "
            "it keeps up with your newest leads."
        ),
    }


def _learning_curve_answer(curve: pd.DataFrame) -> str:
    """Would more data help? From the last step of the learning curve."""
    scores = curve.dropna(subset=["roc_auc"])
    if len(scores) < 2:
        return "Not enough held-out conversions to tell whether more leads would help."
    last, before, first = scores.iloc[-1], scores.iloc[-2], scores.iloc[0]
    gain = last["roc_auc"] - before["roc_auc"]
    total = last["roc_auc"] - first["roc_auc"]
    if gain >= 0.01:
        return (
            f"Probably yes: going from {int(before['training_rows']):,} to {int(last['training_rows']):,} "
            f"training leads raised ROC AUC by {gain:.3f}, and it is still climbing. Keep recording "
            "outcomes and retrain when you have more."
        )
    if gain <= 0.003 and total <= 0.02:
        return (
            f"Probably not much: ROC AUC hardly changed from {int(first['training_rows']):,} to "
            f"{int(last['training_rows']):,} training leads ({first['roc_auc']:.3f} to {last['roc_auc']:.3f}). "
            "New information about each lead (more columns) would help more than more rows."
        )
    return (
        f"A little: ROC AUC went from {first['roc_auc']:.3f} with {int(first['training_rows']):,} to "
        f"{last['roc_auc']:.3f} with {int(last['training_rows']):,} training leads and is leveling "
        "off. More leads will help slowly; more informative columns may help more."
    )


# --------------------------------------------------------------------------------------------
# Training


class _Steps:
    """Turns finished units of work into ``progress(message, fraction)`` calls."""

    def __init__(self, progress: Progress | None, total: int):
        self.progress, self.total, self.done = progress, max(total, 1), 0

    def __call__(self, message: str, units: int = 1) -> None:
        if self.progress is not None:
            self.progress(message, min(self.done / self.total, 0.99))
        self.done += units

    def finish(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message, 1.0)


def _check_rows(X: pd.DataFrame, y: np.ndarray) -> None:
    converted = _converted_count(y)
    not_converted = len(y) - converted
    if converted < 10 or not_converted < 10:
        raise LeadScoreInputError(
            f"There are {converted} converted and {not_converted} not-converted leads with a known "
            "outcome; LeadScore needs at least 10 of each (and ideally a few hundred conversions) "
            "to learn anything. Add more past leads with their outcome, or check the outcome mapping."
        )
    if X.shape[1] == 0:
        raise LeadScoreInputError(
            "No columns are left to learn from after cleaning. Keep at least one column that "
            "describes the leads (for example their source or pages viewed)."
        )


def _predict(pipeline, X: pd.DataFrame) -> np.ndarray:
    return pipeline.predict_proba(X)[:, 1]


def train_lead_model(rows, plan, settings: TrainingSettings | None = None, progress: Progress | None = None,
                     *, policy=None) -> TrainingResult:
    """Train, validate, calibrate and compare lead models; return the final one and its report.

    Parameters
    ----------
    rows : leadscore.clean.TrainingRows
        ``X`` (raw leads with a known outcome), ``y`` (1 converted / 0 not), ``dates`` (the
        plan's date column for each lead, or None), ``report``.
    plan : leadscore.clean.CleaningPlan
        Builds the pipelines (cleaning, encoding).
    settings : TrainingSettings, optional
    progress : callable(message: str, fraction: float), optional
        Called at each step, model and fold, for a progress bar.
    policy : TierPolicy, optional
        Thresholds for the per-tier conversion rates on the holdout (default 70/40/15%).

    Returns
    -------
    TrainingResult

    Raises
    ------
    LeadScoreInputError
        When there are too few leads of either outcome, or no columns to learn from.
    """
    from leadscore.tiers import TierPolicy

    settings = settings or TrainingSettings()
    policy = policy or TierPolicy()
    # On small data, threads cost more than they save (and OpenMP threads stall badly on a busy
    # machine), so boosting runs single-threaded; forests size n_jobs themselves.
    single_thread = len(rows.y) < PARALLEL_MIN_ROWS
    with threadpool_limits(limits=1, user_api="openmp") if single_thread else contextlib.nullcontext():
        return _train(rows, plan, settings, progress, policy)


def _train(rows, plan, settings: TrainingSettings, progress: Progress | None, policy) -> TrainingResult:
    from leadscore.tiers import tier_table

    seed = settings.random_state
    X = rows.X.reset_index(drop=True) if isinstance(rows.X, pd.DataFrame) else pd.DataFrame(rows.X)
    original_index = rows.X.index
    y = np.asarray(rows.y, dtype=int)
    dates = None if rows.dates is None else pd.Series(rows.dates).reset_index(drop=True)
    _check_rows(X, y)

    split = _split_holdout(y, dates, settings.holdout_share, seed, getattr(plan, "date_column", None))
    X_train, y_train = _subset(X, split.train), y[split.train]
    X_hold, y_hold = _subset(X, split.holdout), y[split.holdout]
    time_ordered = split.method == "time"
    # Inner splits follow the holdout: newest-last when the holdout was by time, else stratified.
    if not time_ordered:
        dates = None
    dates_train = None if dates is None else dates.iloc[split.train].reset_index(drop=True)

    kinds = MODEL_KINDS if settings.model == "auto" else (settings.model,)
    folds = _inner_folds(y_train, dates_train, seed)
    steps = _Steps(progress, total=len(kinds) * len(folds) + 2 + 3 + 1)
    steps("Splitting leads into training and held-out parts", 0)

    # 1. Compare models on validation leads inside the training part.
    leaderboard, oof, fitted_on_inner = [], {}, {}
    for kind in kinds:
        predicted = np.full(len(y_train), np.nan)
        seconds = []
        for number, (fit, val) in enumerate(folds, start=1):
            where = f" (fold {number} of {len(folds)})" if len(folds) > 1 else ""
            steps(f"Training {MODEL_NAMES[kind]}{where}")
            started = time.perf_counter()
            pipeline = _build(plan, kind, make_estimator(kind, len(fit), seed)).fit(_subset(X_train, fit), y_train[fit])
            seconds.append(time.perf_counter() - started)
            predicted[val] = _predict(pipeline, _subset(X_train, val))
            if len(folds) == 1:
                fitted_on_inner[kind] = pipeline
        validated = ~np.isnan(predicted)
        oof[kind] = (predicted[validated], y_train[validated])
        scores = holdout_metrics(y_train[validated], predicted[validated])
        leaderboard.append(
            {
                "model": kind,
                "roc_auc": scores["roc_auc"],
                "average_precision": scores["average_precision"],
                "log_loss": scores["log_loss"],
                "brier": scores["brier"],
                "fit_seconds": float(np.mean(seconds)),
                "chosen": False,
            }
        )
    best_loss = min(entry["log_loss"] for entry in leaderboard)
    # MODEL_KINDS order is simplest first, so the first near-tie is the simplest good model.
    chosen = next(e for e in leaderboard if e["log_loss"] <= best_loss * (1 + NEAR_TIE))
    chosen["chosen"] = True
    kind = chosen["model"]

    # 2. Calibrate only if it helps on the same validation leads.
    steps(f"Checking calibration of the {MODEL_NAMES[kind]}")
    method = _calibration_method(len(y_train), _converted_count(y_train))
    calibration, calibration_note = _choose_calibration(*oof[kind], method, seed)
    if calibration != "none":
        calibration_note += (
            " The calibrator learns from cross-validated predictions (3 folds), and the model itself "
            "from all leads." if len(y) < CV_CALIBRATION_ROWS else
            f" The calibrator learns from {'the newest' if time_ordered else 'a random'} 20% of the "
            "leads, which the model itself does not learn from."
        )

    # 3. Measure the chosen recipe on the holdout.
    steps(f"Measuring the {MODEL_NAMES[kind]} on {len(y_hold):,} held-out leads")
    if kind in fitted_on_inner and calibration != "none" and len(y_train) >= CV_CALIBRATION_ROWS:
        # Exactly what _fit_recipe does on the training part (same split, same seed), minus a refit.
        fit, val = folds[0]
        holdout_model = _calibrate_fitted(fitted_on_inner[kind], _subset(X_train, val), y_train[val], calibration)
    else:
        holdout_model = _fit_recipe(X_train, y_train, dates_train, plan, kind, calibration, seed)
    p_hold = _predict(holdout_model, X_hold)
    metrics = holdout_metrics(y_hold, p_hold)
    tiers = tier_table(p_hold, policy, y_hold)[["tier", "range", "leads", "converted", "conversion_rate", "expected_conversions"]]

    # 4. Learning curve: would more data help?
    curve_rows = []
    order = np.random.default_rng(seed).permutation(len(y_train))
    for share in LEARNING_CURVE_SHARES:
        if share == 1.0:
            p = p_hold
            used = len(y_train)
        else:
            steps(f"Learning curve: {share:.0%} of the training leads")
            used = int(len(y_train) * share)
            subset = np.sort(order[:used])
            if y_train[subset].sum() < 5 or (used - y_train[subset].sum()) < 5:
                continue
            dates_subset = None if dates_train is None else dates_train.iloc[subset].reset_index(drop=True)
            model = _fit_recipe(_subset(X_train, subset), y_train[subset], dates_subset, plan, kind, calibration, seed)
            p = _predict(model, X_hold)
        point = holdout_metrics(y_hold, p)
        curve_rows.append(
            {"share": share, "training_rows": used, "roc_auc": point["roc_auc"], "log_loss": point["log_loss"], "brier": point["brier"]}
        )
    learning_curve = pd.DataFrame(curve_rows)

    # 5. The saved model: same recipe, all known leads.
    steps(f"Training the final {MODEL_NAMES[kind]} on all {len(y):,} known leads")
    final = _fit_recipe(X, y, dates, plan, kind, calibration, seed)
    steps.finish("Training finished")

    converted = _converted_count(y)
    validation = {
        "method": split.method,
        "explanation": split.explanation,
        "holdout_rows": int(len(y_hold)),
        "holdout_converted": _converted_count(y_hold),
        **{k: metrics[k] for k in ("roc_auc", "average_precision", "brier", "log_loss", "ece", "lift_top_decile", "conversion_rate")},
        "tiers": tiers.to_dict(orient="records"),
    }
    final_fit = (
        f"After validation the same recipe ({MODEL_NAMES[kind]}, calibration: {calibration}) was "
        f"trained again on all {len(y):,} leads with a known outcome, including the held-out ones; "
        "that model is the one saved. The holdout figures describe the recipe trained on the "
        f"{'older ' if time_ordered else ''}{len(y_train):,} training leads."
    )
    selection = (
        f"Models were compared on {'5-fold cross-validation' if len(folds) > 1 else 'the newest 20%' if time_ordered else 'a random 20%'} "
        f"of the {len(y_train):,} training leads by log loss (lower is better); near-ties go to the simpler model."
    )
    set_aside = {str(k): int(v) for k, v in ((getattr(rows, "report", None) or {}).get("set_aside") or {}).items()}
    schema = final.named_steps["clean"].input_schema()
    return TrainingResult(
        pipeline=final,
        kind=kind,
        calibration=calibration,
        validation=validation,
        leaderboard=leaderboard,
        reliability=reliability_curve(y_hold, p_hold),
        learning_curve=learning_curve,
        learning_curve_answer=_learning_curve_answer(learning_curve),
        readiness=_readiness(metrics, _converted_count(y_hold), converted),
        holdout=pd.DataFrame(
            {"conversion_probability": p_hold, "converted": y_hold}, index=original_index[split.holdout]
        ),
        features_used=[column["name"] for column in schema],
        notes={
            "validation": f"{split.explanation} {selection}",
            "calibration": calibration_note,
            "final_fit": final_fit,
        },
        row_counts={
            "known_rows": int(len(y)),
            "converted": converted,
            "not_converted": int(len(y) - converted),
            "set_aside": set_aside,
            "training_rows": int(len(y_train)),
            "holdout_rows": int(len(y_hold)),
            "final_rows": int(len(y)),
        },
        settings=settings,
    )


# --------------------------------------------------------------------------------------------
# One call for the command line


def train_from_frame(
    df: pd.DataFrame,
    *,
    target: str | None = None,
    model: str = "auto",
    date_column: str | None = None,
    exclude=(),
    keep=(),
    progress: Progress | None = None,
):
    """Inspect, plan, select rows, train and bundle a lead table in one call (``leadscore train``).

    Parameters
    ----------
    df : pandas.DataFrame
        Past leads as read by :func:`leadscore.read.read_leads`.
    target : str, optional
        The outcome column; found automatically when left out.
    model : str
        "auto", "logistic", "forest" or "boosting".
    date_column : str, optional
        When each lead arrived (for holding out the newest leads); found automatically when
        left out.
    exclude, keep : iterable of str
        Columns to leave out, or to use although LeadScore would leave them out.
    progress : callable(message: str, fraction: float), optional

    Returns
    -------
    (TrainingResult, ModelBundle, dict)
        The report holds everything ``inspect_leads(...).to_dict()`` has, plus ``model``
        (``kind``, ``calibration``), ``validation``, ``leaderboard``, ``features_used``,
        ``readiness``, ``learning_curve``, ``notes``, ``row_counts``, as JSON-native values.

    Raises
    ------
    LeadScoreInputError
        When the outcome needs the user's choice, a named column does not exist, or there is
        too little to learn from.
    """
    from leadscore.bundle import _jsonable, bundle_from_training
    from leadscore.clean import select_training_rows, suggest_cleaning_plan
    from leadscore.inspect import inspect_leads
    from leadscore.tiers import TierPolicy

    settings = TrainingSettings(model=model)
    for column in (*exclude, *keep, *([date_column] if date_column else [])):
        if column not in df.columns:
            raise LeadScoreInputError(
                f"There is no column '{column}' in this file. Check the spelling; the columns are: "
                f"{', '.join(map(str, df.columns))}."
            )
    if progress is not None:
        progress("Inspecting the leads", 0.0)
    inspection = inspect_leads(df, target=target, date_column=date_column)
    if inspection.mapping is None:
        raise LeadScoreInputError(
            f"{inspection.outcome.question} Answer it in the app, or name the outcome column with "
            "--target after making its values clear (e.g. yes / no)."
        )
    plan = suggest_cleaning_plan(
        df, inspection.mapping, inspection.profiles, inspection.leakage_suspects, date_column=date_column
    )
    if exclude or keep:
        plan = plan.with_overrides(exclude=tuple(exclude), keep=tuple(keep))
    rows = select_training_rows(df, plan)

    def training_progress(message: str, fraction: float) -> None:
        # Inspection took the first few percent of the bar.
        progress(message, 0.05 + 0.95 * fraction)

    policy = TierPolicy()
    result = train_lead_model(rows, plan, settings, training_progress if progress else None, policy=policy)
    bundle = bundle_from_training(result, plan, policy, rows)
    report = inspection.to_dict()
    report.update(
        _jsonable(
            {
                "model": {"kind": result.kind, "calibration": result.calibration},
                "validation": result.validation,
                "leaderboard": result.leaderboard,
                "features_used": result.features_used,
                "readiness": result.readiness,
                "learning_curve": result.learning_curve,
                "learning_curve_answer": result.learning_curve_answer,
                "notes": result.notes,
                "row_counts": bundle.row_counts,
                "excluded_columns": plan.excluded,
                "date_column": plan.date_column,
            }
        )
    )
    return result, bundle, report
