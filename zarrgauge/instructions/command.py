"""`zarrgauge instructions`: the benchmarks under valgrind, each operation's instruction count in
the results JSON (`extra_info["instructions"]`), for `zarrgauge gate` and `ab` to compare.

Runs `pytest benchmarks --benchmark-only --zarr-instructions DIR` under callgrind, counting
nothing until the plugin says so (zarrgauge.harness.callgrind.counter); DIR, a scratch directory for
callgrind's dumps, is removed at the end, interrupted or not (the running: instructions/run.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zarrgauge.instructions.run import run_counted


def run_instructions_command(args: argparse.Namespace) -> int:
    out = Path(args.output).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    status = run_counted(sys.executable, out, args.pytest_args).returncode
    if status == 0:
        print(f"zarrgauge instructions: results with instruction counts saved to {out}", file=sys.stderr)
    return status


def add_instructions_command(subparsers: argparse._SubParsersAction) -> None:
    command = subparsers.add_parser(
        "instructions", help="count each benchmark's instructions under valgrind",
        description="Run the benchmarks under valgrind's callgrind (by default each family's balanced layout, "
                    "zarr's default codec, v3, local store, and the hierarchy benchmarks; any --zarr-layout, "
                    "--zarr-codec, --zarr-format or --zarr-store given replaces that default) "
                    "and save pytest-benchmark JSON whose extra_info holds each operation's instruction count: "
                    "repeatable to within 0.3%, so `zarrgauge gate` compares them with a 1% tolerance. "
                    "Times in that JSON are valgrind's and mean little. Exit status: pytest's, or 3 where "
                    "valgrind or a C compiler is missing.")
    command.add_argument("-o", "--output", required=True, metavar="FILE", help="the results JSON to write")
    command.add_argument("pytest_args", nargs="*", help="pytest options and paths, after --, e.g. "
                                                        "-- benchmarks/test_read_time.py --zarr-family=seasonal-series")
    command.set_defaults(run=run_instructions_command)
