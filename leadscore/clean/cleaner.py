"""The cleaner: apply a cleaning plan to raw leads, identically at training and scoring time.

:class:`LeadCleaner` is the first step of every LeadScore pipeline, so a new lead is cleaned by
exactly the code that cleaned the training leads: numbers read like the training file, spellings
grouped, rare values as "Other", blanks filled, timing features derived.

Example
-------
>>> cleaner = LeadCleaner(plan).fit(rows.X)           # doctest: +SKIP
>>> cleaner.transform(new_leads).columns.tolist()     # doctest: +SKIP
['pages_viewed', ..., 'source', 'first_engaged_at: day of week', 'needs']
"""

from __future__ import annotations

from functools import partial
from itertools import chain

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from leadscore._parallel import each
from leadscore.inspect.categories import canonicalize
from leadscore.errors import LeadScoreInputError
from leadscore.clean.plan import FALSE_WORDS, OTHER, TRUE_WORDS, UNKNOWN, CleaningPlan, cleaned_columns
from leadscore.io.read import to_number
from leadscore.inspect.timing import day_of_week_name, timing_features

__all__ = ["LeadCleaner", "text_answers", "to_flag"]


def _coded(values: pd.Series, mapping: dict[str, str] | None) -> tuple[np.ndarray, np.ndarray]:
    """Codes per lead (-1 blank) and the canonical value of each distinct raw value."""
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    distinct = pd.Series(np.asarray(distinct, dtype="object"), dtype="object")
    canonical = distinct if mapping is None else canonicalize(distinct, mapping)
    return np.asarray(codes), canonical.to_numpy(dtype="object")


def blank_fill(values) -> str:
    """What a blank category reads as: "Unknown", unless the column already holds that word in
    any spelling ("unknown", "UNKNOWN"); then "(blank)", "(blank 2)", ... whichever is free.

    Example
    -------
    >>> blank_fill(["LinkedIn", "Referral"]), blank_fill(["LinkedIn", "unknown"]), blank_fill(["unknown", "(Blank)"])
    ('Unknown', '(blank)', '(blank 2)')
    """
    taken = {str(v).strip().casefold() for v in values if v is not None and v == v}
    candidates = [UNKNOWN, "(blank)", *(f"(blank {k})" for k in range(2, len(taken) + 3))]
    return next(c for c in candidates if c.casefold() not in taken)


def to_flag(values: pd.Series) -> pd.Series:
    """1.0 for yes-like values, 0.0 for no-like ones, missing otherwise (decided per distinct value).

    Yes-like: yes, y, true, t, 1 and a ticked box (x, checked, ticked, ✓); no-like: no, n, false,
    f, 0; any case, spaces around ignored. The scorer reads a yes/no column with this too, to
    count the values that were neither.
    """
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    words = [str(v).strip().lower() for v in distinct]
    flags = [1.0 if w in TRUE_WORDS else 0.0 if w in FALSE_WORDS else np.nan for w in words]
    lookup = np.array([*flags, np.nan], dtype="float64")
    return pd.Series(lookup[codes], index=values.index, dtype="float64", name=values.name)


def text_answers(values: pd.Series) -> pd.Series:
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
            features = timing_features(stamps, plan.timestamps, plan.followup, date_only=plan.date_only)
            return {name: _coded(values, None) if name in days else values for name, values in features.items()}

        # Each column is read on its own (columns taken out of X here, not in the threads).
        jobs = [
            *(partial(to_number, column(name)) for name in plan.numeric),
            *(partial(to_flag, column(name)) for name in plan.boolean),
            *(partial(_coded, column(name), plan.category_mappings.get(name, {})) for name in plan.categorical),
            timing,
            *(partial(text_answers, column(name)) for name in (plan.text if plan.use_text else ())),
        ]
        results = iter(each(lambda job: job(), jobs, len(X)))
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
            if strategy == "no":
                return 0.0
            if name.endswith(": missing") or strategy == "model":
                return None if strategy == "model" else 0.0
            if strategy == "most_frequent":
                mode = values.mode()
                return float(mode.iloc[0]) if len(mode) else 0.0
            # numpy's median of the filled values: pandas' own wraps it in catch_warnings,
            # which is not thread-safe in Python 3.11 (see leadscore._parallel).
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
            return kept, blank_fill(counts.index)

        fills: dict[str, object] = dict(zip(columns["number"], each(number_fill, columns["number"], len(X))))
        vocabulary: dict[str, tuple[str, ...]] = {}
        for name, (kept, fill) in zip(columns["category"], each(category_fit, columns["category"], len(X))):
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

        for name, (values, outside) in zip(columns["category"], each(category, columns["category"], len(X))):
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

