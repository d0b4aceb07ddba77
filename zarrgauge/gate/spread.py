"""The spread of a benchmark's time from one process to the next, as stored with the gate: what a
comparison of one run a side is judged with, since it has no rounds to measure a spread of its own.

Declared once, in process_spread.json beside this module: the typical standard deviation of a log
round ratio (two processes of the same code, `ab` rounds) and its weight in rounds (degrees of freedom),
fitted over the whole-quick-tier A/A trials, and where they come from. `scripts/measure-gate --paths
quick-tier --store-spread` writes it anew from its trials.

All benchmarks of one run together shift less than one benchmark does: the file keeps that shift's spread,
measured as the all-together ratio of unchanged plain runs (`--paths plain --store-spread`). Peak memory,
one run a side, has the same want: a process's peak jumps in a benchmark or two for reasons of
its own (a remote read's in-flight responses, another thread's allocation), so the file also keeps the most
benchmarks whose peak moved beyond the tolerance one way between two unchanged plain runs
(`--paths plain --store-spread`): fewer than that is no evidence of a change.
"""

from __future__ import annotations

import json
from pathlib import Path

from zarrgauge.gate.stats import RoundPrior

SPREAD_FILE = Path(__file__).with_name("process_spread.json")


def stored_prior() -> RoundPrior:
    stored = json.loads(SPREAD_FILE.read_text())
    return RoundPrior(stored["spread"] ** 2, stored["df"])


def stored_shift() -> float:
    """The standard deviation of the log ratio of all benchmarks together between two unchanged plain runs."""
    return json.loads(SPREAD_FILE.read_text())["shift_one_run"]["spread"]


def stored_peak_jumps() -> int:
    """The most benchmarks whose peak memory moved beyond the tolerance one way between unchanged runs."""
    return json.loads(SPREAD_FILE.read_text())["peak_one_run"]["most_moved"]


def store_spread(spread: float, df: float, provenance: dict) -> Path:
    return _store({"spread": spread, "df": df, "provenance": provenance})


def store_plain(shift: float, shift_provenance: dict, most_moved: int, moved_provenance: dict) -> Path:
    return _store({"shift_one_run": {"spread": shift, "provenance": shift_provenance},
                   "peak_one_run": {"most_moved": most_moved, "provenance": moved_provenance}})


def _store(entries: dict) -> Path:
    """These entries replaced, the others kept."""
    stored = json.loads(SPREAD_FILE.read_text()) if SPREAD_FILE.exists() else {}
    SPREAD_FILE.write_text(json.dumps({**stored, **entries}, indent=2) + "\n")
    return SPREAD_FILE
