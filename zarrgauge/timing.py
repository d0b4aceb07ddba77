"""Timing one catalogue case with pytest-benchmark, then checking the result with the oracle.

Store creation, data generation and oracle checks stay outside the timed region.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable

import numpy as np
import zarr

from zarrgauge import arrays, oracle
from zarrgauge.catalogue import ArrayCase
from zarrgauge.counting_store import CountingStore
from zarrgauge.metrics import case_info
from zarrgauge.operations import OPERATIONS
from zarrgauge.stores import Scratch, discard, new_store

WRITE_ROUNDS = 5
# With concurrent decoding, how many chunk buffers are alive at once depends on scheduling, so
# the metrics run processes one chunk at a time. What is left is a few percent from interpreter
# caches and event-loop objects; requests and bytes moved do not move at all.
SERIAL = {"async.concurrency": 1, "threading.max_workers": 1}
PEAK_TOLERANCE = 0.05


def _returned_bytes(result) -> int:
    if isinstance(result, np.ndarray):
        return int(result.nbytes)
    return sum(_returned_bytes(part) for part in result)


def time_operation(benchmark, case: ArrayCase, array: zarr.Array, name: str) -> None:
    """Time catalogue operation `name` on a filled array, then compare with the oracle."""
    op = OPERATIONS[name]
    args = op.prepare(case.source, case.layout)
    benchmark.group = case.group(name)
    benchmark.extra_info.update(case_info(case, array), operation=name)
    result = benchmark(op.run, array, args)
    oracle.assert_matches(result, op.expect(case.source, args), case.atol)
    benchmark.extra_info["bytes_returned"] = _returned_bytes(result)
    benchmark.extra_info.update(deterministic_metrics(array.store, lambda: op.run(array, args)))


def deterministic_metrics(store: CountingStore, run: Callable[[], object]) -> dict[str, int]:
    """Store requests, bytes moved and peak traced memory of one more, untimed, serial run.

    None of these depend on machine speed, so a regression gate can compare them exactly.
    """
    store.reset()
    tracemalloc.start()
    try:
        with zarr.config.set(SERIAL):
            run()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    counts = store.snapshot()
    metrics = {f"store_{kind}": counts.pop(kind) for kind in list(counts) if not kind.startswith("bytes")}
    return {**metrics, **counts, "peak_traced_bytes": peak}


class _WriteRounds:
    """Round i writes region i of the current array; a fresh store begins each pass over them."""

    def __init__(self, case: ArrayCase, scratch: Scratch, region=None) -> None:
        self.case, self.scratch = case, scratch
        self.spans = [region] if region is not None else arrays.write_regions(case)
        self.fill_value = None if region is None else case.family.fill_value
        self.store, self.array, self.next_span = None, None, 0

    def setup(self):
        if self.next_span == 0:
            if self.store is not None:
                discard(self.store)
            self.store = new_store(self.case.store, self.scratch)
            self.array = arrays.create(self.case, CountingStore(self.store))
        region = self.spans[self.next_span]
        self.next_span = (self.next_span + 1) % len(self.spans)
        return (self.array, region, self.case.source.read(region)), {}

    @staticmethod
    def write(array: zarr.Array, region, values: np.ndarray) -> None:
        array[region] = values

    def finish(self) -> zarr.Array:
        """Complete the last pass (an untimed run writes only one span), then return the array."""
        while self.next_span:
            self.write(*self.setup()[0])
        return self.array


def time_write(benchmark, case: ArrayCase, scratch: Scratch, partial: bool = False) -> None:
    """Time writes into a fresh array per round: the whole array (by slabs when large) or the family's partial region."""
    rounds = _WriteRounds(case, scratch, case.family.partial_region(case.source.shape) if partial else None)
    name = "partial_write" if partial else "write"
    benchmark.group = case.group(name)
    nspans = len(rounds.spans)
    benchmark.pedantic(rounds.write, setup=rounds.setup, rounds=nspans * max(1, WRITE_ROUNDS // nspans))
    array = rounds.finish()
    arrays.check_contents(case, array)
    benchmark.extra_info.update(case_info(case, array), operation=name,
                                write_unit="whole array" if nspans == 1 else f"region 1/{nspans}")
    discard(rounds.store)
    benchmark.extra_info.update(_write_pass_metrics(rounds))


def _write_pass_metrics(rounds: _WriteRounds) -> dict[str, int]:
    """Deterministic metrics of one more write pass (requests and bytes of the whole pass)."""
    first = rounds.setup()[0]
    metrics = deterministic_metrics(first[0].store, lambda: (rounds.write(*first), rounds.finish()))
    discard(rounds.store)
    return metrics
