"""The ``leadscore`` command: the app's journey for scripts and workflows.

Every subcommand drives the same :class:`leadscore.project.workflow.LeadProject` the app's pages drive,
and offers the same choices::

    leadscore inspect DATA [--target COLUMN] [--converted VALUE ...] [--sheet SHEET] [--json]
    leadscore train DATA --out MODEL [--project NAME] [outcome, cleaning, model and tier options]
                    [--report REPORT.json]
    leadscore score MODEL DATA [--out OUT] [--format csv|jsonl|crm] [--sort] [--split-tiers DIR]
                    [--hot P --warm P --cool P | --hot-share P --warm-share P --cool-share P]
    leadscore card MODEL
    leadscore projects

With DATA ``-``, ``score`` reads one JSON lead per line from standard input and writes one JSON
result per line as each lead arrives, so a workflow can route every new lead by its tier.

Problems with the input print one line ``error: ...`` on standard error and exit with code 2;
never a traceback. Heavy libraries are imported inside the subcommand that needs them so that
scoring one lead starts quickly.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from leadscore.errors import LeadScoreInputError

__all__ = ["main", "examples", "example_lead"]

EXIT_INPUT_ERROR = 2
EXIT_UNEXPECTED = 1


def _probability(text: str) -> float:
    """Read a tier threshold or share given as 0.7, 70 or 70%."""
    cleaned = text.strip().rstrip("%")
    try:
        value = float(cleaned)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a percentage; write e.g. 70, 70% or 0.7") from None
    if value > 1 or text.strip().endswith("%"):
        value = value / 100
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' must be between 0% and 100%")
    return value


def _share(text: str) -> float:
    """A share of leads in percent: 5 means 5% (as 5%, or 0.05)."""
    cleaned = text.strip().rstrip("%")
    try:
        value = float(cleaned)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a percentage of leads; write e.g. 5 for the top 5%") from None
    value = value / 100 if value >= 1 or text.strip().endswith("%") else value
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' must be between 0% and 100% of the leads")
    return value


def _pair(text: str) -> tuple[str, str]:
    column, equals, value = text.partition("=")
    if not equals or not column.strip():
        raise argparse.ArgumentTypeError(f"'{text}' should read COLUMN=TEXT, e.g. first_engaged_at='First contact'")
    return column.strip(), value.strip()


def _tier_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("tiers (by chance of converting, or by share of scored leads)")
    group.add_argument("--hot", type=_probability, metavar="P", help="Hot from this chance of converting (default 70%%)")
    group.add_argument("--warm", type=_probability, metavar="P", help="Warm from this chance (default 40%%)")
    group.add_argument("--cool", type=_probability, metavar="P", help="Cool from this chance (default 15%%)")
    group.add_argument("--hot-share", type=_share, metavar="PERCENT", help="Hot = the top PERCENT of scored leads (e.g. 5)")
    group.add_argument("--warm-share", type=_share, metavar="PERCENT", help="Warm = the next PERCENT (e.g. 15)")
    group.add_argument("--cool-share", type=_share, metavar="PERCENT", help="Cool = the next PERCENT (e.g. 30); the rest is Cold")
    group.add_argument("--action", action="append", default=[], type=_pair, metavar="TIER=TEXT", help="the next action for a tier, e.g. Hot='Call today' (repeatable)")


def _outcome_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("the outcome")
    group.add_argument("--target", metavar="COLUMN", help="the outcome column (found automatically when left out)")
    group.add_argument("--converted", action="append", default=[], metavar="VALUE", help="a value of the outcome column that means converted (repeatable)")
    group.add_argument("--not-converted", action="append", default=[], metavar="VALUE", help="a value that means not converted (repeatable)")
    group.add_argument("--open", action="append", default=[], metavar="VALUE", help="a value that means still in the pipeline (repeatable; values not named count as still open too)")
    group.add_argument("--sheet", metavar="SHEET", help="the Excel sheet with the leads (name or number; default: the first)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="leadscore",
        description="Score leads with a model learned from your own lead history. Nothing leaves this machine.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    inspect = commands.add_parser("inspect", help="profile a lead export, map its outcome, judge if there is enough data")
    inspect.add_argument("data", help="CSV or Excel (.xlsx) file of past leads")
    _outcome_options(inspect)
    inspect.add_argument("--json", action="store_true", help="print one JSON object instead of a readable report")

    train = commands.add_parser("train", help="train, validate and save a model from past leads")
    train.add_argument("data", help="CSV or Excel (.xlsx) file of past leads with outcomes")
    train.add_argument("--out", metavar="MODEL", help="where to save the model file (required unless --project is given)")
    train.add_argument("--project", metavar="NAME", help="keep the data, choices and model version in this project (created if new)")
    _outcome_options(train)
    cleaning = train.add_argument_group("cleaning")
    cleaning.add_argument("--date-column", metavar="COLUMN", help="when each lead arrived (the newest leads are held out); 'none' for no date")
    cleaning.add_argument("--window", type=int, metavar="MONTHS", help="learn only from the last MONTHS months (0 = all history; default 12)")
    cleaning.add_argument("--rare-share", type=_probability, metavar="P", help="categories rarer than this share become 'Other' (default 1%%)")
    cleaning.add_argument("--exclude", action="append", default=[], metavar="COLUMN", help="leave this column out (repeatable)")
    cleaning.add_argument("--keep", action="append", default=[], metavar="COLUMN", help="use this column although LeadScore would leave it out (repeatable)")
    cleaning.add_argument("--label", action="append", default=[], type=_pair, metavar="COLUMN=LABEL", help="how a column reads in reasons and files (repeatable)")
    cleaning.add_argument("--no-text", action="store_true", help="do not turn free-text columns into word features")
    cleaning.add_argument("--choices", metavar="CHOICES.json", help="cleaning choices saved from the app (Clean page) or a report's 'choices'")
    train.add_argument("--model", default="auto", choices=["auto", "logistic", "forest", "boosting"])
    _tier_options(train)
    train.add_argument("--report", metavar="REPORT.json", help="write the full training report as JSON")

    score = commands.add_parser("score", help="score new leads with a saved model")
    score.add_argument("model", help="a model file saved by 'leadscore train' or the app")
    score.add_argument("data", help="CSV/Excel file of new leads, or - to read JSON lines from standard input")
    score.add_argument("--out", metavar="OUT", help="output file (default: standard output)")
    score.add_argument(
        "--format",
        choices=["csv", "jsonl", "crm", "parquet"],
        help="csv: every column, safe to open in Excel (default); jsonl: JSON lines (default when DATA is -); "
        "crm: for a CRM import (identifier, score, tier, next action, top reason; UTF-8, no formula escaping: not for Excel); "
        "parquet: a Parquet dataset (with --engine dask)",
    )
    score.add_argument(
        "--engine", choices=["local", "dask"], default="local",
        help="dask: score many files (a quoted pattern such as 'leads-*.csv', or Parquet) in parallel; needs pip install 'leadscore[dask]'",
    )
    score.add_argument("--scheduler", metavar="ADDRESS", help="with --engine dask: a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster)")
    score.add_argument("--workers", type=int, metavar="N", help="with --engine dask and no --scheduler: worker processes (default: one per core)")
    score.add_argument("--sort", action="store_true", help="best leads first (the call list); default: the file's order, for joining back")
    score.add_argument("--split-tiers", metavar="DIR", help="also write hot.csv, warm.csv, cool.csv, cold.csv into DIR")
    score.add_argument("--sheet", metavar="SHEET", help="the Excel sheet with the leads")
    _tier_options(score)
    score.add_argument("--no-reasons", action="store_true", help="skip the reason_1..3 columns (faster)")
    score.add_argument("--trust-model", action="store_true", help="load a model file made on another machine (only for files you trust: a model file can run code)")
    history = score.add_argument_group("history (see 'leadscore history')")
    history.add_argument("--project", metavar="NAME", help="record this run in project NAME (created if new): scores, tiers, drift")
    history.add_argument("--key", metavar="COLUMN", help="the column that tells leads apart across runs (default: the ID, else the email, else a hash of the lead's values)")
    history.add_argument("--summary-json", metavar="FILE", help="write the run's summary (rows, tiers, drift) as JSON")

    past = commands.add_parser("history", help="a project's scoring runs, the leads that moved, one lead's scores over time")
    past.add_argument("project", metavar="NAME", help="the project (its name or id)")
    past.add_argument("--lead", metavar="KEY", help="one lead's scores over time")
    past.add_argument("--movers", action="store_true", help="the leads whose score moved between the last two runs, largest first")
    past.add_argument("--json", action="store_true", help="print one JSON object")

    feedback = commands.add_parser("feedback", help="how earlier-scored leads really converted, against what the model promised")
    feedback.add_argument("project", metavar="NAME", help="the project whose runs scored the leads")
    feedback.add_argument("data", help="a later export of the same leads, with their outcomes")
    feedback.add_argument("--sheet", metavar="SHEET", help="the Excel sheet with the leads")
    feedback.add_argument("--json", action="store_true", help="print one JSON object")

    card = commands.add_parser("card", help="print a saved model's model card (Markdown)")
    card.add_argument("model")
    card.add_argument("--trust-model", action="store_true", help="load a model file made on another machine")

    commands.add_parser("projects", help="list the projects saved on this computer")
    _automate_commands(commands)
    return parser


# -- serve and watch: score each lead as it arrives (leadscore.automate) ------------------------
def _automate_commands(commands) -> None:
    serve = commands.add_parser("serve", help="score leads over HTTP on this computer (POST /score), for workflow tools and CRMs")
    _model_or_project(serve)
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1: this computer only; any other needs --token)")
    serve.add_argument("--port", type=int, default=8765, help="the port (default 8765; 0 picks a free one)")
    serve.add_argument("--token", help="require 'Authorization: Bearer TOKEN' on every request (at least 16 characters; or set LEADSCORE_TOKEN)")
    watch = commands.add_parser("watch", help="score every CSV or Excel file that appears in a folder")
    watch.add_argument("inbox", metavar="INBOX", help="the folder a form tool or a synced drive writes lead files to")
    _model_or_project(watch)
    watch.add_argument("--out", metavar="OUTBOX", help="where the scored files go (default: INBOX/scored)")
    watch.add_argument("--every", type=float, default=2.0, metavar="SECONDS", help="how often to look (default 2; a file is scored once its size stays the same)")
    watch.add_argument("--once", action="store_true", help="score what is there now, then stop")


def _model_or_project(parser) -> None:
    parser.add_argument("model", nargs="?", metavar="MODEL", help="a model file saved by 'leadscore train' or the app")
    parser.add_argument("--project", metavar="NAME", help="use the project's current model version and record every lead in its history")
    parser.add_argument("--webhook", action="append", default=[], metavar="TIER=URL", help="POST each lead entering TIER to URL, e.g. Hot=http://127.0.0.1:5678/webhook/hot (repeatable; needs --project)")
    parser.add_argument("--webhook-secret", metavar="SECRET", help="signs each webhook (X-LeadScore-Signature; or set LEADSCORE_WEBHOOK_SECRET)")
    parser.add_argument("--trust-model", action="store_true", help="load a model file made on another machine (only for files you trust)")


def _run_serve(args) -> int:
    from leadscore.automate import Webhooks, serve

    webhooks = Webhooks.from_options(args.webhook, args.webhook_secret)
    serve(args.model, args.project, host=args.host, port=args.port, token=args.token, webhooks=webhooks,
          trust=args.trust_model, say=lambda line: print(line, file=sys.stderr, flush=True))
    return 0


def _run_watch(args) -> int:
    from leadscore.automate import Webhooks, watch

    webhooks = Webhooks.from_options(args.webhook, args.webhook_secret)
    watch(args.inbox, args.model, args.project, outbox=args.out, webhooks=webhooks, every=args.every, once=args.once,
          trust=args.trust_model, say=lambda line: print(line, file=sys.stderr, flush=True))
    return 0


def _project_db(name: str, create: bool = False):
    """A saved project's store by name or id (created when ``create`` and not found)."""
    from leadscore.project.store import ProjectStore

    store = ProjectStore()
    found = store.find(name)
    if found is not None:
        return store.open(found)
    if create:
        return store.create(name)
    names = ", ".join(f"'{info.name}'" for info in store.list()[:10]) or "none yet"
    raise LeadScoreInputError(f"There is no project '{name}' on this computer (projects: {names}).")


def _check_file(path: str) -> Path:
    file = Path(path)
    if not file.exists():
        raise LeadScoreInputError(f"There is no file '{path}'. Check the path and the file name.")
    if file.is_dir():
        raise LeadScoreInputError(f"'{path}' is a folder. Give the path of a CSV or Excel file.")
    return file


def _policy(args, base):
    """The tier policy from the options, starting from ``base`` (the model's or the default)."""
    from leadscore.model.tiers import TierPolicy

    thresholds = (args.hot, args.warm, args.cool)
    shares = (args.hot_share, args.warm_share, args.cool_share)
    actions = {**dict(base.actions), **{tier.strip().capitalize(): text for tier, text in args.action}}
    if any(v is not None for v in shares):
        if any(v is not None for v in thresholds):
            raise LeadScoreInputError("Give the tiers either by chance (--hot, --warm, --cool) or by share (--hot-share, ...), not both.")
        if any(v is None for v in shares):
            raise LeadScoreInputError("Tiers by share need all three: --hot-share, --warm-share and --cool-share (e.g. 5, 15 and 30).")
        return TierPolicy.by_share(*shares, actions=actions)
    if all(v is None for v in thresholds) and not args.action:
        return base
    resolved = base if base.by == "probability" else TierPolicy(actions=base.actions)
    return TierPolicy(
        hot=args.hot if args.hot is not None else resolved.hot,
        warm=args.warm if args.warm is not None else resolved.warm,
        cool=args.cool if args.cool is not None else resolved.cool,
        actions=actions,
    )


def _read(path: str, sheet=None):
    from leadscore.io.read import read_leads

    options = {"sheet": sheet} if sheet else {}
    return read_leads(_check_file(path), **options)


def _outcome(project, args) -> None:
    """Set the project's outcome from --target / --converted / --not-converted / --open."""
    from leadscore.inspect.outcome import OutcomeMapping

    if args.converted or args.not_converted or args.open:
        if not args.target:
            raise LeadScoreInputError("Name the outcome column with --target when you give --converted / --not-converted values.")
        if not args.converted or not args.not_converted:
            raise LeadScoreInputError("Give at least one --converted value and one --not-converted value (e.g. --converted Won --not-converted Lost).")
        project.set_outcome(OutcomeMapping(args.target, tuple(args.converted), tuple(args.not_converted), tuple(args.open)))
        return
    suggestion = project.outcome_suggestion(args.target)
    if suggestion.mapping is None:
        raise LeadScoreInputError(
            f"{suggestion.question} On the command line, say it with --target COLUMN and "
            "--converted VALUE / --not-converted VALUE (repeatable); values you do not name count as still in the pipeline."
        )
    project.set_outcome(suggestion.mapping)


def _outcome_line(project) -> str:
    outcome, counts = project.outcome, project.outcome.counts(project.leads)
    return (
        f"Outcome '{outcome.column}': {counts['converted']:,} converted ({', '.join(outcome.positive_values)}), "
        f"{counts['not_converted']:,} not converted ({', '.join(outcome.negative_values)}), "
        f"{counts['open']:,} still in the pipeline (set aside)."
    )


def _run_inspect(args) -> int:
    from leadscore.inspect.inspection import format_inspection, inspect_leads
    from leadscore.inspect.outcome import OutcomeMapping

    leads = _read(args.data, args.sheet)
    outcome = None
    if args.converted or args.not_converted:
        if not args.target:
            raise LeadScoreInputError("Name the outcome column with --target when you give --converted / --not-converted values.")
        outcome = OutcomeMapping(args.target, tuple(args.converted), tuple(args.not_converted), tuple(args.open))
    inspection = inspect_leads(leads, target=args.target, outcome=outcome)
    if args.json:
        print(json.dumps(inspection.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_inspection(inspection))
    return 0


def _progress_line(message: str, fraction: float) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def _choices(args, columns):
    from leadscore.clean.plan import NO_DATE, CleaningChoices

    base = {}
    if args.choices:
        try:
            base = json.loads(_check_file(args.choices).read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise LeadScoreInputError(f"'{args.choices}' is not a choices file (JSON). Save it again from the app or a report.") from None
        base = base.get("choices", base) if isinstance(base, dict) else {}
    choices = CleaningChoices.from_dict(base)
    for column in (*args.exclude, *args.keep, *(c for c, _ in args.label)):
        if column not in columns:
            raise LeadScoreInputError(
                f"There is no column '{column}' in this file. Check the spelling; the columns are: {', '.join(map(str, columns))}."
            )
    date = args.date_column
    if date is not None and date.lower() != "none" and date not in columns:
        raise LeadScoreInputError(f"There is no column '{date}' in this file to use as the date. The columns are: {', '.join(map(str, columns))}.")
    return CleaningChoices(
        date_column=(NO_DATE if date and date.lower() == "none" else date) if date is not None else choices.date_column,
        window_months=args.window if args.window is not None else choices.window_months,
        rare_share=args.rare_share if args.rare_share is not None else choices.rare_share,
        exclude=tuple(dict.fromkeys([*choices.exclude, *args.exclude])),
        keep=tuple(dict.fromkeys([*choices.keep, *args.keep])),
        spellings=choices.spellings,
        labels=tuple({**choices.label_map, **dict(args.label)}.items()),
        use_text=False if args.no_text else choices.use_text,
    )


def _run_train(args) -> int:
    from leadscore.io.atomic import check_output_path
    from leadscore.model.bundle import MODEL_FILE_EXAMPLE, save_bundle
    from leadscore.project.workflow import LeadProject
    from leadscore.project.store import ProjectStore
    from leadscore.model.tiers import TierPolicy
    from leadscore.model.train import TrainingSettings

    if not args.out and not args.project:
        raise LeadScoreInputError("Say where to keep the model: --out MODEL_FILE, or --project NAME (or both).")
    data = _check_file(args.data)
    # Every output is checked before minutes of training, so nothing is left half-done.
    if args.out:
        check_output_path(args.out, inputs=[data], what="the model", example=MODEL_FILE_EXAMPLE)
    if args.report:
        check_output_path(args.report, inputs=[data], what="the report", example="report.json")
    leads = _read(args.data, args.sheet)
    store = ProjectStore() if args.project else None
    project = LeadProject.new(leads, args.project or data.stem, data_name=data.name)
    _outcome(project, args)
    print(_outcome_line(project), file=sys.stderr)
    project.set_choices(_choices(args, list(leads.columns)))
    project.set_policy(_policy(args, TierPolicy()))
    if store is not None:
        project.save_to(store)
    project.train(TrainingSettings(model=args.model), progress=_progress_line)
    bundle = project.model_with_policy()
    report = project.training_report()
    if args.report:
        from leadscore.io.atomic import atomic_output

        with atomic_output(args.report, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(report, indent=2, ensure_ascii=False))
    if args.out:
        save_bundle(bundle, args.out)
    validation = report["validation"]
    where = " and ".join(filter(None, [args.out and f"saved to {args.out}", project.id and f"kept in project '{project.name}' ({project.id})"]))
    print(
        f"Trained a {report['model']['kind']} model, {where}. "
        f"Holdout ({validation['method']}, {validation['holdout_rows']} leads): "
        f"ROC AUC {validation['roc_auc']:.3f}, calibration error {validation['ece']:.3f}. "
        f"{report['readiness']['verdict'].capitalize()}: {report['readiness']['message']}"
    )
    honest = validation.get("without_warned")
    if honest:
        print(f"Honest range: {honest['sentence']}")
    return 0


def _run_score(args) -> int:
    from leadscore.model.bundle import load_bundle
    from leadscore.score.score_files import score_file

    bundle = load_bundle(_check_file(args.model), trust=args.trust_model)
    policy = _policy(args, bundle.policy)
    if args.engine == "dask":
        return _score_dask(bundle, policy, args)
    if args.scheduler or args.workers or args.format == "parquet":
        raise LeadScoreInputError("--scheduler, --workers and --format parquet go with --engine dask.")
    from leadscore.io.atomic import check_output_path

    for output, what in ((args.out, "the scored leads"), (args.summary_json, "the summary")):
        if output:  # the model was read, but writing over it would lose it
            check_output_path(output, inputs=[args.model], what=what, read="your model")
    if args.data == "-":
        if args.format not in (None, "jsonl"):
            raise LeadScoreInputError("Leads read from standard input are answered as JSON lines; leave out --format or use --format jsonl.")
        return _stream(bundle, policy, args)
    if args.format == "crm":
        return _score_crm(bundle, policy, args)
    if args.summary_json:
        from leadscore.io.atomic import check_output_path

        check_output_path(args.summary_json, inputs=[args.data], what="the summary")
    batches: dict = {}
    summary = score_file(
        bundle,
        _check_file(args.data),
        args.out,
        policy=policy,
        fmt=args.format or "csv",
        split_dir=args.split_tiers,
        reasons=not args.no_reasons,
        sort=args.sort,
        on_batch=batches.__setitem__ if args.project or args.summary_json else None,
        sheet=args.sheet,
    )
    if args.project or args.summary_json:
        _record(bundle, policy, args, batches, summary)
    for warning in summary.get("warnings", []):
        print(f"warning: {warning}", file=sys.stderr)
        if "tiers by share" in warning:
            print("  On the command line: add --hot-share 5 --warm-share 15 --cool-share 30", file=sys.stderr)
    if args.out:
        tiers = ", ".join(f"{count:,} {tier}" for tier, count in summary.get("tiers", {}).items())
        print(f"Scored {summary['rows']:,} leads into {args.out} ({tiers}). {summary['policy']}", file=sys.stderr)
    return 0


def _record(bundle, policy, args, batches: dict, summary: dict) -> None:
    """Record the run in the project (``--project``) and write its summary (``--summary-json``)."""
    import pandas as pd

    from leadscore.io.atomic import atomic_output
    from leadscore.score.runs import key_scheme, run_leads, run_summary

    scored = pd.concat([batches[number] for number in sorted(batches)]) if batches else pd.DataFrame()
    scheme = key_scheme(bundle, scored, args.key)
    recorded = run_summary(bundle, scored, summary.get("drift"), policy, scheme, summary.get("warnings", []))
    if args.project:
        db = _project_db(args.project, create=True)
        recorded["run"] = db.record_run(None, Path(args.data).name, recorded, run_leads(scored, scheme))
    drift = recorded.get("drift") or {}
    if drift:
        print(f"Drift: {drift.get('verdict')}. {drift.get('message')}", file=sys.stderr)
    if args.summary_json:
        with atomic_output(args.summary_json, "w", encoding="utf-8") as handle:
            handle.write(json.dumps({"run": recorded.get("run"), **{k: v for k, v in recorded.items() if k != "run"}}, indent=2, ensure_ascii=False))


def _run_history(args) -> int:
    from leadscore.score.history import movers

    db = _project_db(args.project)
    runs = db.runs()
    result = {
        "runs": [
            {"run": int(row.run), "at": row.at, "rows": int(row.rows), "model": row.summary.get("model"), "source": row.source,
             "drift": (row.summary.get("drift") or {}).get("verdict")}
            for row in runs.itertuples()
        ]
    }
    if args.movers or not args.lead:
        moved = movers(db.run_leads(runs["run"].iloc[-2]), db.run_leads(runs["run"].iloc[-1])) if len(runs) >= 2 else None
        result["movers"] = [] if moved is None else [
            {"key": r.key, "before": float(r.before), "after": float(r.after), "tier_before": r.tier_before, "tier_after": r.tier_after}
            for r in moved.itertuples()
        ]
    if args.lead:
        trend = db.lead_history(args.lead)
        result["lead"] = {"key": args.lead, "scores": [
            {"run": int(r.run), "at": r.at, "probability": float(r.probability), "tier": r.tier} for r in trend.itertuples()
        ]}
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    for run in result["runs"]:
        drift = f", drift: {run['drift']}" if run["drift"] else ""
        print(f"run {run['run']}  {run['at']}  {run['rows']:,} leads from {run['source']} with {run['model']}{drift}")
    if "movers" in result:
        if not result["movers"]:
            print("No movers yet: score the leads again to see whose score rose or fell.")
        for mover in result["movers"][:20]:
            change = f"{(mover['after'] - mover['before']) * 100:+.0f} points"
            tiers = f"{mover['tier_before']} -> {mover['tier_after']}" if mover["tier_before"] != mover["tier_after"] else mover["tier_after"]
            print(f"  {mover['key']}: {mover['before']:.0%} -> {mover['after']:.0%} ({change}, {tiers})")
    if "lead" in result:
        if not result["lead"]["scores"]:
            print(f"No recorded score for '{args.lead}'.")
        for score in result["lead"]["scores"]:
            print(f"  run {score['run']}  {score['at']}  {score['probability']:.0%}  {score['tier']}")
    return 0


def _run_feedback(args) -> int:
    from leadscore.project.workflow import LeadProject
    from leadscore.score.runs import feedback_for
    from leadscore.project.store import ProjectStore

    db = _project_db(args.project)
    runs = db.runs()
    if runs.empty:
        raise LeadScoreInputError(f"No leads have been scored in project '{args.project}' yet: score them with --project first.")
    leads = _read(args.data, args.sheet)
    meta = db.meta()
    if meta.get("outcome"):
        outcome = LeadProject.open(ProjectStore(), db.id).outcome
    else:
        from leadscore.inspect.outcome import suggest_outcome

        suggestion = suggest_outcome(leads)
        if suggestion.mapping is None:
            raise LeadScoreInputError(f"{suggestion.question} Name the outcome the way the app does, or add a yes/no 'converted' column.")
        outcome = suggestion.mapping
    report = feedback_for(db.scored_leads(), leads, outcome, runs["summary"].iloc[-1].get("keys") or {})
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return 0
    print(f"{report.matched:,} earlier-scored leads matched; ranking quality (ROC AUC) {report.roc_auc:.2f}." if report.roc_auc is not None else f"{report.matched:,} earlier-scored leads matched.")
    for sentence in report.sentences:
        print(f"  {sentence}")
    print(report.message)
    return 0


def _score_dask(bundle, policy, args) -> int:
    from leadscore.score.dask_engine import score_with_dask

    if not args.out:
        raise LeadScoreInputError("With --engine dask, name the folder for the scored parts with --out (e.g. --out scored/).")
    if args.data == "-" or args.split_tiers or args.format in ("jsonl", "crm") or args.project or args.sort:
        raise LeadScoreInputError(
            "--engine dask scores files into CSV or Parquet parts; leave out '-', --split-tiers, --format jsonl/crm, --sort and --project."
        )
    summary = score_with_dask(
        bundle, args.data, args.out, policy=policy, reasons=not args.no_reasons, scheduler=args.scheduler,
        workers=args.workers, output_format=args.format or "csv", progress=_progress_line,
    )
    for warning in summary.get("warnings", []):
        print(f"warning: {warning}", file=sys.stderr)
    tiers = ", ".join(f"{count:,} {tier}" for tier, count in summary.get("tiers", {}).items())
    print(f"Scored {summary['rows']:,} leads in {summary['partitions']} parts into {args.out} ({tiers}).", file=sys.stderr)
    return 0


def _stream(bundle, policy, args) -> int:
    from leadscore.io.atomic import atomic_output, check_output_path
    from leadscore.io.lead_json import lead_lines
    from leadscore.score.stream import stream_jsonl

    reasons = not args.no_reasons
    if args.out:
        check_output_path(args.out, what="the scored leads")
        with atomic_output(args.out, "w", encoding="utf-8", newline="\n") as out:
            stream_jsonl(bundle, lead_lines(sys.stdin.buffer), out, policy=policy, reasons=reasons)
    else:
        stream_jsonl(bundle, lead_lines(sys.stdin.buffer), sys.stdout, policy=policy, reasons=reasons)
    return 0


def _score_crm(bundle, policy, args) -> int:
    from leadscore.io.atomic import atomic_output, check_output_path
    from leadscore.score.export import crm_csv
    from leadscore.score.scoring import score_leads

    data = _check_file(args.data)
    if args.out:
        check_output_path(args.out, inputs=[data], what="the CRM file")
    result = score_leads(bundle, _read(args.data, args.sheet), policy=policy, reasons=not args.no_reasons)
    kinds = dict(getattr(bundle.plan, "column_kinds", {}) or {})
    identifiers = [c for c in result.scored.columns if kinds.get(c) in ("identifier", "personal")]
    content = crm_csv(result.scored, identifiers)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.out:
        with atomic_output(args.out) as handle:
            handle.write(content)
    else:
        sys.stdout.buffer.write(content)
    return 0


def _run_card(args) -> int:
    from leadscore.model.bundle import load_bundle
    from leadscore.model.card import model_card

    print(model_card(load_bundle(_check_file(args.model), trust=args.trust_model)))
    return 0


def _run_projects(args) -> int:
    from leadscore.project.store import ProjectStore

    infos = ProjectStore().list()
    if not infos:
        print("No projects yet. Upload leads in the app, or run: leadscore train DATA --project NAME")
    for info in infos:
        problem = f"  ({info.problem})" if info.problem else ""
        leads = f"{info.leads:,} leads" if info.leads is not None else "no leads"
        print(f"{info.id}  {info.name}  {leads}, {info.versions} model version(s), changed {info.updated_at}{problem}")
    return 0


def example_lead(schema: list[dict] | None) -> dict[str, object]:
    """One made-up lead with every column a model reads (typical values), for the JSON example."""
    if not schema:
        return {"source": "Referral", "pages_viewed": 7}
    lead: dict[str, object] = {}
    for column in schema:
        kind, fill = column.get("kind"), column.get("fill")
        if kind == "date":
            value: object = "2026-11-27 09:30"
        elif kind == "category" and column.get("categories"):
            value = fill if fill not in (None, "", "Unknown") else column["categories"][0]
        elif kind == "number":
            value = round(float(fill), 2) if isinstance(fill, (int, float)) and fill == fill else 1
        elif kind == "boolean":
            value = "yes"
        else:
            value = fill if fill not in (None, "") else ""
        lead[column["name"]] = value
    return lead


def examples(model_path: str = "models/leadscore-model.joblib", schema: list[dict] | None = None) -> dict[str, str]:
    """Shell examples for scoring with the ``leadscore`` command instead of the app.

    With the model's ``schema``, the JSON-lines example is a lead with exactly the columns that
    model reads, so it works when pasted into a terminal.
    """
    lead = json.dumps(example_lead(schema), ensure_ascii=False).replace("'", "")
    return {
        "csv": f"leadscore score {model_path} new_leads.csv --out scored_leads.csv",
        "sorted": f"leadscore score {model_path} new_leads.csv --sort --out call_list.csv",
        "tiers": f"leadscore score {model_path} new_leads.csv --out scored_leads.csv --split-tiers by_tier/",
        "crm": f"leadscore score {model_path} new_leads.csv --format crm --out crm_import.csv",
        "jsonl": (
            f"echo '{lead}' \\\n  | leadscore score {model_path} -\n"
            "# one JSON result per lead, as soon as it is scored: the lead's own fields, then\n"
            '# "lead_score", "conversion_probability", "tier", "next_action", "reason_1".."reason_3"'
        ),
        "weekly": (
            "# every Monday at 7:00, score the week's export with this model\n"
            f"0 7 * * 1  leadscore score {model_path} /exports/new_leads.csv --sort --out /exports/call_list.csv"
        ),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the ``leadscore`` command; returns the exit code (0 ok, 2 bad input, 1 unexpected)."""
    args = _parser().parse_args(argv)
    handlers = {
        "inspect": _run_inspect, "train": _run_train, "score": _run_score, "card": _run_card, "projects": _run_projects,
        "history": _run_history, "feedback": _run_feedback,
        "serve": _run_serve, "watch": _run_watch,
    }
    try:
        return handlers[args.command](args)
    except LeadScoreInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("error: stopped by the user", file=sys.stderr)
        return 130
    except MemoryError:
        print("error: this file is too large for the memory of this computer. Split it into smaller files.", file=sys.stderr)
        return EXIT_UNEXPECTED
    except Exception as error:  # noqa: BLE001 - the promise is: never a traceback
        if os.environ.get("LEADSCORE_DEBUG"):
            raise
        print(
            f"error: something unexpected went wrong ({type(error).__name__}: {error}). "
            "Nothing was written. Run again with LEADSCORE_DEBUG=1 to see the details, and report them.",
            file=sys.stderr,
        )
        return EXIT_UNEXPECTED


if __name__ == "__main__":
    sys.exit(main())
