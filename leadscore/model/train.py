"""Train, validate honestly, calibrate, compare and pick the lead model.

The flow of :func:`train_lead_model`::

    known leads ──> holdout (newest ~20% when there is a date, else a stratified 20%)
                └─> training part ──> inner validation (5-fold CV on small data, else one split)
                                      ├─ compare logistic / forest / boosting by log loss
                                      └─ does calibration improve the winner's validation log loss?
                ──> winner trained on the training part (calibrated if chosen) ──> holdout
                    metrics, reliability curve, readiness verdict
                ──> the same recipe without the flagged columns the user kept (when any are
                    kept): the honest range
                ──> learning curve: the recipe on growing shares of the training part, scored
                    on the holdout
                ──> final model: the same recipe refit on all known leads (this one is saved)

The holdout is only ever used to *measure* (see :mod:`leadscore.model.splits`), so the holdout figures
are what a user can expect on future leads. Copies of a lead (same ID, or the same values in every
column the model reads) stay on one side of every split: holdout, inner folds, calibration.

What is fitted, so that training costs a small multiple of one fit:

- under 5,000 training leads (cross-validation): every kind on each of 5 folds; the winner on
  the training part (holdout), on 25/50/75% of it (learning curve) and on all leads (final);
- from 5,000 (one split: the older 80% of the training part fit, the newest 20% validate): fits
  on a random quarter, half and all of the fitting leads (the rungs), each used twice. The kinds
  are compared on the quarter once it holds 10,000 leads (:data:`COMPARE_MIN_ROWS`), else on all
  of them; the winner's rungs are the learning curve; its fit on all of them, calibrated on the
  validation leads when calibration helps, is what the holdout measures, so no fit is repeated
  for the holdout. Calibration is chosen on the compared fit. The final model and the remaining
  rungs then train side by side (:func:`leadscore._parallel.side_by_side`).

The notes of the result say which of these was done (``validation``, ``final_fit``,
``learning_curve``).

Example
-------
>>> result = train_lead_model(select_training_rows(leads, plan), plan)   # doctest: +SKIP
>>> result.validation["method"], result.kind                             # doctest: +SKIP
('time', 'boosting')
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from threadpoolctl import threadpool_limits

from leadscore._parallel import side_by_side, usable_cores
from leadscore.model.calibration import calibrate_fitted, calibration_method, choose_calibration
from leadscore.errors import LeadScoreInputError
from leadscore.model.estimators import MODEL_KINDS, MODEL_NAMES, PARALLEL_MIN_ROWS, make_estimator
from leadscore.inspect.leakage import single_column_auc
from leadscore.model.metrics import holdout_metrics, reliability_curve
from leadscore.model.pipeline import base_estimator, build_pipeline
from leadscore.model.honest import describes, honest_figures, warned_plan
from leadscore.model.readiness import SUSPICIOUS_AUC, honest_range_sentence, judge_readiness, learning_curve_answer
from leadscore.model.uncertainty import holdout_intervals
from leadscore.clean.rows import TrainingRows
from leadscore.model.splits import (
    SMALL_TRAINING_ROWS,
    copies_sentence,
    copy_groups,
    inner_folds,
    one_split,
    split_holdout,
    stratified_folds,
)

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
# With one inner split, models are compared on a random quarter of the fitting leads when it
# holds at least this many (with 50 conversions): enough to rank them, a quarter of the cost.
COMPARE_MIN_ROWS = 10_000
# A forest is compared on its first trees; when its validation log loss is more than this share
# behind the best other model it is left there (its other trees move log loss by a fraction of
# that: 100k leads, 0.3097 with 50 trees, 0.3090 with 150), else it is grown to all its trees.
FOREST_FIRST_TREES = 50
FOREST_BEHIND = 0.03


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
        ``ece``, ``lift_top_decile``, ``conversion_rate``, ``copies`` (leads that are copies of
        another, kept on one side of every split), ``describes`` (which model the figures are
        of: the model in use), and ``without_warned`` (None, or ``roc_auc``,
        ``average_precision``, ``lift_top_decile``, ``ece``, ``columns``, ``describes``,
        ``sentence``: the same recipe without the flagged columns the user kept).
    leaderboard : list of dict
        ``{model, roc_auc, average_precision, log_loss, brier, lift_top_decile, ece, fit_seconds,
        training_rows, chosen}`` per model tried, measured on validation leads inside the training
        part (``training_rows``: the leads each was trained on).
    reliability : pandas.DataFrame
        ``predicted``, ``observed``, ``leads`` per probability group on the holdout.
    learning_curve : pandas.DataFrame
        ``share`` (of the training part), ``training_rows``, ``roc_auc``, ``log_loss``, ``brier``
        on the holdout.
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
        Sentences: ``validation`` (how models were compared), ``calibration``, ``final_fit``
        (what the holdout figures describe), ``learning_curve`` (what its points were trained on).
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


def _fit_recipe(X: pd.DataFrame, y: np.ndarray, dates, plan, kind: str, calibration: str, random_state: int, threads: int = 1, groups=None):
    """Fit one model the way the final model is fit: plain, or calibrated on unseen leads (a
    lead's copies, ``groups``, never on both sides)."""
    n = len(y)
    if calibration == "none":
        return build_pipeline(plan, kind, make_estimator(kind, n, random_state, n_jobs=threads)).fit(X, y)
    if n < CV_CALIBRATION_ROWS:
        # ensemble=False: one model on all leads plus one calibrator fit on out-of-fold
        # predictions, so base_estimator() has a single model for SHAP to explain.
        calibrated = CalibratedClassifierCV(
            make_estimator(kind, int(n * 2 / 3), random_state, n_jobs=threads),
            method=calibration,
            cv=stratified_folds(y, 3, random_state, groups),
            ensemble=False,
        )
        return build_pipeline(plan, kind, calibrated).fit(X, y)
    fit, cal = one_split(y, dates, 0.2, random_state, groups)
    dates_fit = None if dates is None else pd.Series(dates).iloc[fit]
    pipeline = _fit_recipe(_subset(X, fit), y[fit], dates_fit, plan, kind, "none", random_state, threads)
    return calibrate_fitted(pipeline, _subset(X, cal), y[cal], calibration)


def _recipe_task(X: pd.DataFrame, positions, y: np.ndarray, dates, plan, kind: str, calibration: str, seed: int, groups=None):
    """A fit of the recipe on some leads, as a task for :func:`leadscore._parallel.side_by_side`
    (the leads are taken when it runs, so waiting tasks hold no copies)."""

    def task(threads: int):
        chosen = np.arange(len(y)) if positions is None else np.asarray(positions)
        part_dates = None if dates is None else pd.Series(dates).iloc[chosen].reset_index(drop=True)
        part = X if positions is None else _subset(X, chosen)
        part_groups = None if groups is None else np.asarray(groups)[chosen]
        return _fit_recipe(part, y[chosen], part_dates, plan, kind, calibration, seed, threads, part_groups)

    return task


def _timed_task(X: pd.DataFrame, positions, y: np.ndarray, plan, kind: str, seed: int, trees: int | None = None):
    """The plain recipe on some leads, and the seconds its fit took (for the leaderboard); a
    forest with only its first ``trees`` trees when given (see :func:`_grow_forest`)."""

    def task(threads: int):
        started = time.perf_counter()
        part = _subset(X, positions)
        estimator = make_estimator(kind, len(part), seed, n_jobs=threads)
        if trees is not None:
            estimator.set_params(n_estimators=trees)
        pipeline = build_pipeline(plan, kind, estimator).fit(part, y[positions])
        return pipeline, time.perf_counter() - started

    return task


def _grow_forest(pipeline, X: pd.DataFrame, y: np.ndarray, threads: int):
    """A forest compared on its first trees, grown to all of the recipe's trees.

    scikit-learn's warm start draws the new trees' seeds after the first ones', so the grown
    forest is the forest the recipe fits at once (a test compares them).
    """
    forest = pipeline.steps[-1][1]
    full = make_estimator("forest", len(y)).n_estimators
    forest.set_params(n_estimators=full, warm_start=True, n_jobs=threads)
    pipeline.fit(X, y)  # the cleaner and encoder refit to the same state on the same leads
    forest.set_params(warm_start=False)
    return pipeline


class _Steps:
    """Turns units of work into ``progress(message, fraction)`` calls: each message says what
    starts now, the fraction how much is done."""

    def __init__(self, progress: Progress | None, total: int):
        self.progress, self.total, self.done = progress, max(total, 1), 0

    def __call__(self, message: str, units: int = 1) -> None:
        if self.progress is not None:
            self.progress(message, min(self.done / self.total, 0.99))
        self.done += units

    def finish(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message, 1.0)

    def run(self, jobs: list, workers: int) -> list:
        """Run ``(message, task)`` jobs with :func:`side_by_side`; each message is said, on this
        thread, when a worker is free for its job (in turn when there is one worker)."""
        if not jobs:
            return []
        messages = iter([message for message, _ in jobs])
        starting = min(max(1, workers), len(jobs))
        self("; ".join(next(messages) for _ in range(starting)), units=starting)

        def done(_position: int) -> None:
            following = next(messages, None)
            if following is not None:
                self(following)

        return side_by_side([task for _, task in jobs], workers, done)


def _check_rows(X: pd.DataFrame, y: np.ndarray) -> None:
    converted = int(y.sum())
    not_converted = len(y) - converted
    if converted < 10 or not_converted < 10:
        raise LeadScoreInputError(
            f"There are {converted:,} converted and {not_converted:,} not-converted leads with a known "
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
        Called at each step, model and fold, for a progress bar, always on the calling thread.

    Returns
    -------
    TrainingResult

    Raises
    ------
    LeadScoreInputError
        When there are too few leads of either outcome, or no columns to learn from.
    """
    settings = settings or TrainingSettings()
    # Each fit runs on one thread: OpenMP and BLAS threads stall on a busy machine (boosting
    # meets a barrier at every node; 1,500 leads, logistic, 2 busy cores: 8.6 s with BLAS
    # threads, 2.1 s without). From PARALLEL_MIN_ROWS leads, whole fits run side by side instead
    # (leadscore._parallel), which gives the same models on any number of threads.
    with threadpool_limits(limits=1):
        return _train(rows, plan, settings, progress)


def _board_entry(kind: str, y: np.ndarray, predicted: np.ndarray, seconds: float, training_rows: int) -> dict:
    scores = holdout_metrics(y, predicted)
    return {
        "model": kind,
        **{key: scores[key] for key in ("roc_auc", "average_precision", "log_loss", "brier", "lift_top_decile", "ece")},
        "fit_seconds": float(seconds),
        "training_rows": int(training_rows),
        "chosen": False,
    }


def _choose(leaderboard: list) -> str:
    """The best kind by validation log loss; MODEL_KINDS order is simplest first, so the first
    near-tie is the simplest good model."""
    best_loss = min(entry["log_loss"] for entry in leaderboard)
    chosen = next(entry for entry in leaderboard if entry["log_loss"] <= best_loss * (1 + NEAR_TIE))
    chosen["chosen"] = True
    return chosen["model"]


def _by_cost(kinds) -> list:
    # The slowest fits first, so that a worker freed by a quick fit takes the next one.
    return sorted(kinds, key=("forest", "boosting", "logistic").index)


def _doing_the_work(plan, X: pd.DataFrame, y: np.ndarray, top: int = 3) -> list[str]:
    """The used columns that alone predict the outcome best (named when a figure is suspicious)."""
    kinds = getattr(plan, "column_kinds", {}) or {}
    scores = {}
    for column in plan.used_columns:
        if column in X.columns:
            kind = {"number": "number", "date": "date"}.get(kinds.get(column), "category")
            scores[column] = single_column_auc(X[column], y, kind)
    return [c for c, _ in sorted(scores.items(), key=lambda item: -item[1])[:top]]


def _curve_point(share: float, used: int, y_hold: np.ndarray, p: np.ndarray) -> dict:
    point = holdout_metrics(y_hold, p)
    return {"share": share, "training_rows": used, "roc_auc": point["roc_auc"], "log_loss": point["log_loss"], "brier": point["brier"]}


def _enough(y: np.ndarray) -> bool:
    return y.sum() >= 5 and (len(y) - y.sum()) >= 5


@dataclass
class _Trained:
    """What one way of training (cross-validation, or rungs of one split) found."""

    leaderboard: list
    kind: str
    calibration: str
    calibration_note: str
    p_hold: np.ndarray
    curve: list
    without_warned: dict | None
    final: object
    selection: str
    measured_on: str
    curve_note: str


def _train(rows, plan, settings: TrainingSettings, progress: Progress | None) -> TrainingResult:
    seed = settings.random_state
    X = rows.X.reset_index(drop=True) if isinstance(rows.X, pd.DataFrame) else pd.DataFrame(rows.X)
    original_index = rows.X.index
    source_rows = np.asarray(original_index if getattr(rows, "source_rows", None) is None else rows.source_rows)
    y = np.asarray(rows.y, dtype=int)
    dates = None if rows.dates is None else pd.Series(rows.dates).reset_index(drop=True)
    _check_rows(X, y)

    # Copies of a lead stay together in every split (see leadscore.model.splits).
    groups = copy_groups(X, plan)
    split = split_holdout(y, dates, settings.holdout_share, seed, getattr(plan, "date_column", None), groups)
    time_ordered = split.method == "time"
    # Inner splits follow the holdout: newest-last when the holdout was by time, else stratified.
    if not time_ordered:
        dates = None
    dates_train = None if dates is None else dates.iloc[split.train].reset_index(drop=True)
    kinds = MODEL_KINDS if settings.model == "auto" else (settings.model,)
    y_train = y[split.train]
    folds = inner_folds(y_train, dates_train, seed, None if groups is None else groups[split.train])
    # Threads only pay off on plenty of leads; they come from the machine's free cores.
    workers = usable_cores() if len(y) >= PARALLEL_MIN_ROWS else 1
    data = _Data(X, y, dates, split, dates_train, plan, seed, kinds, time_ordered, groups)
    train_way = _cross_validated if len(folds) > 1 else _on_rungs
    trained = train_way(data, folds, workers, progress)
    y_hold = y[split.holdout]
    metrics = holdout_metrics(y_hold, trained.p_hold)
    without_warned = trained.without_warned
    if without_warned is not None:
        without_warned["sentence"] = honest_range_sentence(metrics["roc_auc"], without_warned)
    kind, calibration = trained.kind, trained.calibration

    converted = int(y.sum())
    copies, copies_note = copies_sentence(groups)
    validation = {
        "method": split.method,
        "explanation": f"{split.explanation} {copies_note}".strip(),
        "copies": copies,
        "holdout_rows": int(len(y_hold)),
        "holdout_converted": int(y_hold.sum()),
        **{k: metrics[k] for k in ("roc_auc", "average_precision", "brier", "log_loss", "ece", "lift_top_decile", "conversion_rate")},
        **holdout_intervals(y_hold, trained.p_hold),  # 90% bootstrap ranges (model.uncertainty)
        "without_warned": without_warned,
        # Which model these figures describe: the one that scores the leads.
        "describes": describes(plan, without_warned),
    }
    suspicious = metrics["roc_auc"] == metrics["roc_auc"] and metrics["roc_auc"] >= SUSPICIOUS_AUC
    readiness = judge_readiness(
        {**metrics, "roc_auc_interval": validation["roc_auc_interval"]},
        int(y_hold.sum()),
        converted,
        without_warned=without_warned,
        doing_the_work=_doing_the_work(plan, _subset(X, split.train), y_train) if suspicious else (),
    )
    final_fit = (
        f"After validation the same recipe ({MODEL_NAMES[kind]}, calibration: {calibration}) was "
        f"trained again on all {len(y):,} leads with a known outcome, including the held-out ones; "
        f"that model is the one saved. The holdout figures describe the recipe trained on {trained.measured_on}."
    )
    set_aside = {str(k): int(v) for k, v in ((getattr(rows, "report", None) or {}).get("set_aside") or {}).items()}
    final = trained.final
    schema = final.named_steps["clean"].input_schema()
    learning_curve = pd.DataFrame(trained.curve, columns=["share", "training_rows", "roc_auc", "log_loss", "brier"])
    return TrainingResult(
        pipeline=final,
        kind=kind,
        calibration=calibration,
        validation=validation,
        leaderboard=trained.leaderboard,
        reliability=reliability_curve(y_hold, trained.p_hold),
        learning_curve=learning_curve,
        learning_curve_answer=learning_curve_answer(learning_curve),
        readiness=readiness,
        holdout=pd.DataFrame(
            {
                "conversion_probability": trained.p_hold,
                "converted": y_hold,
                # The lead's row in the file, to compare versions on the same held-out leads.
                "lead": source_rows[split.holdout],
            },
            index=original_index[split.holdout],
        ),
        features_used=[column["name"] for column in schema],
        notes={
            "validation": f"{split.explanation} {trained.selection}",
            "calibration": trained.calibration_note,
            "final_fit": final_fit,
            "learning_curve": trained.curve_note,
        },
        row_counts={
            "known_rows": int(len(y)),
            "converted": converted,
            "not_converted": int(len(y) - converted),
            "set_aside": set_aside,
            "training_rows": int(len(split.train)),
            "holdout_rows": int(len(y_hold)),
            "final_rows": int(len(y)),
        },
        settings=settings,
    )


@dataclass
class _Data:
    """The leads and choices both ways of training read."""

    X: pd.DataFrame
    y: np.ndarray
    dates: pd.Series | None
    split: object
    dates_train: pd.Series | None
    plan: object
    seed: int
    kinds: tuple
    time_ordered: bool
    groups: np.ndarray | None = None

    @property
    def X_train(self) -> pd.DataFrame:
        return _subset(self.X, self.split.train).reset_index(drop=True)

    @property
    def y_train(self) -> np.ndarray:
        return self.y[self.split.train]

    @property
    def groups_train(self) -> np.ndarray | None:
        return None if self.groups is None else self.groups[self.split.train]


def _calibration_sentence(data: _Data, calibration: str, note: str) -> str:
    if calibration == "none":
        return note
    return note + (
        " The calibrator learns from cross-validated predictions (3 folds), and the model itself "
        "from all leads." if len(data.y) < CV_CALIBRATION_ROWS else
        f" The calibrator learns from {'the newest' if data.time_ordered else 'a random'} 20% of the "
        "leads, which the model itself does not learn from."
    )


def _cross_validated(data: _Data, folds: list, workers: int, progress: Progress | None) -> _Trained:
    """Small training parts: every kind on every fold of a 5-fold cross-validation, then the
    chosen recipe on the whole training part (holdout), on 25/50/75% of it (learning curve), and
    on all known leads (final)."""
    plan, seed = data.plan, data.seed
    X_train, y_train = data.X_train, data.y_train
    X_hold, y_hold = _subset(data.X, data.split.holdout), data.y[data.split.holdout]
    honest_plan, warned = warned_plan(plan)
    steps = _Steps(progress, total=len(data.kinds) * len(folds) + 1 + 1 + bool(honest_plan) + 3 + 1)
    steps("Splitting leads into training and held-out parts", 0)

    # 1. Compare models on validation leads inside the training part.
    jobs = [
        (f"Training {MODEL_NAMES[kind]} (fold {number} of {len(folds)})", _timed_task(X_train, fit, y_train, plan, kind, seed))
        for kind in data.kinds
        for number, (fit, _) in enumerate(folds, start=1)
    ]
    fitted = steps.run(jobs, workers)
    leaderboard, fold_models = [], {}
    for position, kind in enumerate(data.kinds):
        models = fitted[position * len(folds) : (position + 1) * len(folds)]
        predicted = np.full(len(y_train), np.nan)
        for (pipeline, _), (_, val) in zip(models, folds):
            predicted[val] = _predict(pipeline, _subset(X_train, val))
        validated = ~np.isnan(predicted)
        seconds = float(np.mean([seconds for _, seconds in models]))
        leaderboard.append(_board_entry(kind, y_train[validated], predicted[validated], seconds, len(folds[0][0])))
        fold_models[kind] = [pipeline for pipeline, _ in models]
    kind = _choose(leaderboard)

    # 2. Calibrate only if it helps on the same validation leads.
    steps(f"Checking calibration of the {MODEL_NAMES[kind]}")
    method = calibration_method(len(y_train), int(y_train.sum()))
    calibration, note = choose_calibration(fold_models[kind], X_train, y_train, folds, method, seed, data.groups_train)
    del fold_models

    # 3. The chosen recipe on the training part (holdout), without the warned columns (the
    # honest range), on shares of it (learning curve) and on all known leads (final).
    name = MODEL_NAMES[kind]
    order = np.random.default_rng(seed).permutation(len(y_train))
    shares = [share for share in LEARNING_CURVE_SHARES[:-1] if _enough(y_train[np.sort(order[: int(len(y_train) * share)])])]
    jobs = [
        (f"Training the final {name} on all {len(data.y):,} known leads", _recipe_task(data.X, None, data.y, data.dates, plan, kind, calibration, seed, data.groups)),
        (f"Measuring the {name} on {len(y_hold):,} held-out leads", _recipe_task(X_train, None, y_train, data.dates_train, plan, kind, calibration, seed, data.groups_train)),
    ]
    if honest_plan is not None:
        jobs.append(("Measuring the model without the flagged columns you kept",
                     _recipe_task(X_train, None, y_train, data.dates_train, honest_plan, kind, calibration, seed, data.groups_train)))
    for share in shares:
        subset = np.sort(order[: int(len(y_train) * share)])
        jobs.append((f"Learning curve: {share:.0%} of the training leads", _recipe_task(X_train, subset, y_train, data.dates_train, plan, kind, calibration, seed, data.groups_train)))
    final, holdout_model, *rest = steps.run(jobs, workers)
    honest_model = rest.pop(0) if honest_plan is not None else None
    p_hold = _predict(holdout_model, X_hold)
    curve = [_curve_point(share, int(len(y_train) * share), y_hold, _predict(model, X_hold)) for share, model in zip(shares, rest)]
    curve.append(_curve_point(1.0, len(y_train), y_hold, p_hold))
    without_warned = None if honest_model is None else honest_figures(holdout_metrics(y_hold, _predict(honest_model, X_hold)), warned)
    steps.finish("Training finished")
    return _Trained(
        leaderboard=leaderboard,
        kind=kind,
        calibration=calibration,
        calibration_note=_calibration_sentence(data, calibration, note),
        p_hold=p_hold,
        curve=curve,
        without_warned=without_warned,
        final=_for_scoring(final, len(data.y)),
        selection=(
            f"Models were compared on 5-fold cross-validation of the {len(y_train):,} training leads "
            "by log loss (lower is better); near-ties go to the simpler model."
        ),
        measured_on=f"the {'older ' if data.time_ordered else ''}{len(y_train):,} training leads",
        curve_note=(
            "Each learning-curve point is the same recipe trained on a random 25%, 50% or 75% of the "
            "training leads, or all of them, and measured on the holdout."
        ),
    )


def _rungs(fit: np.ndarray, seed: int) -> list[np.ndarray]:
    """A random quarter, half and all of the fitting leads, each inside the next."""
    order = np.random.default_rng(seed).permutation(len(fit))
    return [np.sort(fit[order[:size]]) for size in (len(fit) // 4, len(fit) // 2, len(fit))]


def _compare_on(data: _Data, X_train: pd.DataFrame, compare: np.ndarray, X_val: pd.DataFrame, y_val: np.ndarray, workers: int, steps: _Steps):
    """Every kind fitted on the ``compare`` leads and measured on the validation leads: the fits
    (kind -> (pipeline, seconds)), the leaderboard, and a note when the forest stayed small.
    A forest is first fitted on FOREST_FIRST_TREES trees, grown to all of them only when it
    could win."""
    plan, seed, y_train = data.plan, data.seed, data.y_train
    kinds = _by_cost(data.kinds)
    first_trees = FOREST_FIRST_TREES if len(kinds) > 1 else None
    jobs = [
        (f"Training {MODEL_NAMES[kind]} on {len(compare):,} training leads",
         _timed_task(X_train, compare, y_train, plan, kind, seed, first_trees if kind == "forest" else None))
        for kind in kinds
    ]
    fitted = dict(zip(kinds, steps.run(jobs, workers)))
    predicted = {kind: _predict(fitted[kind][0], X_val) for kind in data.kinds}
    forest_note = ""
    if first_trees is not None and "forest" in fitted:
        best_other = min(holdout_metrics(y_val, predicted[kind])["log_loss"] for kind in kinds if kind != "forest")
        behind = holdout_metrics(y_val, predicted["forest"])["log_loss"] / best_other - 1
        if behind <= FOREST_BEHIND:
            steps(f"Training the rest of the random forest's trees on {len(compare):,} training leads", 0)
            started = time.perf_counter()
            pipeline = _grow_forest(fitted["forest"][0], _subset(X_train, compare), y_train[compare], workers)
            fitted["forest"] = (pipeline, fitted["forest"][1] + time.perf_counter() - started)
            predicted["forest"] = _predict(pipeline, X_val)
        else:
            forest_note = (
                f" The random forest was compared on its first {first_trees} trees: its log loss was {behind:.0%} "
                f"behind the best, too far for its other trees to close, so they were not grown."
            )
    leaderboard = [_board_entry(kind, y_val, predicted[kind], fitted[kind][1], len(compare)) for kind in data.kinds]
    return fitted, leaderboard, forest_note


def _on_rungs(data: _Data, folds: list, workers: int, progress: Progress | None) -> _Trained:
    """Larger training parts, one split: the older 80% fits, the newest 20% validates.

    Every fit is the recipe on a random quarter, half or all of the fitting leads (the rungs),
    so that each one serves twice. The kinds are compared on the quarter when it holds
    :data:`COMPARE_MIN_ROWS` leads (else on all of them); the chosen kind's rungs are its
    learning curve; its fit on all of them, calibrated on the validation leads when calibration
    helps, is the model measured on the holdout. Model and calibration are chosen on the
    validation leads only; the holdout only measures.
    """
    plan, seed = data.plan, data.seed
    X_train, y_train = data.X_train, data.y_train
    X_hold, y_hold = _subset(data.X, data.split.holdout), data.y[data.split.holdout]
    fit, val = folds[0]
    X_val, y_val = _subset(X_train, val), y_train[val]
    rungs = _rungs(fit, seed)
    quarter = rungs[0]
    compare = quarter if len(quarter) >= COMPARE_MIN_ROWS and _enough(y_train[quarter]) and y_train[quarter].sum() >= 50 else rungs[-1]
    honest_plan, warned = warned_plan(plan)
    to_fit = [rung for rung in rungs if len(rung) != len(compare) and (rung is rungs[-1] or _enough(y_train[rung]))]
    steps = _Steps(progress, total=len(data.kinds) + 1 + 1 + len(to_fit) + bool(honest_plan))
    steps("Splitting leads into training and held-out parts", 0)

    # 1. Compare models on the newest leads of the training part (validation leads).
    fitted, leaderboard, forest_note = _compare_on(data, X_train, compare, X_val, y_val, workers, steps)
    kind = _choose(leaderboard)
    compared = fitted[kind][0]
    del fitted

    # 2. Calibrate only if it helps on the same validation leads.
    steps(f"Checking calibration of the {MODEL_NAMES[kind]}")
    method = calibration_method(len(y_train), int(y_train.sum()))
    calibration, note = choose_calibration([compared], X_train, y_train, [(compare, val)], method, seed, data.groups_train)

    # 3. The final model, the remaining rungs and the honest range, side by side (longest first).
    name = MODEL_NAMES[kind]
    jobs = [(f"Training the final {name} on all {len(data.y):,} known leads", _recipe_task(data.X, None, data.y, data.dates, plan, kind, calibration, seed, data.groups))]
    for rung in reversed(to_fit):
        jobs.append((f"Training the {name} on {len(rung):,} training leads (learning curve)", _recipe_task(X_train, rung, y_train, None, plan, kind, "none", seed)))
    if honest_plan is not None:
        jobs.append(("Measuring the model without the flagged columns you kept",
                     _recipe_task(X_train, rungs[-1], y_train, None, honest_plan, kind, "none", seed)))
    final, *rest = steps.run(jobs, workers)
    by_size = {len(compare): compared} | {len(rung): model for rung, model in zip(reversed(to_fit), rest)}
    honest_model = rest[len(to_fit)] if honest_plan is not None else None

    def measured(model) -> np.ndarray:
        # The same recipe as the final model's: calibrated on leads it did not learn from.
        if calibration != "none":
            model = calibrate_fitted(model, X_val, y_val, calibration)
        return _predict(model, X_hold)

    predicted = {size: measured(model) for size, model in by_size.items()}
    curve = [_curve_point(len(rung) / len(y_train), len(rung), y_hold, predicted[len(rung)]) for rung in rungs if len(rung) in predicted]
    p_hold = predicted[len(rungs[-1])]
    without_warned = None if honest_model is None else honest_figures(holdout_metrics(y_hold, measured(honest_model)), warned)
    steps.finish("Training finished")
    older = "older " if data.time_ordered else ""
    return _Trained(
        leaderboard=leaderboard,
        kind=kind,
        calibration=calibration,
        calibration_note=_calibration_sentence(data, calibration, note)
        + (f" It was tested with the {name} trained for the comparison ({len(compare):,} leads)." if len(compare) < len(fit) else ""),
        p_hold=p_hold,
        curve=curve,
        without_warned=without_warned,
        final=_for_scoring(final, len(data.y)),
        selection=(
            f"Models were compared on {'the newest' if data.time_ordered else 'a random'} 20% of the {len(y_train):,} training leads "
            f"({len(val):,} leads), each trained on "
            + (f"a random {len(compare):,} of the other {len(fit):,}" if len(compare) < len(fit) else f"the other {len(fit):,}")
            + ", by log loss (lower is better); near-ties go to the simpler model."
            + forest_note
        ),
        measured_on=f"the {older}{len(fit):,} of the {len(y_train):,} training leads" + (
            f", calibrated on the other {len(val):,}" if calibration != "none" else f" (the other {len(val):,} chose the model)"
        ),
        curve_note=(
            f"Each learning-curve point is the same recipe trained on a random quarter, half or all "
            f"of the {older}{len(fit):,} training leads that fit models (the newest 20% validate them), "
            "and measured on the holdout."
        ),
    )


def _for_scoring(final, rows: int):
    """A forest fitted side by side built its trees on one thread; scoring a big file may use
    the machine's cores (the trees, and so the scores, are the same)."""
    model = base_estimator(final)
    if type(model).__name__ == "RandomForestClassifier":
        model.set_params(n_jobs=make_estimator("forest", rows).n_jobs)
    return final
