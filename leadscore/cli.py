"""The ``leadscore`` command: the app's journey for scripts and workflows.

Every subcommand parses its arguments and calls the workflow (:mod:`leadscore.project`) that the
app's pages drive, with the same choices, so one file gives one answer in both::

    leadscore inspect DATA [--target COLUMN] [--converted VALUE ...] [--sheet SHEET] [--json]
    leadscore train DATA --out MODEL [--project NAME] [outcome, cleaning, model and tier options]
                    [--report REPORT.json]
    leadscore score [MODEL] DATA [--project NAME] [--out OUT] [--format csv|jsonl|crm] [--sort] [--split-tiers DIR]
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

__all__ = ["main"]

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


def _inspect_command(commands) -> None:
    inspect = commands.add_parser("inspect", help="profile a lead export, map its outcome, judge if there is enough data")
    inspect.add_argument("data", help="CSV or Excel (.xlsx) file of past leads")
    _outcome_options(inspect)
    inspect.add_argument("--json", action="store_true", help="print one JSON object instead of a readable report")


def _train_command(commands) -> None:
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


def _score_command(commands) -> None:
    score = commands.add_parser(
        "score", help="score new leads with a saved model, or with a project's version in use",
        usage="leadscore score [MODEL] DATA [options]  (MODEL may be left out with --project NAME)",
    )
    score.add_argument("paths", nargs="+", metavar="[MODEL] DATA",
                       help="a model file saved by 'leadscore train' or the app (left out with --project: the project's version in use), "
                       "then a CSV/Excel file of new leads, or - to read JSON lines from standard input")
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
    score.add_argument("--sort", action="store_true", help="best leads first (the call list; with --value, highest expected value first); default: the file's order, for joining back")
    score.add_argument("--value", metavar="COLUMN", help="a column with each lead's deal-size estimate known at arrival (an amount such as $12,000 or 12k, "
                       "or a range such as $5k-$20k, read as its middle): adds expected_value = chance x value")
    score.add_argument("--split-tiers", metavar="DIR", help="also write hot.csv, warm.csv, cool.csv, cold.csv into DIR")
    score.add_argument("--sheet", metavar="SHEET", help="the Excel sheet with the leads")
    _tier_options(score)
    score.add_argument("--no-reasons", action="store_true", help="skip the reason_1..3 columns (faster)")
    score.add_argument("--trust-model", action="store_true", help="load a model file made on another machine (only for files you trust: a model file can run code)")
    history = score.add_argument_group("history (see 'leadscore history')")
    history.add_argument("--project", metavar="NAME", help="record this run in project NAME (created if new): scores, tiers, drift; without MODEL, score with its version in use")
    history.add_argument("--key", metavar="COLUMN", help="the column that tells leads apart across runs (default: the ID, else the email, else a hash of the lead's values)")
    history.add_argument("--summary-json", metavar="FILE", help="write the run's summary (rows, tiers, drift) as JSON")


def _history_commands(commands) -> None:
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="leadscore",
        description="Score leads with a model learned from your own lead history. Nothing leaves this machine.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    _inspect_command(commands)
    _train_command(commands)
    _score_command(commands)
    _history_commands(commands)
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


def _progress_line(message: str, fraction: float) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def _policy(args, base):
    """The tiers the options give, on top of ``base`` (the model's or the default)."""
    from leadscore.project import policy_from_options

    return policy_from_options(
        base, hot=args.hot, warm=args.warm, cool=args.cool, hot_share=args.hot_share, warm_share=args.warm_share,
        cool_share=args.cool_share, actions=dict(args.action),
    )


def _run_inspect(args) -> int:
    from leadscore.present import format_inspection
    from leadscore.project import LeadProject

    project = LeadProject.from_file(args.data, sheet=args.sheet)
    project.data.outcome_from_options(args.target, args.converted, args.not_converted, args.open, require=False)
    inspection = project.data.inspection(args.target)
    if args.json:
        print(json.dumps(inspection.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_inspection(inspection))
    return 0


def _run_train(args) -> int:
    from leadscore.project import LeadProject, ProjectStore, TierPolicy, TrainingSettings, check_file, read_choices_file, write_text

    if not args.out and not args.project:
        raise LeadScoreInputError("Say where to keep the model: --out MODEL_FILE, or --project NAME (or both).")
    data = check_file(args.data)
    # Every output is checked before minutes of training, so nothing is left half-done.
    _check_outputs([(args.out, "the model", "leads-model.leadscore"), (args.report, "the report", "report.json")], [data])
    project = LeadProject.from_file(data, sheet=args.sheet, name=args.project or None)
    project.data.outcome_from_options(args.target, args.converted, args.not_converted, args.open)
    print(project.data.outcome_summary(), file=sys.stderr)
    base = read_choices_file(args.choices) if args.choices else None
    project.data.set_choices(project.data.choices_from_options(
        base, date_column=args.date_column, window=args.window, rare_share=args.rare_share, exclude=args.exclude,
        keep=args.keep, labels=args.label, no_text=args.no_text,
    ))
    if args.project:
        project.save_to(ProjectStore())
    project.training.train(TrainingSettings(model=args.model), progress=_progress_line, policy=_policy(args, TierPolicy()))
    report = project.training_report()
    if args.report:
        write_text(args.report, json.dumps(report, indent=2, ensure_ascii=False))
    if args.out:
        project.models.save_file(args.out)
    validation = report["validation"]
    where = " and ".join(filter(None, [args.out and f"saved to {args.out}", project.id and f"kept in project '{project.name}' ({project.id})"]))
    print(
        f"Trained a {report['model']['kind']} model, {where}. "
        f"Holdout ({validation['method']}, {validation['holdout_rows']:,} leads): "
        f"ROC AUC {validation['roc_auc']:.3f}, calibration error {validation['ece']:.3f}. "
        f"{report['readiness']['verdict'].capitalize()}: {report['readiness']['message']}"
    )
    honest = validation.get("without_warned")
    if honest:
        print(f"Honest range: {honest['sentence']}")
    return 0


def _check_outputs(outputs, inputs, models=()) -> None:
    from leadscore.project import check_output

    for path, what, example in outputs:
        if path:
            check_output(path, inputs=inputs, models=models, what=what, example=example)


def _run_score(args) -> int:
    from leadscore.project import LeadProject, Scorer, write_summary

    if len(args.paths) > 2:
        raise LeadScoreInputError("Give the model file and the leads (two paths), or only the leads with --project NAME.")
    if len(args.paths) == 1 and not args.project:
        raise LeadScoreInputError("Give the model file before the leads (leadscore score MODEL DATA), or score with a project's version in use: --project NAME.")
    model, data = (args.paths if len(args.paths) == 2 else (None, args.paths[0]))
    project = LeadProject.named(args.project, create=model is not None) if args.project else None
    scorer = Scorer.load(model, trust=args.trust_model) if model else project.scoring.scorer()
    scorer = scorer.with_policy(_policy(args, scorer.policy))
    protect = [model] if model else []
    if args.engine == "dask":
        _say_verdict(scorer)
        return _score_dask(scorer, args, data)
    if args.scheduler or args.workers or args.format == "parquet":
        raise LeadScoreInputError("--scheduler, --workers and --format parquet go with --engine dask.")
    _check_outputs([(args.out, "the scored leads", None), (args.summary_json, "the summary", "summary.json")], [data] if data != "-" else [], protect)
    if data == "-":
        if args.format not in (None, "jsonl"):
            raise LeadScoreInputError("Leads read from standard input are answered as JSON lines; leave out --format or use --format jsonl.")
        if args.value:
            raise LeadScoreInputError("--value works on a file of leads, not on leads read from standard input; save the leads to a file and score that.")
        _say_verdict(scorer)
        return _stream(scorer, args)
    if args.format == "crm":
        warnings = scorer.score_crm(data, args.out, reasons=not args.no_reasons, sheet=args.sheet, sort=args.sort, protect=protect, value=args.value)
        _say_verdict(scorer)
        for line in warnings:
            print(f"warning: {line}", file=sys.stderr)
        return 0
    options = dict(fmt=args.format or "csv", split_dir=args.split_tiers, reasons=not args.no_reasons, sort=args.sort, sheet=args.sheet, protect=protect, value=args.value)
    if project is not None:
        summary = project.scoring.score_file(data, args.out, scorer=scorer, key_column=args.key, **options)
    else:
        summary = scorer.score_file(data, args.out, **options)
        summary["readiness"] = scorer.readiness
    if args.summary_json:
        write_summary(summary, args.summary_json)
    _say_verdict(scorer)
    _say_scored(summary, args)
    return 0


def _say_verdict(scorer) -> None:
    """Say before the call list when the model is not ready (the Train page's words)."""
    warning = scorer.verdict_warning()
    if warning:
        print(f"warning: {warning}", file=sys.stderr)


def _say_scored(summary: dict, args) -> None:
    for warning in summary.get("warnings", []):
        print(f"warning: {warning}", file=sys.stderr)
        if "tiers by share" in warning:
            print("  On the command line: add --hot-share 5 --warm-share 15 --cool-share 30", file=sys.stderr)
    drift = summary.get("drift") or {}
    if drift and (args.project or args.summary_json):
        print(f"Drift: {drift.get('verdict')}. {drift.get('message')}", file=sys.stderr)
    if args.out:
        tiers = ", ".join(f"{count:,} {tier}" for tier, count in summary.get("tiers", {}).items())
        print(f"Scored {summary['rows']:,} leads into {args.out} ({tiers}). {summary['policy']}", file=sys.stderr)


def _score_dask(scorer, args, data) -> int:
    if not args.out:
        raise LeadScoreInputError("With --engine dask, name the folder for the scored parts with --out (e.g. --out scored/).")
    if data == "-" or args.split_tiers or args.format in ("jsonl", "crm") or args.project or args.sort or args.value:
        raise LeadScoreInputError(
            "--engine dask scores files into CSV or Parquet parts; leave out '-', --split-tiers, --format jsonl/crm, --sort, --value and --project."
        )
    summary = scorer.score_many(data, args.out, reasons=not args.no_reasons, scheduler=args.scheduler, workers=args.workers,
                                fmt=args.format or "csv", progress=_progress_line)
    for warning in summary.get("warnings", []):
        print(f"warning: {warning}", file=sys.stderr)
    tiers = ", ".join(f"{count:,} {tier}" for tier, count in summary.get("tiers", {}).items())
    print(f"Scored {summary['rows']:,} leads in {summary['partitions']} parts into {args.out} ({tiers}).", file=sys.stderr)
    return 0


def _stream(scorer, args) -> int:
    from leadscore.project import output_text

    reasons = not args.no_reasons
    if args.out:
        with output_text(args.out) as out:
            scorer.stream(sys.stdin.buffer, out, reasons=reasons)
    else:
        scorer.stream(sys.stdin.buffer, sys.stdout, reasons=reasons)
    return 0


def _run_history(args) -> int:
    from leadscore.project import LeadProject

    result = LeadProject.named(args.project).scoring.history(lead=args.lead, with_movers=args.movers)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    for run in result["runs"]:
        drift = f", drift: {run['drift']}" if run["drift"] else ""
        version = f"v{run['model_version']}" if run["model_version"] is not None else "a model file from elsewhere"
        print(f"run {run['run']}  {run['at']}  {run['rows']:,} leads from {run['source']} with {version} ({run['model']}){drift}")
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
    from leadscore.project import LeadProject, check_file, read_leads

    project = LeadProject.named(args.project)
    if project.scoring.runs().empty:
        raise LeadScoreInputError(f"No leads have been scored in project '{args.project}' yet: score them with --project first.")
    report = project.scoring.feedback(read_leads(check_file(args.data), **({"sheet": args.sheet} if args.sheet else {})))
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return 0
    print(f"{report.matched:,} earlier-scored leads matched; ranking quality (ROC AUC) {report.roc_auc:.2f}." if report.roc_auc is not None else f"{report.matched:,} earlier-scored leads matched.")
    for sentence in report.sentences:
        print(f"  {sentence}")
    print(report.message)
    return 0


def _run_card(args) -> int:
    from leadscore.project import Scorer

    print(Scorer.load(args.model, trust=args.trust_model).card())
    return 0


def _run_projects(args) -> int:
    from leadscore.project import ProjectStore

    infos = ProjectStore().list()
    if not infos:
        print("No projects yet. Upload leads in the app, or run: leadscore train DATA --project NAME")
    for info in infos:
        problem = f"  ({info.problem})" if info.problem else ""
        leads = f"{info.leads:,} leads" if info.leads is not None else "no leads"
        print(f"{info.id}  {info.name}  {leads}, {info.versions} model version(s), changed {info.updated_at}{problem}")
    return 0


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
