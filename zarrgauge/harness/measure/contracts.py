"""The benchmark fixture the harness times through, as the harness uses it: pytest-benchmark's
`benchmark`, its instruction-counting subclass (zarrgauge.harness.callgrind.benchmark) and the
self-tests' stand-in (zarrgauge.testing.benchmark.RecordingBenchmark, which may not import this
layer) all fit it without naming it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Timings(Protocol):
    """pytest-benchmark's statistics of the timed calls; the floors read these two."""

    @property
    def rounds(self) -> int: ...

    @property
    def median(self) -> float: ...


class Timed(Protocol):
    """pytest-benchmark's record of a timing (`benchmark.stats`)."""

    @property
    def iterations(self) -> int: ...

    @property
    def stats(self) -> Timings: ...


class Benchmark(Protocol):
    """Times a call, once or round by round; `stats` is None until it has. The harness reads the
    optional `disabled` (an untimed run) and `counts_instructions` with getattr: not every fixture has them."""

    group: str | None
    extra_info: dict[str, Any]

    @property
    def stats(self) -> Timed | None: ...

    def __call__(self, function: Callable[..., T], /, *args: Any) -> T: ...

    def pedantic(self, target: Callable[..., object], args: tuple = (), *,
                 setup: Callable[[], tuple[tuple, dict] | None] | None = None, rounds: int = 1) -> object:
        """`setup` runs before each round, and may return the round's (args, kwargs) for `target`."""
