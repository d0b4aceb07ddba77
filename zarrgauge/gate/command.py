"""The `compare`, `gate` and `ab` subcommands of the zarrgauge command line."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from zarrgauge.errors import EXIT_OK, EXIT_REGRESSION
from zarrgauge.gate.ab import Side, run_ab
from zarrgauge.gate.compare import Verdict
from zarrgauge.gate.options import add_threshold_options, compare, publish
from zarrgauge.gate.results import check_same_cpus, load_results


def key_value(text: str) -> tuple[str, str]:
    """An argparse type for KEY=VALUE options."""
    key, sep, value = text.partition("=")
    if not key or not sep:
        raise argparse.ArgumentTypeError(f"takes KEY=VALUE, got {text!r}")
    return key, value


def _exit_status(verdict: Verdict) -> int:
    return EXIT_REGRESSION if verdict.regressed else EXIT_OK


def run_compare(args: argparse.Namespace, gate: bool) -> int:
    base, head = load_results(args.base, "base"), load_results(args.head, "head")
    check_same_cpus(base, head)
    verdict = compare(base["benchmarks"], head["benchmarks"], args)
    publish(verdict, args)
    return _exit_status(verdict) if gate else EXIT_OK


def run_ab_command(args: argparse.Namespace) -> int:
    pytest_args = [*(["-k", args.k] if args.k else []), *args.pytest_args]
    out_dir = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="zarrgauge-ab-"))
    base = Side("base", args.base, dict(args.base_env))
    head = Side("head", args.head, dict(args.head_env))
    try:
        base_run, head_run = run_ab(base, head, args.rounds, pytest_args, out_dir, instructions=args.instructions)
    except BaseException:  # a bad spec, a failed build, Ctrl-C: no results, so no directory of ours left
        if not args.out:
            shutil.rmtree(out_dir, ignore_errors=True)
        raise
    print(f"zarrgauge ab: merged results in {out_dir}/base.json and {out_dir}/head.json", file=sys.stderr)
    verdict = compare(base_run["benchmarks"], head_run["benchmarks"], args)
    publish(verdict, args)
    return _exit_status(verdict)


def add_gate_commands(subparsers) -> None:
    for name, gate in (("compare", False), ("gate", True)):
        verb = "compare" if not gate else "gate on"
        parser = subparsers.add_parser(name, help=f"{verb} two pytest-benchmark JSON files (base, head)",
                                       description=_description(name))
        parser.add_argument("base", help="results of the base (before) run")
        parser.add_argument("head", help="results of the head (after) run")
        add_threshold_options(parser)
        parser.set_defaults(run=lambda args, gate=gate: run_compare(args, gate))
    ab = subparsers.add_parser("ab", help="run the benchmarks alternately in two zarr environments, then gate",
                               description=_description("ab"))
    ab.add_argument("--base", required=True, metavar="SPEC", help="'current', a pip requirement "
                    "('zarr==3.1.6') or a path to a zarr-python checkout")
    ab.add_argument("--head", required=True, metavar="SPEC", help="same forms as --base")
    ab.add_argument("-k", metavar="EXPR", help="pytest -k expression selecting the benchmarks")
    ab.add_argument("--rounds", type=int, default=4, help="rounds of A B / B A alternation (default 4)")
    for side in ("base", "head"):
        ab.add_argument(f"--{side}-env", action="append", default=[], type=key_value, metavar="KEY=VALUE",
                        help=f"environment for {side} runs (repeatable)")
    ab.add_argument("--instructions", action="store_true",
                    help="also count each side's instructions once under valgrind and gate them (1%% tolerance)")
    ab.add_argument("--out", metavar="DIR", help="where to keep the per-round and merged JSON (default: a temp dir)")
    ab.add_argument("pytest_args", nargs="*", help="further pytest options, after --")
    add_threshold_options(ab)
    ab.set_defaults(run=run_ab_command)


def _description(name: str) -> str:
    return {
        "compare": "Print, per benchmark, the time ratio head/base with a 95% interval and the "
                   "change in each deterministic metric, and the time ratio of all benchmarks together. "
                   "Always exits 0 unless the files cannot be compared (2).",
        "gate": "Like compare, then exit 1 if any benchmark regressed: time ratio above --factor AND a "
                "significant one-sided test (a t test on the rounds of `ab` results; with one run a side, its "
                "one ratio against the process-to-process spread stored with the gate), its p adjusted for the "
                "false discovery rate, AND a slowdown above --floor; or all benchmarks together did so (the "
                "geometric mean of their ratios, tested across benchmarks); or any deterministic metric worse "
                "(exact; peak memory within 5%, instructions within 1%). Exit 2 when the files cannot be compared.",
        "ab": "Check each SPEC (a zarr-python checkout, a requirement some release on the package index "
              "satisfies, or current), build (and cache) an environment per SPEC, run the selected benchmarks "
              "alternately A B, B A, ... "
              "for --rounds rounds on this machine, then gate head against base with each round as one "
              "observation.",
    }[name]
