"""The `compare`, `gate` and `ab` subcommands of the zarrgauge command line."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from zarrgauge.gate.ab import Side, run_ab
from zarrgauge.gate.compare import CannotCompare, Comparison, Thresholds, compare_runs
from zarrgauge.gate.output import as_json, markdown, terminal

EXIT_OK, EXIT_REGRESSION, EXIT_CANNOT_COMPARE = 0, 1, 2


def load_benchmarks(path: str, label: str) -> list[dict]:
    """The benchmarks of a pytest-benchmark JSON file; CannotCompare with a one-line reason otherwise."""
    try:
        document = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise CannotCompare(f"{label} file {path} does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CannotCompare(f"{label} file {path} is not readable JSON ({error})") from None
    if not isinstance(document, dict) or not isinstance(document.get("benchmarks"), list) \
            or "machine_info" not in document:
        raise CannotCompare(f"{label} file {path} is not pytest-benchmark results (no 'benchmarks' and 'machine_info')")
    if not document["benchmarks"]:
        raise CannotCompare(f"{label} file {path} holds no benchmarks")
    return document["benchmarks"]


def key_value(text: str) -> tuple[str, str]:
    """An argparse type for KEY=VALUE options."""
    key, sep, value = text.partition("=")
    if not key or not sep:
        raise argparse.ArgumentTypeError(f"takes KEY=VALUE, got {text!r}")
    return key, value


OVERRIDE_FIELDS = {"factor": float, "alpha": float, "floor_seconds": float}


def override(text: str) -> tuple[str, str, float]:
    """An argparse type for 'GLOB:NAME=NUMBER', a per-group or per-benchmark threshold."""
    glob, _, setting = text.rpartition(":")
    name, _, value = setting.partition("=")
    try:
        if glob and name in OVERRIDE_FIELDS:
            return glob, name, OVERRIDE_FIELDS[name](value)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"takes GLOB:{'|'.join(OVERRIDE_FIELDS)}=NUMBER, got {text!r}")


def _overrides(entries: list[tuple[str, str, float]]) -> dict[str, dict]:
    overrides: dict[str, dict] = {}
    for glob, name, value in entries:
        overrides.setdefault(glob, {})[name] = value
    return overrides


def add_threshold_options(parser: argparse.ArgumentParser) -> None:
    defaults = Thresholds()
    parser.add_argument("--factor", type=float, default=defaults.factor,
                        help=f"time ratio above which a significant slowdown is a regression (default {defaults.factor})")
    parser.add_argument("--alpha", type=float, default=defaults.alpha,
                        help=f"significance level of the one-sided Mann-Whitney U test (default {defaults.alpha})")
    parser.add_argument("--floor", type=float, default=defaults.floor_seconds, dest="floor_seconds",
                        help=f"smallest slowdown in seconds that counts (default {defaults.floor_seconds})")
    parser.add_argument("--override", action="append", default=[], type=override, metavar="GLOB:NAME=VALUE",
                        help="per-group or per-benchmark threshold, e.g. 'write *:factor=1.3' (repeatable)")
    parser.add_argument("--markdown", metavar="PATH", help="also write a markdown summary here "
                        "(appended to $GITHUB_STEP_SUMMARY when that is set)")
    parser.add_argument("--json", metavar="PATH", dest="json_out", help="also write the verdicts as JSON here")


def _thresholds(args: argparse.Namespace) -> Thresholds:
    return Thresholds(factor=args.factor, alpha=args.alpha, floor_seconds=args.floor_seconds)


def _publish(comparisons: list[Comparison], args: argparse.Namespace) -> None:
    print(terminal(comparisons))
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a") as stream:
            stream.write(markdown(comparisons))
    if args.markdown:
        Path(args.markdown).write_text(markdown(comparisons))
    if args.json_out:
        Path(args.json_out).write_text(as_json(comparisons))


def _verdict(comparisons: list[Comparison]) -> int:
    return EXIT_REGRESSION if any(c.verdict == "regression" for c in comparisons) else EXIT_OK


def run_compare(args: argparse.Namespace, gate: bool) -> int:
    comparisons = compare_runs(load_benchmarks(args.base, "base"), load_benchmarks(args.head, "head"),
                               _thresholds(args), _overrides(args.override))
    _publish(comparisons, args)
    return _verdict(comparisons) if gate else EXIT_OK


def run_ab_command(args: argparse.Namespace) -> int:
    pytest_args = [*(["-k", args.k] if args.k else []), *args.pytest_args]
    out_dir = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="zarrgauge-ab-"))
    base = Side("base", args.base, dict(args.base_env))
    head = Side("head", args.head, dict(args.head_env))
    base_run, head_run = run_ab(base, head, args.rounds, pytest_args, out_dir)
    print(f"zarrgauge ab: merged results in {out_dir}/base.json and {out_dir}/head.json", file=sys.stderr)
    comparisons = compare_runs(base_run["benchmarks"], head_run["benchmarks"], _thresholds(args),
                               _overrides(args.override))
    _publish(comparisons, args)
    return _verdict(comparisons)


def add_commands(subparsers) -> None:
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
    ab.add_argument("--base-env", action="append", default=[], type=key_value, metavar="KEY=VALUE", help="environment for base runs")
    ab.add_argument("--head-env", action="append", default=[], type=key_value, metavar="KEY=VALUE", help="environment for head runs")
    ab.add_argument("--out", metavar="DIR", help="where to keep the per-round and merged JSON (default: a temp dir)")
    ab.add_argument("pytest_args", nargs="*", help="further pytest options, after --")
    add_threshold_options(ab)
    ab.set_defaults(run=run_ab_command)


def _description(name: str) -> str:
    return {
        "compare": "Print, per benchmark, the time ratio head/base with a 95% bootstrap interval and the "
                   "change in each deterministic metric. Always exits 0 unless the files cannot be compared (2).",
        "gate": "Like compare, then exit 1 if any benchmark regressed: time ratio above --factor AND a "
                "significant one-sided Mann-Whitney U test AND a slowdown above --floor; or any deterministic "
                "metric worse (exact; peak memory within 5%). Exit 2 when the files cannot be compared.",
        "ab": "Build (and cache) an environment per SPEC, run the selected benchmarks alternately A B, B A, ... "
              "for --rounds rounds on this machine, merge the timings and gate head against base.",
    }[name]
