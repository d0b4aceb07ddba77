"""The peer benchmark's round trip: the whole array read through the case's engine and written, as one
assignment, into a fresh array of the same layout and codec, a new one every round (the copy is not
timed twice into the same store). Cold cases drop the source's files from the page cache before each
round. The last copy is checked against the oracle."""

from __future__ import annotations

from typing import Any

import zarr

from zarrgauge.catalogue.cases import DEFAULT_CACHE, ArrayCase
from zarrgauge.harness.data import arrays
from zarrgauge.harness.data.stores import Scratch, counted, discard, new_store
from zarrgauge.harness.measure.contracts import Benchmark
from zarrgauge.harness.measure.metrics import case_info
from zarrgauge.harness.measure.page_cache import evict
from zarrgauge.harness.measure.timing import WRITE_ROUNDS, cold_files, engine_info, engine_storage, engine_view
from zarrgauge.phases import phase


def _copy(source: Any, target: Any) -> None:
    target[...] = source[...]


class _Copies:
    """A fresh array per round, through the case's engine; the previous round's store is discarded."""

    def __init__(self, case: ArrayCase, scratch: Scratch) -> None:
        self.case, self.scratch = case, scratch
        self.store: zarr.abc.store.Store | None = None
        self.array: zarr.Array | None = None
        self.view: Any = None

    def fresh(self) -> Any:
        self.close()
        self.store = new_store(self.case.store, self.scratch)
        self.array = arrays.create(self.case, counted(self.store, self.case.store, self.scratch))
        self.view = engine_view(self.case, self.array)
        return self.view

    def close(self) -> None:
        if self.store is not None:
            discard(self.store)
            self.store = None


def time_round_trip(benchmark: Benchmark, case: ArrayCase, array: zarr.Array, scratch: Scratch,
                    min_rounds: int = WRITE_ROUNDS) -> None:
    source = engine_view(case, array)
    files = cold_files(case, array, source) if case.cache != DEFAULT_CACHE else []
    copies = _Copies(case, scratch)

    def setup() -> tuple[tuple, dict]:
        target = copies.fresh()
        evict(files)
        return (source, target), {}

    benchmark.group = case.group("round_trip")
    try:
        with phase("timed rounds"):
            benchmark.pedantic(_copy, setup=setup, rounds=max(min_rounds, WRITE_ROUNDS))
        info = case_info(case, array)
        own_format = engine_storage(case, copies.view, info)
        written = copies.view if own_format else copies.array
        assert written is not None, "the timed rounds wrote a copy"
        arrays.check_contents(case, written)
        benchmark.extra_info.update(info, operation="round_trip", **engine_info(case), **own_format)
    finally:
        copies.close()
