"""A stand-in for pytest-benchmark's fixture, for self-tests that call the harness directly."""

import time
from types import SimpleNamespace


class RecordingBenchmark:
    """Calls the function once (pedantic: once per round), and keeps the group and extra_info; `stats`
    holds that one call's time in pytest-benchmark's shape, for what reads it after timing (the floors)."""

    def __init__(self):
        self.group, self.extra_info, self.stats = None, {}, None

    def __call__(self, function, *args):
        start = time.perf_counter()
        result = function(*args)
        self.stats = SimpleNamespace(iterations=1, stats=SimpleNamespace(rounds=1, median=time.perf_counter() - start))
        return result

    def pedantic(self, target, args=(), setup=None, rounds=1):
        for _ in range(rounds):
            prepared = setup() if setup is not None else None  # (args, kwargs), or None to keep `args`
            call_args, kwargs = prepared or (args, {})
            result = target(*call_args, **kwargs)
        return result
