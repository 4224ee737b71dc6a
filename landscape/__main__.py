"""Command line for Landscape: ``python -m landscape diagnose LOG`` (or ``landscape``).

Exit codes: 0 healthy, 1 warnings found, 2 critical findings, 3 the log could not be
read, 4 the command line was wrong (or an output could not be written).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

EXIT_HEALTHY = 0
EXIT_WARNINGS = 1
EXIT_CRITICAL = 2
EXIT_UNREADABLE = 3
EXIT_USAGE = 4

_EPILOG = """\
exit status:
  0  healthy: no warnings
  1  warnings found
  2  critical findings (the run diverged)
  3  the log could not be read (the reason is printed to stderr)
  4  bad command line, or an output file could not be written

examples:
  landscape diagnose run.csv
  landscape diagnose trainer_log.jsonl --format markdown > report.md
  landscape diagnose loss.csv --column loss=my_loss --column step=iter --plot run.png
  landscape diagnose run.csv --set loss_spikes.z_threshold=8 --skip slow_progress
  cat run.csv | landscape diagnose - --format json
"""


class _Exit(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class _Parser(argparse.ArgumentParser):
    """argparse that returns exit codes instead of calling sys.exit (usage errors: 4)."""

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            sys.stderr.write(message)
        raise _Exit(status)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise _Exit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    from landscape import __version__
    from landscape.diagnostics import DETECTORS, QUANTITIES

    parser = _Parser(
        prog="landscape",
        description="Landscape: optimization-landscape tools for neural networks.",
    )
    parser.add_argument("--version", action="version", version=f"landscape {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    diag = sub.add_parser(
        "diagnose",
        help="diagnose a training log (CSV, JSON lines, TensorBoard scalar export)",
        description=(
            "Read a training log and report what the loss landscape is doing: "
            "divergence, oscillation, spikes, plateaus, slow progress, a growing "
            "generalization gap, the update/parameter ratio and the learning-rate "
            "schedule, each with its evidence, likely cause and fixes to try."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    diag.add_argument("log", metavar="LOG", help="the log file ('-' reads standard input)")
    diag.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default="text",
        help="report format (default: text)",
    )
    diag.add_argument(
        "--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout"
    )
    diag.add_argument("--plot", metavar="FILE", help="save a plot (PNG, SVG, PDF) to FILE")
    diag.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="QUANTITY=NAME",
        help=(
            "read QUANTITY from column NAME (repeatable); QUANTITY is one of "
            f"{', '.join((*QUANTITIES, 'step'))}; an empty NAME ignores that quantity"
        ),
    )
    diag.add_argument(
        "--input-format",
        choices=("csv", "tsv", "jsonl", "json"),
        help="force the input format instead of detecting it",
    )
    diag.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="DETECTOR.PARAM=VALUE",
        help="override a detector threshold (repeatable), e.g. loss_spikes.z_threshold=8",
    )
    diag.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=list(DETECTORS),
        metavar="DETECTOR",
        help=f"do not run DETECTOR (repeatable): {', '.join(DETECTORS)}",
    )
    return parser


def _parse_value(text: str) -> int | float | None:
    if text.lower() in ("none", "auto", ""):
        return None
    try:
        return int(text)
    except ValueError:
        return float(text)


def _usage(message: str) -> int:
    sys.stderr.write(f"landscape diagnose: error: {message}\n")
    return EXIT_USAGE


def _diagnose(args: argparse.Namespace) -> int:
    from landscape.diagnostics import LogReadError, diagnose, read_log

    columns: dict[str, str | None] = {}
    for item in args.column:
        quantity, sep, name = item.partition("=")
        if not sep or not quantity.strip():
            return _usage(f"--column expects QUANTITY=NAME, got {item!r}.")
        columns[quantity.strip()] = name.strip() or None
    thresholds: dict[str, dict[str, int | float | None]] = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        detector, dot, param = key.strip().partition(".")
        if not sep or not dot or not detector or not param:
            return _usage(f"--set expects DETECTOR.PARAM=VALUE, got {item!r}.")
        try:
            thresholds.setdefault(detector, {})[param] = _parse_value(value.strip())
        except ValueError:
            return _usage(f"--set {key}: {value!r} is not a number.")
    source = sys.stdin.buffer if args.log == "-" else args.log
    try:
        log = read_log(source, columns=columns or None, format=args.input_format)
    except LogReadError as exc:
        sys.stderr.write(f"landscape diagnose: cannot read the log: {exc}\n")
        return EXIT_UNREADABLE
    except (TypeError, ValueError) as exc:
        return _usage(str(exc))
    try:
        report = diagnose(log, skip=args.skip, **thresholds)
    except (TypeError, ValueError) as exc:
        return _usage(str(exc))
    rendered = {
        "text": report.to_text,
        "markdown": report.to_markdown,
        "json": report.to_json,
    }[args.format]()
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as fh:
                fh.write(rendered + "\n")
        except OSError as exc:
            return _usage(f"cannot write {args.output}: {exc.strerror or exc}.")
    else:
        sys.stdout.write(rendered + "\n")
    if args.plot:
        try:
            report.plot(args.plot)
        except (OSError, ValueError) as exc:
            return _usage(f"cannot write the plot {args.plot}: {exc}.")
    return report.exit_code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    Examples
    --------
    >>> from landscape.__main__ import main
    >>> main(["diagnose", "no-such-file.csv"])
    3
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _Exit as exc:
        return exc.code
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    return _diagnose(args)


if __name__ == "__main__":  # pragma: no cover - exercised by a subprocess test
    sys.exit(main())
