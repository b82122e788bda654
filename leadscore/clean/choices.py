"""The user's cleaning choices: what they changed in LeadScore's suggested plan.

The plan itself is always derived (:func:`plan_for`): the suggestion for the data, with these
choices applied, so that a choice never silently pins a default.

Example
-------
>>> plan = plan_for(suggested, CleaningChoices(keep=("Lead rating",)))       # doctest: +SKIP
>>> "Lead rating" in plan.warned                                             # doctest: +SKIP
True
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from leadscore.errors import LeadScoreInputError

__all__ = ["CleaningChoices", "plan_for", "NO_DATE"]

NO_DATE = ""


@dataclass(frozen=True)
class CleaningChoices:
    """What the user changed in LeadScore's suggested cleaning plan; saved with the project.

    The plan itself is always derived: LeadScore's suggestion for the data, with these choices
    applied (:func:`plan_for`). Only differences from the suggestion are kept, so a choice never
    silently pins a default.

    Attributes
    ----------
    date_column : str or None
        When each lead arrived. None: LeadScore's choice; ``NO_DATE`` (""): no date column.
    window_months : int or None
        Learn only from the last N months. None: LeadScore's default; 0: all history.
    rare_share : float or None
        Categories rarer than this share become "Other". None: the default (1%).
    exclude, keep : tuple of str
        Columns left out although LeadScore would use them, and used although it would not.
    spellings : tuple of (column, written as, becomes)
        Category spellings grouped differently from LeadScore's suggestion.
    labels : tuple of (column, label)
        How columns read on every page, reason and download.
    use_text : bool or None
        Whether free-text columns become word features. None: yes when there is text.
    """

    date_column: str | None = None
    window_months: int | None = None
    rare_share: float | None = None
    exclude: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    spellings: tuple[tuple[str, str, str], ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    use_text: bool | None = None

    def __post_init__(self):
        if self.window_months is not None and not (0 <= int(self.window_months) <= 600):
            raise LeadScoreInputError(
                f"The time window must be 0 (all history) to 600 months (it is {self.window_months})."
            )
        if self.rare_share is not None and not (0.0 <= float(self.rare_share) < 0.5):
            raise LeadScoreInputError(
                f"The share under which categories count as rare must be between 0% and 50% (it is {self.rare_share})."
            )
        object.__setattr__(self, "exclude", tuple(dict.fromkeys(map(str, self.exclude))))
        object.__setattr__(self, "keep", tuple(dict.fromkeys(map(str, self.keep))))
        object.__setattr__(self, "spellings", tuple(tuple(map(str, item)) for item in self.spellings))
        object.__setattr__(self, "labels", tuple((str(c), str(l).strip()) for c, l in self.labels if str(l).strip()))

    @property
    def label_map(self) -> dict[str, str]:
        """Column -> label, for the columns the user named."""
        return dict(self.labels)

    def with_label(self, column: str, text: str) -> "CleaningChoices":
        """These choices with ``column`` read as ``text`` (an empty text drops the label)."""
        labels = {**self.label_map, column: text}
        return replace(self, labels=tuple((c, l) for c, l in labels.items() if str(l).strip()))

    def to_dict(self) -> dict:
        return {
            "date_column": self.date_column,
            "window_months": self.window_months,
            "rare_share": self.rare_share,
            "exclude": list(self.exclude),
            "keep": list(self.keep),
            "spellings": [list(item) for item in self.spellings],
            "labels": [list(item) for item in self.labels],
            "use_text": self.use_text,
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> "CleaningChoices":
        data = data or {}
        return cls(
            date_column=data.get("date_column"),
            window_months=data.get("window_months"),
            rare_share=data.get("rare_share"),
            exclude=tuple(data.get("exclude", ())),
            keep=tuple(data.get("keep", ())),
            spellings=tuple(tuple(item) for item in data.get("spellings", ())),
            labels=tuple(tuple(item) for item in data.get("labels", ())),
            use_text=data.get("use_text"),
        )


def plan_for(suggested: "CleaningPlan", choices: CleaningChoices) -> "CleaningPlan":
    """LeadScore's suggested plan with the user's choices applied.

    Parameters
    ----------
    suggested : CleaningPlan
        From :func:`suggest_cleaning_plan` (with ``choices.date_column`` when it names one).
    choices : CleaningChoices

    Returns
    -------
    CleaningPlan

    Raises
    ------
    LeadScoreInputError
        A choice names a column that is not in the file, or the outcome column.
    """
    plan = suggested
    if choices.date_column == NO_DATE:
        plan = replace(plan, date_column=None, window_months=None)
    if choices.exclude or choices.keep:
        plan = plan.with_overrides(exclude=choices.exclude, keep=choices.keep)
    if choices.window_months is not None and plan.date_column is not None:
        plan = replace(plan, window_months=int(choices.window_months) or None)
    if choices.rare_share is not None:
        plan = replace(plan, rare_share=float(choices.rare_share))
    if choices.use_text is not None:
        plan = replace(plan, use_text=bool(choices.use_text) and bool(plan.text))
    if choices.spellings:
        mappings = {column: dict(mapping) for column, mapping in plan.category_mappings.items()}
        for column, written, becomes in choices.spellings:
            mappings.setdefault(column, {})[written] = becomes.strip() or written
        plan = replace(plan, category_mappings=mappings)
    if choices.labels:
        plan = replace(plan, labels=choices.label_map)
    return plan


