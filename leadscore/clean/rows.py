"""Choosing the leads a model learns from: known outcomes inside the time window.

Leads still in the pipeline (no outcome yet) and leads older than the plan's window are set
aside, with counts and reasons for the before/after summary.

Example
-------
>>> rows = select_training_rows(leads, plan)      # doctest: +SKIP
>>> rows.report["set_aside"]                      # doctest: +SKIP
{'still in the pipeline (no outcome yet)': 377}
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from leadscore.errors import LeadScoreInputError
from leadscore.clean.plan import CleaningPlan
from leadscore.inspect.timing import as_timestamps

__all__ = ["TrainingRows", "select_training_rows"]


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
    source_rows : ndarray or None
        For each lead of ``X``, its row number (0-based) in the table it was selected from, so
        leads can be matched across plans (two model versions' held-out leads).
    """

    X: pd.DataFrame
    y: np.ndarray
    dates: pd.Series | None
    report: dict
    source_rows: np.ndarray | None = None


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
    return TrainingRows(X=X, y=y, dates=kept_dates, report=report, source_rows=np.flatnonzero(keep))

