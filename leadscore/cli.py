"""The ``leadscore`` command: the app's steps for scripts and workflows.

Every subcommand calls the same library functions as the app::

    leadscore inspect DATA [--target COLUMN] [--json]
    leadscore train DATA --out MODEL [--target COLUMN] [--model auto|logistic|forest|boosting]
                    [--date-column COLUMN] [--exclude COLUMN ...] [--keep COLUMN ...]
                    [--report REPORT.json]
    leadscore score MODEL DATA [--out OUT] [--format csv|jsonl] [--split-tiers DIR]
                    [--hot P --warm P --cool P] [--trust-model]
    leadscore card MODEL

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

EXIT_INPUT_ERROR = 2
EXIT_UNEXPECTED = 1


def _probability(text: str) -> float:
    """Read a tier threshold given as 0.7, 70 or 70%."""
    cleaned = text.strip().rstrip("%")
    try:
        value = float(cleaned)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a probability; write e.g. 70, 70% or 0.7") from None
    if value > 1 or text.strip().endswith("%"):
        value = value / 100
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' must be between 0% and 100%")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="leadscore",
        description="Score leads with a model learned from your own lead history. "
        "Nothing leaves this machine.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    inspect = commands.add_parser("inspect", help="profile a lead export, map its outcome, judge if there is enough data")
    inspect.add_argument("data", help="CSV or Excel (.xlsx) file of past leads")
    inspect.add_argument("--target", metavar="COLUMN", help="the outcome column (found automatically when left out)")
    inspect.add_argument("--json", action="store_true", help="print one JSON object instead of a readable report")

    train = commands.add_parser("train", help="train, validate and save a model from past leads")
    train.add_argument("data", help="CSV or Excel (.xlsx) file of past leads with outcomes")
    train.add_argument("--out", required=True, metavar="MODEL", help="where to save the model file (.joblib)")
    train.add_argument("--target", metavar="COLUMN", help="the outcome column (found automatically when left out)")
    train.add_argument("--model", default="auto", choices=["auto", "logistic", "forest", "boosting"])
    train.add_argument("--date-column", metavar="COLUMN", help="date used to hold out the newest leads")
    train.add_argument("--exclude", action="append", default=[], metavar="COLUMN", help="leave this column out (repeatable)")
    train.add_argument("--keep", action="append", default=[], metavar="COLUMN", help="use this column although LeadScore would leave it out (repeatable)")
    train.add_argument("--report", metavar="REPORT.json", help="write the full training report as JSON")

    score = commands.add_parser("score", help="score new leads with a saved model")
    score.add_argument("model", help="a model file saved by 'leadscore train' or the app")
    score.add_argument("data", help="CSV/Excel file of new leads, or - to read JSON lines from standard input")
    score.add_argument("--out", metavar="OUT", help="output file (default: standard output)")
    score.add_argument("--format", choices=["csv", "jsonl"], help="output format (default: csv, or jsonl when DATA is -)")
    score.add_argument("--split-tiers", metavar="DIR", help="also write hot.csv, warm.csv, cool.csv, cold.csv into DIR")
    score.add_argument("--hot", type=_probability, metavar="P", help="Hot from this probability (default: the model's, 70%%)")
    score.add_argument("--warm", type=_probability, metavar="P", help="Warm from this probability (default 40%%)")
    score.add_argument("--cool", type=_probability, metavar="P", help="Cool from this probability (default 15%%)")
    score.add_argument("--no-reasons", action="store_true", help="skip the reason_1..3 columns (faster)")
    score.add_argument("--trust-model", action="store_true", help="load a model file made on another machine (only for files you trust: a model file can run code)")

    card = commands.add_parser("card", help="print a saved model's model card (Markdown)")
    card.add_argument("model")
    card.add_argument("--trust-model", action="store_true", help="load a model file made on another machine")
    return parser


def _check_file(path: str) -> Path:
    file = Path(path)
    if not file.exists():
        raise LeadScoreInputError(f"There is no file '{path}'. Check the path and the file name.")
    if file.is_dir():
        raise LeadScoreInputError(f"'{path}' is a folder. Give the path of a CSV or Excel file.")
    return file


def _run_inspect(args) -> int:
    from leadscore.inspect import inspect_leads, format_inspection
    from leadscore.read import read_leads

    leads = read_leads(_check_file(args.data))
    inspection = inspect_leads(leads, target=args.target)
    if args.json:
        print(json.dumps(inspection.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_inspection(inspection))
    return 0


def _progress_line(message: str, fraction: float) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def _run_train(args) -> int:
    from leadscore.bundle import save_bundle
    from leadscore.read import read_leads
    from leadscore.train import train_from_frame

    leads = read_leads(_check_file(args.data))
    result, bundle, report = train_from_frame(
        leads,
        target=args.target,
        model=args.model,
        date_column=args.date_column,
        exclude=tuple(args.exclude),
        keep=tuple(args.keep),
        progress=_progress_line,
    )
    save_bundle(bundle, args.out)
    if args.report:
        Path(args.report).write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    validation = report["validation"]
    print(
        f"Saved {report['model']['kind']} model to {args.out}. "
        f"Holdout ({validation['method']}, {validation['holdout_rows']} leads): "
        f"ROC AUC {validation['roc_auc']:.3f}, calibration error {validation['ece']:.3f}. "
        f"{report['readiness']['verdict'].capitalize()}: {report['readiness']['message']}"
    )
    return 0


def _policy(args, bundle):
    from leadscore.tiers import TierPolicy

    base = bundle.policy
    if args.hot is None and args.warm is None and args.cool is None:
        return base
    return TierPolicy(
        hot=args.hot if args.hot is not None else base.hot,
        warm=args.warm if args.warm is not None else base.warm,
        cool=args.cool if args.cool is not None else base.cool,
        actions=dict(base.actions),
    )


def _run_score(args) -> int:
    from leadscore.bundle import load_bundle
    from leadscore.score import score_file, stream_jsonl

    bundle = load_bundle(_check_file(args.model), trust=args.trust_model)
    policy = _policy(args, bundle)
    if args.data == "-":
        out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
        try:
            stream_jsonl(bundle, sys.stdin, out, policy=policy, reasons=not args.no_reasons)
        finally:
            if args.out:
                out.close()
        return 0
    summary = score_file(
        bundle,
        _check_file(args.data),
        args.out,
        policy=policy,
        fmt=args.format or "csv",
        split_dir=args.split_tiers,
        reasons=not args.no_reasons,
    )
    for warning in summary.get("warnings", []):
        print(f"warning: {warning}", file=sys.stderr)
    if args.out:
        tiers = ", ".join(f"{count} {tier}" for tier, count in summary.get("tiers", {}).items())
        print(f"Scored {summary['rows']} leads into {args.out} ({tiers}).", file=sys.stderr)
    return 0


def _run_card(args) -> int:
    from leadscore.bundle import load_bundle, model_card

    print(model_card(load_bundle(_check_file(args.model), trust=args.trust_model)))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the ``leadscore`` command; returns the exit code (0 ok, 2 bad input, 1 unexpected)."""
    args = _parser().parse_args(argv)
    handlers = {"inspect": _run_inspect, "train": _run_train, "score": _run_score, "card": _run_card}
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
