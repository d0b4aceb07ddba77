"""pytest in a child process, as zarrgauge's commands run it (`instructions`, `ab`, `advise`): from the
repository's root, where benchmarks/ and conftest.py are, and on Ctrl-C or SIGTERM given the time to
stop its servers and remove its scratch rather than killed."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLEAN_UP_SECONDS = 60  # under valgrind, everything takes ten times as long


def benchmark_paths(pytest_args: Sequence[str]) -> list[str]:
    """The benchmarks directory, unless the pytest arguments name paths of their own."""
    return [] if any(Path(REPO, arg.split("::")[0]).exists() for arg in pytest_args) else ["benchmarks"]


def pytest_command(interpreter: str, *args: str) -> list[str]:
    """`interpreter -m pytest` with no cache directory left in the repository, then `args`."""
    return [interpreter, "-m", "pytest", "-p", "no:cacheprovider", *args]


def run_pytest(command: Sequence[str], env: Mapping[str, str], capture: bool = True,
               merge_output: bool = False) -> subprocess.CompletedProcess:
    """Run `command` from the repository's root, its output captured (stderr into stdout when
    `merge_output`) or shown; interrupted, the child is let clean up before the interrupt goes on."""
    output = subprocess.PIPE if capture else None
    errors = subprocess.STDOUT if merge_output else output
    with subprocess.Popen(list(command), cwd=REPO, env=dict(env), stdout=output, stderr=errors, text=True) as run:
        try:
            stdout, stderr = run.communicate()
        except KeyboardInterrupt as interrupt:
            let_pytest_clean_up(run, forward=bool(interrupt.args))
            raise
    return subprocess.CompletedProcess(list(command), run.returncode, stdout, stderr)


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
