"""The spread of a benchmark's time from one process to the next, as stored with the gate: what a
comparison of one run a side is judged with, since it has no rounds to measure a spread of its own.

Declared once, in process_spread.json beside this module: the typical standard deviation of a log
round ratio (two processes of the same code, `ab` rounds) and its weight in rounds (degrees of freedom),
fitted over the whole-quick-tier A/A trials, and where they come from. `scripts/measure-gate --paths
quick-tier --store-spread` writes it anew from its trials.
"""

from __future__ import annotations

import json
from pathlib import Path

from zarrgauge.gate.stats import RoundPrior

SPREAD_FILE = Path(__file__).with_name("process_spread.json")


def stored_prior() -> RoundPrior:
    stored = json.loads(SPREAD_FILE.read_text())
    return RoundPrior(stored["spread"] ** 2, stored["df"])


def store_spread(spread: float, df: float, provenance: dict) -> Path:
    SPREAD_FILE.write_text(json.dumps({"spread": spread, "df": df, "provenance": provenance}, indent=2) + "\n")
    return SPREAD_FILE
