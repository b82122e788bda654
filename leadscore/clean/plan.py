"""The cleaning plan: every cleaning choice, suggested from the data and changed by the user.

One frozen :class:`CleaningPlan` says which columns are used and how (numbers, categories,
yes/no, timing, free text), which are left out and why, how category spellings are grouped and
how blanks are filled. It is saved with the model and shown back to the user; the cleaner
(:mod:`leadscore.clean.cleaner`) applies it identically at training and scoring time.

Example
-------
>>> suspects = find_leakage_suspects(leads, mapping.apply(leads), profiles)      # doctest: +SKIP
>>> plan = suggest_cleaning_plan(leads, mapping, profiles, suspects)            # doctest: +SKIP
>>> plan.with_overrides(exclude=["industry"]).excluded["industry"]              # doctest: +SKIP
'You chose to leave it out.'
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from leadscore.inspect.categories import suggest_category_mapping
from leadscore.errors import LeadScoreInputError
from leadscore.inspect.leakage import default_exclusions
from leadscore.inspect.profile import CHECKBOX_WORDS
from leadscore.inspect.timing import (
    as_timestamps,
    choose_arrival_column,
    day_of_week_name,
    followup_name,
    has_time_of_day,
    hour_name,
)

if TYPE_CHECKING:
    from leadscore.inspect.outcome import OutcomeMapping

__all__ = [
    "CleaningPlan",
    "CleaningChoices",
    "plan_for",
    "NO_DATE",
    "column_table",
    "overrides_from_column_table",
    "labels_from_column_table",
    "category_mapping_table",
    "spellings_from_table",
    "plan_table",
    "suggest_cleaning_plan",
    "cleaned_columns",
    "cleaning_summary",
    "MISSING_STRATEGIES",
    "UNKNOWN",
    "OTHER",
]

MISSING_STRATEGIES = ("median", "most_frequent", "unknown", "model", "no")
UNKNOWN = "Unknown"
OTHER = "Other"
DEFAULT_WINDOW_MONTHS = 12
DEFAULT_RARE_SHARE = 0.01
# Words per free-text column: enough to learn from, few enough to read in the explanations.
TEXT_WORDS = 20
TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "1.0"}) | CHECKBOX_WORDS
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", "0.0", "-0.0"})
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
        models that handle it; logistic regression still fills it with the median) | "no" (a
        checkbox column: blank means not ticked).
    missing_indicators : tuple of str
        Columns that also get a "<column>: missing" 0/1 flag, because missingness carries signal.
    use_text : bool
        Whether free-text columns become word features.
    column_kinds : dict[str, str]
        Kind of every column in the file (from the profiles), so a left-out column can be kept.
    warnings : tuple of str
        Warnings for the user (e.g. personal data kept by choice).
    warned : dict[str, str]
        Columns the user kept although the leakage guard flagged them -> the warning (every
        suspect is left out by default, so this is empty until the user keeps one). Training
        reports the holdout result without them too (the honest range).
    date_only : tuple of str
        Timestamps without a time of day (every value at midnight): they give no hour feature,
        and follow-up gaps involving them are counted in days.
    labels : dict[str, str]
        Column -> the label the user reads ("first_engaged_at" -> "First engaged at"); columns
        without one read as LeadScore writes them (see :func:`leadscore.labels.label`).
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
    warned: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    date_only: tuple[str, ...] = ()

    def hour_columns(self) -> list[str]:
        """The hour-of-day features: one per arrival timestamp that has a time of day."""
        return [hour_name(c) for c in self.timestamps if c not in self.date_only]

    def gap_columns(self) -> list[str]:
        """The follow-up features: minutes between two times, days when a side has no time."""
        return [
            followup_name(a, b, "days" if a in self.date_only or b in self.date_only else "minutes")
            for a, b in self.followup
        ]

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
        self._check_overrides(exclude, keep)
        draft = {
            "numeric": list(self.numeric),
            "categorical": list(self.categorical),
            "boolean": list(self.boolean),
            "text": list(self.text),
            "timestamps": list(self.timestamps),
            "excluded": dict(self.excluded),
            "missing": dict(self.missing),
            "warnings": list(self.warnings),
            "warned": dict(self.warned),
            "followup": list(self.followup),
            "missing_indicators": list(self.missing_indicators),
            "use_text": self.use_text,
        }
        for column in exclude:
            self._leave_out(column, draft)
        for column in keep:
            self._use(column, draft)
        return replace(self, **{k: tuple(v) if isinstance(v, list) else v for k, v in draft.items()})

    def _check_overrides(self, exclude: tuple, keep: tuple) -> None:
        known = set(self.column_kinds) | set(self.used_columns) | set(self.excluded)
        for column in (*exclude, *keep):
            if column == self.outcome.column:
                raise LeadScoreInputError(
                    f"'{column}' is the outcome the model learns to predict, so it cannot be used as an "
                    "input or left out. Choose another column."
                )
            if column not in known:
                choices = ", ".join(sorted(known - {self.outcome.column})[:12])
                raise LeadScoreInputError(
                    f"There is no column '{column}' in this file. Check the spelling; the columns are: {choices}."
                )
        both = set(exclude) & set(keep)
        if both:
            raise LeadScoreInputError(f"{', '.join(sorted(both))} is both kept and left out. Choose one.")

    @staticmethod
    def _leave_out(column: str, draft: dict) -> None:
        for role in ("numeric", "categorical", "boolean", "text", "timestamps"):
            if column in draft[role]:
                draft[role].remove(column)
        draft["followup"] = [pair for pair in draft["followup"] if column not in pair]
        draft["missing_indicators"] = [c for c in draft["missing_indicators"] if c != column]
        draft["warned"].pop(column, None)
        draft["excluded"][column] = "You chose to leave it out."

    def _use(self, column: str, draft: dict) -> None:
        reason = draft["excluded"].pop(column, None)
        if any(column in draft[role] for role in ("numeric", "categorical", "boolean", "text", "timestamps")):
            return
        kind = self.column_kinds.get(column, "category")
        role = {"number": "numeric", "boolean": "boolean", "date": "timestamps", "text": "text"}.get(kind, "categorical")
        draft[role].append(column)
        missing = draft["missing"]
        if role == "numeric":
            missing.setdefault(column, "median")
        elif role in ("categorical", "boolean"):
            missing.setdefault(column, "unknown" if role == "categorical" else "most_frequent")
        elif role == "text":
            draft["use_text"] = True
        elif role == "timestamps":
            if column not in self.date_only:
                missing.setdefault(hour_name(column), "median")
            missing.setdefault(day_of_week_name(column), "unknown")
        if kind == "personal":
            draft["warnings"].append(
                f"'{column}' holds personal data and is used by your choice. Personal data rarely "
                "predicts conversions and is stored inside the saved model; leave it out unless you "
                "are sure."
            )
        elif reason and reason != "You chose to leave it out.":
            draft["warnings"].append(f"'{column}' is used by your choice although: {reason}")
            if kind not in ("identifier", "constant"):
                draft["warned"][column] = reason

    @classmethod
    def from_dict(cls, data: dict) -> "CleaningPlan":
        """Rebuild a plan from :meth:`to_dict` output (e.g. a plan saved as JSON)."""
        from leadscore.inspect.outcome import OutcomeMapping

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
            warned=dict(data.get("warned", {})),
            labels=dict(data.get("labels", {})),
            date_only=tuple(data.get("date_only", ())),
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
            "warned": dict(self.warned),
            "labels": dict(self.labels),
            "date_only": list(self.date_only),
        }


# ---------------------------------------------------------------------------------------------
# Suggesting a plan


def _is_checkbox(values: pd.Series) -> bool:
    """One yes-like value and blanks, as a CRM exports a tick box."""
    present = values.dropna()
    text = present.astype("str").str.strip()
    words = set(text.str.lower().unique()) - {""}
    blanks = len(values) - len(present) + int((text == "").sum())
    return len(words) == 1 and words <= CHECKBOX_WORDS and blanks > 0


def _boolean_values_known(values: pd.Series) -> bool:
    words = set(values.dropna().astype("str").str.strip().str.lower().unique()) - {""}
    return bool(words) and words <= (TRUE_WORDS | FALSE_WORDS)


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


def _column_kinds(df: pd.DataFrame, profiles, outcome) -> dict[str, str]:
    """Each column's kind for cleaning; a "boolean" whose values are not yes/no words is a category."""
    kinds: dict[str, str] = {}
    for profile in profiles:
        kind = profile.kind
        if kind == "boolean" and not _boolean_values_known(df[profile.name]):
            kind = "category"
        kinds[profile.name] = kind
    kinds.pop(outcome.column, None)
    return kinds


def _followup_pairs(df: pd.DataFrame, date_column: str, timestamps) -> tuple[tuple[str, str], ...]:
    """(earlier, later) timestamp pairs around the arrival date: the follow-up speed and the like."""
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
    return tuple(pairs)


def _fill_rules(df, numeric, boolean, categorical, timestamps, followup, date_only) -> dict[str, str]:
    """How each cleaned column's blanks are filled (see :data:`MISSING_STRATEGIES`)."""
    missing: dict[str, str] = {column: "median" for column in numeric}
    for column in boolean:
        # A checkbox ("True" or blank): a blank is an unticked box, not an unknown answer.
        missing[column] = "no" if _is_checkbox(df[column]) else "most_frequent"
    missing.update({column: "unknown" for column in categorical})
    for column in timestamps:
        if column not in date_only:
            missing[hour_name(column)] = "median"
        missing[day_of_week_name(column)] = "unknown"
    for start, end in followup:
        missing[followup_name(start, end, "days" if start in date_only or end in date_only else "minutes")] = "median"
    return missing


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
        From ``find_leakage_suspects``; every suspect ("exclude" and "warn") is left out.
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
    kinds = _column_kinds(df, profiles, outcome)
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
    timestamps, followup = tuple(dates), ()
    if date_column is not None and date_column in timestamps:
        followup = _followup_pairs(df, date_column, timestamps)
        # Day of week and hour describe when the lead arrived; the weekday of a later event
        # (the follow-up) says little and is not known when the lead arrives.
        timestamps = (date_column,)
    # A date without a time of day ("2025-03-04") says nothing about the hour or the minutes;
    # every date column is checked, used or not, so one the user keeps later reads the same way.
    date_only = tuple(c for c, kind in kinds.items() if kind == "date" and not has_time_of_day(as_timestamps(df[c])))
    missing = _fill_rules(df, numeric, boolean, categorical, timestamps, followup, date_only)
    # A checkbox's blank already means "no": a "blank" flag beside it would say the same twice.
    y = outcome.apply(df)
    indicators = tuple(c for c in (*numeric, *boolean) if missing.get(c) != "no" and _missing_matters(df[c], y))
    mappings = {c: suggest_category_mapping(df[c]) for c, kind in kinds.items() if kind == "category" and c in df.columns}
    # Numbers a model cannot use ("inf", "1e309", text in a number column) were read as blanks.
    unreadable = (df.attrs.get("leadscore_read") or {}).get("unreadable_numbers") or {}
    warnings = tuple(
        f"{count:,} {'value' if count == 1 else 'values'} in '{column}' {'is not a usable number' if count == 1 else 'are not usable numbers'} "
        f"(text, or a number too large to use such as 1e309 or inf) and {'counts' if count == 1 else 'count'} as blank. Check that column."
        for column, count in unreadable.items()
        if column in numeric and count
    )

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
        warnings=warnings,
        date_only=date_only,
    )


# ---------------------------------------------------------------------------------------------
# What the plan makes


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
    numbers += plan.hour_columns()
    numbers += plan.gap_columns()
    categories = [*plan.categorical, *(day_of_week_name(c) for c in plan.timestamps)]
    text = list(plan.text) if plan.use_text else []
    return {"number": numbers, "category": categories, "text": text}


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
        "no": "read as no (an unticked box)",
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
        if column in plan.date_only:
            used.append((column, "day of week (the dates have no time)", 'day "Unknown"'))
        else:
            used.append((column, "day of week and hour", 'hour filled with the median, day "Unknown"'))
    for (start, end), gap in zip(plan.followup, plan.gap_columns()):
        used.append((end, f"{gap.split(' ')[0]} after {start}", blank_words["median"]))
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


# The user's choices and the Clean page's tables live in their own modules; they are named here
# too, where the pages and the command have always found them.
from leadscore.clean.choices import NO_DATE, CleaningChoices, plan_for  # noqa: E402
from leadscore.clean.plan_tables import (  # noqa: E402
    category_mapping_table,
    column_table,
    labels_from_column_table,
    overrides_from_column_table,
    plan_table,
    spellings_from_table,
)
