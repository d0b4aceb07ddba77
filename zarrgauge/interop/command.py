"""`zarrgauge interop`: run the writer x reader matrix and write results/interop.{md,json}.

Loads no zarr until it runs: the command line starts at once."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from zarrgauge.catalogue.engines import ZARR_ENGINES
from zarrgauge.errors import usage_error

DESCRIPTION = ("Every engine installed here writes every case it supports; every engine reads every copy. A cell "
               "is ok (bit for bit), mismatch (values differ, no error), error, unsupported (declared) or crash. "
               "Exit status 0 whatever the cells say; 4 for a bad option.")


def add_interop_command(subparsers: argparse._SubParsersAction) -> None:
    command = subparsers.add_parser("interop", help="the writer x reader interoperability matrix",
                                    description=DESCRIPTION)
    names = ", ".join(ZARR_ENGINES)
    command.add_argument("--writers", metavar="NAMES", help=f"engines that write, comma-separated (default: all of "
                                                            f"{names} that are installed)")
    command.add_argument("--readers", metavar="NAMES", help="engines that read (default: as for --writers)")
    command.add_argument("--case", metavar="TEXT", help="only the cases whose id contains TEXT, e.g. v3/fill")
    command.add_argument("--quick", action="store_true",
                         help="the representative subset make test runs: every feature and codec once")
    command.add_argument("-o", "--output", type=Path, default=Path("results"), metavar="DIR",
                         help="where interop.md and interop.json go (default: results)")
    command.set_defaults(run=run)


def _names(given: str | None) -> list[str]:
    if given is None:
        return list(ZARR_ENGINES)
    names = [name.strip() for name in given.split(",") if name.strip()]
    unknown = [name for name in names if name not in ZARR_ENGINES]
    if unknown or not names:
        raise usage_error(f"unknown engine {', '.join(unknown) or '(none given)'}; "
                          f"choose from {', '.join(ZARR_ENGINES)}")
    return names


def run(args: argparse.Namespace) -> int:
    from zarrgauge.interop.session import run_and_report

    writers, readers = _names(args.writers), _names(args.readers)
    started = time.perf_counter()
    md_path, summary = run_and_report(writers, readers, args.case, args.quick, args.output, started)
    print(summary)
    print(f"zarrgauge interop: matrix saved to {md_path}")
    return 0
