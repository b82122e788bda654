"""Find the outcome column and say which of its values mean converted, not converted or still open.

Known spellings (yes/no, 1/0, true/false, won/lost, closed won/closed lost, converted/not
converted, ...) are mapped automatically. Anything else is turned into a question for the user,
never guessed: "The column 'converted' has 3 different values: yes, no, maybe. Choose which mean
converted." Blank outcomes and labels such as "open", "in progress" or "pending" are leads still in
the pipeline: counted, and set aside from training.

Example
-------
>>> import pandas as pd
>>> leads = pd.DataFrame({"stage": ["Closed Won", "Closed Lost", "Open", None]})
>>> suggestion = suggest_outcome(leads)
>>> suggestion.mapping.counts(leads)
{'converted': 1, 'not_converted': 1, 'open': 2}
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from leadscore.errors import LeadScoreInputError

__all__ = [
    "OutcomeMapping",
    "OutcomeSuggestion",
    "suggest_outcome",
    "require_two_outcomes",
    "POSITIVE_SPELLINGS",
    "NEGATIVE_SPELLINGS",
    "OPEN_SPELLINGS",
]

POSITIVE_SPELLINGS = frozenset({
    "yes", "y", "1", "1.0", "true", "t", "won", "win", "closed won", "closed-won", "closed_won",
    "closedwon", "converted", "conversion", "success", "successful", "sale", "sold", "purchased",
    "bought", "customer", "signed", "paid", "subscribed", "accepted", "deal won", "booked",
    "enrolled", "oui", "ja", "si", "sí",
})
NEGATIVE_SPELLINGS = frozenset({
    "no", "n", "0", "0.0", "false", "f", "lost", "lose", "loss", "closed lost", "closed-lost",
    "closed_lost", "closedlost", "not converted", "not_converted", "unconverted", "non converted",
    "no conversion", "failed", "failure", "fail", "no sale", "not sold", "rejected", "declined",
    "deal lost", "dead", "disqualified", "unqualified", "did not convert", "no deal",
    "not interested", "non", "nein",
})
OPEN_SPELLINGS = frozenset({
    "open", "opened", "in progress", "in-progress", "in_progress", "inprogress", "pending", "ongoing",
    "new", "working", "still open", "in pipeline", "pipeline", "awaiting", "waiting", "tbd",
    "not yet", "undecided", "follow up", "follow-up", "nurturing", "active",
    # Stages of a deal still in a CRM's pipeline.
    "prospecting", "prospect", "engaging", "engaged", "contacted", "attempted to contact", "qualifying",
    "qualification", "discovery", "demo", "demo scheduled", "meeting scheduled", "proposal", "proposal sent",
    "negotiation", "negotiating", "evaluation", "in discussion", "needs analysis", "appointment scheduled",
})
# Column names that usually hold the outcome, best first.
OUTCOME_NAMES = (
    "converted", "conversion", "is converted", "outcome", "won", "is won", "deal won", "closed won",
    "result", "target", "y", "label", "status", "stage", "deal stage", "lead status", "sold", "sale",
    "purchased", "subscribed", "success", "class",
)
_OUTCOME_WORDS = {"converted", "conversion", "outcome", "won", "result", "status", "stage", "target",
                  "sold", "sale", "purchased", "subscribed", "success", "closed", "win", "label"}
# An outcome has a handful of values; a column with dozens is something else.
MAX_OUTCOME_VALUES = 12
# A column the user names may hold a few more stages to sort, but not hundreds of amounts.
MAX_NAMED_OUTCOME_VALUES = 30


def _key(value: object) -> str:
    """How a value is compared: as text, trimmed, lower case ("Yes " -> "yes", 1.0 -> "1")."""
    return _tidy(str(value).strip().lower())


@dataclass(frozen=True)
class OutcomeMapping:
    """Which values of the outcome column mean converted, not converted or still open.

    Values are compared as ``str(value).strip().lower()``. Blank cells are always "still open".
    Values in none of the lists are also treated as still open (set aside from training).

    Attributes
    ----------
    column : str
        The outcome column.
    positive_values, negative_values, open_values : tuple of str
        Spellings meaning converted, not converted and still in the pipeline.
    """

    column: str
    positive_values: tuple[str, ...]
    negative_values: tuple[str, ...]
    open_values: tuple[str, ...] = ()

    def __post_init__(self):
        for field in ("positive_values", "negative_values", "open_values"):
            object.__setattr__(self, field, tuple(_key(v) for v in getattr(self, field)))
        overlap = set(self.positive_values) & set(self.negative_values)
        if overlap:
            raise LeadScoreInputError(
                f"The value {', '.join(repr(v) for v in sorted(overlap))} is marked as both converted "
                "and not converted. Choose one for each value."
            )

    def apply(self, df: pd.DataFrame) -> pd.Series:
        """Outcome per lead: 1.0 converted, 0.0 not converted, NaN still open (or blank)."""
        if self.column not in df.columns:
            raise LeadScoreInputError(
                f"There is no column '{self.column}' in this file. Choose the column that says "
                "whether each lead converted."
            )
        column = df[self.column]
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        positives, negatives = set(self.positive_values), set(self.negative_values)
        lookup = np.array(
            [1.0 if _key(v) in positives else 0.0 if _key(v) in negatives else np.nan for v in uniques]
            + [np.nan],
            dtype="float64",
        )
        # codes == -1 (blank) picks the trailing NaN.
        return pd.Series(lookup[codes], index=df.index, name=self.column)

    def counts(self, df: pd.DataFrame) -> dict[str, int]:
        """How many leads converted, did not convert, and are still open."""
        outcome = self.apply(df)
        converted = int((outcome == 1.0).sum())
        not_converted = int((outcome == 0.0).sum())
        return {"converted": converted, "not_converted": not_converted, "open": len(outcome) - converted - not_converted}


@dataclass(frozen=True)
class OutcomeSuggestion:
    """The outcome column LeadScore found, and anything the user must still decide.

    Attributes
    ----------
    mapping : OutcomeMapping or None
        Ready to use when every value has a known spelling; None while there is a question.
    unmapped_values : tuple of str
        Values LeadScore does not know (as they appear in the file).
    question : str or None
        What to ask the user, in plain words, when some values are unknown.
    candidates : tuple of str
        Other columns that could be the outcome, for a "choose another column" control.
    proposed : OutcomeMapping or None
        The known spellings already sorted, to pre-fill the user's choice when there is a question.
    """

    mapping: OutcomeMapping | None
    unmapped_values: tuple[str, ...]
    question: str | None
    candidates: tuple[str, ...]
    proposed: OutcomeMapping | None = None

    @property
    def column(self) -> str:
        """The column examined: the outcome column LeadScore guessed (or the user named)."""
        return (self.mapping or self.proposed).column


def suggest_outcome(df: pd.DataFrame, column: str | None = None) -> OutcomeSuggestion:
    """Find the outcome column (or use ``column``) and map its values.

    Parameters
    ----------
    df : pandas.DataFrame
        The leads.
    column : str, optional
        The outcome column, if the user named it.

    Returns
    -------
    OutcomeSuggestion

    Raises
    ------
    LeadScoreInputError
        The named column does not exist, or no column could be the outcome.
    """
    scored = sorted(
        ((score, name) for name in df.columns if (score := _outcome_score(str(name), df[name])) > 0),
        key=lambda item: -item[0],
    )
    candidate_names = [str(name) for _, name in scored]
    if column is not None:
        column = _find_column(df, column)
    elif candidate_names:
        column = candidate_names[0]
    else:
        raise LeadScoreInputError(
            "No column looks like the outcome (whether each lead converted). Add a column such as "
            "'converted' with yes/no (or won/lost) for every lead whose outcome you know, leaving "
            "open leads blank, then upload the file again."
        )
    candidates = tuple(name for name in candidate_names if name != column)

    values = _distinct_values(df[column])
    if len(values) > MAX_NAMED_OUTCOME_VALUES:
        raise LeadScoreInputError(
            f"The column '{column}' has {len(values):,} different values, too many for an outcome. "
            "Choose the column that says whether each lead converted (for example yes/no or won/lost)."
        )
    positive = tuple(v for v in values if _key(v) in POSITIVE_SPELLINGS)
    negative = tuple(v for v in values if _key(v) in NEGATIVE_SPELLINGS)
    still_open = tuple(v for v in values if _key(v) in OPEN_SPELLINGS)
    unmapped = tuple(v for v in values if v not in positive + negative + still_open)
    # Sorting both "1" and "yes" as converted in one column would be guessing what each means.
    if len({_key(v) for v in positive}) > 1 or len({_key(v) for v in negative}) > 1:
        if _mixed_meanings(positive, negative):
            unmapped, positive, negative = tuple(values), (), ()
    proposed = OutcomeMapping(str(column), positive, negative, still_open)
    if not unmapped:
        return OutcomeSuggestion(proposed, (), None, candidates, proposed)
    listed = ", ".join(values[:15]) + (f" and {len(values) - 15} more" if len(values) > 15 else "")
    question = (
        f"The column '{column}' has {len(values)} different values: {listed}. Choose which mean "
        "converted."
    )
    if len(unmapped) < len(values):
        question += (
            f" LeadScore does not know what {', '.join(repr(v) for v in unmapped[:10])} "
            f"mean{'s' if len(unmapped) == 1 else ''}; values you mark as neither converted nor not "
            "converted count as still in the pipeline."
        )
    return OutcomeSuggestion(None, unmapped, question, candidates, proposed)


def require_two_outcomes(counts: dict[str, int], mapping: OutcomeMapping | None = None) -> None:
    """Refuse an outcome where every known lead is converted, or every one is not.

    Parameters
    ----------
    counts : dict
        As returned by :meth:`OutcomeMapping.counts`.
    mapping : OutcomeMapping, optional
        Used to name the column and the value in the message.

    Raises
    ------
    LeadScoreInputError
        Fewer than one converted or one not-converted lead.
    """
    converted, not_converted = counts["converted"], counts["not_converted"]
    if converted and not_converted:
        return
    column = f" in '{mapping.column}'" if mapping is not None else ""
    if not converted and not not_converted:
        raise LeadScoreInputError(
            f"No lead has a known outcome{column}: every value is blank or still open. Fill in the "
            "outcome (converted or not) for the leads that are finished, then upload the file again."
        )
    if converted:
        label = _label(mapping.positive_values if mapping else (), "converted")
        missing = "not converted"
    else:
        label = _label(mapping.negative_values if mapping else (), "not converted")
        missing = "converted"
    raise LeadScoreInputError(
        f"Every lead with a known outcome{column} is {label}. A model needs both converted and "
        f"not-converted leads to learn the difference: add leads that {_did(missing)} (or choose the "
        "right outcome column) and upload the file again."
    )


def _label(values: tuple[str, ...], meaning: str) -> str:
    return f"'{values[0]}' ({meaning})" if len(values) == 1 else meaning


def _did(meaning: str) -> str:
    return "did not convert" if meaning == "not converted" else "converted"


def _find_column(df: pd.DataFrame, column: str) -> str:
    if column in df.columns:
        return column
    by_key = {_key(name): str(name) for name in df.columns}
    if _key(column) in by_key:
        return by_key[_key(column)]
    raise LeadScoreInputError(
        f"There is no column '{column}' in this file. The columns are: "
        f"{', '.join(str(c) for c in df.columns[:30])}. Choose the one that says whether each lead converted."
    )


def _distinct_values(series: pd.Series) -> list[str]:
    """Non-blank values as text, most frequent first ("Yes" and "yes " are one value)."""
    counts = series.dropna().astype(str).str.strip()
    counts = counts[counts != ""]
    counts = counts.groupby(counts.str.lower(), sort=False).agg(["first", "size"])
    counts = counts.sort_values("size", ascending=False, kind="stable")
    return [_tidy(v) for v in counts["first"].tolist()]


def _tidy(value: str) -> str:
    # 1.0 / 0.0 read from a float column show as 1 / 0, as the user wrote them.
    return value[:-2] if re.fullmatch(r"-?\d+\.0", value) else value


def _mixed_meanings(positive: tuple[str, ...], negative: tuple[str, ...]) -> bool:
    """True when one column mixes unrelated codings, e.g. "1" and "yes" both present."""
    families = (
        {"1", "0"}, {"yes", "no", "y", "n"}, {"true", "false", "t", "f"},
    )
    keys = {_key(v) for v in positive + negative}
    return sum(bool(keys & family) for family in families) > 1


def _outcome_score(name: str, series: pd.Series) -> float:
    """How much a column looks like an outcome: name first, then values; 0 means not at all."""
    if pd.api.types.is_float_dtype(series.dtype) and not series.dropna().isin([0.0, 1.0]).all():
        return 0.0
    distinct = series.dropna().nunique()
    if distinct == 0 or distinct > MAX_OUTCOME_VALUES:
        return 0.0
    values = {_key(_tidy(str(v))) for v in series.dropna().unique()[: MAX_OUTCOME_VALUES + 1]}
    values.discard("")
    known = values & (POSITIVE_SPELLINGS | NEGATIVE_SPELLINGS | OPEN_SPELLINGS)
    has_both = bool(values & POSITIVE_SPELLINGS) and bool(values & NEGATIVE_SPELLINGS)
    value_score = len(known) / len(values) if values and has_both else 0.0

    key = re.sub(r"[^a-z0-9]+", " ", re.sub(r"([a-z])([A-Z])", r"\1 \2", name).lower()).strip()
    words = set(key.split())
    if key in OUTCOME_NAMES:
        name_score = 2.0 + (len(OUTCOME_NAMES) - OUTCOME_NAMES.index(key)) / len(OUTCOME_NAMES)
    elif words & _OUTCOME_WORDS:
        name_score = 1.5
    else:
        name_score = 0.0
    if name_score == 0 and value_score < 1.0:
        return 0.0
    # A named column with one value ("all no") is still the outcome, and gets a clear message later.
    return name_score + value_score


# ---------------------------------------------------------------------------------------------
# The table the Data page shows and edits

MEANINGS: tuple[str, ...] = ("converted", "not converted", "still open")
BLANK = "(blank)"


def value_table(leads: pd.DataFrame, column: str, mapping: OutcomeMapping | None = None) -> pd.DataFrame:
    """The distinct values of the outcome column, how many leads have each, and their meaning.

    Values are grouped and matched exactly as :meth:`OutcomeMapping.apply` reads them (trimmed,
    any case, 1.0 read as 1), so the table never disagrees with the counts.

    Parameters
    ----------
    leads : DataFrame
    column : str
        The outcome column.
    mapping : OutcomeMapping, optional
        The suggested or current mapping; values it does not mention are "still open" until the
        user says otherwise (blanks always are).

    Returns
    -------
    DataFrame with ``value`` (as written in the file, "(blank)" for empty cells), ``leads`` and
    ``meaning`` (one of :data:`MEANINGS`), most frequent value first.

    Raises
    ------
    LeadScoreInputError
        The column is missing or has too many values to be an outcome.
    """
    if column not in leads.columns:
        raise LeadScoreInputError(f"There is no column '{column}'. Pick the outcome column from the list.")
    values = leads[column]
    distinct = values.dropna().nunique()
    if distinct > MAX_NAMED_OUTCOME_VALUES:
        raise LeadScoreInputError(
            f"The column '{column}' has {distinct:,} different values, so it cannot say whether a "
            "lead converted. Pick the column with a few values such as yes/no or won/lost."
        )
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    per_value = np.bincount(codes[codes >= 0], minlength=len(uniques))
    rows: dict[str, list] = {}
    for value, count in zip(uniques, per_value):
        key = _key(value)
        shown = _tidy(str(value).strip()) or BLANK
        if key == "":
            key, shown = "", BLANK
        entry = rows.setdefault(key, [shown, 0])
        entry[1] += int(count)
    blank = int((codes < 0).sum())
    if blank:
        rows.setdefault("", [BLANK, 0])[1] += blank
    positive = set(mapping.positive_values) if mapping is not None and mapping.column == column else set()
    negative = set(mapping.negative_values) if mapping is not None and mapping.column == column else set()

    def meaning(key: str) -> str:
        return "converted" if key in positive else "not converted" if key in negative else "still open"

    table = pd.DataFrame(
        [{"value": shown, "leads": count, "meaning": meaning(key)} for key, (shown, count) in rows.items()],
        columns=["value", "leads", "meaning"],
    )
    return table.sort_values("leads", ascending=False, kind="stable").reset_index(drop=True)


def mapping_from_table(column: str, table: pd.DataFrame) -> OutcomeMapping:
    """The :class:`OutcomeMapping` the user set in the value table.

    Raises
    ------
    LeadScoreInputError
        When no value means converted or none means not converted.
    """

    def values(meaning: str) -> tuple[str, ...]:
        chosen = table.loc[table["meaning"] == meaning, "value"].astype(str)
        return tuple(v for v in chosen if v != BLANK)

    positive, negative, still_open = values("converted"), values("not converted"), values("still open")
    if not positive or not negative:
        missing = "converted" if not positive else "not converted"
        raise LeadScoreInputError(
            f"No value of '{column}' is marked as '{missing}'. In the table, set the meaning of "
            "the values that say a lead converted and of those that say it did not."
        )
    return OutcomeMapping(column=column, positive_values=positive, negative_values=negative, open_values=still_open)
