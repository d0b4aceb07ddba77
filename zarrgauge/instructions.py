"""`zarrgauge instructions`: the benchmarks under valgrind, each operation's instruction count in
the results JSON (`extra_info["instructions"]`), for `zarrgauge gate` and `ab` to compare.

Runs `pytest benchmarks --benchmark-only --zarr-instructions DIR` under callgrind, counting
nothing until the plugin says so (zarrgauge.harness.callgrind); DIR, a scratch directory for
callgrind's dumps, is removed at the end, interrupted or not. Imports nothing but errors, as
`zarrgauge ab` runs it too.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from zarrgauge.errors import EXIT_UNAVAILABLE, ZarrgaugeError, sigterm_as_interrupt

REPO = Path(__file__).resolve().parents[1]
CLEAN_UP_SECONDS = 60  # under valgrind, everything takes ten times as long
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


def benchmark_paths(pytest_args: Sequence[str]) -> list[str]:
    """The benchmarks directory, unless the pytest arguments name paths of their own."""
    return [] if any(Path(REPO, arg.split("::")[0]).exists() for arg in pytest_args) else ["benchmarks"]


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
            interpreter, "-m", "pytest", *benchmark_paths(pytest_args), "--benchmark-only",
            f"--zarr-instructions={dumps}", f"--benchmark-json={out}", "-p", "no:cacheprovider",
            *with_default_selection(pytest_args)]


def run_counted(interpreter: str, out: Path, pytest_args: Sequence[str], env: dict[str, str] | None = None,
                capture: bool = False) -> subprocess.CompletedProcess:
    """Run the benchmarks under callgrind with `interpreter`; raise if valgrind or a compiler is missing."""
    missing = unavailable()
    if missing:
        raise ZarrgaugeError(f"instruction counts need valgrind and a C compiler: {missing}", EXIT_UNAVAILABLE)
    with sigterm_as_interrupt(), tempfile.TemporaryDirectory(prefix="zarrgauge-callgrind-") as dumps:
        command = counted_command(interpreter, Path(dumps), out, pytest_args)
        environment = {**os.environ, **(env or {}), **FIXED_HASHES}
        output = subprocess.PIPE if capture else None
        with subprocess.Popen(command, cwd=REPO, env=environment, stdout=output, stderr=output, text=True) as run:
            try:
                stdout, stderr = run.communicate()
            except KeyboardInterrupt as interrupt:
                let_pytest_clean_up(run, forward=bool(interrupt.args))
                raise
        return subprocess.CompletedProcess(command, run.returncode, stdout, stderr)


def let_pytest_clean_up(run: subprocess.Popen, forward: bool) -> None:
    """Wait for pytest to stop its servers and remove its scratch rather than kill it and leave them
    behind. Ctrl-C reached it too; a SIGTERM (`forward`, from sigterm_as_interrupt) is passed on,
    which zarrgauge's plugin takes as Ctrl-C."""
    if forward:
        run.send_signal(signal.SIGTERM)
    try:
        run.wait(timeout=CLEAN_UP_SECONDS)
    except subprocess.TimeoutExpired:
        run.kill()


def run_instructions_command(args: argparse.Namespace) -> int:
    out = Path(args.output).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    status = run_counted(sys.executable, out, args.pytest_args).returncode
    if status == 0:
        print(f"zarrgauge instructions: results with instruction counts saved to {out}", file=sys.stderr)
    return status


def add_instructions_command(subparsers) -> None:
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
