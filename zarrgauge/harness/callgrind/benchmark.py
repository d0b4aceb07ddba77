"""The benchmark fixture of an instruction-counting run (`zarrgauge instructions`).

Every benchmark times its operation through `benchmark(...)` or `benchmark.pedantic(...)`; in an
instruction-counting run the plugin gives each one this subclass of pytest-benchmark's fixture,
which times a few rounds as usual (under valgrind: the times say little) and then counts the
instructions of the same call into `extra_info["instructions"]`. So every benchmark, reads,
writes and hierarchy operations alike, is counted without knowing it.

zarr counts one chunk at a time (SERIAL, as for the memory metrics): with its concurrent defaults
the count depends on how its threads happen to interleave (measured on six reads: 0.33% apart
between two runs, against 0.09% serially).
"""

from __future__ import annotations

from typing import cast

import zarr
from pytest_benchmark.fixture import BenchmarkFixture

from zarrgauge.harness.callgrind.counter import InstructionCounter
from zarrgauge.harness.measure.timing import SERIAL

# Timed rounds under valgrind, where calibration would take seconds and a write's five rounds a
# minute: enough for the gate, which asks for three.
VALGRIND_ROUNDS = 3


class CountedBenchmark(BenchmarkFixture):
    counter: InstructionCounter
    counts_instructions = True  # for the harness: the times are valgrind's, and floors beside them mean nothing

    def __call__(self, function_to_benchmark, *args, **kwargs):
        return self.pedantic(function_to_benchmark, args, kwargs, rounds=VALGRIND_ROUNDS)

    def pedantic(self, target, args=(), kwargs=None, setup=None, teardown=None, rounds=1, warmup_rounds=0,
                 iterations=1):
        result = super().pedantic(target, args, kwargs, setup=setup, teardown=teardown,
                                  rounds=min(rounds, VALGRIND_ROUNDS), warmup_rounds=warmup_rounds,
                                  iterations=iterations)

        def next_call():
            prepared = setup() if setup else None  # a setup may return the arguments, or None for the given ones
            call_args, call_kwargs = prepared if prepared is not None else (args, kwargs or {})
            return lambda: target(*call_args, **call_kwargs)

        with zarr.config.set(SERIAL):
            self.extra_info["instructions"] = self.counter.count(next_call)
        return result


def count_instructions(benchmark: BenchmarkFixture, counter: InstructionCounter) -> None:
    """Make `benchmark`, not used yet, count the instructions of what it times."""
    benchmark.__class__ = CountedBenchmark
    cast(CountedBenchmark, benchmark).counter = counter  # a class changed in place: mypy cannot follow
