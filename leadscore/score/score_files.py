"""Score a lead file of any size into files: chunk by chunk, each output written whole.

``leadscore score MODEL DATA --out OUT`` runs :func:`score_file`: the file is read in chunks
(:mod:`leadscore.io.chunks`), each chunk scored by the scoring core (:func:`leadscore.score.scoring.score_batch`),
and written to a temporary file renamed when complete; an output that is also the input is
refused before anything is read.
"""

from __future__ import annotations

import contextlib
import itertools
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from leadscore.io.atomic import atomic_output, check_output_path, same_file
from leadscore.io.chunks import FileNotes, RaggedRows, iter_lead_chunks, widest_row
from leadscore.errors import LeadScoreInputError
from leadscore.score.export import TIER_FILE_ENCODING, TIER_FILES, as_written, excel_safe, jsonl, ranked, tier_frames, write_csv
from leadscore.score.value import add_expected_value, unreadable_warning
from leadscore.score.scoring import (
    merge_reports,
    reasons_explainer,
    reference_lead,
    report_warnings,
    resolve_policy,
    score_batch,
    with_row_numbers,
)
from leadscore.model.tiers import TIERS, TierPolicy, tier_advice
from leadscore.score.expected import expected_outcomes

__all__ = ["score_file"]



def _check_outputs(in_path: Path, out_path, split_dir) -> None:
    """Refuse outputs that cannot be written whole, before any lead is scored."""
    if out_path is not None:
        check_output_path(out_path, inputs=[in_path], what="the scored leads")
    if split_dir is not None:
        folder = Path(split_dir)
        if folder.exists() and not folder.is_dir():
            raise LeadScoreInputError(
                f"'{folder}' is a file, not a folder. Give --split-tiers a folder name (it is created if needed)."
            )
        parent = folder.parent if str(folder.parent) else Path(".")
        if not folder.exists():
            check_output_path(parent / ".probe", what="the tier files")
        for name in TIER_FILES.values():
            target = folder / name
            if target.exists():
                check_output_path(target, inputs=[in_path, out_path], what="the tier files")
            if out_path is not None and Path(out_path).exists() and target.exists() and same_file(target, out_path):
                raise LeadScoreInputError(f"--out and --split-tiers both write '{target}'. Choose different places.")


def score_file(
    bundle,
    in_path,
    out_path=None,
    policy: TierPolicy | None = None,
    fmt: str = "csv",
    chunksize: int = 100_000,
    split_dir=None,
    reasons: bool = True,
    sort: bool = False,
    labels=None,
    on_batch=None,
    sheet=None,
    value=None,
) -> dict:
    """Score a lead file of any size, chunk by chunk, with bounded memory.

    Every output is written to a temporary file and renamed when complete, so a failed run
    leaves nothing half-written, and an output that is also the input is refused before
    anything is read.

    Parameters
    ----------
    bundle : ModelBundle
    in_path : path of the new leads (CSV in any common encoding/delimiter, or .xlsx)
    out_path : path, optional
        Where to write the scored leads; standard output when None.
    policy : TierPolicy, optional
        Defaults to the model's policy.
    fmt : "csv" or "jsonl"
        CSV output is Excel-safe (see :func:`leadscore.score.export.excel_safe`); JSON lines keep
        values as they are.
    chunksize : int
        Leads per chunk (memory grows with it, not with the file).
    split_dir : path, optional
        Also write hot.csv, warm.csv, cool.csv, cold.csv there (the folder is created).
    reasons : bool
        Fill the reason columns.
    sort : bool
        Write the leads best first (the call list) instead of in the file's order (for joining
        back); the whole file is then held in memory.
    labels : mapping, optional
        Column labels for the reasons (default: the model's).
    on_batch : callable(int, DataFrame), optional
        Called with each scored chunk's number and the chunk (e.g. to record the run in a
        project). If the file has to be read again (a row longer than the header), the chunks
        come again with the same numbers.
    sheet : str or int, optional
        The Excel sheet with the leads.
    value : str, optional
        A column with a deal-size estimate known at arrival: adds ``expected_value`` (chance x
        value, see :mod:`leadscore.score.value`), and ``sort`` then ranks by it.

    Returns
    -------
    dict with ``rows``, ``tiers`` (tier -> leads), ``warnings`` (list of str), ``out_path``,
    ``blank_rows`` (scored as blank leads), ``drift`` (the first chunk, at most ``chunksize``
    leads, against the training leads), and the counts of :class:`ScoringResult` ``report``.

    Raises
    ------
    LeadScoreInputError
        Unreadable file, unwritable output, or columns the model needs are missing (checked on
        the first chunk, before anything is written).
    """
    if fmt not in ("csv", "jsonl"):
        raise LeadScoreInputError(f"Unknown output format '{fmt}'. Choose csv or jsonl.")
    in_path = Path(in_path)
    _check_outputs(in_path, out_path, split_dir)
    policy = policy or getattr(bundle, "policy", None) or TierPolicy()
    reference = reference_lead(bundle) if reasons else None
    notes = FileNotes()
    settings = dict(fmt=fmt, chunksize=chunksize, split_dir=split_dir, reasons=reasons, sort=sort, labels=labels, on_batch=on_batch, sheet=sheet, notes=notes, value=value)
    try:
        return _score_file(bundle, in_path, out_path, policy, reference, width=None, **settings)
    except RaggedRows:
        # A row has more cells than the header: read the file again with room for them, so
        # nothing shifts and nothing is lost (the outputs of the first try were never kept).
        return _score_file(bundle, in_path, out_path, policy, reference, width=widest_row(in_path, notes), **settings)


def _score_file(bundle, in_path: Path, out_path, policy, reference, *, width, fmt, chunksize, split_dir, reasons, sort, labels, on_batch, sheet, notes, value=None) -> dict:
    chunks = iter_lead_chunks(in_path, chunksize, sheet=sheet, width=width, notes=notes)
    first = next(chunks, None)
    if first is None or first.empty:
        raise LeadScoreInputError(
            f"'{in_path.name}' has column names but no leads. Export the file again including the rows of your leads."
        )
    second = next(chunks, None)
    if second is None:
        batches, whole = iter([first]), True
    elif sort:
        batches, whole = iter([pd.concat([first, second, *chunks])]), True
    else:
        batches, whole = itertools.chain([first, second], chunks), False
    # Tiers by share are shares of the whole batch when it is one; of the held-out leads if not.
    resolved, note = (policy, None) if whole else resolve_policy(policy, bundle, None)
    total: dict = {}
    probabilities, tiers_seen = [], []
    unreadable_values = 0
    explainer = reasons_explainer(bundle.pipeline) if reasons else None  # one per file, not per chunk
    with contextlib.ExitStack() as stack:
        out = _open_output(stack, out_path, fmt)
        tier_handles = _open_tier_files(stack, split_dir) if split_dir is not None else None
        for number, chunk in enumerate(_guarded(batches, out_path)):
            scored, report = score_batch(bundle, chunk, resolved, reasons, reference, labels, drift=number == 0, explainer=explainer)
            scored = with_row_numbers(scored, bundle)
            if value is not None:
                scored, unreadable = add_expected_value(scored, value, bundle if number == 0 else None)
                unreadable_values += unreadable
            probabilities.append(scored["conversion_probability"].to_numpy(dtype=float))
            tiers_seen.append(scored["tier"].to_numpy(dtype=object))
            if on_batch is not None:
                on_batch(number, scored)
            # The user's cells as the file wrote them (an Excel sheet is read whole, and parsed).
            shown = as_written(ranked(scored) if sort else scored)
            if fmt == "csv":
                write_csv(excel_safe(shown), out, header=number == 0)
            else:
                out.write(jsonl(shown))
            if tier_handles is not None:
                for tier, frame in tier_frames(shown).items():
                    write_csv(excel_safe(frame), tier_handles[tier], header=number == 0)
            merge_reports(total, report)
    summary = dict(total)
    summary["tiers"] = {tier: total.get("tiers", {}).get(tier, 0) for tier in TIERS}
    advice = tier_advice(np.concatenate(probabilities), policy)
    summary["expected"] = expected_outcomes(np.concatenate(probabilities), np.concatenate(tiers_seen))
    summary["warnings"] = notes.warnings() + report_warnings(total) + ([note] if note else []) + ([advice] if advice else [])
    value_note = unreadable_warning(value, unreadable_values) if value is not None else None
    if value_note:
        summary["warnings"].append(value_note)
    if value is not None:
        summary["value_column"] = value
    summary["out_path"] = None if out_path is None else str(out_path)
    summary["policy"] = policy.describe()
    return summary


def _guarded(batches: Iterator[pd.DataFrame], out_path) -> Iterator[pd.DataFrame]:
    """The batches. A row longer than the header found after leads went to standard output
    cannot be read again (a file output can: the caller reads the file again), so it is said
    plainly instead."""
    try:
        yield from batches
    except RaggedRows:
        if out_path is not None:
            raise
        raise LeadScoreInputError(
            "A row further down the file has more cells than the header has names, and the first leads "
            "were already written to the screen. Score the file into a file with --out, which keeps the "
            "extra cells in their own column."
        ) from None


def _open_output(stack: contextlib.ExitStack, out_path, fmt: str):
    """CSV is written as bytes (Arrow's writer), JSON lines as text; standard output when no path."""
    if out_path is None:
        if fmt == "csv":
            sys.stdout.flush()
            return sys.stdout.buffer
        return sys.stdout
    if fmt == "csv":
        return stack.enter_context(atomic_output(out_path))
    return stack.enter_context(atomic_output(out_path, "w", encoding="utf-8", newline="\n"))


def _open_tier_files(stack: contextlib.ExitStack, split_dir) -> dict:
    folder = Path(split_dir)
    folder.mkdir(parents=True, exist_ok=True)
    handles = {}
    for tier in TIERS:
        handles[tier] = stack.enter_context(atomic_output(folder / TIER_FILES[tier]))
        handles[tier].write("".encode(TIER_FILE_ENCODING))  # the byte-order mark
    return handles
