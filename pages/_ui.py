"""Streamlit glue shared by the pages: session setup, the journey sidebar, guards, caching.

Not a page itself (``app.py`` registers pages explicitly with ``st.navigation``). Everything that
computes lives in ``leadscore``; this module only decides how it is shown.
"""

from __future__ import annotations

import hashlib
import logging
import traceback

import altair as alt
import pandas as pd
import streamlit as st

from leadscore import journey
from leadscore.errors import LeadScoreInputError

STEPS = journey.STEPS
PAGE_FILES = {step: f"pages/{step.lower()}.py" for step in STEPS}
PAGE_ICONS = {
    "Data": ":material/table:",
    "Clean": ":material/cleaning_services:",
    "Train": ":material/model_training:",
    "Insights": ":material/insights:",
    "Tiers": ":material/stacked_bar_chart:",
    "Score": ":material/checklist:",
}
SAMPLE_NAME = "sample leads"

log = logging.getLogger("leadscore.app")


def init_session() -> None:
    """Set up every shared session key once, and open on the sample leads when nothing is loaded."""
    journey.init_state(st.session_state)
    if st.session_state["leads"] is None and journey.SAMPLE_LEADS.exists():
        use_sample_leads()


def use_sample_leads() -> None:
    """Load the bundled sample lead history as this session's data."""
    data = journey.SAMPLE_LEADS.read_bytes()
    set_leads(read_file(data, journey.SAMPLE_LEADS.name), SAMPLE_NAME, key=f"sample:{_digest(data)}")


def set_leads(leads: pd.DataFrame, name: str, *, key: str) -> None:
    """Make ``leads`` this session's lead history and forget everything built on the old one."""
    st.session_state["leads"] = leads
    st.session_state["leads_name"] = name
    st.session_state["leads_key"] = key
    journey.forget_after(st.session_state, "start")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


@st.cache_data(max_entries=8, show_spinner="Reading the file...")
def _read_cached(digest: str, _data: bytes, filename: str) -> pd.DataFrame:
    from leadscore.read import read_leads

    return read_leads(_data, filename=filename)


def read_file(data: bytes, filename: str) -> pd.DataFrame:
    """Read an uploaded file (cached by its content, so reruns do not read it again)."""
    return _read_cached(_digest(data), data, filename)


@st.cache_data(max_entries=8, show_spinner="Looking at your columns and outcomes...")
def _inspect_cached(leads_key: str, _leads: pd.DataFrame, target: str | None, outcome):
    from leadscore.inspect import inspect_leads

    return inspect_leads(_leads, target=target, outcome=outcome)


def inspection(target: str | None = None, outcome=None):
    """The inspection of this session's leads for an outcome column and mapping (cached)."""
    state = st.session_state
    return _inspect_cached(state["leads_key"], state["leads"], target, outcome)


def journey_sidebar(current: str) -> None:
    """Show in the sidebar which steps are done and where the user is."""
    status = journey.step_status(st.session_state)
    with st.sidebar:
        st.markdown("**Your progress**")
        lines = []
        for number, step in enumerate(STEPS, start=1):
            mark = "✅" if status[step] else "⬜"
            name = f"**{step}** ← you are here" if step == current else step
            lines.append(f"{mark} {number}. {name}")
        st.markdown("  \n".join(lines))
        if st.session_state.get("leads_name"):
            rows = len(st.session_state["leads"]) if st.session_state.get("leads") is not None else 0
            st.caption(f"Data: {st.session_state['leads_name']} ({rows:,} leads)")
        st.caption("Your data stays on this computer and in this browser session only.")


def run_page(page) -> None:
    """Run a page; input problems show as ``st.error``, anything else as a friendly message.

    Unexpected errors are also logged and kept in ``unexpected_errors`` so tests still see them.
    """
    try:
        page.run()
    except LeadScoreInputError as error:
        st.error(error.message)
    except Exception as error:  # noqa: BLE001 - the promise is: no tracebacks for users
        log.exception("Unexpected error on page %s", page.title)
        st.session_state["unexpected_errors"].append(traceback.format_exc())
        st.error(
            "Something went wrong on this page that LeadScore did not expect "
            f"({type(error).__name__}). Your data is still loaded: try the step again, or go back "
            "one step. If it keeps happening, note what you clicked and report it."
        )


def require(step: str) -> None:
    """Stop the page with a pointer to the missing earlier step, if there is one."""
    missing = journey.missing_step(st.session_state, step)
    if missing is None:
        return
    why = {
        "Data": "load your lead history and say which column holds the outcome",
        "Clean": "review and confirm how the data will be cleaned",
        "Train": "train a model (or pick a saved one on the Score page)",
    }.get(missing, f"finish the {missing} step")
    st.info(f"This step needs a finished **{missing}** step first: {why}.")
    if st.button(f"Go to {missing}", type="primary", key=f"go_to_{missing}"):
        st.switch_page(PAGE_FILES[missing])
    st.stop()


def intro(title: str, text: str) -> None:
    """The page heading and the sentences on what this step does and why."""
    st.title(title)
    st.markdown(text)


def look_at(text: str) -> None:
    """A short "what to look at" note under a result."""
    st.caption(f"**What to look at:** {text}")


def chart(figure: alt.TopLevelMixin) -> None:
    """Show an Altair chart at full width."""
    st.altair_chart(figure, width="stretch")


def next_step(step: str, label: str | None = None) -> None:
    """A button to the next page of the journey."""
    if st.button(label or f"Next: {step} →", key=f"next_{step}"):
        st.switch_page(PAGE_FILES[step])


def percent(value) -> str:
    """A share as a percent for messages, "n/a" when missing."""
    try:
        return "n/a" if value is None or pd.isna(value) else f"{float(value):.0%}"
    except (TypeError, ValueError):
        return "n/a"


@st.cache_data(max_entries=16, show_spinner=False)
def _suggestion_cached(leads_key: str, _leads: pd.DataFrame, column: str | None):
    from leadscore.outcome import suggest_outcome

    return suggest_outcome(_leads, column)


def outcome_suggestion(column: str | None):
    """LeadScore's guess of the outcome column (or of ``column``'s value meanings), cached."""
    state = st.session_state
    return _suggestion_cached(state["leads_key"], state["leads"], column)


@st.cache_data(max_entries=16, show_spinner="Preparing the cleaning plan...")
def _plan_cached(leads_key: str, _leads: pd.DataFrame, _profiles, outcome, suspects, date_column):
    from leadscore.clean import suggest_cleaning_plan

    return suggest_cleaning_plan(_leads, outcome, _profiles, list(suspects), date_column=date_column)


def cleaning_plan(outcome, suspects, date_column: str | None):
    """LeadScore's suggested cleaning plan for these choices (cached)."""
    state = st.session_state
    profiles = inspection(target=outcome.column, outcome=outcome).profiles
    return _plan_cached(state["leads_key"], state["leads"], profiles, outcome, tuple(suspects), date_column)


@st.cache_data(max_entries=16, show_spinner="Selecting the leads to learn from...")
def _rows_cached(leads_key: str, _leads: pd.DataFrame, plan):
    from leadscore.clean import select_training_rows

    return select_training_rows(_leads, plan)


def training_rows(plan):
    """The leads a plan keeps for training, with the before/after report (cached)."""
    state = st.session_state
    return _rows_cached(state["leads_key"], state["leads"], plan)


@st.cache_data(max_entries=8, show_spinner=False)
def _preview_cached(leads_key: str, _leads: pd.DataFrame, plan, rows: int):
    from leadscore.clean import LeadCleaner

    selection = _rows_cached(leads_key, _leads, plan)
    return LeadCleaner(plan).fit(selection.X).transform(selection.X.head(rows))


def cleaned_preview(plan, rows: int = 10) -> pd.DataFrame:
    """The first ``rows`` training leads after cleaning, as the model sees them (cached)."""
    state = st.session_state
    return _preview_cached(state["leads_key"], state["leads"], plan, rows)


def field(record, name: str, default=None):
    """Read ``name`` from a result that is either a dict or an object with attributes."""
    if isinstance(record, dict):
        return record.get(name, default)
    return getattr(record, name, default)


def frame(table) -> pd.DataFrame:
    """A table (DataFrame or list of dicts) as a DataFrame for ``st.dataframe``."""
    return table if isinstance(table, pd.DataFrame) else pd.DataFrame(list(table))
