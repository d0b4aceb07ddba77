"""A stand-in for pytest-benchmark's fixture, for self-tests that call the harness directly."""

import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, TypeVar

T = TypeVar("T")


class RecordingBenchmark:
    """Calls the function once (pedantic: once per round), and keeps the group and extra_info; `stats`
    holds that one call's time in pytest-benchmark's shape, for what reads it after timing (the floors)."""

    def __init__(self) -> None:
        self.group: str | None = None
        self.extra_info: dict[str, Any] = {}
        self.stats: SimpleNamespace | None = None

    def __call__(self, function: Callable[..., T], *args: Any) -> T:
        start = time.perf_counter()
        result = function(*args)
        self.stats = SimpleNamespace(iterations=1, stats=SimpleNamespace(rounds=1, median=time.perf_counter() - start))
        return result

    def pedantic(self, target: Callable[..., object], args: tuple = (),
                 setup: Callable[[], tuple[tuple, dict] | None] | None = None, rounds: int = 1) -> object:
        for _ in range(rounds):
            prepared = setup() if setup is not None else None  # (args, kwargs), or None to keep `args`
            call_args, kwargs = prepared or (args, {})
            result = target(*call_args, **kwargs)
        return result
