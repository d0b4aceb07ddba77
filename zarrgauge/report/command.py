"""The `report` subcommand: results files in, a directory with report.md, report.html,
recommendation.json and figures/ out.

An existing non-empty directory is never written into.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from zarrgauge.errors import sigterm_as_interrupt

DESCRIPTION = (
    "Write report.md, a self-contained report.html and PNG figures from pytest-benchmark results of zarrgauge: "
    "recommended layouts and codecs per data family and access pattern, compression ratio against read time "
    "with the Pareto front, layout x access-pattern times, the tutorial's figure and, given several files, "
    "each later run's time ratios and metric changes against the first. Exit 2 when a file is missing, "
    "corrupt, empty or not zarrgauge results; 4 when the output directory already holds files.")


def default_out(results: str) -> Path:
    """results/bench-STAMP.json -> results/report-STAMP, beside the results like `make bench` names it."""
    path = Path(results)
    return path.with_name("report-" + path.stem.removeprefix("bench-"))


def run_report(args: argparse.Namespace) -> int:
    out = Path(args.out) if args.out else default_out(args.results[-1])
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        args.parser.error(f"{out} already exists and is not an empty directory; choose another -o DIR")
    # matplotlib and the figures load only here, so that the other subcommands start quickly
    from zarrgauge.report.write import build_report

    with sigterm_as_interrupt():
        written = build_report(args.results, out)
    figures = [path for path in written if path.parent.name == "figures"]
    print(f"zarrgauge report: wrote {out / 'report.html'}, {out / 'report.md'}, {out / 'recommendation.json'} "
          f"and {len(figures)} figures")
    return 0


def add_report_command(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("report", help="write a markdown and HTML report with figures from results files",
                                   description=DESCRIPTION)
    parser.add_argument("results", nargs="+", metavar="RESULTS.json",
                        help="pytest-benchmark JSON from 'make bench'; several (oldest first) add a comparison")
    parser.add_argument("-o", "--out", metavar="DIR",
                        help="new directory for the report (default: report-STAMP beside the last results file)")
    parser.set_defaults(run=run_report, parser=parser)
