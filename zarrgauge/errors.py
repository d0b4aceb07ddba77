"""The one error zarrgauge reports to its users, and every exit status its commands use.

A ZarrgaugeError's message is the whole report: one line that says what to fix, printed without
a traceback by whichever front end caught it (the command line, or the pytest plugin as a usage
error).
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

EXIT_OK = 0
EXIT_REGRESSION = 1  # gate and ab: a benchmark got worse
EXIT_CANNOT_COMPARE = 2  # a results file is missing, corrupt, empty or of other runs
EXIT_UNAVAILABLE = 3  # a tool the command needs is not installed here (valgrind, a C compiler)
EXIT_USAGE = 4  # a bad option or value; pytest uses 4 for its usage errors too
EXIT_SOURCE = 5  # advise: the user's array does not exist, cannot be opened or read, or is no array
EXIT_INTERRUPTED = 130  # Ctrl-C or SIGTERM


class ZarrgaugeError(Exception):
    """What went wrong, in one line, and the exit status it deserves."""

    def __init__(self, message: str, exit_status: int = EXIT_CANNOT_COMPARE) -> None:
        super().__init__(message)
        self.exit_status = exit_status


def usage_error(message: str) -> ZarrgaugeError:
    return ZarrgaugeError(message, EXIT_USAGE)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (a cancelled CI job, `kill`) unwinds like Ctrl-C, so that every cleanup runs and
    no server, store or scratch directory is left behind; the previous handler returns after."""
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
