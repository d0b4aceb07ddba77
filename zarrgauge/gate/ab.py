"""Same-job A/B: run the benchmarks alternately in two environments, then compare.

A and B share the machine and the time window, and their order swaps every round (A B, B A,
...), so runner-to-runner variation and slow drift cancel out instead of reading as regressions.
Both sides of a round run with the same PYTHONHASHSEED, another each round (unless the caller set
one): what depends on string hashing (set order, and with it the order dask runs a graph in) then
differs between rounds, where it is averaged, not between the sides, where it would read as a change.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from zarrgauge.errors import ZarrgaugeError
from zarrgauge.gate.compare import METRICS, ROUNDWISE, rounds_key
from zarrgauge.gate.environments import check_spec, environment
from zarrgauge.instructions.run import run_counted
from zarrgauge.pytest_process import benchmark_paths, pytest_command, run_pytest


@dataclass(frozen=True)
class Side:
    label: str  # "base" or "head"
    spec: str  # a pip requirement ("zarr==3.1.6"), a path to a zarr-python checkout, or "current"
    env: dict[str, str] = field(default_factory=dict)


def _say(text: str) -> None:
    print(f"zarrgauge ab: {text}", file=sys.stderr, flush=True)


def run_once(interpreter: str, side: Side, out: Path, pytest_args: Sequence[str],
             hash_seed: int | None = None) -> dict:
    """One side's run; `hash_seed` its PYTHONHASHSEED unless the environment sets one (None: random)."""
    command = pytest_command(interpreter, *benchmark_paths(pytest_args), "--benchmark-only",
                             f"--benchmark-json={out}", "-q", *pytest_args)
    seed = {} if hash_seed is None else {"PYTHONHASHSEED": str(hash_seed)}
    result = run_pytest(command, {**seed, **os.environ, **side.env})
    _check(result, out, f"the {side.label} run ({side.spec})")
    return json.loads(out.read_text())


def _check(result: subprocess.CompletedProcess, out: Path, what: str) -> None:
    """A failed run's output goes to a log beside its results, named in one line."""
    if result.returncode:
        log = out.with_suffix(".log")
        log.write_text(result.stdout + result.stderr)
        raise ZarrgaugeError(f"{what} failed with exit status {result.returncode}; see {log}")


def merge(runs: list[dict]) -> dict:
    """One results document whose raw timings are those of every round, per benchmark, with
    each round's median kept too: rounds are blocks, and the gate checks they agree. Each
    deterministic metric is summarized over the rounds (round_summary)."""
    merged = json.loads(json.dumps(runs[0]))
    by_name = {bench["fullname"]: bench for bench in merged["benchmarks"]}
    for bench in by_name.values():
        bench["stats"]["round_medians"] = [bench["stats"]["median"]]
    rounds_info = {name: [bench["extra_info"]] for name, bench in by_name.items()}
    for run in runs[1:]:
        for bench in run["benchmarks"]:
            if bench["fullname"] in by_name:
                stats = by_name[bench["fullname"]]["stats"]
                stats["data"] += bench["stats"]["data"]
                stats["round_medians"].append(bench["stats"]["median"])
                rounds_info[bench["fullname"]].append(bench["extra_info"])
    for name, infos in rounds_info.items():
        by_name[name]["extra_info"].update(round_summary(infos))
    return merged


def round_summary(infos: list[dict]) -> dict:
    """Each metric the gate judges that every round recorded, as the median of the rounds; for those
    judged on their rounds (ROUNDWISE), each round's value too, under `<metric>_rounds`."""
    summary = {name: statistics.median(info[name] for info in infos)
               for name in METRICS if all(name in info for info in infos)}
    summary.update({rounds_key(name): [info[name] for info in infos] for name in ROUNDWISE if name in summary})
    return summary


def count_once(interpreter: str, side: Side, out: Path, pytest_args: Sequence[str]) -> dict:
    """One run under valgrind: its instruction counts, by benchmark."""
    result = run_counted(interpreter, out, pytest_args, side.env, capture=True)
    _check(result, out, f"the {side.label} instruction count ({side.spec})")
    return {bench["fullname"]: bench["extra_info"]["instructions"]
            for bench in json.loads(out.read_text())["benchmarks"] if "instructions" in bench["extra_info"]}


def add_instructions(document: dict, counts: dict[str, int]) -> None:
    for bench in document["benchmarks"]:
        if bench["fullname"] in counts:
            bench["extra_info"]["instructions"] = counts[bench["fullname"]]


def run_ab(base: Side, head: Side, rounds: int, pytest_args: Sequence[str], out_dir: Path,
           python: str = sys.executable, instructions: bool = False) -> tuple[dict, dict]:
    """Alternate the two sides for `rounds` rounds, then (with `instructions`) count each side's
    instructions once, as they hardly vary; return their merged results."""
    for side in (base, head):
        check_spec(f"--{side.label}", side.spec)
    interpreters = {side.label: environment(side.spec, python, _say) for side in (base, head)}
    results: dict[str, list[dict]] = {"base": [], "head": []}
    out_dir.mkdir(parents=True, exist_ok=True)
    for number in range(rounds):
        order = (base, head) if number % 2 == 0 else (head, base)
        for side in order:
            _say(f"round {number + 1}/{rounds}: {side.label} ({side.spec})")
            out = out_dir / f"{side.label}-{number + 1}.json"
            results[side.label].append(run_once(interpreters[side.label], side, out, pytest_args, number + 1))
    merged = {label: merge(runs) for label, runs in results.items()}
    for side in (base, head) if instructions else ():
        _say(f"instruction count under valgrind: {side.label} ({side.spec})")
        counts = count_once(interpreters[side.label], side, out_dir / f"{side.label}-instructions.json", pytest_args)
        add_instructions(merged[side.label], counts)
    for label, document in merged.items():
        (out_dir / f"{label}.json").write_text(json.dumps(document))
    return merged["base"], merged["head"]
