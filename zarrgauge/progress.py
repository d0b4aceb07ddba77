"""A progress line for long steps (full-tier data generation), shown past pytest's capture."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable


def _write_stderr(text: str) -> None:
    sys.__stderr__.write(text)
    sys.__stderr__.flush()


_output: Callable[[str], None] = _write_stderr


def set_output(write: Callable[[str], None]) -> None:
    """Route progress text elsewhere (the pytest plugin sends it around output capture)."""
    global _output
    _output = write


class Progress:
    def __init__(self, label: str, total: int, show: bool = True) -> None:
        self.label, self.total, self.show = label, total, show
        self.done, self.started = 0, time.monotonic()

    def __enter__(self) -> Progress:
        return self

    def advance(self) -> None:
        self.done += 1
        if self.show and (self.done == self.total or self.done % max(1, self.total // 10) == 0):
            elapsed = time.monotonic() - self.started
            _output(f"\n  {self.label}: {self.done}/{self.total} regions ({elapsed:.0f} s)")

    def __exit__(self, *exc) -> None:
        if self.show and self.done:
            _output("\n")
