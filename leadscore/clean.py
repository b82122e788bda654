"""The cleaning plan and the cleaner that applies it, identically at training and scoring time.

Every cleaning choice lives in one frozen :class:`CleaningPlan`: which leads are used (outcome
window, open leads set aside), which columns are left out and why, how category spellings are
grouped, how missing values are filled, which timing and text features are built. The plan is
saved with the model and shown back to the user.

:class:`LeadCleaner` is the first step of every pipeline (see :func:`build_pipeline`), so a new
lead is cleaned by exactly the code that cleaned the training leads.

Example
-------
>>> suspects = find_leakage_suspects(leads, mapping.apply(leads), profiles)      # doctest: +SKIP
>>> plan = suggest_cleaning_plan(leads, mapping, profiles, suspects)            # doctest: +SKIP
>>> rows = select_training_rows(leads, plan)                                    # doctest: +SKIP
>>> pipeline = build_pipeline(plan, "logistic", LogisticRegression()).fit(rows.X, rows.y)  # doctest: +SKIP
"""

from __future__ import annotations

import contextvars
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from leadscore.categories import canonicalize, suggest_category_mapping
from leadscore.errors import LeadScoreInputError
from leadscore.leakage import default_exclusions
from leadscore.timing import (
    as_timestamps,
    choose_arrival_column,
    day_of_week_name,
    followup_name,
    hour_name,
    timing_features,
)

if TYPE_CHECKING:
    from leadscore.outcome import OutcomeMapping

__all__ = [
    "CleaningPlan",
    "TrainingRows",
    "LeadCleaner",
    "CategoryEncoder",
    "LeadEncoder",
    "TextFeatures",
    "suggest_cleaning_plan",
    "select_training_rows",
    "build_pipeline",
    "feature_sources",
    "cleaned_columns",
    "cleaning_summary",
    "default_exclusions",
    "MISSING_STRATEGIES",
    "MODEL_KINDS",
]

MISSING_STRATEGIES = ("median", "most_frequent", "unknown", "model")
MODEL_KINDS = ("logistic", "forest", "boosting")
UNKNOWN = "Unknown"
OTHER = "Other"
DEFAULT_WINDOW_MONTHS = 12
DEFAULT_RARE_SHARE = 0.01
# One-hot columns per category and words per free-text column: enough to learn from, few enough
# that a marketer can read the explanations and 1M leads score quickly.
MAX_CATEGORIES = 15
TEXT_WORDS = 20
_TRUE = frozenset({"yes", "y", "true", "t", "1", "1.0"})
_FALSE = frozenset({"no", "n", "false", "f", "0", "0.0", "-0.0"})
# A missing-value indicator is added when missingness shifts the conversion rate this clearly.
_INDICATOR_P_VALUE = 0.01
_INDICATOR_MIN_SHARE = 0.01


@dataclass(frozen=True)
class CleaningPlan:
    """Every cleaning choice, with defaults the user can change; saved with the model.

    Attributes
    ----------
    outcome : OutcomeMapping
        Which outcome values mean converted, not converted, still open.
    date_column : str or None
        When each lead arrived; used for the outcome window and time-based validation.
    window_months : int or None
        Keep leads from the last N months before the newest lead (None: keep all).
    excluded : dict[str, str]
        Columns left out -> the reason, in plain words.
    numeric, categorical, boolean, text, timestamps : tuple of str
        Raw columns used, by how they are cleaned.
    followup : tuple of (start, end)
        Timestamp pairs turned into "minutes from start to end".
    category_mappings : dict[str, dict[str, str]]
        Column -> {raw spelling: canonical value}; editable.
    rare_share : float
        Category values rarer than this share of leads are grouped as "Other".
    missing : dict[str, str]
        Cleaned column -> "median" | "most_frequent" | "unknown" | "model" (left missing for
        models that handle it; logistic regression still fills it with the median).
    missing_indicators : tuple of str
        Columns that also get a "<column>: missing" 0/1 flag, because missingness carries signal.
    use_text : bool
        Whether free-text columns become word features.
    column_kinds : dict[str, str]
        Kind of every column in the file (from the profiles), so a left-out column can be kept.
    warnings : tuple of str
        Warnings for the user (e.g. personal data kept by choice).
    """

    outcome: OutcomeMapping
    date_column: str | None = None
    window_months: int | None = None
    excluded: dict[str, str] = field(default_factory=dict)
    numeric: tuple[str, ...] = ()
    categorical: tuple[str, ...] = ()
    boolean: tuple[str, ...] = ()
    text: tuple[str, ...] = ()
    timestamps: tuple[str, ...] = ()
    followup: tuple[tuple[str, str], ...] = ()
    category_mappings: dict[str, dict[str, str]] = field(default_factory=dict)
    rare_share: float = DEFAULT_RARE_SHARE
    missing: dict[str, str] = field(default_factory=dict)
    missing_indicators: tuple[str, ...] = ()
    use_text: bool = True
    column_kinds: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def __post_init__(self):
        for column, strategy in self.missing.items():
            if strategy not in MISSING_STRATEGIES:
                raise LeadScoreInputError(
                    f"'{strategy}' is not a way to fill missing values in '{column}'. Choose one of: "
                    f"{', '.join(MISSING_STRATEGIES)}."
                )
            if strategy == "unknown" and column in self.numeric:
                raise LeadScoreInputError(
                    f"'{column}' holds numbers, so its blanks cannot become \"Unknown\". Choose "
                    "median, most_frequent or model."
                )

    @property
    def used_columns(self) -> tuple[str, ...]:
        """Raw columns the model reads, in a stable order."""
        text = self.text if self.use_text else ()
        followup = tuple(c for pair in self.followup for c in pair)
        seen: dict[str, None] = {}
        for column in (*self.numeric, *self.boolean, *self.categorical, *self.timestamps, *followup, *text):
            seen.setdefault(column, None)
        return tuple(seen)

    def with_overrides(self, exclude=(), keep=()) -> "CleaningPlan":
        """Return a new plan with columns left out or kept by the user's choice.

        Parameters
        ----------
        exclude : iterable of str
            Columns to leave out (reason: "You chose to leave it out.").
        keep : iterable of str
            Left-out columns to use after all. Keeping personal data adds a warning to
            ``warnings``; keeping a leakage suspect adds one too.

        Returns
        -------
        CleaningPlan
            A new plan; this one is unchanged.

        Raises
        ------
        LeadScoreInputError
            A named column is not in the file, or is the outcome.
        """
        exclude, keep = tuple(exclude), tuple(keep)
        known = set(self.column_kinds) | set(self.used_columns) | set(self.excluded)
        for column in (*exclude, *keep):
            if column not in known and column != self.outcome.column:
                choices = ", ".join(sorted(known - {self.outcome.column})[:12])
                raise LeadScoreInputError(
                    f"There is no column '{column}' in this file. Check the spelling; the columns are: {choices}."
                )
            if column == self.outcome.column:
                raise LeadScoreInputError(
                    f"'{column}' is the outcome the model learns to predict, so it cannot be used as an "
                    "input or left out. Choose another column."
                )
        both = set(exclude) & set(keep)
        if both:
            raise LeadScoreInputError(
                f"{', '.join(sorted(both))} is both kept and left out. Choose one."
            )

        roles = {
            "numeric": list(self.numeric),
            "categorical": list(self.categorical),
            "boolean": list(self.boolean),
            "text": list(self.text),
            "timestamps": list(self.timestamps),
        }
        excluded = dict(self.excluded)
        missing = dict(self.missing)
        notes = list(self.warnings)
        followup = list(self.followup)
        indicators = list(self.missing_indicators)
        use_text = self.use_text

        for column in exclude:
            for members in roles.values():
                if column in members:
                    members.remove(column)
            followup = [pair for pair in followup if column not in pair]
            indicators = [c for c in indicators if c != column]
            excluded[column] = "You chose to leave it out."

        for column in keep:
            reason = excluded.pop(column, None)
            if any(column in members for members in roles.values()):
                continue
            kind = self.column_kinds.get(column, "category")
            role = {"number": "numeric", "boolean": "boolean", "date": "timestamps", "text": "text"}.get(
                kind, "categorical"
            )
            roles[role].append(column)
            if role == "numeric":
                missing.setdefault(column, "median")
            elif role in ("categorical", "boolean"):
                missing.setdefault(column, "unknown" if role == "categorical" else "most_frequent")
            elif role == "text":
                use_text = True
            elif role == "timestamps":
                missing.setdefault(hour_name(column), "median")
                missing.setdefault(day_of_week_name(column), "unknown")
            if kind == "personal":
                notes.append(
                    f"'{column}' holds personal data and is used by your choice. Personal data rarely "
                    "predicts conversions and is stored inside the saved model; leave it out unless you "
                    "are sure."
                )
            elif reason and reason != "You chose to leave it out.":
                notes.append(f"'{column}' is used by your choice although: {reason}")

        return replace(
            self,
            excluded=excluded,
            numeric=tuple(roles["numeric"]),
            categorical=tuple(roles["categorical"]),
            boolean=tuple(roles["boolean"]),
            text=tuple(roles["text"]),
            timestamps=tuple(roles["timestamps"]),
            followup=tuple(followup),
            missing=missing,
            missing_indicators=tuple(indicators),
            use_text=use_text,
            warnings=tuple(notes),
        )

    @classmethod
    def from_dict(cls, data: dict) -> "CleaningPlan":
        """Rebuild a plan from :meth:`to_dict` output (e.g. a plan saved as JSON)."""
        from leadscore.outcome import OutcomeMapping

        outcome = data["outcome"]
        return cls(
            outcome=OutcomeMapping(
                outcome["column"],
                tuple(outcome["positive_values"]),
                tuple(outcome["negative_values"]),
                tuple(outcome.get("open_values", ())),
            ),
            date_column=data.get("date_column"),
            window_months=data.get("window_months"),
            excluded=dict(data.get("excluded", {})),
            numeric=tuple(data.get("numeric", ())),
            categorical=tuple(data.get("categorical", ())),
            boolean=tuple(data.get("boolean", ())),
            text=tuple(data.get("text", ())),
            timestamps=tuple(data.get("timestamps", ())),
            followup=tuple(tuple(pair) for pair in data.get("followup", ())),
            category_mappings={c: dict(m) for c, m in data.get("category_mappings", {}).items()},
            rare_share=float(data.get("rare_share", DEFAULT_RARE_SHARE)),
            missing=dict(data.get("missing", {})),
            missing_indicators=tuple(data.get("missing_indicators", ())),
            use_text=bool(data.get("use_text", True)),
            column_kinds=dict(data.get("column_kinds", {})),
            warnings=tuple(data.get("warnings", ())),
        )

    def to_dict(self) -> dict:
        """The plan as JSON-ready data (for showing and for the saved model's card)."""
        outcome = self.outcome
        return {
            "outcome": {
                "column": outcome.column,
                "positive_values": list(outcome.positive_values),
                "negative_values": list(outcome.negative_values),
                "open_values": list(getattr(outcome, "open_values", ())),
            },
            "date_column": self.date_column,
            "window_months": self.window_months,
            "excluded": dict(self.excluded),
            "numeric": list(self.numeric),
            "categorical": list(self.categorical),
            "boolean": list(self.boolean),
            "text": list(self.text),
            "timestamps": list(self.timestamps),
            "followup": [list(pair) for pair in self.followup],
            "category_mappings": {c: dict(m) for c, m in self.category_mappings.items()},
            "rare_share": self.rare_share,
            "missing": dict(self.missing),
            "missing_indicators": list(self.missing_indicators),
            "use_text": self.use_text,
            "column_kinds": dict(self.column_kinds),
            "warnings": list(self.warnings),
        }


# ---------------------------------------------------------------------------------------------
# Suggesting a plan


def _boolean_values_known(values: pd.Series) -> bool:
    words = set(values.dropna().astype("str").str.strip().str.lower().unique()) - {""}
    return bool(words) and words <= (_TRUE | _FALSE)


def _missing_matters(values: pd.Series, y: pd.Series) -> bool:
    """Whether leads with this column blank convert at a clearly different rate."""
    from scipy.stats import chi2_contingency

    known = y.notna()
    blank = values[known].isna()
    share = float(blank.mean()) if len(blank) else 0.0
    if share < _INDICATOR_MIN_SHARE or share > 1 - _INDICATOR_MIN_SHARE:
        return False
    table = pd.crosstab(blank, y[known])
    if table.shape != (2, 2):
        return False
    return bool(chi2_contingency(table.to_numpy()).pvalue < _INDICATOR_P_VALUE)


def suggest_cleaning_plan(df, outcome, profiles, suspects, date_column=None) -> CleaningPlan:
    """Suggest a cleaning plan with sensible defaults the user can change.

    Parameters
    ----------
    df : pd.DataFrame
        The leads as read.
    outcome : OutcomeMapping
        The confirmed outcome mapping.
    profiles : list of ColumnProfile
        From ``profile_columns(df)``.
    suspects : list of LeakageSuspect
        From ``find_leakage_suspects``; "exclude" suspects are left out.
    date_column : str, optional
        When each lead arrived. Default: the most complete date column that is not left out,
        the earliest one if several are equally complete.

    Returns
    -------
    CleaningPlan
        Identifiers, personal data, constants, nearly empty columns and leakage suspects left
        out with reasons; a 12-month window when there is a date; spellings grouped; numbers
        filled with the median, categories with "Unknown"; missing-value flags where missingness
        predicts the outcome; day of week, hour and follow-up minutes from the timestamps.
    """
    excluded = default_exclusions(profiles, suspects)
    kinds: dict[str, str] = {}
    for profile in profiles:
        kind = profile.kind
        if kind == "boolean" and not _boolean_values_known(df[profile.name]):
            kind = "category"
        kinds[profile.name] = kind
    kinds.pop(outcome.column, None)
    y = outcome.apply(df)

    usable = [c for c in kinds if c not in excluded and c in df.columns]
    dates = [c for c in usable if kinds[c] == "date"]
    if date_column is None:
        date_column = choose_arrival_column(df, dates)
    elif date_column not in df.columns:
        raise LeadScoreInputError(
            f"There is no column '{date_column}' in this file. Choose the column that says when each "
            "lead arrived, or none."
        )

    numeric = tuple(c for c in usable if kinds[c] == "number")
    boolean = tuple(c for c in usable if kinds[c] == "boolean")
    categorical = tuple(c for c in usable if kinds[c] == "category")
    text = tuple(c for c in usable if kinds[c] == "text")
    timestamps = tuple(dates)
    followup: tuple[tuple[str, str], ...] = ()
    if date_column is not None and date_column in timestamps:
        start = as_timestamps(df[date_column])
        pairs = []
        for other in timestamps:
            if other == date_column:
                continue
            gap = (as_timestamps(df[other]) - start).dropna()
            if not len(gap):
                continue
            # A follow-up comes after arrival, a first visit before it; a date on either side
            # (no consistent order) makes no meaningful gap.
            if float((gap >= pd.Timedelta(0)).mean()) >= 0.9:
                pairs.append((date_column, other))
            elif float((gap <= pd.Timedelta(0)).mean()) >= 0.9:
                pairs.append((other, date_column))
        followup = tuple(pairs)
        # Day of week and hour describe when the lead arrived; the weekday of a later event
        # (the follow-up) says little and is not known when the lead arrives.
        timestamps = (date_column,)

    mappings = {
        c: suggest_category_mapping(df[c])
        for c, kind in kinds.items()
        if kind == "category" and c in df.columns
    }
    missing: dict[str, str] = {}
    for column in numeric:
        missing[column] = "median"
    for column in boolean:
        missing[column] = "most_frequent"
    for column in categorical:
        missing[column] = "unknown"
    for column in timestamps:
        missing[hour_name(column)] = "median"
        missing[day_of_week_name(column)] = "unknown"
    for start, end in followup:
        missing[followup_name(start, end)] = "median"
    indicators = tuple(c for c in (*numeric, *boolean) if _missing_matters(df[c], y))

    return CleaningPlan(
        outcome=outcome,
        date_column=date_column,
        window_months=DEFAULT_WINDOW_MONTHS if date_column is not None else None,
        excluded=excluded,
        numeric=numeric,
        categorical=categorical,
        boolean=boolean,
        text=text,
        timestamps=timestamps,
        followup=followup,
        category_mappings=mappings,
        rare_share=DEFAULT_RARE_SHARE,
        missing=missing,
        missing_indicators=indicators,
        use_text=bool(text),
        column_kinds=kinds,
    )


# ---------------------------------------------------------------------------------------------
# Choosing the training rows


@dataclass(frozen=True)
class TrainingRows:
    """The leads a model learns from.

    Attributes
    ----------
    X : pd.DataFrame
        Raw leads with a known outcome inside the window (outcome column removed), index reset.
    y : np.ndarray
        1 converted, 0 not converted.
    dates : pd.Series or None
        Arrival dates of those leads (for time-based validation), same order as ``X``.
    report : dict
        Counts for the before/after summary: ``rows_in``, ``rows_kept``, ``set_aside``
        (reason -> count), ``converted``, ``not_converted``, ``window_start``, ``window_end``,
        ``no_date_kept``.
    """

    X: pd.DataFrame
    y: np.ndarray
    dates: pd.Series | None
    report: dict


def select_training_rows(df: pd.DataFrame, plan: CleaningPlan, now=None) -> TrainingRows:
    """Apply the outcome and the window; set aside open leads, with counts and reasons.

    Parameters
    ----------
    df : pd.DataFrame
        The leads as read.
    plan : CleaningPlan
    now : datetime-like, optional
        End of the window. Default: the newest lead's date (not the clock), so the same file
        always gives the same rows.

    Returns
    -------
    TrainingRows

    Raises
    ------
    LeadScoreInputError
        No lead left, or only one outcome left, after the window.
    """
    outcome = plan.outcome.apply(df)
    rows_in = len(df)
    keep = outcome.notna().to_numpy().copy()
    set_aside: dict[str, int] = {}
    dates = None
    window_start = window_end = None
    no_date_kept = 0
    in_window = np.ones(rows_in, dtype=bool)

    if plan.date_column is not None and plan.date_column in df.columns:
        dates = as_timestamps(df[plan.date_column])
        if plan.window_months:
            window_end = pd.Timestamp(now) if now is not None else dates.max()
            if not pd.isna(window_end):
                window_start = window_end - pd.DateOffset(months=int(plan.window_months))
                # Leads without a date cannot be placed, so they are kept rather than guessed away.
                in_window = ~(dates < window_start).to_numpy()
                no_date_kept = int(dates.isna().sum())
                older = int((~in_window).sum())
                if older:
                    set_aside[f"older than the {plan.window_months}-month window"] = older
    still_open = int((in_window & ~keep).sum())
    if still_open:
        set_aside["still in the pipeline (no outcome yet)"] = still_open
    keep = keep & in_window

    y = outcome.to_numpy()[keep].astype("int64")
    converted, not_converted = int(y.sum()), int(len(y) - y.sum())
    if len(y) == 0:
        raise LeadScoreInputError(
            "No lead is left to learn from after setting aside open leads and leads outside the "
            "window. Widen the window (or choose no window) or fill in more outcomes."
        )
    if converted == 0 or not_converted == 0:
        which = "converted" if converted == 0 else "not converted"
        raise LeadScoreInputError(
            f"No {which} lead is left after the window and open leads are set aside, so there is "
            "nothing to learn the difference from. Widen the window or add more finished leads."
        )
    X = df.loc[keep].drop(columns=[plan.outcome.column]).reset_index(drop=True)
    kept_dates = dates[keep].reset_index(drop=True) if dates is not None else None
    report = {
        "rows_in": rows_in,
        "rows_kept": int(keep.sum()),
        "set_aside": set_aside,
        "converted": converted,
        "not_converted": not_converted,
        "window_start": None if window_start is None else str(window_start),
        "window_end": None if window_end is None else str(window_end),
        "no_date_kept": no_date_kept,
    }
    return TrainingRows(X=X, y=y, dates=kept_dates, report=report)


# ---------------------------------------------------------------------------------------------
# The cleaner


def cleaned_columns(plan: CleaningPlan) -> dict[str, list[str]]:
    """Names of the cleaner's output columns, by how they are encoded.

    Parameters
    ----------
    plan : CleaningPlan

    Returns
    -------
    dict
        ``{"number": [...], "category": [...], "text": [...]}``; numbers include 0/1 flags
        ("<column>: missing"), hours and follow-up minutes; categories include day of week.
    """
    numbers = [*plan.numeric, *(f"{c}: missing" for c in plan.missing_indicators), *plan.boolean]
    numbers += [hour_name(c) for c in plan.timestamps]
    numbers += [followup_name(a, b) for a, b in plan.followup]
    categories = [*plan.categorical, *(day_of_week_name(c) for c in plan.timestamps)]
    text = list(plan.text) if plan.use_text else []
    return {"number": numbers, "category": categories, "text": text}


# Tables with at least this many leads are prepared on a few threads (see _each).
_PARALLEL_ROWS = 50_000
_THREADS = min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _each(function, items, rows: int) -> list:
    """``[function(item) for item in items]``, on a few threads when the table is large.

    Cleaning one column or writing one range of rows is mostly pyarrow hashing and numpy, which
    let go of the GIL: on two cores a million leads clean in about 60% of the time taken one
    column after another. Every item is computed on its own, so the results, and their order,
    are the same either way. Threads run with the caller's scikit-learn settings and context
    variables (numpy's error handling), which they would not inherit. (Python 3.11 shares warning
    filters between threads, so a library's ``catch_warnings`` in one thread can hide or show a
    warning raised in another at that moment; results are not affected.)
    """
    items = list(items)
    if rows < _PARALLEL_ROWS or len(items) < 2 or _THREADS < 2:
        return [function(item) for item in items]
    from sklearn import config_context, get_config

    settings = get_config()

    def run(item):
        with config_context(**settings):
            return function(item)

    contexts = [contextvars.copy_context() for _ in items]
    with ThreadPoolExecutor(_THREADS) as pool:
        return list(pool.map(lambda context, item: context.run(run, item), contexts, items))


def _to_number(values: pd.Series) -> tuple[pd.Series, int]:
    from leadscore.read import to_number

    return to_number(values)


def _coded(values: pd.Series, mapping: dict[str, str] | None) -> tuple[np.ndarray, np.ndarray]:
    """Codes per lead (-1 blank) and the canonical value of each distinct raw value."""
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    distinct = pd.Series(np.asarray(distinct, dtype="object"), dtype="object")
    canonical = distinct if mapping is None else canonicalize(distinct, mapping)
    return np.asarray(codes), canonical.to_numpy(dtype="object")


def _to_flag(values: pd.Series) -> pd.Series:
    """1.0 for yes-like values, 0.0 for no-like ones, missing otherwise (decided per distinct value)."""
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    words = [str(v).strip().lower() for v in distinct]
    flags = [1.0 if w in _TRUE else 0.0 if w in _FALSE else np.nan for w in words]
    lookup = np.array([*flags, np.nan], dtype="float64")
    return pd.Series(lookup[codes], index=values.index, dtype="float64", name=values.name)


def _text_answers(values: pd.Series) -> pd.Series:
    """Free text as a categorical column of distinct answers (blank: ""), read once per answer."""
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        # Text before grouping: 1 and True are equal to pandas but read differently.
        values = values.astype("str").where(values.notna())
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    answers = pd.Series(distinct, dtype="object")
    if pd.api.types.infer_dtype(answers, skipna=False) == "string" and not (answers == "").any():
        answers = np.append(answers.to_numpy(), "")
        answer_codes = np.arange(len(answers))
    else:
        # A blank and "" read alike: one category.
        answer_codes, answers = pd.factorize(np.append(answers.astype("str").to_numpy(dtype=object), ""))
    answers = pd.Categorical.from_codes(answer_codes[codes], categories=answers, validate=False)
    return pd.Series(answers, index=values.index, name=values.name)


class LeadCleaner(TransformerMixin, BaseEstimator):
    """Apply a cleaning plan: the first step of every LeadScore pipeline.

    ``fit`` learns fill values and category vocabularies (values rarer than ``plan.rare_share``
    become "Other"); ``transform`` returns model-ready, human-named columns. Both are
    vectorized pandas, so a million leads clean in seconds.

    Parameters
    ----------
    plan : CleaningPlan

    Attributes
    ----------
    fill_values_ : dict
        Cleaned column -> value used when missing (None: left missing for the model).
    vocabulary_ : dict
        Category column -> canonical values kept (the rest become "Other").
    last_transform_report_ : dict
        From the latest ``transform``: ``rows``, ``unreadable_numbers`` (column -> count of
        text in a number column, now missing), ``missing_columns``, ``grouped_as_other``
        (column -> leads whose value was unseen or rare).
    """

    def __init__(self, plan: CleaningPlan):
        self.plan = plan

    # -- the one code path used by fit and transform ------------------------------------------
    def _raw_features(self, X: pd.DataFrame) -> tuple[dict[str, pd.Series], dict]:
        """Typed, canonical columns before filling; categories as (codes, canonical values)."""
        plan = self.plan
        report = {"rows": len(X), "unreadable_numbers": {}, "missing_columns": [], "grouped_as_other": {}}
        absent = [c for c in plan.used_columns if c not in X.columns]
        report["missing_columns"] = absent

        def column(name: str) -> pd.Series:
            if name in X.columns:
                return X[name]
            return pd.Series(np.nan, index=X.index, dtype="float64", name=name)

        days = {day_of_week_name(c) for c in plan.timestamps}
        stamps = X[[c for c in dict.fromkeys([*plan.timestamps, *chain(*plan.followup)]) if c in X.columns]]

        def timing() -> dict:
            features = timing_features(stamps, plan.timestamps, plan.followup)
            return {name: _coded(values, None) if name in days else values for name, values in features.items()}

        # Each column is read on its own (columns taken out of X here, not in the threads).
        jobs = [
            *(partial(_to_number, column(name)) for name in plan.numeric),
            *(partial(_to_flag, column(name)) for name in plan.boolean),
            *(partial(_coded, column(name), plan.category_mappings.get(name, {})) for name in plan.categorical),
            timing,
            *(partial(_text_answers, column(name)) for name in (plan.text if plan.use_text else ())),
        ]
        results = iter(_each(lambda job: job(), jobs, len(X)))
        out: dict[str, pd.Series] = {}
        for name in plan.numeric:
            numbers, unreadable = next(results)
            if unreadable:
                report["unreadable_numbers"][name] = unreadable
            out[name] = numbers.astype("float64")
        for name in plan.missing_indicators:
            if name in plan.numeric:
                out[f"{name}: missing"] = out[name].isna().astype("float64")
            else:
                out[f"{name}: missing"] = column(name).isna().astype("float64")
        out.update({name: next(results) for name in plan.boolean})
        out.update({name: next(results) for name in plan.categorical})
        out.update(next(results))  # timing
        out.update({name: next(results) for name in (plan.text if plan.use_text else ())})
        return out, report

    def fit(self, X: pd.DataFrame, y=None):
        """Learn fill values and category vocabularies from the training leads.

        Parameters
        ----------
        X : pd.DataFrame
            Raw leads (as read; extra columns are ignored).
        y : ignored

        Returns
        -------
        LeadCleaner
            self
        """
        self._check_table(X)
        self._fit_raw(X, self._raw_features(X)[0])
        return self

    def fit_transform(self, X: pd.DataFrame, y=None) -> pd.DataFrame:
        """``fit(X).transform(X)`` reading and canonicalizing the leads once, not twice.

        Parameters
        ----------
        X : pd.DataFrame
            Raw training leads.
        y : ignored

        Returns
        -------
        pd.DataFrame
            As :meth:`transform`.
        """
        self._check_table(X)
        raw, report = self._raw_features(X)
        self._fit_raw(X, raw)
        return self._transform_raw(X, raw, report)

    def _fit_raw(self, X: pd.DataFrame, raw: dict) -> None:
        plan = self.plan
        columns = cleaned_columns(plan)

        def number_fill(name: str) -> float | None:
            values = raw[name]
            strategy = plan.missing.get(name, "median")
            if name.endswith(": missing") or strategy == "model":
                return None if strategy == "model" else 0.0
            if strategy == "most_frequent":
                mode = values.mode()
                return float(mode.iloc[0]) if len(mode) else 0.0
            # numpy's median of the filled values: pandas' own wraps it in catch_warnings,
            # which is not thread-safe in Python 3.11 (see _each).
            values = values.to_numpy(dtype="float64")
            values = values[~np.isnan(values)]
            return float(np.median(values)) if len(values) else 0.0

        def category_fit(name: str) -> tuple[tuple[str, ...], str]:
            """The values kept for a category column, and its fill."""
            codes, canonical = raw[name]
            per_distinct = np.bincount(codes[codes >= 0], minlength=len(canonical))
            counts = (
                pd.Series(per_distinct, index=pd.Index(canonical, dtype="object"))
                .groupby(level=0, sort=True)
                .sum()
                .sort_values(ascending=False, kind="stable")
            )
            counts = counts[counts.index.notna()]
            threshold = plan.rare_share * len(codes)
            kept = tuple(sorted(str(v) for v, n in counts.items() if n >= threshold and n > 0))
            strategy = plan.missing.get(name, "unknown")
            if strategy == "most_frequent" and len(counts):
                top = str(counts.index[0])
                return kept, top if top in kept else OTHER
            return kept, UNKNOWN

        fills: dict[str, object] = dict(zip(columns["number"], _each(number_fill, columns["number"], len(X))))
        vocabulary: dict[str, tuple[str, ...]] = {}
        for name, (kept, fill) in zip(columns["category"], _each(category_fit, columns["category"], len(X))):
            vocabulary[name], fills[name] = kept, fill
        for name in columns["text"]:
            fills[name] = ""
        self.fill_values_ = fills
        self.vocabulary_ = vocabulary
        self.feature_names_out_ = [*columns["number"], *columns["category"], *columns["text"]]
        self.always_filled_ = {
            c: bool(c in X.columns and not X[c].hasnans) for c in plan.used_columns
        }
        self.n_features_in_ = len(plan.used_columns)

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Clean raw leads exactly as the training leads were cleaned.

        Parameters
        ----------
        X : pd.DataFrame
            Raw leads; missing columns count as blank (see ``last_transform_report_``).

        Returns
        -------
        pd.DataFrame
            Columns ``get_feature_names_out()``, same index as ``X``: floats for numbers and
            flags, canonical values for categories as pandas categoricals (unseen or rare ->
            "Other", blank -> "Unknown"), free text as categoricals of the distinct answers
            (blank -> ""). Categoricals hand the encoder codes, not strings to match again.
        """
        check_is_fitted(self, "fill_values_")
        self._check_table(X)
        raw, report = self._raw_features(X)
        return self._transform_raw(X, raw, report)

    @staticmethod
    def _check_table(X) -> None:
        if not isinstance(X, pd.DataFrame):
            raise LeadScoreInputError(
                "Leads must be a table with named columns. Read the file with read_leads first."
            )

    def _transform_raw(self, X: pd.DataFrame, raw: dict, report: dict) -> pd.DataFrame:
        columns = cleaned_columns(self.plan)
        out: dict[str, pd.Series] = {}
        for name in columns["number"]:
            fill = self.fill_values_[name]
            out[name] = raw[name] if fill is None else raw[name].fillna(fill)

        def category(name: str) -> tuple[pd.Series, int]:
            """The final categorical column, and how many leads' values became "Other"."""
            codes, canonical = raw[name]
            # Decide once per distinct value, then broadcast by code. Leads per distinct value
            # (blanks last, where `final` puts the fill) are counted in one pass over the leads,
            # for the report and to keep only the values some lead has.
            canonical = pd.Series(canonical, dtype="object")
            known = (canonical.isin(self.vocabulary_[name]) | canonical.isna()).to_numpy()
            per_code = np.bincount(codes + 1, minlength=len(canonical) + 1)
            leads = np.append(per_code[1:], per_code[0])
            outside = int(leads[:-1][~known].sum())
            fill = self.fill_values_[name]
            final = np.append(canonical.where(known, OTHER).fillna(fill).to_numpy(dtype="object"), fill)
            # A categorical column: each lead's code into the few final values (blank codes
            # are -1, so they take the fill at the end), not a million strings to hash again.
            final_codes, values = pd.factorize(final, sort=True)
            present = np.bincount(final_codes, weights=leads, minlength=len(values)) > 0
            if not present.all():  # only values some lead has, as with plain text
                final_codes, values = (np.cumsum(present) - 1)[final_codes], values[present]
            lead_values = pd.Categorical.from_codes(final_codes[codes], categories=values, validate=False)
            return pd.Series(lead_values, index=X.index, name=name), outside

        for name, (values, outside) in zip(columns["category"], _each(category, columns["category"], len(X))):
            out[name] = values
            if outside:
                report["grouped_as_other"][name] = outside
        for name in columns["text"]:
            out[name] = raw[name]
        self.last_transform_report_ = report
        return pd.DataFrame(out, index=X.index, columns=self.feature_names_out_)

    def get_feature_names_out(self, input_features=None):
        """Names of the cleaned columns, e.g. "source", "first_engaged_at: hour"."""
        check_is_fitted(self, "fill_values_")
        return np.asarray(self.feature_names_out_, dtype=object)

    def input_schema(self) -> list[dict]:
        """What the model reads from a new file, one entry per raw column.

        Returns
        -------
        list of dict
            ``{"name", "kind", "required", "categories", "fill"}``. ``kind`` is number,
            category, boolean, date or text. ``required`` is True when the column was filled in
            for every training lead (a file without it is scored with ``fill``, less reliably).
            ``categories`` lists the canonical values seen (categories only). ``fill`` is the
            value used when the column is blank or absent (None: left to the model; for dates,
            the fills of their hour / day-of-week features apply).
        """
        check_is_fitted(self, "fill_values_")
        plan = self.plan
        schema = []
        for name in plan.used_columns:
            if name in plan.numeric:
                kind, fill, categories = "number", self.fill_values_.get(name), []
            elif name in plan.boolean:
                kind, fill, categories = "boolean", self.fill_values_.get(name), []
            elif name in plan.categorical:
                kind, fill, categories = "category", self.fill_values_.get(name), list(self.vocabulary_[name])
            elif name in plan.text:
                kind, fill, categories = "text", "", []
            else:
                kind, fill, categories = "date", None, []
            schema.append(
                {
                    "name": name,
                    "kind": kind,
                    "required": bool(self.always_filled_.get(name, False)),
                    "categories": categories,
                    "fill": fill,
                }
            )
        return schema


# ---------------------------------------------------------------------------------------------
# Encoding and the pipeline


# scikit-learn's default token: a run of two or more word characters (letters, digits, "_").
_WORD_SEPARATORS = r"[^\pL\pN_]+"


def _word_counts(answers: np.ndarray, vocabulary: list[str] | None = None):
    """How often each word occurs in each answer, as ``CountVectorizer(stop_words="english")``.

    Splitting and counting run in pyarrow's vectorized string kernels rather than a Python loop
    per answer: less than half the time of scikit-learn's own counting (0.07 s against 0.15 s
    for 32k distinct answers). Words are runs of two or more letters, digits or "_" after
    Python's ``lower()``, as scikit-learn's default ``token_pattern``; ``tests/test_clean.py``
    checks that the words and the TF-IDF values built on them equal ``TfidfVectorizer``'s, on
    accented, Greek, Turkish, Arabic and Chinese text too. (pyarrow's regular expressions know
    letters added to Unicode after this Python's tables, so a script newer than Unicode 14 may
    be split where Python would not.)

    Parameters
    ----------
    answers : ndarray of str
    vocabulary : list of str, optional
        Count only these words (sorted); by default every word found, sorted.

    Returns
    -------
    (scipy.sparse.csr_matrix, list of str)
        Answers x words counts, and the words.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    from scipy import sparse
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    def utf8(strings) -> pa.Array:
        # Lone surrogates (only from text built in Python, never from a read file) cannot be UTF-8.
        try:
            return pa.array(strings, type=pa.large_string())
        except UnicodeEncodeError:
            return pa.array([a.encode("utf-8", "replace").decode("utf-8") for a in strings], type=pa.large_string())

    # Lower case as Python's lower(), which scikit-learn uses: on ASCII answers that is
    # pyarrow's ascii_lower; other answers go through Python (pyarrow's utf8_lower differs on
    # "İ" and a final "Σ").
    answers = np.asarray(answers, dtype=object)
    lowered = pc.ascii_lower(utf8(answers))
    other = np.flatnonzero(~pc.string_is_ascii(lowered).to_numpy(zero_copy_only=False))
    if len(other):
        mask = np.zeros(len(answers), dtype=bool)
        mask[other] = True
        lowered = pc.replace_with_mask(lowered, pa.array(mask), utf8([answers[i].lower() for i in other]))
    # Whitespace always separates words, so the answers are cut at ASCII whitespace first (a fast
    # kernel; other separators stay inside pieces) and the regular expression then runs once per
    # distinct piece ("customers," "demo."): same words in the same order, in a third of the time.
    pieces = pc.ascii_split_whitespace(lowered)
    piece_rows = pc.list_parent_indices(pieces).to_numpy(zero_copy_only=False)
    encoded = pc.dictionary_encode(pc.list_flatten(pieces))
    piece_ids = encoded.indices.to_numpy(zero_copy_only=False)
    per_piece = pc.split_pattern_regex(encoded.dictionary, _WORD_SEPARATORS)
    words = pc.list_flatten(per_piece)
    owner = pc.list_parent_indices(per_piece)
    stop = pa.array(sorted(ENGLISH_STOP_WORDS), type=pa.large_string())
    keep = pc.and_(pc.greater_equal(pc.utf8_length(words), 2), pc.invert(pc.is_in(words, value_set=stop)))
    words, owner = words.filter(keep), owner.filter(keep).to_numpy(zero_copy_only=False)
    if vocabulary is None:
        found = pc.unique(words)
        vocabulary = found.take(pc.sort_indices(found)).to_pylist()
    # Each distinct piece's words as vocabulary columns (-1: not counted), then spread over
    # every piece of every answer as numbers: piece k's words are at first[k]:first[k] + count[k].
    word_columns = pc.index_in(words, value_set=pa.array(vocabulary, type=pa.large_string()))
    word_columns = word_columns.fill_null(-1).to_numpy(zero_copy_only=False)
    count = np.bincount(owner, minlength=len(encoded.dictionary))
    first = np.cumsum(count) - count
    per_lead_piece = count[piece_ids]
    rows = np.repeat(piece_rows, per_lead_piece)
    starts = np.repeat(first[piece_ids] - (np.cumsum(per_lead_piece) - per_lead_piece), per_lead_piece)
    columns = word_columns[starts + np.arange(len(rows))]
    known = columns >= 0
    rows, columns = rows[known], columns[known]
    counts = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float64), (rows, columns)), shape=(len(answers), len(vocabulary))
    )
    counts.sum_duplicates()
    return counts, list(vocabulary)


def _write_sparse(matrix, out: np.ndarray, start: int) -> None:
    """Write a (leads x k) sparse matrix into ``out[:, start:start + k]`` (``out`` zeroed, C order)."""
    matrix = matrix.tocsr()
    rows = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))
    out.reshape(-1)[rows * out.shape[1] + (start + matrix.indices)] = matrix.data


class TextFeatures(TransformerMixin, BaseEstimator):
    """Word features for one free-text column: TF-IDF over its most frequent words.

    The same features as scikit-learn's ``TfidfVectorizer(max_features=max_words,
    stop_words="english", min_df=2)``: the words are counted by :func:`_word_counts` once per
    distinct answer (exports repeat answers a lot: "Need a demo"), then weighted by
    scikit-learn's ``TfidfTransformer``.

    Parameters
    ----------
    column : str
        Column name, used to name features ("needs: pricing").
    max_words : int
        Vocabulary size.
    """

    def __init__(self, column: str = "text", max_words: int = TEXT_WORDS):
        self.column = column
        self.max_words = max_words

    @staticmethod
    def _distinct(X) -> tuple[np.ndarray, np.ndarray]:
        """Per lead, the code of its answer; and the distinct answers ("" for blank)."""
        if isinstance(X, pd.DataFrame):
            X = X.iloc[:, 0]
        values = pd.Series(X)
        if not isinstance(values.dtype, pd.CategoricalDtype):
            values = _text_answers(values)  # the cleaner hands over exactly this
        distinct = np.append(values.cat.categories.astype("str").to_numpy(dtype=object), "")
        codes = values.cat.codes.to_numpy()
        return np.where(codes < 0, len(distinct) - 1, codes), distinct

    def fit(self, X, y=None):
        self._fit_sparse(X)
        return self

    def fit_transform(self, X, y=None):
        return self._dense(self._fit_sparse(X))

    def transform(self, X):
        return self._dense(self._sparse(X))

    def _fit_sparse(self, X):
        """Learn the words; the leads' TF-IDF values as a sparse (leads x words) matrix."""
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfTransformer

        codes, distinct = self._distinct(X)
        per_answer, vocabulary = _word_counts(distinct)
        # Leads per answer weigh each answer's words: no leads x all-words matrix is built.
        leads_per_answer = np.bincount(codes, minlength=len(distinct)).astype(np.float64)
        total = per_answer.T @ leads_per_answer
        leads_with_word = (per_answer > 0).astype(np.float64).T @ leads_per_answer
        candidates = np.flatnonzero(leads_with_word >= 2)
        # The most used words, picked exactly as scikit-learn picks them (its sort, so its
        # choice among words used equally often).
        chosen = np.sort(candidates[(-total[candidates]).argsort()[: self.max_words]])
        self.words_ = [vocabulary[i] for i in chosen]
        if not self.words_:
            # Every answer blank, only stop words, or no word used twice: no word features.
            return sparse.csr_matrix((len(codes), 0))
        chosen_per_answer = per_answer[:, chosen]
        self.tfidf_ = TfidfTransformer().fit(chosen_per_answer[codes])
        return self.tfidf_.transform(chosen_per_answer)[codes]

    def _sparse(self, X):
        from scipy import sparse

        check_is_fitted(self, "words_")
        codes, distinct = self._distinct(X)
        if not self.words_:
            return sparse.csr_matrix((len(codes), 0))
        per_answer, _ = _word_counts(distinct, self.words_)
        return self.tfidf_.transform(per_answer)[codes]

    @staticmethod
    def _dense(matrix) -> np.ndarray:
        out = np.zeros(matrix.shape)
        _write_sparse(matrix, out, 0)
        return out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "words_")
        return np.asarray([f"{self.column}: {w}" for w in self.words_], dtype=object)


class CategoryEncoder(TransformerMixin, BaseEstimator):
    """One-hot columns for cleaned categories, named "column = value".

    Per column, up to ``max_categories - 1`` of the most common values get a column each and,
    from ``max_categories`` values on, the others share one "column = other values" column
    (values never seen in training go there too, or nowhere when training had no others).
    This is exactly what scikit-learn's ``OneHotEncoder(max_categories=...,
    handle_unknown="infrequent_if_exist", sparse_output=False)`` returns, same columns in the
    same order (``tests/test_clean.py`` compares the two), but values are matched with pandas'
    hash tables instead of being counted one by one in Python: one encoder for every category
    column takes about 0.05 s on 100k leads, where one ``OneHotEncoder`` per column took 0.8 s,
    as long as fitting the logistic regression itself (``benchmarks/bench_train.py``). The
    cleaner's categorical columns are read by their codes, with no string matched again.

    Blanks never reach it: :class:`LeadCleaner` fills them ("Unknown" or the most common value).

    Parameters
    ----------
    max_categories : int
        Columns per category, the shared "other values" column included.

    Attributes
    ----------
    categories_ : list of ndarray
        Per input column, the values with their own column (sorted); unlike scikit-learn's
        attribute of that name, without the grouped ones.
    infrequent_categories_ : list of ndarray
        Per input column, the training values sharing the "other values" column.
    feature_sources_ : list of str
        Per output column, the input column it comes from.
    """

    def __init__(self, max_categories: int = MAX_CATEGORIES):
        self.max_categories = max_categories

    @staticmethod
    def _frame(X) -> pd.DataFrame:
        return X if isinstance(X, pd.DataFrame) else pd.DataFrame(X)

    def fit(self, X, y=None):
        X = self._frame(X)
        self._fit_positions(X, list(X.columns))
        return self

    def fit_transform(self, X, y=None):
        X = self._frame(X)
        return self._dense(self._fit_positions(X, list(X.columns)))

    def transform(self, X):
        check_is_fitted(self, "categories_")
        X = self._frame(X)
        names = list(self.feature_names_in_)
        columns = names if all(name in X.columns for name in names) else list(X.columns)
        return self._dense(self._positions(X, columns))

    def _fit_positions(self, X: pd.DataFrame, columns: list) -> list[np.ndarray]:
        """Learn the columns' values from ``X[columns]``; per column, each lead's output column."""
        self.feature_names_in_ = np.asarray([str(c) for c in columns], dtype=object)
        self.n_features_in_ = len(columns)
        self.categories_, self.infrequent_categories_, positions = [], [], []
        for name in columns:
            codes, values = self._codes(X[name])
            counts = np.bincount(codes[codes >= 0], minlength=len(values))
            infrequent = np.zeros(len(values), dtype=bool)
            # scikit-learn's rule: the shared column counts towards max_categories, so it is
            # needed from max_categories values on; the rarest go, ties in sorted order.
            if len(values) >= self.max_categories:
                keep = self.max_categories - 1
                infrequent[np.argsort(counts, kind="mergesort")[: len(values) - keep]] = True
            self.categories_.append(values[~infrequent])
            self.infrequent_categories_.append(values[infrequent])
            # Output position of each distinct value: its own column, or the shared one last.
            # (Blanks, like unseen values in transform, go to the shared column if there is one.)
            shared = len(self.categories_[-1]) if infrequent.any() else -1
            column_of_value = np.append(np.where(infrequent, shared, np.cumsum(~infrequent) - 1), shared)
            positions.append(column_of_value[codes])
        self.feature_sources_ = [
            column
            for column, width in zip(self.feature_names_in_, self._widths())
            for _ in range(width)
        ]
        return positions

    @staticmethod
    def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """Each lead's code (-1 blank) into the column's values, sorted; as ``pd.factorize(sort=True)``."""
        if not isinstance(values.dtype, pd.CategoricalDtype):
            codes, distinct = pd.factorize(values, sort=True)
            return codes, np.asarray(distinct, dtype=object)
        codes = values.cat.codes.to_numpy()
        categories = values.cat.categories.to_numpy(dtype=object)
        # Only the values some lead has, in sorted order, as factorize would find them.
        present = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(categories)))
        present = present[np.argsort(categories[present], kind="stable")]
        new_code = np.full(len(categories) + 1, -1, dtype=np.int64)
        new_code[present] = np.arange(len(present))
        return new_code[codes], categories[present]

    def _positions(self, X: pd.DataFrame, columns: list) -> list[np.ndarray]:
        """Per column (in training order), each lead's output column (-1: none)."""
        positions = []
        for name, kept, rare in zip(columns, self.categories_, self.infrequent_categories_):
            values = X[name]
            if isinstance(values.dtype, pd.CategoricalDtype):
                # Match the few categories, then look each lead's code up (-1: blank).
                lookup = pd.Index(kept, dtype=object).get_indexer(values.cat.categories.astype(object))
                column = np.append(lookup, -1)[values.cat.codes.to_numpy()]
            else:
                column = pd.Index(kept, dtype=object).get_indexer(values)
            if len(rare):
                # Rare in training or never seen: the shared "other values" column.
                column = np.where(column < 0, len(kept), column)
            positions.append(column)
        return positions

    def _widths(self) -> list[int]:
        return [len(kept) + bool(len(rare)) for kept, rare in zip(self.categories_, self.infrequent_categories_)]

    @property
    def width_(self) -> int:
        return sum(self._widths())

    def _dense(self, positions: list[np.ndarray]) -> np.ndarray:
        out = np.zeros((len(positions[0]) if positions else 0, self.width_))
        self._write(positions, out, 0)
        return out

    def _write(self, positions: list[np.ndarray], out: np.ndarray, start: int) -> None:
        """Ones at each lead's column per category into ``out[:, start:]`` (``out`` zeroed, C order)."""
        # Flat positions: far fewer index arrays than out[rows, columns] (5x faster at 1M leads).
        flat = out.reshape(-1)
        row_starts = np.arange(0, flat.size, out.shape[1]) if out.shape[1] else np.zeros(len(out), dtype=int)
        for column, width in zip(positions, self._widths()):
            hit = column >= 0
            flat[row_starts[hit] + (start + column[hit])] = 1.0
            start += width

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "categories_")
        names = []
        for column, kept, rare in zip(self.feature_names_in_, self.categories_, self.infrequent_categories_):
            names += [f"{column} = {value}" for value in kept]
            if len(rare):
                names.append(f"{column} = other values")
        return np.asarray(names, dtype=object)


class LeadEncoder(TransformerMixin, BaseEstimator):
    """Cleaned columns to the model's features: one C-ordered float array, every column named.

    Numbers first (scaled by ``number_step`` when given, else as they are), then one-hot
    categories (:class:`CategoryEncoder`), then word features per free-text column
    (:class:`TextFeatures`). What scikit-learn's ``ColumnTransformer`` with these blocks returns,
    but each block writes straight into one array allocated once: ``ColumnTransformer`` builds
    every block and then copies them side by side, so a million leads needed their features
    twice in memory (2.6 GB instead of 1.3 GB) and paid for both.

    Parameters
    ----------
    numbers, categories, text : sequence of str
        Cleaned columns of each kind.
    number_step : sklearn transformer, optional
        Fitted on the number columns (e.g. ``StandardScaler()``); None passes them through.

    Attributes
    ----------
    number_step_ : fitted transformer or None
    categories_ : CategoryEncoder or None
    text_ : list of TextFeatures
    feature_sources_ : list of str
        Per output column, the cleaned column it comes from.
    """

    def __init__(self, numbers=(), categories=(), text=(), number_step=None):
        self.numbers = numbers
        self.categories = categories
        self.text = text
        self.number_step = number_step

    def _check(self, X) -> None:
        if not isinstance(X, pd.DataFrame):
            raise LeadScoreInputError("The encoder reads the cleaner's table; clean the leads with LeadCleaner first.")
        absent = [c for c in [*self.numbers, *self.categories, *self.text] if c not in X.columns]
        if absent:
            raise LeadScoreInputError(f"The cleaned leads lack these columns: {', '.join(map(str, absent))}.")

    def fit(self, X, y=None):
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        from sklearn.base import clone

        self._check(X)
        self.number_step_ = None if self.number_step is None else clone(self.number_step)
        self.categories_ = CategoryEncoder() if self.categories else None
        self.text_ = [TextFeatures(column=name) for name in self.text]
        numbers, positions, words = self._blocks(X, fit=True)
        self.feature_names_in_ = np.asarray([*self.numbers, *self.categories, *self.text], dtype=object)
        self.n_features_in_ = len(self.feature_names_in_)
        self.feature_sources_ = [
            *self.numbers,
            *(self.categories_.feature_sources_ if self.categories_ else []),
            *(name for block, name in zip(self.text_, self.text) for _ in block.words_),
        ]
        return self._assemble(len(X), numbers, positions, words)

    def transform(self, X):
        check_is_fitted(self, "feature_sources_")
        self._check(X)
        return self._assemble(len(X), *self._blocks(X, fit=False))

    def _blocks(self, X: pd.DataFrame, fit: bool) -> list:
        """Numbers, each lead's category columns and the word matrices, built at once (see _each)."""

        def positions():
            if self.categories_ is None:
                return None
            read = self.categories_._fit_positions if fit else self.categories_._positions
            return read(X, list(self.categories))

        def words():
            return [(block._fit_sparse if fit else block._sparse)(X[name]) for block, name in zip(self.text_, self.text)]

        return _each(lambda block: block(), [partial(self._numbers, X, fit=fit), positions, words], len(X))

    def _numbers(self, X: pd.DataFrame, fit: bool) -> np.ndarray | None:
        """The number columns as floats, through ``number_step_`` when there is one."""
        if not self.numbers:
            return None
        numbers = X[list(self.numbers)].to_numpy(dtype="float64")
        if self.number_step_ is None:
            return numbers
        return self.number_step_.fit_transform(numbers) if fit else self.number_step_.transform(numbers)

    def _assemble(self, rows: int, numbers, positions, words) -> np.ndarray:
        """The one output array, each block written into its columns.

        Large tables are written in row ranges on a few threads. The first write to a page of new
        memory makes the kernel (in a virtual machine, also its host) map it, which at a million
        leads took longer than the writing itself; shared out, it takes a fraction as long.
        """
        out = np.zeros((rows, len(self.feature_sources_)), dtype=np.float64)
        words = [matrix.tocsr() for matrix in words]

        def write(bounds: tuple[int, int]) -> None:
            first, last = bounds
            part, start = out[first:last], 0  # a row range of a C array is itself C-ordered
            if numbers is not None:
                part[:, : numbers.shape[1]] = numbers[first:last]
                start = numbers.shape[1]
            if positions is not None:
                self.categories_._write([column[first:last] for column in positions], part, start)
                start += self.categories_.width_
            for matrix in words:
                _write_sparse(matrix[first:last], part, start)
                start += matrix.shape[1]

        bounds = np.linspace(0, rows, _THREADS + 1).astype(int)
        _each(write, zip(bounds[:-1], bounds[1:]), rows)
        return out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "feature_sources_")
        names = [*self.numbers]
        if self.categories_ is not None:
            names += list(self.categories_.get_feature_names_out())
        for block in self.text_:
            names += list(block.get_feature_names_out())
        return np.asarray(names, dtype=object)


def build_pipeline(plan: CleaningPlan, model_kind: str, estimator):
    """The full pipeline: clean, encode, model.

    Parameters
    ----------
    plan : CleaningPlan
    model_kind : str
        "logistic" (blanks filled, numbers scaled, categories one-hot), "forest" or "boosting"
        (numbers as they are, blanks left where the plan says "model", categories one-hot).
    estimator : sklearn classifier
        The model step (fitted later by ``Pipeline.fit``).

    Returns
    -------
    sklearn.pipeline.Pipeline
        ``[("clean", LeadCleaner(plan)), ("encode", LeadEncoder), ("model", estimator)]``.
        ``pipeline[:-1].transform(leads)`` is a C-ordered float array (the layout
        scikit-learn's models work in, so they do not copy it) whose columns are named by
        ``pipeline[:-1].get_feature_names_out()`` ("source = LinkedIn", "needs: demo").
    """
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline, make_pipeline
    from sklearn.preprocessing import StandardScaler

    if model_kind not in MODEL_KINDS:
        raise LeadScoreInputError(
            f"'{model_kind}' is not a model LeadScore knows. Choose one of: {', '.join(MODEL_KINDS)}."
        )
    columns = cleaned_columns(plan)
    if not any(columns.values()):
        raise LeadScoreInputError(
            "Every column is left out, so there is nothing to learn from. Keep at least one column."
        )
    number_step = None
    if columns["number"] and model_kind == "logistic":
        # The cleaner fills blanks unless the plan leaves them "to the model"; logistic
        # regression cannot take blanks, so those get the median here. (A median imputer
        # on columns with nothing to fill still costs as long as the scaling.)
        left_blank = [c for c in columns["number"] if plan.missing.get(c) == "model"]
        number_step = StandardScaler()
        if left_blank:
            number_step = make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True), number_step)
    encode = LeadEncoder(
        numbers=tuple(columns["number"]),
        categories=tuple(columns["category"]),
        text=tuple(columns["text"]),
        number_step=number_step,
    )
    return Pipeline([("clean", LeadCleaner(plan)), ("encode", encode), ("model", estimator)])


def feature_sources(pipeline) -> list[str]:
    """For every encoded feature, the cleaned column it came from.

    Lets SHAP values be summed back to the user's own columns ("source = LinkedIn" and
    "source = Email" both come from "source").

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
        A fitted pipeline from :func:`build_pipeline` (calibrated or not).

    Returns
    -------
    list of str
        Same length and order as ``pipeline[:-1].get_feature_names_out()``.
    """
    encode = pipeline.named_steps["encode"]
    check_is_fitted(encode, "feature_sources_")
    return list(encode.feature_sources_)


# ---------------------------------------------------------------------------------------------
# What the app shows


def cleaning_summary(plan: CleaningPlan, rows_report: dict | None = None) -> dict:
    """Before/after tables for the cleaning page and the model card.

    Parameters
    ----------
    plan : CleaningPlan
    rows_report : dict, optional
        ``TrainingRows.report`` from :func:`select_training_rows`.

    Returns
    -------
    dict
        ``rows`` (DataFrame step, leads), ``columns_used`` (DataFrame column, used as, when
        blank), ``columns_left_out`` (DataFrame column, reason), ``spellings_grouped``
        (DataFrame column, spelling, grouped as), ``warnings`` (list of str).
    """
    rows = []
    if rows_report:
        rows.append(("Leads in the file", rows_report["rows_in"]))
        for reason, count in rows_report["set_aside"].items():
            rows.append((f"Set aside: {reason}", count))
        rows.append(("Leads used for training", rows_report["rows_kept"]))
        rows.append(("  of which converted", rows_report["converted"]))
        rows.append(("  of which not converted", rows_report["not_converted"]))
    rows_table = pd.DataFrame(rows, columns=["step", "leads"])

    blank_words = {
        "median": "filled with the typical (median) value",
        "most_frequent": "filled with the most common value",
        "unknown": 'shown as "Unknown"',
        "model": "left blank for the model",
    }
    used = []
    for column in plan.numeric:
        flag = " (plus a 'blank' flag)" if column in plan.missing_indicators else ""
        used.append((column, "number", blank_words[plan.missing.get(column, "median")] + flag))
    for column in plan.boolean:
        flag = " (plus a 'blank' flag)" if column in plan.missing_indicators else ""
        used.append((column, "yes/no", blank_words[plan.missing.get(column, "most_frequent")] + flag))
    for column in plan.categorical:
        used.append((column, "category", blank_words[plan.missing.get(column, "unknown")]))
    for column in plan.timestamps:
        used.append((column, "day of week and hour", 'hour filled with the median, day "Unknown"'))
    for start, end in plan.followup:
        used.append((end, f"minutes after {start}", blank_words["median"]))
    if plan.use_text:
        for column in plan.text:
            used.append((column, f"free text (top {TEXT_WORDS} words)", "no words"))
    used_table = pd.DataFrame(used, columns=["column", "used as", "when blank"])

    left_out = list(plan.excluded.items())
    if not plan.use_text:
        left_out += [(c, "Free text, switched off by choice.") for c in plan.text]
    left_table = pd.DataFrame(left_out, columns=["column", "reason"])

    merges = [
        (column, raw, canonical)
        for column, mapping in plan.category_mappings.items()
        if column in plan.categorical
        for raw, canonical in mapping.items()
        if raw != canonical
    ]
    merges_table = pd.DataFrame(merges, columns=["column", "spelling", "grouped as"])
    return {
        "rows": rows_table,
        "columns_used": used_table,
        "columns_left_out": left_table,
        "spellings_grouped": merges_table,
        "warnings": list(plan.warnings),
    }
