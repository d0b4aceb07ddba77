"""Running the benchmarks under valgrind's callgrind, counting nothing until the plugin says so
(zarrgauge.harness.callgrind.counter), for `zarrgauge instructions` and `zarrgauge ab`. Imports
nothing that loads zarr."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from zarrgauge.errors import EXIT_UNAVAILABLE, ZarrgaugeError, sigterm_as_interrupt
from zarrgauge.pytest_process import benchmark_paths, pytest_command, run_pytest

# Set and dict orders, and so the work done, would otherwise change from run to run.
FIXED_HASHES = {"PYTHONHASHSEED": "0"}


# Counting runs at about a fiftieth of the speed: by default each family's default layout, codec and
# format on disk, and the hierarchy benchmarks (42 benchmarks); any of these options given replaces its default.
DEFAULT_SELECTION = {"--zarr-layout": "balanced", "--zarr-codec": "zarr-default", "--zarr-format": "3",
                     "--zarr-store": "local"}


def with_default_selection(pytest_args: Sequence[str]) -> list[str]:
    """`pytest_args` and the default of each selecting option they and the environment do not give."""
    def given(flag: str) -> bool:
        variable = "ZARRGAUGE_" + flag.removeprefix("--zarr-").upper()
        return variable in os.environ or any(arg == flag or arg.startswith(flag + "=") for arg in pytest_args)

    return [*(f"{flag}={value}" for flag, value in DEFAULT_SELECTION.items() if not given(flag)), *pytest_args]


def unavailable() -> str | None:
    """Why instructions cannot be counted here, or None."""
    for tool, hint in (("valgrind", "apt-get install valgrind"), ("cc", "apt-get install gcc")):
        if shutil.which(tool) is None:
            return f"{tool} is not installed ({hint})"
    return None


def counted_command(interpreter: str, dumps: Path, out: Path, pytest_args: Sequence[str]) -> list[str]:
    """pytest over the benchmarks (or the paths among `pytest_args`) under callgrind, instructions counted."""
    return ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--dump-instr=no", "--quiet",
            f"--callgrind-out-file={dumps / 'callgrind.out'}",
            *pytest_command(interpreter, *benchmark_paths(pytest_args), "--benchmark-only",
                            f"--zarr-instructions={dumps}", f"--benchmark-json={out}",
                            *with_default_selection(pytest_args))]


def run_counted(interpreter: str, out: Path, pytest_args: Sequence[str], env: dict[str, str] | None = None,
                capture: bool = False) -> subprocess.CompletedProcess:
    """Run the benchmarks under callgrind with `interpreter`; raise if valgrind or a compiler is missing."""
    missing = unavailable()
    if missing:
        raise ZarrgaugeError(f"instruction counts need valgrind and a C compiler: {missing}", EXIT_UNAVAILABLE)
    with sigterm_as_interrupt(), tempfile.TemporaryDirectory(prefix="zarrgauge-callgrind-") as dumps:
        command = counted_command(interpreter, Path(dumps), out, pytest_args)
        return run_pytest(command, {**os.environ, **(env or {}), **FIXED_HASHES}, capture)
