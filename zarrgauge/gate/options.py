"""Options shared by every command that compares runs (compare, gate, ab, asv-compare): thresholds,
per-benchmark overrides, and where the verdicts go besides the terminal."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from zarrgauge.gate.compare import Thresholds, Verdict, judge_runs
from zarrgauge.gate.output import as_json, markdown, terminal

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
                        help="time ratio above which a significant slowdown is a regression "
                             f"(default {defaults.factor})")
    parser.add_argument("--alpha", type=float, default=defaults.alpha,
                        help="significance level of the one-sided test, adjusted for the false discovery rate "
                             f"(default {defaults.alpha})")
    parser.add_argument("--floor", type=float, default=defaults.floor_seconds, dest="floor_seconds",
                        help=f"smallest slowdown in seconds that counts (default {defaults.floor_seconds})")
    parser.add_argument("--override", action="append", default=[], type=override, metavar="GLOB:NAME=VALUE",
                        help="per-group or per-benchmark threshold, e.g. 'write *:factor=1.3' (repeatable)")
    parser.add_argument("--markdown", metavar="PATH", help="also write a markdown summary here "
                        "(appended to $GITHUB_STEP_SUMMARY when that is set)")
    parser.add_argument("--json", metavar="PATH", dest="json_out", help="also write the verdicts as JSON here")


def _thresholds(args: argparse.Namespace) -> Thresholds:
    return Thresholds(factor=args.factor, alpha=args.alpha, floor_seconds=args.floor_seconds)


def publish(verdict: Verdict, args: argparse.Namespace) -> None:
    print(terminal(verdict))
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a") as stream:
            stream.write(markdown(verdict))
    if args.markdown:
        Path(args.markdown).write_text(markdown(verdict))
    if args.json_out:
        Path(args.json_out).write_text(as_json(verdict))


def compare(base: list[dict], head: list[dict], args: argparse.Namespace) -> Verdict:
    """judge_runs with the thresholds and overrides given on the command line."""
    return judge_runs(base, head, _thresholds(args), _overrides(args.override))
