"""pytest run in a fresh process, as a user runs it, for zarrgauge's own tests of its command-line
behaviour (exit statuses, one-line errors, cleanup after signals)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without the caller's ZARRGAUGE_ and AWS_ settings, plus `extra`."""
    kept = {key: value for key, value in os.environ.items() if not key.startswith(("ZARRGAUGE_", "AWS_"))}
    return {**kept, **extra}


def run_pytest(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=cwd,
                          capture_output=True, text=True, env=clean_environment(**(env or {})), timeout=300)
