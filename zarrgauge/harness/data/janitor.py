"""Deleting the stores a benchmark is done with, off the clock.

A write benchmark starts every round in a fresh store, so the store of the round before is deleted in
the round's untimed setup, right before the timed write: thousands of unlinks and rmdirs per benchmark
(19 s of the local writes' 100 s in one run here), whose journal commits then land on the timed write.
The janitor takes those directories and deletes them in a thread of its own, one entry at a time, and
only while the run is in a phase where nothing is measured (QUIET_PHASES: not the timed rounds, nor the
traced metrics pass, whose peak memory would count the janitor's allocations, nor the floors). It waits
on an event, so that it never wakes during a measured phase. Past MAX_PENDING directories waiting, a
discard deletes at once, so that the disk never holds more than that many finished stores."""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections import deque
from pathlib import Path

from zarrgauge import phases

QUIET_PHASES = (None, "filling", "oracle check", "collection")
MAX_PENDING = 64


class Janitor:
    def __init__(self) -> None:
        self._pending: deque[Path] = deque()
        self._quiet = threading.Event()
        self._work = threading.Condition()
        self._busy = False
        self._thread: threading.Thread | None = None
        phases.on_change(self._phase_changed)

    def discard(self, path: Path) -> None:
        """Delete this directory, now or off the clock."""
        with self._work:
            if len(self._pending) >= MAX_PENDING:
                shutil.rmtree(path, ignore_errors=True)
                return
            self._pending.append(path)
            self._start()
            self._work.notify()

    def wait(self, timeout: float) -> bool:
        """Until every directory handed over is deleted (which needs a quiet phase), or the timeout."""
        with self._work:
            return self._work.wait_for(lambda: not self._pending and not self._busy, timeout)

    def _phase_changed(self, name: str | None) -> None:
        self._quiet.set() if name in QUIET_PHASES else self._quiet.clear()

    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="zarrgauge-janitor", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._work:
                self._work.wait_for(lambda: self._pending)
                path, self._busy = self._pending.popleft(), True
            try:
                self._delete(path)
            except OSError:  # what is left of it goes with the scratch directory at exit
                pass
            finally:
                with self._work:
                    self._busy = False
                    self._work.notify_all()

    def _delete(self, path: Path) -> None:
        """Bottom up, one entry at a time, each only while the run is quiet."""
        for directory, dirnames, filenames in os.walk(path, topdown=False):
            for name in filenames:
                self._quiet.wait()
                _ignoring_absent(os.unlink, os.path.join(directory, name))
            for name in dirnames:
                self._quiet.wait()
                _ignoring_absent(os.rmdir, os.path.join(directory, name))
        self._quiet.wait()
        _ignoring_absent(os.rmdir, path)


def _ignoring_absent(remove, path: str | Path) -> None:
    """The scratch directory may be removed under the janitor at exit."""
    with contextlib.suppress(FileNotFoundError):
        remove(path)


JANITOR = Janitor()
