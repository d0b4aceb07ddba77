"""Instruction counts of one benchmark operation, inside a pytest run under valgrind's callgrind.

Wall time on a shared 2-core runner cannot see a 2% change; the number of instructions an
operation executes can, as it hardly depends on what else the machine does. `zarrgauge
instructions` (zarrgauge.instructions) runs pytest under callgrind with instrumentation off (the
interpreter's start-up, imports and data generation then run about ten times slower instead of
fifty, and count nothing) and names a scratch directory with --zarr-instructions; here a small C
library of callgrind's client requests (hooks.c, beside this module) is compiled into it, turns counting on
around each counted call, and the count is read back from the dump the call ends with, in the same
directory. Instructions of every thread of this process count: zarr's event loop and its decoding
threads included; other processes (servers, out-of-process engines) do not. Waiting (for a disk, a
server, a lock) executes no instructions and is not seen.
"""

from __future__ import annotations

import ctypes
import gc
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from zarrgauge.errors import EXIT_UNAVAILABLE, ZarrgaugeError

HOOKS_SOURCE = Path(__file__).with_name("hooks.c")
# Counted calls per benchmark, of which the median is kept: one call in a few meets a garbage
# collection or a thread switch the others do not (measured: 0.3% apart at most).
COUNTED_CALLS = 3
# Python hands the GIL to a waiting thread after this long on the clock, which under valgrind
# depends on the machine's speed; while counting, only a thread that blocks lets another run.
NO_FORCED_SWITCHES = 1e6


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


class InstructionCounter:
    """Counts the instructions of calls, inside a process that runs under callgrind."""

    def __init__(self, dumps: Path) -> None:
        """`dumps`: the directory callgrind writes its dumps to, which holds the library too."""
        self.library = ctypes.CDLL(str(build_hooks(dumps)))
        if not self.library.zarrgauge_on_valgrind():
            raise ZarrgaugeError("--zarr-instructions counts under valgrind: run `zarrgauge instructions` "
                                 "(or make bench-instructions)", EXIT_UNAVAILABLE)
        self.dumps = dumps
        self.labels = 0

    def count(self, call: Callable[[], Callable[[], object]]) -> int:
        """The median instruction count of COUNTED_CALLS calls; `call()`, uncounted, returns the
        next call to count (a write's setup makes a fresh array first)."""
        return int(statistics.median(self._count_one(call()) for _ in range(COUNTED_CALLS)))

    def _count_one(self, counted: Callable[[], object]) -> int:
        gc.collect()  # so that a collection inside the call falls at the same point every time
        interval = sys.getswitchinterval()
        sys.setswitchinterval(NO_FORCED_SWITCHES)
        self.labels += 1
        self.library.zarrgauge_start()
        try:
            counted()
        finally:  # a call that fails still ends its count and leaves no dump behind for the next
            self.library.zarrgauge_stop(f"zarrgauge-{self.labels}".encode())
            sys.setswitchinterval(interval)
            count = self._read_dump()
        return count

    def _read_dump(self) -> int:
        """The total of the one dump in the directory, which is then removed."""
        (dump,) = self.dumps.glob("callgrind.out.*")
        totals = next(line for line in dump.read_text().splitlines() if line.startswith("totals:"))
        dump.unlink()
        return int(totals.split()[1])
