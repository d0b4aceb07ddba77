"""The `asv-compare` subcommand: one zarr release against another, from asv results."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zarrgauge.asv.results import as_benchmarks, load_runs, pretty_names, select_pair
from zarrgauge.errors import EXIT_OK
from zarrgauge.gate.options import add_threshold_options, compare, publish


def run_asv_compare(args: argparse.Namespace) -> int:
    results = Path(args.results)
    base, head = select_pair(load_runs(results, args.machine), args.base, args.head, args.commit)
    titles = pretty_names(results)
    comparisons = compare(as_benchmarks(base, titles), as_benchmarks(head, titles), args)
    print(f"zarrgauge asv-compare: base {base.label}, head {head.label}", file=sys.stderr)
    publish(comparisons, args)
    return EXIT_OK


def add_asv_commands(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "asv-compare", help="compare two asv environments (zarr releases) of one commit",
        description="Compare the asv results of two environments, e.g. zarr 3.1.6 against 3.4.2, with the "
                    "gate's statistics: per benchmark the time ratio head/base with a 95% bootstrap interval, and "
                    "the change in store requests, stored bytes and peak memory. Exit 0, or 2 when the results "
                    "cannot be compared.")
    parser.add_argument("base", help="base environment: a zarr version (3.1.6) or part of an asv environment name")
    parser.add_argument("head", help="head environment, same forms as base")
    parser.add_argument("--results", default=".asv/results", help="asv results directory (default .asv/results)")
    parser.add_argument("--machine", help="asv machine name, when the results hold several")
    parser.add_argument("--commit", help="commit hash or prefix (default: the newest commit both environments ran)")
    add_threshold_options(parser)
    parser.set_defaults(run=run_asv_compare)
