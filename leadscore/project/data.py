"""A project's leads and what the user decided about them: the outcome and the cleaning choices.

:class:`ProjectData` is the first collaborator of :class:`leadscore.project.LeadProject`. It holds
the rules both the app and the command follow, once: which column is guessed as the outcome,
how outcome options on the command line become a mapping, which cleaning choices are stored
(only what differs from LeadScore's suggestion), and the plan and training rows derived from
them (kept in the project's bounded cache).
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from leadscore.clean.plan import NO_DATE, CleaningChoices, CleaningPlan, plan_for, suggest_cleaning_plan
from leadscore.clean.rows import TrainingRows, select_training_rows
from leadscore.errors import LeadScoreInputError
from leadscore.inspect.inspection import Inspection, inspect_leads
from leadscore.inspect.outcome import OutcomeMapping, OutcomeSuggestion, suggest_outcome

__all__ = ["ProjectData"]


class ProjectData:
    """The lead history, its outcome mapping and cleaning choices, and what derives from them.

    Parameters
    ----------
    leads : DataFrame
        The lead history as read.
    state : ProjectState
        Where the choices are saved, and the project's bounded cache.
    """

    def __init__(self, leads: pd.DataFrame, state):
        self.leads = leads
        self._state = state

    # -- the outcome -------------------------------------------------------------------------
    def outcome_suggestion(self, column: str | None = None) -> OutcomeSuggestion:
        """LeadScore's guess of the outcome column (or of ``column``'s value meanings)."""
        return self._state.cache.get("suggestion", column, lambda: suggest_outcome(self.leads, column))

    def outcome_column_guess(self) -> str:
        """The outcome column to show first: the one in use, else LeadScore's guess.

        The guess is the column :func:`suggest_outcome` examined, even when some of its values
        still need the user's word (a stage column with "Engaging"), so the app and
        ``leadscore inspect`` always start from the same column.
        """
        if self.outcome is not None and self.outcome.column in self.leads.columns:
            return self.outcome.column
        try:
            suggestion = self.outcome_suggestion()
        except LeadScoreInputError:
            return str(self.leads.columns[-1])
        return suggestion.column

    @property
    def outcome(self) -> OutcomeMapping | None:
        """The outcome mapping in use (None until the user, or the suggestion, sets one)."""
        data = self._state.get("outcome")
        if not data:
            return None
        return OutcomeMapping(data["column"], tuple(data["positive_values"]), tuple(data["negative_values"]), tuple(data.get("open_values", ())))

    def set_outcome(self, mapping: OutcomeMapping) -> None:
        """Say which values mean converted, not converted or still open."""
        if mapping == self.outcome:
            return
        counts = mapping.counts(self.leads)  # raises for a missing column
        self._state.save(
            outcome={
                "column": mapping.column,
                "positive_values": list(mapping.positive_values),
                "negative_values": list(mapping.negative_values),
                "open_values": list(mapping.open_values),
            },
            outcome_counts=counts,
        )

    def outcome_from_options(self, target=None, converted=(), not_converted=(), still_open=(), *, require: bool = True) -> OutcomeMapping | None:
        """Set the outcome from a column name and the values that mean converted or not.

        With values, they are the mapping (values not named count as still open); without,
        LeadScore's suggestion for ``target`` (or its own column) is used. With ``require``, a
        suggestion that still has a question raises it, with the options that answer it.
        """
        if converted or not_converted or still_open:
            if not target:
                raise LeadScoreInputError("Name the outcome column with --target when you give --converted / --not-converted values.")
            if not converted or not not_converted:
                raise LeadScoreInputError("Give at least one --converted value and one --not-converted value (e.g. --converted Won --not-converted Lost).")
            mapping = OutcomeMapping(target, tuple(converted), tuple(not_converted), tuple(still_open))
        else:
            suggestion = self.outcome_suggestion(target)
            mapping = suggestion.mapping
            if mapping is None:
                if not require:
                    return None
                raise LeadScoreInputError(
                    f"{suggestion.question} On the command line, say it with --target COLUMN and "
                    "--converted VALUE / --not-converted VALUE (repeatable); values you do not name count as still in the pipeline."
                )
        self.set_outcome(mapping)
        return mapping

    def require_outcome(self) -> OutcomeMapping:
        outcome = self.outcome
        if outcome is None:
            raise LeadScoreInputError(
                "Say first which column holds the outcome and which of its values mean converted "
                "(Data step, or --target / --converted on the command line)."
            )
        return outcome

    def inspection(self, column: str | None = None) -> Inspection:
        """Profiles, counts, sufficiency and leakage suspects for the outcome in use.

        Before an outcome is set, the inspection of LeadScore's own guess (or of ``column``): its
        ``outcome.question`` says what to ask when the column's values need the user's word.
        """
        outcome, date_column = self.outcome, self.date_choice()
        if outcome is None:
            return self._state.cache.get("inspection", ("guess", column), lambda: inspect_leads(self.leads, target=column))
        return self._state.cache.get(
            "inspection", (outcome, date_column), lambda: inspect_leads(self.leads, outcome=outcome, date_column=date_column)
        )

    def outcome_summary(self) -> str:
        """One sentence on the outcome in use: how many converted, did not, are still open."""
        outcome = self.require_outcome()
        counts = outcome.counts(self.leads)
        return (
            f"Outcome '{outcome.column}': {counts['converted']:,} converted ({', '.join(outcome.positive_values)}), "
            f"{counts['not_converted']:,} not converted ({', '.join(outcome.negative_values)}), "
            f"{counts['open']:,} still in the pipeline (set aside)."
        )

    # -- cleaning ----------------------------------------------------------------------------
    @property
    def choices(self) -> CleaningChoices | None:
        """The cleaning choices the user confirmed (None until they do)."""
        data = self._state.get("choices")
        return None if data is None else CleaningChoices.from_dict(data)

    def set_choices(self, choices: CleaningChoices) -> None:
        """Confirm cleaning choices; only what differs from the suggestion is stored."""
        choices = self.normalise(choices)
        self.plan_for(choices)  # refuses choices that name unknown columns
        self._state.save(choices=choices.to_dict())

    def normalise(self, choices: CleaningChoices) -> CleaningChoices:
        """The same choices with every setting equal to LeadScore's suggestion stored as none.

        So a choice that repeats the suggestion (a date column named on the command line that
        LeadScore would pick anyway) never reads as a change, and never pins a default.
        """
        suggested_date = self.suggested_plan(None).date_column
        date = None if choices.date_column == suggested_date or (choices.date_column == NO_DATE and suggested_date is None) else choices.date_column
        suggested = self.suggested_plan(self.date_choice(replace(choices, date_column=date)))
        window = choices.window_months
        if window is not None and int(window) == int(suggested.window_months or 0):
            window = None
        rare = choices.rare_share
        if rare is not None and float(rare) == float(suggested.rare_share):
            rare = None
        return replace(choices, date_column=date, window_months=window, rare_share=rare)

    def choices_from_options(self, base: CleaningChoices | None = None, *, date_column=None, window=None, rare_share=None,
                             exclude=(), keep=(), labels=(), no_text: bool = False) -> CleaningChoices:
        """Cleaning choices from command-line options on top of ``base`` (a choices file).

        Raises
        ------
        LeadScoreInputError
            An option names a column the leads do not have.
        """
        base = base or CleaningChoices()
        columns = list(self.leads.columns)
        for column in (*exclude, *keep, *(c for c, _ in labels)):
            if column not in columns:
                raise LeadScoreInputError(
                    f"There is no column '{column}' in this file. Check the spelling; the columns are: {', '.join(map(str, columns))}."
                )
        if date_column is not None and date_column.lower() != "none" and date_column not in columns:
            raise LeadScoreInputError(f"There is no column '{date_column}' in this file to use as the date. The columns are: {', '.join(map(str, columns))}.")
        return CleaningChoices(
            date_column=(NO_DATE if date_column.lower() == "none" else date_column) if date_column is not None else base.date_column,
            window_months=window if window is not None else base.window_months,
            rare_share=rare_share if rare_share is not None else base.rare_share,
            exclude=tuple(dict.fromkeys([*base.exclude, *exclude])),
            keep=tuple(dict.fromkeys([*base.keep, *keep])),
            spellings=base.spellings,
            labels=tuple({**base.label_map, **dict(labels)}.items()),
            use_text=False if no_text else base.use_text,
        )

    def date_choice(self, choices: CleaningChoices | None = None) -> str | None:
        """The arrival date column the choices name (None: LeadScore's own choice, or no date)."""
        choices = choices if choices is not None else (self.choices or CleaningChoices())
        return None if choices.date_column in (None, NO_DATE) else choices.date_column

    def suggested_plan(self, date_column: str | None = None) -> CleaningPlan:
        """LeadScore's own plan for this data (with this arrival date column, or its own choice)."""
        outcome = self.require_outcome()

        def make() -> CleaningPlan:
            inspection = self._state.cache.get(
                "inspection", (outcome, date_column), lambda: inspect_leads(self.leads, outcome=outcome, date_column=date_column)
            )
            return suggest_cleaning_plan(self.leads, outcome, inspection.profiles, inspection.leakage_suspects, date_column=date_column)

        return self._state.cache.get("suggested", (outcome, date_column), make)

    def plan_for(self, choices: CleaningChoices) -> CleaningPlan:
        """The plan these choices give (the suggestion with the choices applied)."""
        return self._state.cache.get(
            "plan", (self.require_outcome(), choices), lambda: plan_for(self.suggested_plan(self.date_choice(choices)), choices)
        )

    @property
    def plan(self) -> CleaningPlan:
        """The plan of the confirmed choices."""
        choices = self.choices
        if choices is None:
            raise LeadScoreInputError("Confirm how the data is cleaned first (Clean step).")
        return self.plan_for(choices)

    def training_rows(self, plan: CleaningPlan | None = None) -> TrainingRows:
        """The leads a plan keeps for training, with the before/after report."""
        plan = plan or self.plan
        key = (plan.outcome, plan.date_column, plan.window_months, id(plan))
        kept = self._state.cache.peek("rows", key)
        if kept is not None and kept[0] is plan:
            return kept[1]
        self._state.cache.drop("rows")  # a plan's rows copy the leads: keep one at a time
        return self._state.cache.get("rows", key, lambda: (plan, select_training_rows(self.leads, plan)))[1]

    @property
    def labels(self) -> dict[str, str]:
        """The user's column labels (used by every page, reason and download)."""
        return (self.choices or CleaningChoices()).label_map

    def set_label(self, column: str, text: str) -> None:
        """Rename how a column reads, everywhere (saved with the choices)."""
        if column not in self.leads.columns and not column.startswith(("minutes from", "days from")):
            raise LeadScoreInputError(f"There is no column '{column}' to rename. Pick one from the list.")
        self._state.save(choices=(self.choices or CleaningChoices()).with_label(column, text).to_dict())
