"""pytest run in a fresh process, as a user runs it, for zarrgauge's own tests of its command-line
behaviour (exit statuses, one-line errors, cleanup after signals)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from zarrgauge.pytest_process import REPO

# A pytest-xdist worker's marks: pytest-benchmark, seeing them, refuses to time in the child.
FOREIGN_PREFIXES = ("ZARRGAUGE_", "AWS_", "PYTEST_XDIST_")


# The machine's limits take a second or two per timed run, of which the suite's own tests start dozens;
# tests that look at them turn them on.
QUICK_RUNS = {"ZARRGAUGE_MACHINE_LIMITS": "off"}


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without the caller's ZARRGAUGE_ and AWS_ settings, or an xdist
    worker's marks, the machine's limits left unmeasured, plus `extra`."""
    kept = {key: value for key, value in os.environ.items() if not key.startswith(FOREIGN_PREFIXES)}
    return {**kept, **QUICK_RUNS, **extra}


def run_pytest(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=cwd,
                          capture_output=True, text=True, env=clean_environment(**(env or {})), timeout=300)
