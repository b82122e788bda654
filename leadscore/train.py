"""Train, validate honestly, calibrate, compare and pick the lead model.

The flow of :func:`train_lead_model`::

    known leads ──> holdout (newest ~20% when there is a date, else a stratified 20%)
                └─> training part ──> inner validation (5-fold CV on small data, else one split)
                                      ├─ compare logistic / forest / boosting by log loss
                                      └─ does calibration improve the winner's validation log loss?
                ──> winner fit on the training part (calibrated if chosen) ──> holdout metrics,
                    reliability curve, readiness verdict
                ──> the same recipe without the columns the guard warned about (when any are
                    kept): the honest range
                ──> learning curve: 25/50/75/100% of the training part, scored on the holdout
                ──> final model: the same recipe refit on all known leads (this one is saved)

The holdout is only ever used to *measure* (see :mod:`leadscore.splits`), so the holdout figures
are what a user can expect on future leads.

Example
-------
>>> result = train_lead_model(select_training_rows(leads, plan), plan)   # doctest: +SKIP
>>> result.validation["method"], result.kind                             # doctest: +SKIP
('time', 'boosting')
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from leadscore.calibration import calibrate_fitted, calibration_method, choose_calibration
from leadscore.errors import LeadScoreInputError
from leadscore.estimators import MODEL_KINDS, MODEL_NAMES, PARALLEL_MIN_ROWS, make_estimator
from leadscore.leakage import single_column_auc
from leadscore.metrics import holdout_metrics, reliability_curve
from leadscore.pipeline import build_pipeline
from leadscore.readiness import SUSPICIOUS_AUC, honest_range_sentence, judge_readiness, learning_curve_answer
from leadscore.rows import TrainingRows
from leadscore.splits import SMALL_TRAINING_ROWS, inner_folds, one_split, split_holdout

__all__ = ["TrainingResult", "TrainingSettings", "train_lead_model", "MODEL_CHOICES"]

Progress = Callable[[str, float], None]

# The user's choice -> TrainingSettings.model, in the words the app shows.
MODEL_CHOICES: dict[str, str] = {
    "Automatic (try each, keep the best)": "auto",
    "Logistic regression (simple, fast)": "logistic",
    "Random forest": "forest",
    "Gradient boosting": "boosting",
}
# Calibrated fits below this size use cross-validated calibration (no leads lost to a
# calibration split); above it, one calibration split avoids refitting the model k times.
CV_CALIBRATION_ROWS = SMALL_TRAINING_ROWS
# Log loss within this relative margin of the best counts as a tie (the simpler model wins).
NEAR_TIE = 0.01
LEARNING_CURVE_SHARES = (0.25, 0.5, 0.75, 1.0)


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

    def to_dict(self) -> dict:
        return {"model": self.model, "holdout_share": self.holdout_share, "random_state": self.random_state}


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
        ``ece``, ``lift_top_decile``, ``conversion_rate``, and ``without_warned`` (None, or
        ``roc_auc``, ``average_precision``, ``lift_top_decile``, ``ece``, ``columns``,
        ``sentence``: the same recipe without the columns the leakage guard warned about).
    leaderboard : list of dict
        ``{model, roc_auc, average_precision, log_loss, brier, lift_top_decile, ece, fit_seconds, chosen}`` per model
        tried, measured on validation leads inside the training part.
    reliability : pandas.DataFrame
        ``predicted``, ``observed``, ``leads`` per probability group on the holdout.
    learning_curve : pandas.DataFrame
        ``share``, ``training_rows``, ``roc_auc``, ``log_loss``, ``brier`` on the holdout.
    learning_curve_answer : str
        Would more data help? In a sentence.
    readiness : dict
        ``verdict`` ("ready", "usable with caution", "not ready", "suspicious"), ``message``,
        ``rests_on``.
    holdout : pandas.DataFrame
        ``conversion_probability``, ``converted`` and ``lead`` (its row in the file) for each
        held-out lead, indexed by its position in the training rows.
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
# Fitting one recipe


def _subset(X: pd.DataFrame, positions) -> pd.DataFrame:
    return X.iloc[np.asarray(positions)]


def _predict(pipeline, X: pd.DataFrame) -> np.ndarray:
    return pipeline.predict_proba(X)[:, 1]


def _fit_recipe(X: pd.DataFrame, y: np.ndarray, dates, plan, kind: str, calibration: str, random_state: int):
    """Fit one model the way the final model is fit: plain, or calibrated on unseen leads."""
    n = len(y)
    if calibration == "none":
        return build_pipeline(plan, kind, make_estimator(kind, n, random_state)).fit(X, y)
    if n < CV_CALIBRATION_ROWS:
        # ensemble=False: one model on all leads plus one calibrator fit on out-of-fold
        # predictions, so base_estimator() has a single model for SHAP to explain.
        calibrated = CalibratedClassifierCV(
            make_estimator(kind, int(n * 2 / 3), random_state),
            method=calibration,
            cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=random_state),
            ensemble=False,
        )
        return build_pipeline(plan, kind, calibrated).fit(X, y)
    fit, cal = one_split(y, dates, 0.2, random_state)
    dates_fit = None if dates is None else pd.Series(dates).iloc[fit]
    pipeline = _fit_recipe(_subset(X, fit), y[fit], dates_fit, plan, kind, "none", random_state)
    return calibrate_fitted(pipeline, _subset(X, cal), y[cal], calibration)


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
    converted = int(y.sum())
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


# --------------------------------------------------------------------------------------------
# Training


def train_lead_model(
    rows: TrainingRows, plan, settings: TrainingSettings | None = None, progress: Progress | None = None
) -> TrainingResult:
    """Train, validate, calibrate and compare lead models; return the final one and its report.

    Parameters
    ----------
    rows : TrainingRows
        ``X`` (raw leads with a known outcome), ``y`` (1 converted / 0 not), ``dates`` (the
        plan's date column for each lead, or None), ``report``.
    plan : CleaningPlan
        Builds the pipelines (cleaning, encoding); its ``warned`` columns get the honest range.
    settings : TrainingSettings, optional
    progress : callable(message: str, fraction: float), optional
        Called at each step, model and fold, for a progress bar.

    Returns
    -------
    TrainingResult

    Raises
    ------
    LeadScoreInputError
        When there are too few leads of either outcome, or no columns to learn from.
    """
    settings = settings or TrainingSettings()
    # On small data, threads cost more than they save (OpenMP and BLAS threads stall badly on a
    # busy machine: 1,500 leads, logistic, 2 busy cores: 8.6 s with BLAS threads, 2.1 s without),
    # so boosting and the calibrators' solvers run single-threaded; forests size n_jobs themselves.
    single_thread = len(rows.y) < PARALLEL_MIN_ROWS
    with threadpool_limits(limits=1) if single_thread else contextlib.nullcontext():
        return _train(rows, plan, settings, progress)


def _compare(plan, kinds, folds, X_train, y_train, seed, steps) -> tuple[list, dict]:
    """Each kind fitted on each inner fold: the leaderboard, and the fitted fold models."""
    leaderboard, fold_models = [], {}
    for kind in kinds:
        predicted = np.full(len(y_train), np.nan)
        seconds, fold_models[kind] = [], []
        for number, (fit, val) in enumerate(folds, start=1):
            where = f" (fold {number} of {len(folds)})" if len(folds) > 1 else ""
            steps(f"Training {MODEL_NAMES[kind]}{where}")
            started = time.perf_counter()
            pipeline = build_pipeline(plan, kind, make_estimator(kind, len(fit), seed)).fit(_subset(X_train, fit), y_train[fit])
            seconds.append(time.perf_counter() - started)
            predicted[val] = _predict(pipeline, _subset(X_train, val))
            fold_models[kind].append(pipeline)
        validated = ~np.isnan(predicted)
        scores = holdout_metrics(y_train[validated], predicted[validated])
        leaderboard.append(
            {
                "model": kind,
                "roc_auc": scores["roc_auc"],
                "average_precision": scores["average_precision"],
                "log_loss": scores["log_loss"],
                "brier": scores["brier"],
                "lift_top_decile": scores["lift_top_decile"],
                "ece": scores["ece"],
                "fit_seconds": float(np.mean(seconds)),
                "chosen": False,
            }
        )
    best_loss = min(entry["log_loss"] for entry in leaderboard)
    # MODEL_KINDS order is simplest first, so the first near-tie is the simplest good model.
    chosen = next(e for e in leaderboard if e["log_loss"] <= best_loss * (1 + NEAR_TIE))
    chosen["chosen"] = True
    return leaderboard, fold_models


def _without_warned(plan, X_train, y_train, dates_train, X_hold, y_hold, kind, calibration, seed) -> dict | None:
    """The same recipe without the kept columns the guard warned about: the honest range."""
    warned = [c for c in getattr(plan, "warned", {}) if c in plan.used_columns]
    if not warned:
        return None
    honest_plan = plan.with_overrides(exclude=warned)
    if not honest_plan.used_columns:
        return None
    model = _fit_recipe(X_train, y_train, dates_train, honest_plan, kind, calibration, seed)
    metrics = holdout_metrics(y_hold, _predict(model, X_hold))
    return {key: metrics[key] for key in ("roc_auc", "average_precision", "lift_top_decile", "ece")} | {"columns": warned}


def _doing_the_work(plan, X: pd.DataFrame, y: np.ndarray, top: int = 3) -> list[str]:
    """The used columns that alone predict the outcome best (named when a figure is suspicious)."""
    kinds = getattr(plan, "column_kinds", {}) or {}
    scores = {}
    for column in plan.used_columns:
        if column in X.columns:
            kind = {"number": "number", "date": "date"}.get(kinds.get(column), "category")
            scores[column] = single_column_auc(X[column], y, kind)
    return [c for c, _ in sorted(scores.items(), key=lambda item: -item[1])[:top]]


def _train(rows, plan, settings: TrainingSettings, progress: Progress | None) -> TrainingResult:
    seed = settings.random_state
    X = rows.X.reset_index(drop=True) if isinstance(rows.X, pd.DataFrame) else pd.DataFrame(rows.X)
    original_index = rows.X.index
    source_rows = np.asarray(original_index if getattr(rows, "source_rows", None) is None else rows.source_rows)
    y = np.asarray(rows.y, dtype=int)
    dates = None if rows.dates is None else pd.Series(rows.dates).reset_index(drop=True)
    _check_rows(X, y)

    split = split_holdout(y, dates, settings.holdout_share, seed, getattr(plan, "date_column", None))
    X_train, y_train = _subset(X, split.train), y[split.train]
    X_hold, y_hold = _subset(X, split.holdout), y[split.holdout]
    time_ordered = split.method == "time"
    # Inner splits follow the holdout: newest-last when the holdout was by time, else stratified.
    if not time_ordered:
        dates = None
    dates_train = None if dates is None else dates.iloc[split.train].reset_index(drop=True)

    kinds = MODEL_KINDS if settings.model == "auto" else (settings.model,)
    folds = inner_folds(y_train, dates_train, seed)
    honest_fits = int(any(c in plan.used_columns for c in getattr(plan, "warned", {})))
    steps = _Steps(progress, total=len(kinds) * len(folds) + 2 + honest_fits + 3 + 1)
    steps("Splitting leads into training and held-out parts", 0)

    # 1. Compare models on validation leads inside the training part.
    leaderboard, fold_models = _compare(plan, kinds, folds, X_train, y_train, seed, steps)
    kind = next(entry["model"] for entry in leaderboard if entry["chosen"])

    # 2. Calibrate only if it helps on the same validation leads.
    steps(f"Checking calibration of the {MODEL_NAMES[kind]}")
    method = calibration_method(len(y_train), int(y_train.sum()))
    calibration, calibration_note = choose_calibration(fold_models[kind], X_train, y_train, folds, method, seed)
    if calibration != "none":
        calibration_note += (
            " The calibrator learns from cross-validated predictions (3 folds), and the model itself "
            "from all leads." if len(y) < CV_CALIBRATION_ROWS else
            f" The calibrator learns from {'the newest' if time_ordered else 'a random'} 20% of the "
            "leads, which the model itself does not learn from."
        )

    # 3. Measure the chosen recipe on the holdout.
    steps(f"Measuring the {MODEL_NAMES[kind]} on {len(y_hold):,} held-out leads")
    if len(folds) == 1 and calibration != "none" and len(y_train) >= CV_CALIBRATION_ROWS:
        # Exactly what _fit_recipe does on the training part (same split, same seed), minus a refit.
        fit, val = folds[0]
        holdout_model = calibrate_fitted(fold_models[kind][0], _subset(X_train, val), y_train[val], calibration)
    else:
        holdout_model = _fit_recipe(X_train, y_train, dates_train, plan, kind, calibration, seed)
    p_hold = _predict(holdout_model, X_hold)
    metrics = holdout_metrics(y_hold, p_hold)
    del fold_models

    # 4. The honest range: without the columns the guard warned about.
    without_warned = None
    if honest_fits:
        steps("Measuring the model without the columns LeadScore warned about")
        without_warned = _without_warned(plan, X_train, y_train, dates_train, X_hold, y_hold, kind, calibration, seed)
        if without_warned is not None:
            without_warned["sentence"] = honest_range_sentence(metrics["roc_auc"], without_warned)

    # 5. Learning curve: would more data help?
    curve_rows = []
    order = np.random.default_rng(seed).permutation(len(y_train))
    for share in LEARNING_CURVE_SHARES:
        if share == 1.0:
            p, used = p_hold, len(y_train)
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

    # 6. The saved model: same recipe, all known leads.
    steps(f"Training the final {MODEL_NAMES[kind]} on all {len(y):,} known leads")
    final = _fit_recipe(X, y, dates, plan, kind, calibration, seed)
    steps.finish("Training finished")

    converted = int(y.sum())
    validation = {
        "method": split.method,
        "explanation": split.explanation,
        "holdout_rows": int(len(y_hold)),
        "holdout_converted": int(y_hold.sum()),
        **{k: metrics[k] for k in ("roc_auc", "average_precision", "brier", "log_loss", "ece", "lift_top_decile", "conversion_rate")},
        "without_warned": without_warned,
    }
    suspicious = metrics["roc_auc"] == metrics["roc_auc"] and metrics["roc_auc"] >= SUSPICIOUS_AUC
    readiness = judge_readiness(
        metrics,
        int(y_hold.sum()),
        converted,
        without_warned=without_warned,
        doing_the_work=_doing_the_work(plan, X_train, y_train) if suspicious else (),
    )
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
        learning_curve_answer=learning_curve_answer(learning_curve),
        readiness=readiness,
        holdout=pd.DataFrame(
            {
                "conversion_probability": p_hold,
                "converted": y_hold,
                # The lead's row in the file, to compare versions on the same held-out leads.
                "lead": source_rows[split.holdout],
            },
            index=original_index[split.holdout],
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
