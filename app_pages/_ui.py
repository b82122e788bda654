"""Streamlit glue shared by the pages: the session's project, the journey sidebar, guards.

Not a page itself (``app.py`` registers pages explicitly with ``st.navigation``). Everything that
computes lives in ``leadscore``: the session holds one :class:`leadscore.project.workflow.LeadProject`
and the pages call it. This module only decides how things are shown.

A project that is saved in the store is named in the address (``?project=<id>``), so a browser
refresh or a server restart opens it again where the user left it. The sample leads a new
session opens on stay in memory until the user changes something.
"""

from __future__ import annotations

import hashlib
import logging
import traceback

import altair as alt
import pandas as pd
import streamlit as st

from leadscore import present
from leadscore.errors import LeadScoreInputError
from leadscore.project import BANK_MARKETING_NAME, BANK_SAMPLE_NAME, SAMPLE_LEADS, SAMPLE_NAME, STEPS, LeadProject, ProjectStore, bank_marketing_csv, read_leads

PAGE_FILES = {step: f"app_pages/{step.lower()}.py" for step in STEPS}
PAGE_ICONS = {
    "Data": ":material/table:",
    "Clean": ":material/cleaning_services:",
    "Train": ":material/model_training:",
    "Insights": ":material/insights:",
    "Tiers": ":material/stacked_bar_chart:",
    "Score": ":material/checklist:",
}
DONE = ":green[:material/check_circle:]"
NOT_DONE = ":gray[:material/radio_button_unchecked:]"

log = logging.getLogger("leadscore.app")


class EndOfPage(Exception):
    """Ends a page early, like ``st.stop()``, but lets the app still draw the sidebar."""


def end_page() -> None:
    """Stop the page here (nothing more to show until the user acts)."""
    raise EndOfPage


# --------------------------------------------------------------------------------------------
# The session's project


def store() -> ProjectStore:
    """The projects saved on this computer (``LEADSCORE_HOME/projects``)."""
    return ProjectStore()


def init_session() -> None:
    """Set up the session once: its project (from the address, else the sample) and its keys."""
    state = st.session_state
    state.setdefault("visited", set())
    state.setdefault("unexpected_errors", [])
    wanted = st.query_params.get("project")
    current = state.get("project")
    if current is not None and (wanted is None or wanted == current.id):
        current.sync()
    elif wanted:
        try:
            state["project"] = LeadProject.open(store(), wanted)
            state["visited"] = set()
        except LeadScoreInputError as problem:
            state["open_problem"] = problem.message
            del st.query_params["project"]
            if current is None:
                use_sample_leads()
    elif current is None:
        use_sample_leads()
    _name_in_address()


def project() -> LeadProject:
    """This session's project."""
    return st.session_state["project"]


def _name_in_address() -> None:
    project_id = st.session_state["project"].id
    if project_id and st.query_params.get("project") != project_id:
        st.query_params["project"] = project_id


def saved() -> LeadProject:
    """This session's project, saved in the store first if it still lives in memory.

    Called before any change worth keeping (confirming a plan, training, tiers), so the
    change survives a refresh.
    """
    current = project()
    if current.id is None:
        current.save_to(store())
        _name_in_address()
    return current


@st.cache_data(max_entries=8, show_spinner="Reading the file...")
def _read_cached(digest: str, _data: bytes, filename: str, sheet) -> pd.DataFrame:
    options = {"sheet": sheet} if sheet is not None else {}
    return read_leads(_data, filename=filename, **options)


def read_file(data: bytes, filename: str, sheet=None) -> pd.DataFrame:
    """Read an uploaded file (cached by its content, so reruns do not read it again)."""
    return _read_cached(hashlib.sha256(data).hexdigest(), data, filename, sheet).copy()


def open_project(new: LeadProject) -> None:
    """Make ``new`` this session's project (the journey starts again from its steps)."""
    st.session_state["project"] = new
    st.session_state["visited"] = set()
    for key in [k for k in st.session_state if str(k).startswith(("clean_", "tier_", "score_", "insights_", "train_"))]:
        del st.session_state[key]
    if new.id is None and "project" in st.query_params:
        del st.query_params["project"]
    _name_in_address()


def start_project(data: bytes, filename: str, sheet=None) -> None:
    """A new saved project from an uploaded file; a file that cannot be read says why and the
    current project stays."""
    try:
        leads = read_file(data, filename, sheet)
    except LeadScoreInputError as problem:
        st.error(problem.message)
        st.info(f"Still using **{project().name}**. Fix the file and upload it again.")
        return
    stem = filename.rsplit(".", 1)[0] + (f" ({sheet})" if sheet else "")
    open_project(LeadProject.new(leads, stem, store=store(), data_name=filename))
    st.rerun()


def use_sample_leads() -> None:
    """A fresh, unsaved project on the bundled sample lead history."""
    leads = read_file(SAMPLE_LEADS.read_bytes(), SAMPLE_LEADS.name)
    sample = LeadProject.new(leads, SAMPLE_NAME, data_name=SAMPLE_LEADS.name)
    sample.data.outcome_from_options(require=False)
    open_project(sample)


def use_bank_sample() -> None:
    """A fresh, unsaved project on the real bank telemarketing history shipped with LeadScore."""
    leads = read_file(bank_marketing_csv(), BANK_MARKETING_NAME)
    bank = LeadProject.new(leads, BANK_SAMPLE_NAME, data_name=BANK_MARKETING_NAME)
    bank.data.outcome_from_options(require=False)
    open_project(bank)


def mark_visited(step: str) -> None:
    """Remember that the user looked at ``step`` with the current model."""
    st.session_state["visited"] = set(st.session_state["visited"]) | {step}


# --------------------------------------------------------------------------------------------
# Layout


def journey_sidebar(slot, current: str) -> None:
    """Show in the sidebar ``slot`` which steps are done and where the user is."""
    status = project().step_status(st.session_state.get("visited", set()))
    with slot.container():
        st.markdown(f"**Project: {project().name}**")
        lines = []
        for number, step in enumerate(STEPS, start=1):
            # Material icons ship with Streamlit; emoji fonts are missing on many office PCs.
            mark = DONE if status[step] else NOT_DONE
            name = f"**{step}** ← you are here" if step == current else step
            lines.append(f"{mark} {number}. {name}")
        st.markdown("  \n".join(lines))
        st.caption(f"Data: {project().data_name} ({len(project().data.leads):,} leads)")
        st.caption(
            "Saved on this computer; reopen it any time from the Data page."
            if project().id
            else "Not saved yet: it is saved as soon as you confirm a step."
        )
        st.caption("Your data stays on this computer.")


def run_page(page) -> None:
    """Run a page; input problems show as ``st.error``, anything else as a friendly message.

    Unexpected errors are also logged and kept in ``unexpected_errors`` so tests still see them.
    The journey in the sidebar is drawn after the page (even when it stops early), so it shows
    what this run just finished.
    """
    slot = st.sidebar.empty()
    try:
        _run_and_catch(page)
    finally:
        journey_sidebar(slot, current=page.title)


def _run_and_catch(page) -> None:
    try:
        page.run()
    except EndOfPage:
        # st.stop() would also stop the sidebar drawn after the page.
        pass
    except LeadScoreInputError as error:
        st.error(error.message)
    except Exception as error:  # noqa: BLE001 - the promise is: no tracebacks for users
        log.exception("Unexpected error on page %s", page.title)
        st.session_state["unexpected_errors"].append(traceback.format_exc())
        st.error(
            "Something went wrong on this page that LeadScore did not expect "
            f"({type(error).__name__}). Your project is saved: try the step again, or go back "
            "one step. If it keeps happening, note what you clicked and report it."
        )


def require(step: str) -> None:
    """Stop the page with a pointer to the missing earlier step, if there is one."""
    missing = project().missing_step(step)
    if missing is None:
        return
    why = {
        "Data": "load your lead history and say which column holds the outcome",
        "Clean": "review and confirm how the data will be cleaned",
        "Train": "train a model (or pick one of this project's versions)",
    }.get(missing, f"finish the {missing} step")
    st.info(f"This step needs a finished **{missing}** step first: {why}.")
    if st.button(f"Go to {missing}", type="primary", key=f"go_to_{missing}"):
        switch(missing)
    end_page()


def switch(step: str) -> None:
    """Go to a page of the journey, keeping the project in the address."""
    project_id = project().id
    st.switch_page(PAGE_FILES[step], query_params={"project": project_id} if project_id else None)


def intro(title: str, text: str) -> None:
    """The page heading and the sentences on what this step does and why."""
    init_session()
    if st.session_state.get("open_problem"):
        st.warning(st.session_state.pop("open_problem"))
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
        switch(step)


def frame(table) -> pd.DataFrame:
    """A table (DataFrame or list of dicts) as a DataFrame for ``st.dataframe``."""
    return table if isinstance(table, pd.DataFrame) else pd.DataFrame(list(table))


def training_progress() -> dict | None:
    """The latest training job; while it runs, its progress, refreshed every second.

    The job runs in the background (see ``TrainingJobs.start``): clicking elsewhere, leaving the
    page or refreshing never stops it, and any session of the project sees it. Only the progress
    bar is redrawn each second (``st.fragment(run_every=...)``); when the job ends, the whole
    page is drawn again with the new model. Returns the latest job (None when there was none).
    """
    job = project().training.latest()
    if job is not None and job["state"] == "running":
        _progress_fragment()
    return job


@st.fragment(run_every=1.0)
def _progress_fragment() -> None:
    job = project().training.latest()
    if job is None or job["state"] != "running":
        project().sync()
        st.rerun(scope="app")
    st.progress(min(max(float(job["fraction"]), 0.0), 1.0), text=f"Training: {job['message']}...")
    st.caption("You can leave this page or close the browser: training goes on, and the new model appears here when it is done.")


def tier_column():
    """Column config showing the tier in its colour (Hot red, Warm orange, Cool blue, Cold grey)."""
    colours = present.charts.TIER_COLOURS
    return st.column_config.MultiselectColumn("Tier", options=list(colours), color=list(colours.values()), disabled=True)


def tier_coloured(scored: pd.DataFrame) -> pd.DataFrame:
    """The call list for display, its tier as a one-item list so it shows as a coloured pill.

    Pills (``MultiselectColumn`` with colours, see :func:`tier_column`) stay fast on 100k
    rows, where a pandas Styler would colour every cell in Python first.
    """
    shown = scored.copy()
    shown["tier"] = [[tier] for tier in shown["tier"]]
    return shown


def what_if_panel(insights, row: pd.DataFrame, key: str) -> None:
    """Change one or two of a lead's answers and see its new chance, tier and reasons at once."""
    fields = {field.label: field for field in insights.what_if_fields()}
    if not fields:
        st.info("This model reads no answer that can be changed here.")
        return
    chosen = st.multiselect("Answers to change", list(fields), max_selections=2, key=f"{key}_fields")
    changes = {}
    for text in chosen:
        field = fields[text]
        current = row[field.name].iloc[0] if field.name in row.columns else None
        widget_key = f"{key}_{field.name}"
        if field.kind in ("category", "boolean"):
            options = list(field.options)
            shown = present.format_value(current)
            index = options.index(shown) if shown in options else 0
            changes[field.name] = st.selectbox(text, options, index=index, key=widget_key)
        elif field.kind in ("minutes", "days"):
            step = 15 if field.kind == "minutes" else 1
            changes[field.name] = st.number_input(f"{text} ({field.kind})", min_value=0, value=step * 4, step=step, key=widget_key)
        else:
            start = float(current) if current is not None and pd.notna(pd.to_numeric(current, errors="coerce")) else 0.0
            changes[field.name] = st.number_input(text, value=start, key=widget_key)
    if not changes:
        st.caption("Pick one or two answers above to see what they would do to this lead's chance.")
        return
    result = insights.what_if(row, changes)
    a, b = st.columns(2)
    a.metric("Chance now", f"{result['before']:.0%}", help=f"Tier: {result['tier_before']}")
    b.metric(
        "With these answers", f"{result['after']:.0%}", delta=f"{(result['after'] - result['before']) * 100:+.0f} points",
        help=f"Tier: {result['tier_after']}",
    )
    if result["tier_after"] != result["tier_before"]:
        st.success(f"This would move the lead from **{result['tier_before']}** to **{result['tier_after']}**.")
    else:
        st.info(f"The lead would stay **{result['tier_after']}**.")
    chart(present.charts.waterfall(result["waterfall"]))
