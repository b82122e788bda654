"""Score lead files too big for one machine's memory or cores on a Dask cluster (``--engine dask``).

The leads are read in partitions with ``dask.dataframe`` (one partition per CSV file, Parquet
files by row group), every partition is scored by the same one-machine scoring core
(:func:`leadscore.score.scoring.score_leads`) on a Dask worker, and every worker writes its own output
file: ``part-00000.csv``, ``part-00001.csv``, ... (Excel-safe CSV with the same columns as
``leadscore score``) or ``part-00000.parquet``, ... (one Parquet dataset). Sorting the output
names gives the input order, and each part keeps its leads in their input order.

Without a scheduler address a local cluster is started (one worker process per core, listening
on this machine only); with one, the leads are scored on that cluster, whose workers must see
the lead files and the output folder at the same paths (a shared folder).

Dask is an optional extra (``pip install 'leadscore[dask]'``): this module imports it only when
scoring starts, so the app and the rest of the package never need it.

Example
-------
>>> summary = score_with_dask("models/leads.joblib", "exports/leads-*.csv", "scored/")  # doctest: +SKIP
>>> summary["rows"], summary["outputs"][0]                                                # doctest: +SKIP
(30000000, 'scored/part-00000.csv')
"""

from __future__ import annotations

import contextlib
import errno
import glob
import logging
import os
import platform
import re
import secrets
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from leadscore.errors import LeadScoreInputError
from leadscore.model.tiers import TIERS, TierPolicy

# The one-machine scoring core, reading and writing: the same functions `leadscore score` uses,
# so reports, blank rows and CSV bytes are exactly its own.
from leadscore.io.chunks import RaggedRows, iter_lead_chunks
from leadscore.score.export import excel_safe, write_csv
from leadscore.score.scoring import merge_reports, report_warnings, score_leads

__all__ = ["DASK_MISSING", "OUTPUT_FORMATS", "find_lead_files", "score_with_dask"]

DASK_MISSING = "Scoring with --engine dask needs the Dask extra: pip install 'leadscore[dask]'"
OUTPUT_FORMATS = ("csv", "parquet")
# Leads per read inside one CSV partition; only memory while reading depends on it.
_READ_CHUNK = 1_000_000
_PARQUET_MAGIC = b"PAR1"
_EXCEL_MAGIC = b"PK\x03\x04"
# Output parts; a folder holding only such files is a previous run's output and may be replaced.
_PART_NAME = re.compile(r"part-\d+\.(csv|parquet)")
# Libraries whose objects travel to the workers inside the model; scikit-learn must match
# exactly (its pickles), the others to the minor release (as leadscore.model.bundle checks for files).
_EXACT_LIBRARIES = ("scikit-learn", "leadscore")
_MINOR_LIBRARIES = ("python", "numpy", "pandas", "scipy", "joblib", "pyarrow")


def score_with_dask(
    model,
    pattern,
    out,
    *,
    policy: TierPolicy | None = None,
    reasons: bool = True,
    scheduler: str | None = None,
    workers: int | None = None,
    output_format: str = "csv",
    trust_model: bool = False,
    progress: Callable[[str, float], None] | None = None,
) -> dict:
    """Score every lead in a set of CSV or Parquet files on a Dask cluster, one output per partition.

    The model is loaded and its signature checked once, here, then sent once to every worker
    (workers never open model files, so they need no signing key and no ``--trust-model``).
    Each partition is scored by :func:`leadscore.score.scoring.score_leads` exactly as ``leadscore
    score`` scores a file: completely empty rows are skipped and counted, every other lead
    gets one output row, in its input order. The output folder appears whole or not at all:
    parts are written into a hidden folder beside it, which is renamed when every part is done.

    Parameters
    ----------
    model : path or ModelBundle
        A model file saved by LeadScore (loaded with its signature check), or a bundle the
        caller already loaded (the CLI does, to apply ``--hot/--warm/--cool``).
    pattern : str or path
        A file, a folder, or a shell pattern such as ``"exports/leads-*.csv"``. Files are
        taken in natural order (``leads-2`` before ``leads-10``). All CSV (any encoding and
        delimiter LeadScore reads, each CSV file one partition) or all Parquet, with the same
        columns.
    out : path
        Output folder; it must not exist yet, or hold only a previous run's ``part-*`` files
        (which are replaced). It must not be, or contain, one of the input files.
    policy : TierPolicy, optional
        Tier thresholds and actions; the model's own when omitted.
    reasons : bool
        Fill ``reason_1``..``reason_3``.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``). When omitted, a local
        cluster is started for this call and stopped after it.
    workers : int, optional
        Worker processes of the local cluster (default: one per core). Ignored with ``scheduler``.
    output_format : "csv" or "parquet"
        CSV parts are Excel-safe (see :func:`leadscore.score.scoring.excel_safe`); Parquet parts keep
        values as they are and share one schema.
    trust_model : bool
        Load a model file saved on another computer (CLI ``--trust-model``).
    progress : callable(message: str, fraction: float), optional
        Called as each part is written ("12 of 40 parts scored", 0.3), like training's progress.

    Returns
    -------
    dict
        ``rows`` (leads scored), ``blank_rows`` (empty rows skipped), ``partitions``, ``tiers``
        (tier -> leads), ``warnings`` (list of str, as ``leadscore score`` gives them),
        ``inputs`` and ``outputs`` (paths, in order), ``out``, ``format``, ``scheduler``
        (address used), ``workers``, ``seconds``, and the counts of the scoring report
        (``missing_columns``, ``unseen_values``, ...).

    Raises
    ------
    LeadScoreInputError
        Dask not installed, no file matching ``pattern``, unreadable or mismatched files,
        columns the model needs missing (the same message as ``leadscore score``), an output
        folder that would overwrite something, an unreachable scheduler, or workers with other
        library versions.
    """
    started = time.perf_counter()
    if output_format not in OUTPUT_FORMATS:
        raise LeadScoreInputError(f"Unknown output format '{output_format}'. Choose csv or parquet.")
    if workers is not None and workers < 1:
        raise LeadScoreInputError(f"The number of Dask workers must be at least 1 (got {workers}).")
    dask, dd, distributed = _import_dask()
    bundle = _bundle(model, trust_model)
    policy = policy or getattr(bundle, "policy", None) or TierPolicy()
    files, kind = find_lead_files(pattern)
    out = Path(out)
    _check_output(out, files)
    input_meta, schema = _input_and_output_meta(bundle, files, kind, policy, reasons, output_format)
    written, cluster = _score_on_cluster(
        (dask, dd, distributed), bundle, files, kind, out, input_meta=input_meta, schema=schema,
        policy=policy, reasons=reasons, output_format=output_format, scheduler=scheduler, workers=workers,
        progress=progress,
    )
    summary = _summary(list(written["report"]))
    summary.update(
        cluster,
        partitions=len(written),
        inputs=[str(f) for f in files],
        outputs=[str(out / Path(path).name) for path in written["path"]],
        out=str(out),
        format=output_format,
        seconds=round(time.perf_counter() - started, 3),
    )
    return summary


def _input_and_output_meta(bundle, files: list[Path], kind: str, policy: TierPolicy, reasons: bool, output_format: str):
    """The input partitions' empty frame, and the Arrow schema of Parquet parts (None for CSV).

    Found on the first file's columns, before any cluster starts: a missing column the model needs
    gives exactly the one-machine message, and the output's columns and types are known."""
    input_meta = _csv_meta(files) if kind == "csv" else _parquet_meta(files)
    scored_meta = _scored_meta(bundle, input_meta, policy, reasons)
    return input_meta, (_arrow_schema(scored_meta) if output_format == "parquet" else None)


def _score_on_cluster(
    modules: tuple,
    bundle,
    files: list[Path],
    kind: str,
    out: Path,
    *,
    input_meta: pd.DataFrame,
    policy: TierPolicy,
    reasons: bool,
    output_format: str,
    schema,
    scheduler: str | None,
    workers: int | None,
    progress,
) -> tuple[pd.DataFrame, dict]:
    """Score every partition on the cluster into a hidden folder beside ``out``, renamed to ``out``
    when every part is written (removed if anything fails). ``modules`` are dask, dask.dataframe
    and distributed. Returns the parts written (partition, path, report; in partition order) and
    the scheduler's address and number of workers."""
    dask, dd, distributed = modules
    staging = out.parent / f".{out.name}.partial-{secrets.token_hex(4)}"
    with contextlib.ExitStack() as stack, dask.config.set({"dataframe.convert-string": False}):
        client = _connect(stack, distributed, scheduler, workers)
        _check_worker_libraries(client, scheduler)
        if kind == "csv":
            leads = dd.from_map(_read_csv_partition, [str(f) for f in files], meta=input_meta, divisions=None)
        else:
            leads = dd.read_parquet([str(f) for f in files])
        width = max(5, len(str(leads.npartitions - 1)))
        summary_meta = pd.DataFrame(
            {"partition": pd.Series(dtype="int64"), "path": pd.Series(dtype=object), "report": pd.Series(dtype=object)}
        )
        staging.mkdir(parents=True)
        try:
            # Sent once to every worker instead of once per task; tiny for a logistic model,
            # megabytes for a forest.
            shipped = client.scatter(bundle, broadcast=True, hash=False)
            parts = leads.map_partitions(
                _score_partition,
                shipped,
                policy,
                reasons,
                str(staging),
                output_format,
                width,
                schema,
                meta=summary_meta,
                align_dataframes=False,
            )
            written = _compute(client, parts, scheduler, progress).sort_values("partition", kind="stable")
            _replace_folder(staging, out)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        cluster = {
            "scheduler": client.scheduler.address,
            "workers": len(client.scheduler_info(n_workers=-1).get("workers", {})),
        }
    return written, cluster


def _summary(reports: list[dict]) -> dict:
    """The parts' scoring reports added up, with the warnings ``leadscore score`` would give."""
    total: dict = {}
    for report in reports:
        merge_reports(total, report)
    summary = dict(total)
    summary["rows"] = total.get("rows", 0)
    summary["blank_rows"] = total.get("blank_rows", 0)
    summary["tiers"] = {tier: total.get("tiers", {}).get(tier, 0) for tier in TIERS}
    summary["warnings"] = report_warnings(total)
    return summary


# --------------------------------------------------------------------------------------------
# Inputs


def _import_dask():
    """(dask, dask.dataframe, distributed), or the error telling how to install them."""
    try:
        import dask
        import dask.dataframe as dd
        import distributed
    except ImportError:
        raise LeadScoreInputError(DASK_MISSING) from None
    return dask, dd, distributed


def _bundle(model, trust_model: bool):
    from leadscore.model.bundle import ModelBundle, load_bundle

    if isinstance(model, ModelBundle):
        return model
    return load_bundle(model, trust=trust_model)


def _natural_key(path: Path) -> list:
    # "leads-2.csv" before "leads-10.csv", as a person numbers exports.
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", str(path))]


def find_lead_files(pattern) -> tuple[list[Path], str]:
    """The lead files a pattern names, in natural order, and whether they are CSV or Parquet.

    Parameters
    ----------
    pattern : str or path
        A file, a folder (its files), or a shell pattern such as ``"exports/leads-*.csv"``
        (``**`` reaches into subfolders).

    Returns
    -------
    (list of Path, "csv" | "parquet")

    Raises
    ------
    LeadScoreInputError
        Nothing matches, an Excel file is among them, or CSV and Parquet files are mixed.
    """
    text = str(pattern)
    given = Path(text).expanduser()
    if given.is_dir():
        # Hidden files and "_SUCCESS"/"_metadata" beside a Parquet dataset are not leads.
        candidates = [p for p in given.iterdir() if p.is_file() and not p.name.startswith((".", "_"))]
    else:
        candidates = [Path(p) for p in glob.glob(os.path.expanduser(text), recursive=True)]
        candidates = [p for p in candidates if p.is_file()]
    if not candidates:
        raise LeadScoreInputError(
            f"No file matches '{text}'. Check the folder and the file names; put the pattern in quotes "
            "(for example 'exports/leads-*.csv') so that the shell passes it to LeadScore as it is."
        )
    files = sorted(candidates, key=_natural_key)
    kinds = {}
    for path in files:
        with open(path, "rb") as handle:
            magic = handle.read(4)
        if magic == _EXCEL_MAGIC:
            raise LeadScoreInputError(
                f"'{path.name}' is an Excel file, which cannot be read in parts. Save it as CSV "
                "(File > Save As > CSV UTF-8), or score it without --engine dask."
            )
        kinds[path] = "parquet" if magic == _PARQUET_MAGIC else "csv"
    if len(set(kinds.values())) > 1:
        parquet = next(p for p, k in kinds.items() if k == "parquet")
        csv = next(p for p, k in kinds.items() if k == "csv")
        raise LeadScoreInputError(
            f"'{text}' matches both Parquet files (such as '{parquet.name}') and CSV files (such as "
            f"'{csv.name}'). Score them separately, with a pattern that matches one kind."
        )
    return files, next(iter(kinds.values()))


def _csv_columns(path: Path) -> list[str]:
    """The column names of one CSV file, read as ``leadscore score`` reads them."""
    from leadscore.io.read import check_text_table

    with open(path, "rb") as handle:
        head = handle.read(1_000_000)
    encoding, delimiter = check_text_table(head, path.name)
    try:
        header = pd.read_csv(path, sep=delimiter, encoding=encoding, encoding_errors="replace", dtype=str, nrows=0)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise LeadScoreInputError(
            f"'{path.name}' could not be read as a table ({error}). Export it again as CSV."
        ) from error
    return [str(c).strip() for c in header.columns]


def _same_columns(files: list[Path], columns_of) -> list:
    """The first file's columns, after checking that every file has the same ones in the same order."""
    first = list(columns_of(files[0]))
    for path in files[1:]:
        columns = list(columns_of(path))
        if columns == first:
            continue
        missing = [c for c in first if c not in columns]
        extra = [c for c in columns if c not in first]
        detail = "; ".join(
            part
            for part in (
                f"it has no {', '.join(repr(c) for c in missing)}" if missing else "",
                f"it has {', '.join(repr(c) for c in extra)} in addition" if extra else "",
                "its columns are in another order" if not missing and not extra else "",
            )
            if part
        )
        raise LeadScoreInputError(
            f"'{path.name}' does not have the same columns as '{files[0].name}' ({detail}). Files "
            "scored together must have the same columns in the same order: export them the same way."
        )
    return first


def _csv_meta(files: list[Path]) -> pd.DataFrame:
    """The empty frame each CSV partition looks like: the columns as text, like ``leadscore score``."""
    columns = _same_columns(files, _csv_columns)
    return pd.DataFrame({name: pd.Series(dtype="str") for name in columns})


def _parquet_meta(files: list[Path]) -> pd.DataFrame:
    """The empty frame each Parquet partition looks like (names and types from the first file)."""
    import pyarrow.parquet as pq

    def columns_of(path: Path) -> list[str]:
        try:
            return list(pq.read_schema(path).names)
        except Exception as error:  # noqa: BLE001 - any unreadable footer means a damaged file
            raise LeadScoreInputError(
                f"'{path.name}' could not be read as Parquet ({type(error).__name__}). Write the file again."
            ) from None

    _same_columns(files, columns_of)
    # Read from the first file's schema (no rows), so types are pandas' own reading of them.
    schema = pq.read_schema(files[0])
    return schema.empty_table().to_pandas().reset_index(drop=True)


def _read_csv_partition(path: str) -> pd.DataFrame:
    """One CSV file as one partition, every value text exactly as written (IDs like "00123"
    unchanged), read by the same reader as ``leadscore score`` (its encoding and delimiter)."""
    if not os.path.exists(path):
        # A worker of another machine that does not see the file: said plainly by _compute.
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
    try:
        chunks = list(iter_lead_chunks(path, chunksize=_READ_CHUNK))
    except RaggedRows:
        # Every part must have the columns of the first file's header: no room for extra cells.
        raise LeadScoreInputError(
            f"'{Path(path).name}' has a row with more cells than the header has names. Score it without "
            "--engine dask (that keeps the extra cells in their own column), or fix that row in a spreadsheet."
        ) from None
    if not chunks:
        return _csv_columns_frame(Path(path))
    return chunks[0] if len(chunks) == 1 else pd.concat(chunks)


def _csv_columns_frame(path: Path) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="str") for name in _csv_columns(path)})


# --------------------------------------------------------------------------------------------
# Outputs


def _check_output(out: Path, files: list[Path]) -> None:
    """Refuse an output folder that is an input, holds an input, or holds anything but a previous run."""
    resolved = out.resolve()
    for path in files:
        source = path.resolve()
        if source == resolved or resolved in source.parents:
            raise LeadScoreInputError(
                f"The output '{out}' {'is' if source == resolved else 'holds'} the input file '{path.name}', "
                "which scoring would overwrite. Choose a new folder for the scored leads."
            )
    if out.exists() and not out.is_dir():
        raise LeadScoreInputError(
            f"'{out}' is a file. With --engine dask the scored leads go into a folder (one file per "
            "part): choose a folder name that does not exist yet."
        )
    if out.is_dir():
        others = [p.name for p in out.iterdir() if not _PART_NAME.fullmatch(p.name)]
        if others:
            raise LeadScoreInputError(
                f"The folder '{out}' already holds other files (such as '{others[0]}'), which scoring "
                "would delete. Choose a new folder for the scored leads."
            )


def _replace_folder(staging: Path, out: Path) -> None:
    """Put the finished parts at ``out``, replacing a previous run's parts only once all new ones exist."""
    if not out.exists():
        os.replace(staging, out)
        return
    previous = out.parent / f".{out.name}.previous-{secrets.token_hex(4)}"
    os.replace(out, previous)
    os.replace(staging, out)
    shutil.rmtree(previous, ignore_errors=True)


def _scored_meta(bundle, input_meta: pd.DataFrame, policy: TierPolicy, reasons: bool) -> pd.DataFrame:
    """The empty frame of scored leads: the input columns, then the score columns.

    Scoring the empty input checks the model's columns with the one-machine code (same error,
    same message). An empty batch gives generic (object) types where real leads give text, so
    those become text: every Parquet part then has the same schema.
    """
    scored = score_leads(bundle, input_meta, policy=policy, reasons=reasons).scored
    added = [c for c in scored.columns if c not in input_meta.columns]
    for column in added:
        if scored[column].dtype == object:
            scored[column] = scored[column].astype("str")
    return scored


def _arrow_schema(scored_meta: pd.DataFrame):
    import pyarrow as pa

    return pa.Schema.from_pandas(scored_meta, preserve_index=False)


def _write_whole(path: Path, write) -> None:
    """Write a file through ``write(handle)`` under a temporary name, then rename it: a task that
    fails or is retried on another worker never leaves half a file."""
    temporary = path.with_name(f".{path.name}.partial")
    try:
        with open(temporary, "wb") as handle:
            write(handle)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def _score_partition(
    leads: pd.DataFrame,
    bundle,
    policy: TierPolicy,
    reasons: bool,
    folder: str,
    output_format: str,
    width: int,
    schema,
    partition_info=None,
) -> pd.DataFrame:
    """Score one partition on a worker and write its part file.

    Parameters
    ----------
    leads : DataFrame, one partition of the input
    bundle : ModelBundle (already verified by the client)
    policy, reasons : as in :func:`score_with_dask`
    folder : str, where to write ``part-NNNNN.<format>``
    output_format : "csv" or "parquet"
    width : int, digits in part numbers (so names sort in input order)
    schema : pyarrow.Schema of the scored leads (Parquet), or None
    partition_info : dict from Dask with this partition's ``number``

    Returns
    -------
    DataFrame of one row: ``partition``, ``path``, ``report`` (the scoring report with
    ``rows``, ``blank_rows`` and ``tiers``, for the summary).
    """
    number = int(partition_info["number"]) if partition_info else 0
    result = score_leads(bundle, leads, policy=policy, reasons=reasons)
    report = dict(result.report)
    path = Path(folder) / f"part-{number:0{width}d}.{output_format}"
    if output_format == "csv":
        safe = excel_safe(result.scored)
        _write_whole(path, lambda handle: write_csv(safe, handle, header=True))
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(result.scored, schema=schema, preserve_index=False)
        _write_whole(path, lambda handle: pq.write_table(table, handle))
    summary = pd.DataFrame({"partition": np.array([number], dtype="int64"), "path": pd.Series([str(path)], dtype=object)})
    summary["report"] = pd.Series([report], dtype=object)
    return summary


# --------------------------------------------------------------------------------------------
# Cluster


def _connect(stack: contextlib.ExitStack, distributed, scheduler: str | None, workers: int | None):
    """A client of the given scheduler, or of a local cluster started for this call (both closed
    with ``stack``). The client is not made Dask's global default: nothing outlives the call."""
    if scheduler:
        try:
            return stack.enter_context(distributed.Client(scheduler, timeout="20s", set_as_default=False))
        except (OSError, TimeoutError) as error:
            raise LeadScoreInputError(
                f"Could not reach the Dask scheduler at '{scheduler}' ({type(error).__name__}). Check the "
                "address (for example tcp://10.0.0.5:8786) and that 'dask scheduler' is running there, "
                "or leave out --scheduler to score on this machine."
            ) from None
    count = workers or _usable_cores()
    # Processes, one thread each: the scoring core holds the GIL for much of its work. Listening
    # on this machine only, without a dashboard: nothing about the leads is served on the network.
    cluster = stack.enter_context(
        distributed.LocalCluster(
            n_workers=count,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            # Dask's own notices (e.g. a worker slow to stop) mean nothing to a marketer.
            silence_logs=logging.ERROR,
        )
    )
    return stack.enter_context(distributed.Client(cluster, set_as_default=False))


def _usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _library_versions() -> dict[str, str]:
    """This process's versions of the libraries inside a pickled model (runs on each worker)."""
    from importlib.metadata import PackageNotFoundError, version

    import leadscore

    versions = {"python": platform.python_version(), "leadscore": leadscore.__version__}
    for name in ("scikit-learn", "numpy", "pandas", "scipy", "joblib", "pyarrow"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _differs(name: str, theirs: str | None, ours: str) -> bool:
    if name in _EXACT_LIBRARIES:
        return theirs != ours
    return ".".join(str(theirs).split(".")[:2]) != ".".join(ours.split(".")[:2])


def _check_worker_libraries(client, scheduler: str | None) -> None:
    """Refuse workers whose libraries could not unpickle the model or would score differently."""
    where = f"the Dask cluster at '{scheduler}'" if scheduler else "the local Dask cluster"
    try:
        per_worker = client.run(_library_versions)
    except ImportError as error:
        raise LeadScoreInputError(
            f"The workers of {where} cannot import LeadScore ({error}). Install the same LeadScore "
            "on every worker: pip install 'leadscore[dask]'."
        ) from None
    if not per_worker:
        raise LeadScoreInputError(f"{where.capitalize()} has no workers. Start at least one 'dask worker' for it.")
    here = _library_versions()
    for worker, versions in per_worker.items():
        problems = [
            f"{name} {versions.get(name)} (this computer has {here[name]})"
            for name in _EXACT_LIBRARIES + _MINOR_LIBRARIES
            if _differs(name, versions.get(name), here[name])
        ]
        if problems:
            raise LeadScoreInputError(
                f"The Dask worker {worker} has other library versions: {', '.join(problems)}. Install "
                "the same versions on every worker (the model can only be read with the same scikit-learn)."
            )


def _compute(client, parts, scheduler: str | None, progress) -> pd.DataFrame:
    """Run the scoring on the cluster, one future per part so that progress can be told; a
    worker that cannot see a file gets a message that says why."""
    from distributed import as_completed

    futures = client.compute(parts.to_delayed())
    try:
        for done, future in enumerate(as_completed(futures, loop=client.loop), start=1):
            future.result()  # the first failing part stops the run, with its own error
            if progress is not None:
                progress(f"{done} of {len(futures)} parts scored", done / len(futures))
        return pd.concat(client.gather(futures), ignore_index=True)
    except FileNotFoundError as error:
        shared = (
            " With --scheduler, the lead files and the output folder must be in a folder every "
            "worker sees at the same path (a shared drive)."
            if scheduler
            else ""
        )
        raise LeadScoreInputError(f"A Dask worker could not find '{error.filename}'.{shared}") from None
