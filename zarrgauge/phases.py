"""Where a run's wall time goes, by phase (filling arrays, timed rounds, the metrics pass, floors, the
oracle, servers, ...): each phase's own time, a phase inside another counting for the inner one only.
The pytest plugin prints the totals at the end of a timed run and keeps them in the results JSON, so
that the budget of `make bench` stays in sight. Phases are entered from the main thread only; work in
other threads that must stay off the clock (housekeeping such as deleting finished stores) listens for
changes of the innermost phase (on_change)."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_totals: defaultdict[str, float] = defaultdict(float)
_open: list[list] = []  # [name, when its own time last resumed], innermost last
_listeners: list[Callable[[str | None], None]] = []


@contextmanager
def phase(name: str) -> Iterator[None]:
    now = time.perf_counter()
    if _open:
        _pause(_open[-1], now)
    _open.append([name, now])
    _changed()
    try:
        yield
    finally:
        now = time.perf_counter()
        _pause(_open.pop(), now)
        if _open:
            _open[-1][1] = now
        _changed()


def current() -> str | None:
    """The innermost phase now; None outside any."""
    return _open[-1][0] if _open else None


def on_change(listener: Callable[[str | None], None]) -> None:
    """Call `listener` with the innermost phase (None outside any) now and whenever it changes."""
    _listeners.append(listener)
    listener(current())


def _changed() -> None:
    for listener in _listeners:
        listener(current())


def _pause(entry: list, now: float) -> None:
    _totals[entry[0]] += now - entry[1]
    entry[1] = now


def totals() -> dict[str, float]:
    """Seconds per phase so far, largest first."""
    return dict(sorted(_totals.items(), key=lambda item: -item[1]))


def reset() -> None:
    _totals.clear()
    _open.clear()
    _changed()
