"""Streamlit glue shared by the pages: session setup, the journey sidebar, guards, caching.

Not a page itself (``app.py`` registers pages explicitly with ``st.navigation``). Everything that
computes lives in ``leadscore``; this module only decides how it is shown.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
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
DONE = ":green[:material/check_circle:]"
NOT_DONE = ":gray[:material/radio_button_unchecked:]"

log = logging.getLogger("leadscore.app")


class EndOfPage(Exception):
    """Ends a page early, like ``st.stop()``, but lets the app still draw the sidebar."""


def end_page() -> None:
    """Stop the page here (nothing more to show until the user acts)."""
    raise EndOfPage


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


def journey_sidebar(slot, current: str) -> None:
    """Show in the sidebar ``slot`` which steps are done and where the user is."""
    status = journey.step_status(st.session_state)
    with slot.container():
        st.markdown("**Your progress**")
        lines = []
        for number, step in enumerate(STEPS, start=1):
            # Material icons ship with Streamlit; emoji fonts are missing on many office PCs.
            mark = DONE if status[step] else NOT_DONE
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
    end_page()


def intro(title: str, text: str) -> None:
    """The page heading and the sentences on what this step does and why.

    A fresh server opened on a page's address runs that page file alone, in Streamlit's legacy
    mode for apps with a ``pages/`` folder (until the first ``st.navigation`` call turns it
    off). Then the page turns the mode off and reruns, so ``app.py`` and its navigation run.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
    init_session()
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


def frame(table) -> pd.DataFrame:
    """A table (DataFrame or list of dicts) as a DataFrame for ``st.dataframe``."""
    return table if isinstance(table, pd.DataFrame) else pd.DataFrame(list(table))


def _model_id() -> int:
    # Every training run counts up, so the count names the current model within a session.
    return st.session_state["train_runs"]


def model_insights() -> dict:
    """Explanations of the current model, computed once per model and kept in this session.

    Not ``st.cache_data``: the model is this user's, and hashing a pipeline on every rerun
    would cost more than the cache saves.
    """
    state = st.session_state
    cached = state.get("insights")
    if cached is not None and cached.get("model") == _model_id():
        return cached
    pipeline, X = state["training"].pipeline, state["training_rows"].X
    with st.spinner("Working out what drives the scores..."):
        from leadscore import explain

        insights = {
            "model": _model_id(),
            "importance": explain.global_importance(pipeline, X, random_state=0),
            "beeswarm": explain.beeswarm_data(pipeline, X, columns=10, random_state=0),
            "reference": explain.explain_reference(pipeline, X, random_state=0),
            # Importance is by cleaned column (e.g. "minutes from A to B"), so segments use them too.
            "cleaned": explain.shown_values(pipeline, X),
            "dependence": {},
            "segments": {},
            "leads": {},
        }
    state["insights"] = insights
    return insights


def dependence(column: str) -> pd.DataFrame:
    """Value against effect for one column of the current model (kept per session)."""
    insights = model_insights()
    if column not in insights["dependence"]:
        from leadscore import explain

        state = st.session_state
        insights["dependence"][column] = explain.dependence_data(
            state["training"].pipeline, state["training_rows"].X, column, random_state=0
        )
    return insights["dependence"][column]


def segments(column: str) -> pd.DataFrame:
    """Conversion rate by segment of one column, from the training leads (kept per session)."""
    insights = model_insights()
    if column not in insights["segments"]:
        from leadscore import explain

        rows = st.session_state["training_rows"]
        insights["segments"][column] = explain.segment_rates(insights["cleaned"], rows.y, [column])
    return insights["segments"][column]


def segment_story(top: int = 5) -> list[str]:
    """The most telling segments among the most important columns, in sentences."""
    insights = model_insights()
    if "story" not in insights:
        from leadscore import explain

        rows = st.session_state["training_rows"]
        columns = list(insights["importance"]["column"].head(6))
        insights["story"] = explain.segment_sentences(explain.segment_rates(insights["cleaned"], rows.y, columns), top=top)
    return insights["story"]


def lead_choices(limit: int = 200) -> dict[str, object]:
    """Held-out leads to pick from, most likely first: label -> index in the training rows.

    The chance shown is the final model's (the one explained and saved), which also learned
    from these leads after they were used for testing.
    """
    state = st.session_state
    insights = model_insights()
    if "choices" not in insights:
        X = state["training_rows"].X
        holdout = state["training"].holdout
        rows = X.loc[holdout.index]
        chance = pd.Series(state["training"].pipeline.predict_proba(rows)[:, 1], index=holdout.index)
        kinds = dict(getattr(state["plan"], "column_kinds", None) or {})
        ids = [c for c in X.columns if kinds.get(c) == "identifier"]
        labels = {}
        for index, probability in chance.sort_values(ascending=False).head(limit).items():
            name = f"{X.at[index, ids[0]]}" if ids else f"Lead {index + 1}"
            outcome = "converted" if holdout.at[index, "converted"] == 1 else "did not convert"
            labels[f"{name}: {probability:.0%} chance ({outcome})"] = index
        insights["choices"] = labels
    return insights["choices"]


def lead_explanation(index) -> pd.DataFrame:
    """The waterfall table of one training lead (kept per session)."""
    insights = model_insights()
    if index not in insights["leads"]:
        from leadscore import explain

        state = st.session_state
        row = state["training_rows"].X.loc[[index]]
        insights["leads"][index] = explain.explain_lead(
            state["training"].pipeline, row, reference=insights["reference"]
        )
    return insights["leads"][index]


def tier_basis():
    """Probabilities (and outcomes, when known) the Tiers page works on.

    The held-out leads of this session's training run when there is one (their outcomes are
    known, so real conversion rates per tier can be shown); otherwise the scored leads.
    """
    state = st.session_state
    if state["training"] is not None:
        return journey.holdout_arrays(state["training"])
    if state["scored"] is not None:
        st.info("These tiers use the leads you scored (their outcomes are not known yet).")
        return state["scored"]["conversion_probability"].to_numpy(dtype=float), None
    st.info("This saved model's tiers need leads to look at: score some leads first.")
    if st.button("Go to Score", type="primary"):
        st.switch_page(PAGE_FILES["Score"])
    end_page()


def apply_capacity(prob, capacity: int) -> None:
    """Button callback: make the ``capacity`` most likely leads Hot, and move the sliders."""
    from leadscore.tiers import capacity_policy

    state = st.session_state
    try:
        policy = capacity_policy(prob, capacity, state["tier_policy"])
    except LeadScoreInputError as problem:
        state["capacity_problem"] = problem.message
        return
    state["tier_policy"] = policy
    state["tier_hot"], state["tier_warm"], state["tier_cool"] = journey.slider_percents(policy)


def saved_models() -> dict:
    """Models in the models folder that this computer saved and can verify: label -> info."""
    from leadscore.bundle import list_bundles

    folder = journey.models_dir()
    if not folder.is_dir():
        return {}
    usable = {}
    for info in list_bundles(folder):
        if not info.signed_here or info.problem:
            continue
        auc = f", ROC AUC {info.roc_auc:.2f}" if info.roc_auc is not None else ""
        label = f"Saved: {info.name or info.kind} (trained {info.trained_at[:10]}{auc}) [{Path(info.path).name}]"
        usable[label] = info
    return usable


def _forget_tier_sliders() -> None:
    for name in ("tier_hot", "tier_warm", "tier_cool"):
        st.session_state.pop(name, None)


def use_saved_model(info) -> None:
    """Load a saved model (verified by its signature) as the one to score with."""
    from leadscore.bundle import load_bundle

    state = st.session_state
    if state["bundle_source"] == info.path:
        return
    bundle = load_bundle(info.path)
    state["bundle"], state["bundle_source"], state["model_path"] = bundle, info.path, info.path
    state["tier_policy"] = bundle.policy
    _forget_tier_sliders()
    journey.forget_after(state, "Tiers")


def use_session_model() -> None:
    """Go back to the model trained in this session after a saved one was picked."""
    from leadscore.bundle import bundle_from_training

    state = st.session_state
    if state["training"] is None or state["bundle_source"] == "trained":
        return
    state["bundle"] = bundle_from_training(state["training"], state["plan"], state["tier_policy"], state["training_rows"])
    state["bundle_source"], state["model_path"] = "trained", None
    journey.forget_after(state, "Tiers")


def score(bundle, leads: pd.DataFrame):
    """Score leads with the bundle and this session's tier thresholds."""
    from leadscore.score import score_leads

    return score_leads(bundle, leads, policy=st.session_state["tier_policy"])


def tier_coloured(scored: pd.DataFrame) -> pd.DataFrame:
    """The call list for display, its tier as a one-item list so it shows as a coloured pill.

    Pills (``MultiselectColumn`` with colours, see :func:`tier_column`) stay fast on 100k
    rows, where a pandas Styler would colour every cell in Python first.
    """
    shown = scored.copy()
    shown["tier"] = [[tier] for tier in shown["tier"]]
    return shown


def tier_column():
    """Column config showing the tier in its colour (Hot red, Warm orange, Cool blue, Cold grey)."""
    from leadscore.charts import TIER_COLOURS

    return st.column_config.MultiselectColumn(
        "Tier", options=list(TIER_COLOURS), color=list(TIER_COLOURS.values()), disabled=True
    )


def _bundle_with_policy():
    from dataclasses import replace

    state = st.session_state
    return replace(state["bundle"], policy=state["tier_policy"])


def model_file() -> bytes:
    """The model in use, with the current tier thresholds, as a signed model file's bytes."""
    state = st.session_state
    key = (state["bundle_source"], state["train_runs"], state["tier_policy"])
    cached = state.get("model_file")
    if cached is None or cached[0] != key:
        cached = (key, journey.bundle_bytes(_bundle_with_policy()))
        state["model_file"] = cached
    return cached[1]


def card() -> str:
    """The model card (Markdown) of the model in use, with the current tier thresholds."""
    from leadscore.bundle import model_card

    return model_card(_bundle_with_policy())


def cleaning_summary(plan, report: dict) -> dict:
    """Before/after tables of a cleaning plan (see ``leadscore.clean.cleaning_summary``)."""
    from leadscore.clean import cleaning_summary as summarise

    return summarise(plan, report)


def call_list_files(scored: pd.DataFrame) -> tuple[bytes, bytes]:
    """The scored CSV and the per-tier zip, made once per scoring run and tier thresholds."""
    state = st.session_state
    key = (state["score_runs"], state["tier_policy"])
    cached = state.get("call_list_files")
    if cached is None or cached[0] != key:
        cached = (key, (journey.scored_csv(scored), journey.tier_files_zip(scored)))
        state["call_list_files"] = cached
    return cached[1]
