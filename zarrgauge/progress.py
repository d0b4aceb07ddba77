"""A progress line for long steps (full-tier data generation), on the real terminal."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, label: str, total: int, show: bool = True) -> None:
        self.label, self.total, self.show = label, total, show
        self.done, self.started = 0, time.monotonic()
        self.stream = sys.__stderr__
        self.interactive = self.stream is not None and self.stream.isatty()

    def __enter__(self) -> Progress:
        return self

    def advance(self) -> None:
        self.done += 1
        if not self.show or self.stream is None:
            return
        if self.interactive or self.done == self.total or self.done % max(1, self.total // 10) == 0:
            elapsed = time.monotonic() - self.started
            end = "\r" if self.interactive and self.done < self.total else "\n"
            self.stream.write(f"  {self.label}: {self.done}/{self.total} ({elapsed:.0f} s){end}")
            self.stream.flush()

    def __exit__(self, *exc) -> None:
        if self.show and self.interactive and self.done < self.total and self.stream is not None:
            self.stream.write("\n")
