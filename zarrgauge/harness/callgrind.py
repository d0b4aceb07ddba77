"""Instruction counts of one benchmark operation, under valgrind's callgrind.

Wall time on a shared 2-core runner cannot see a 2% change; the number of instructions an
operation executes can, as it hardly depends on what else the machine does. `zarrgauge
instructions` runs pytest under callgrind with instrumentation off (the interpreter's start-up,
imports and data generation then run about ten times slower instead of fifty, and count nothing);
the plugin turns it on around each counted call through a small C library of callgrind's client
requests (callgrind_hooks.c, compiled for the run), and reads the count back from the dump the
call ends with. Instructions of every thread count: zarr's event loop and its decoding threads
included. Waiting (for a disk, a server, a lock) executes no instructions and is not seen.

This module imports no zarr: `zarrgauge ab` builds its command lines too.
"""

from __future__ import annotations

import ctypes
import gc
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from zarrgauge.errors import EXIT_UNAVAILABLE, ZarrgaugeError

HOOKS_SOURCE = Path(__file__).with_name("callgrind_hooks.c")
HOOKS_ENV, DUMPS_ENV = "ZARRGAUGE_CALLGRIND_HOOKS", "ZARRGAUGE_CALLGRIND_DUMPS"
# Counted calls per benchmark, of which the median is kept: one call in a few meets a garbage
# collection or a thread switch the others do not (measured: 0.3% apart at most).
COUNTED_CALLS = 3
# Python hands the GIL to a waiting thread after this long on the clock, which under valgrind
# depends on the machine's speed; while counting, only a thread that blocks lets another run.
NO_FORCED_SWITCHES = 1e6


def unavailable() -> str | None:
    """Why instructions cannot be counted here, or None."""
    for tool, hint in (("valgrind", "apt-get install valgrind"), ("cc", "apt-get install gcc")):
        if shutil.which(tool) is None:
            return f"{tool} is not installed ({hint})"
    return None


def build_hooks(directory: Path) -> Path:
    """The client-request library, compiled into `directory`."""
    library = directory / "callgrind_hooks.so"
    result = subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", str(library), str(HOOKS_SOURCE)],
                            capture_output=True, text=True)
    if result.returncode:
        first = (result.stderr.strip().splitlines() or ["no message"])[0]
        raise ZarrgaugeError(f"cannot compile callgrind's client requests ({first}); valgrind's headers "
                             "(valgrind/callgrind.h) come with Debian's valgrind package", EXIT_UNAVAILABLE)
    return library


def valgrind_command(dumps: Path) -> list[str]:
    """The prefix that runs a command under callgrind, counting nothing until told to."""
    return ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--dump-instr=no",
            "--quiet", f"--callgrind-out-file={dumps / 'callgrind.out'}"]


def counting_environment(hooks: Path, dumps: Path) -> dict[str, str]:
    """What the counted process needs: where the library and the dumps are, and a fixed hash seed
    (set and dict orders, and so the work done, would otherwise change from run to run)."""
    return {HOOKS_ENV: str(hooks), DUMPS_ENV: str(dumps), "PYTHONHASHSEED": "0"}


class InstructionCounter:
    """Counts the instructions of calls, inside a process that runs under callgrind."""

    def __init__(self, hooks: Path, dumps: Path) -> None:
        self.library = ctypes.CDLL(str(hooks))
        self.dumps = dumps
        self.labels = 0

    @classmethod
    def from_environment(cls) -> InstructionCounter:
        hooks, dumps = os.environ.get(HOOKS_ENV), os.environ.get(DUMPS_ENV)
        if not hooks or not dumps:
            raise ZarrgaugeError("--zarr-instructions counts under valgrind: run it through `zarrgauge "
                                 "instructions` (or make bench-instructions)", EXIT_UNAVAILABLE)
        counter = cls(Path(hooks), Path(dumps))
        if not counter.library.zarrgauge_on_valgrind():
            raise ZarrgaugeError(f"{HOOKS_ENV} is set but this process is not under valgrind: run "
                                 "`zarrgauge instructions`", EXIT_UNAVAILABLE)
        return counter

    def count(self, call: Callable[[], Callable[[], object]]) -> int:
        """The median instruction count of COUNTED_CALLS calls; `call()`, uncounted, returns the
        next call to count (a write's setup makes a fresh array first)."""
        return int(statistics.median(self._count_one(call()) for _ in range(COUNTED_CALLS)))

    def _count_one(self, counted: Callable[[], object]) -> int:
        gc.collect()  # so that a collection inside the call falls at the same point every time
        interval = sys.getswitchinterval()
        sys.setswitchinterval(NO_FORCED_SWITCHES)
        self.labels += 1
        try:
            self.library.zarrgauge_start()
            counted()
            self.library.zarrgauge_stop(f"zarrgauge-{self.labels}".encode())
        finally:
            sys.setswitchinterval(interval)
        return self._read_dump()

    def _read_dump(self) -> int:
        """The total of the one dump in the directory, which is then removed."""
        (dump,) = self.dumps.glob("callgrind.out.*")
        totals = next(line for line in dump.read_text().splitlines() if line.startswith("totals:"))
        dump.unlink()
        return int(totals.split()[1])
