"""Timing one catalogue case with pytest-benchmark, then checking the result with the oracle.

Store creation, data generation and oracle checks stay outside the timed region.
"""

from __future__ import annotations

import functools
import gc
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import zarr
import zarr.abc.store

from zarrgauge.catalogue.cases import DEFAULT_CACHE, ArrayCase
from zarrgauge.catalogue.engines import DEFAULT_ENGINE
from zarrgauge.catalogue.executors import DEFAULT_EXECUTOR
from zarrgauge.catalogue.families import FAMILIES
from zarrgauge.catalogue.layouts import DEFAULT_LAYOUT
from zarrgauge.catalogue.operations import OPERATIONS, Operation
from zarrgauge.catalogue.stores import LOCAL_STORES
from zarrgauge.engines import Engine, engine
from zarrgauge.engines.zarr_python import local_root
from zarrgauge.harness.dask.cluster import DaskCluster, compute
from zarrgauge.harness.dask.runs import DASK_RUNS, dask_array, store_requests
from zarrgauge.harness.data import arrays
from zarrgauge.harness.data.stores import Scratch, counted, discard, new_store, wire_of
from zarrgauge.harness.measure import oracle
from zarrgauge.harness.measure.conditions import timed_conditions
from zarrgauge.harness.measure.contracts import Benchmark
from zarrgauge.harness.measure.counting_store import CountingStore, counting_store
from zarrgauge.harness.measure.floors import floor_metrics
from zarrgauge.harness.measure.metrics import case_info, read_metrics
from zarrgauge.harness.measure.page_cache import evict, files_under
from zarrgauge.phases import phase

WRITE_ROUNDS = 5
# With concurrent decoding, how many chunk buffers are alive at once depends on scheduling, so
# the metrics run processes one chunk at a time. What is left is a few percent from interpreter
# caches and event-loop objects; requests and bytes moved do not move at all.
SERIAL = {"async.concurrency": 1, "threading.max_workers": 1}
COLD_ROUNDS = 5  # each reads from the disk: no calibration, one call a round
T = TypeVar("T")
FLOOR_LAYOUTS = (DEFAULT_LAYOUT, "sharded")


def returned_arrays(result) -> Iterator[np.ndarray]:
    """The arrays a read returned: one, or those of a list (one per selection)."""
    if isinstance(result, np.ndarray):
        yield result
        return
    for part in result:
        yield from returned_arrays(part)


def _returned_bytes(result) -> int:
    return sum(int(part.nbytes) for part in returned_arrays(result))


@functools.cache
def case_engine(name: str) -> Engine:
    return engine(name)


def engine_info(case: ArrayCase) -> dict:
    """The engine, its version and threads; nothing for zarr-python, so its results stay as they were."""
    return {} if case.engine == DEFAULT_ENGINE else case_engine(case.engine).bench_info()


def engine_view(case: ArrayCase, array: zarr.Array):
    """What the timed operation indexes: the zarr array itself, or the same stored array through another engine."""
    return array if case.engine == DEFAULT_ENGINE else case_engine(case.engine).bench_array(array)


def engine_storage(case: ArrayCase, view, info: dict) -> dict:
    """Stored bytes and compression ratio of an engine's own copy, when it is not the zarr array (HDF5)."""
    stored = None if case.engine == DEFAULT_ENGINE else case_engine(case.engine).stored_bytes(view)
    return {} if stored is None else {"stored_bytes": stored, "compression_ratio": round(info["nbytes"] / stored, 4)}


def time_operation(benchmark: Benchmark, case: ArrayCase, array: zarr.Array, name: str,
                   cluster: DaskCluster | None = None) -> None:
    """Time catalogue operation `name` on a filled array, then compare with the oracle. Another
    engine than zarr-python does its own I/O, past the counting store: it gets no store metrics, but
    the same machine floors (floors.py). A dask case runs on `cluster`."""
    if case.executor != DEFAULT_EXECUTOR:
        assert cluster is not None, "a dask case comes with the session's cluster"
        return time_on_dask(benchmark, case, array, name, cluster)
    op = OPERATIONS[name]
    args = op.prepare(case.source, case.layout)
    benchmark.group = case.group(name)
    benchmark.extra_info.update(case_info(case, array), operation=name, **engine_info(case))
    view = engine_view(case, array)
    benchmark.extra_info.update(engine_storage(case, view, benchmark.extra_info))
    result = _timed(benchmark, case, counting_store(array), _reader(benchmark, case, array, view, op.run, args))
    with phase("oracle check"):
        oracle.assert_matches(result, op.expect(case.source, args), max(case.atol, op.tolerance))
    if not records_metrics(benchmark):
        return
    if case.engine == DEFAULT_ENGINE:
        _record_store_metrics(benchmark, case, array, op, args, result)
    if op.selections is not None and measures_floors(case) and not getattr(benchmark, "counts_instructions", False):
        with phase("floors"):
            benchmark.extra_info.update(floor_metrics(benchmark, array, op.selections(args)))


def _record_store_metrics(benchmark: Benchmark, case: ArrayCase, array: zarr.Array, op: Operation, args: object,
                          result: object) -> None:
    """zarr-python's requests, bytes and peak memory in one more, serial, run; a read's chunks and
    amplification. Other engines do their own I/O, past the counting store."""
    returned = _returned_bytes(result)
    metrics = deterministic_metrics(counting_store(array), lambda: op.run(array, args))
    benchmark.extra_info.update(metrics, bytes_returned=returned)
    if op.selections is not None:
        benchmark.extra_info.update(read_metrics(case, op.selections(args), metrics, returned))


def _reader(benchmark: Benchmark, case: ArrayCase, array: zarr.Array, view: Any, run: Callable[[Any, Any], Any],
            args: object) -> Callable[[], Any]:
    """The timed reads: calibrated by pytest-benchmark when warm; when cold, COLD_ROUNDS rounds of one
    call each, the store's files (or the engine's own copy) dropped from the page cache before each."""
    if case.cache == DEFAULT_CACHE:
        return lambda: benchmark(run, view, args)
    files = cold_files(case, array, view)
    return lambda: benchmark.pedantic(run, args=(view, args), setup=lambda: evict(files), rounds=COLD_ROUNDS)


def cold_files(case: ArrayCase, array: zarr.Array, view: Any) -> list[Path]:
    """The files a cold read of the case must find on the disk: the array's, or the engine's own copy."""
    own = [] if case.engine == DEFAULT_ENGINE else case_engine(case.engine).own_files(view)
    return files_under(own or [local_root(array)])


def time_on_dask(benchmark: Benchmark, case: ArrayCase, array: zarr.Array, name: str,
                 cluster: DaskCluster) -> None:
    """Time the computation of operation `name`'s dask graph on the cluster (building the graph, which
    opens the array's metadata, is not timed), then compare with the oracle. The workers do their own
    I/O, past the counting store: the graph's tasks instead, and the store requests of the same graph run
    in this process."""
    op = OPERATIONS[name]
    args = op.prepare(case.source, case.layout)
    benchmark.group = case.group(name)
    values = dask_array(case, array)
    graph = DASK_RUNS[name](values, args)
    benchmark.extra_info.update(case_info(case, array), operation=name, executor=case.executor,
                                dask_tasks=len(graph.__dask_graph__()), dask_blocks=int(values.npartitions),
                                **cluster.info())
    with phase("timed rounds"):
        result = benchmark(compute, cluster.client(), graph)
    with phase("oracle check"):
        oracle.assert_matches(result, op.expect(case.source, args), max(case.atol, op.tolerance))
    if records_metrics(benchmark):
        benchmark.extra_info.update(store_requests(case, array, name, args))


def measures_floors(case: ArrayCase) -> bool:
    """Floors for the local and memory stores at the default and sharded layouts, where the engines are
    compared: the codec, format and store sweeps and every family's default; the other layouts' floors
    would cost make bench some 8 s more (measured at 50 rounds: 85 reads, 10 s of 27). Warm reads only:
    a cold read waits for the disk, which a floor in CPU time does not see."""
    catalogue_family = case.family.name in FAMILIES  # advise's sample of a user's array never asks for floors
    return (catalogue_family and case.store in LOCAL_STORES and case.layout.role in FLOOR_LAYOUTS
            and case.cache == DEFAULT_CACHE)


def records_metrics(benchmark: Benchmark) -> bool:
    """Whether the run keeps metrics: not when plain pytest runs each benchmark once, untimed, as a
    correctness check (the second, serial run would only cost time)."""
    return not getattr(benchmark, "disabled", False)


def _timed(benchmark: Benchmark, case: ArrayCase, store: CountingStore, run: Callable[[], T]) -> T:
    """`run`'s result, timed under the case's network and concurrency; for a remote store, the peak
    of requests in flight while it was timed and their median time to first byte (neither is
    deterministic: they depend on scheduling)."""
    store.reset()
    with timed_conditions(case, store.wire), phase("timed rounds"):
        result = run()
    if store.wire is not None:
        benchmark.extra_info.update(timed_peak_in_flight=store.wire.counts()["wire_peak_in_flight"],
                                    timed_first_byte_ms=store.wire.timings()["first_byte_ms"])
    return result


def deterministic_metrics(store: CountingStore, run: Callable[[], object]) -> dict[str, int]:
    """Store requests, bytes moved and peak traced memory of one more, untimed, serial run.

    None of these depend on machine speed, so a regression gate can compare them exactly. The run starts
    with the young generations collected: otherwise whether the collector frees the run's own cyclic
    garbage midway depends on what ran before it in the process (one sharded xarray read peaked at 468 or
    503 kB, half the processes each, in the whole-tier A/A trials). Not a full collection: 40 to 70 ms
    each in a loaded pytest process, against microseconds.
    """
    store.reset()
    gc.collect(1)
    tracemalloc.start()
    try:
        with zarr.config.set(SERIAL), phase("metrics pass"):
            run()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    counts = store.snapshot()
    metrics = {f"store_{kind}": counts.pop(kind) for kind in list(counts) if not kind.startswith("bytes")}
    return {**metrics, **counts, **store.wire_snapshot(), "peak_traced_bytes": peak}


def _write_region(array: zarr.Array, region, values: np.ndarray) -> None:
    array[region] = values


class _WritePasses:
    """The writes of one case, one region per timed round. A pass writes every region of a fresh
    array in turn; the next round after the last region starts a new pass in a new store."""

    # The current pass's array, and the same through the case's engine (engine_view): from the first next_write on.
    array: zarr.Array
    view: Any

    def __init__(self, case: ArrayCase, scratch: Scratch, regions: list) -> None:
        self.case, self.scratch, self.regions = case, scratch, regions
        self.store: zarr.abc.store.Store | None = None
        self.next_region = 0

    def next_write(self) -> tuple[Any, object, np.ndarray]:
        """The array (through the case's engine), region and values of the next round, the values
        generated here, untimed."""
        if self.next_region == 0:
            self.close()
            self.store = new_store(self.case.store, self.scratch)
            self.array = arrays.create(self.case, counted(self.store, self.case.store, self.scratch))
            self.view = engine_view(self.case, self.array)
        region = self.regions[self.next_region]
        self.next_region = (self.next_region + 1) % len(self.regions)
        return self.view, region, self.case.source.read(region)

    def setup(self) -> tuple[tuple, dict]:
        """pytest-benchmark's setup of one round: the arguments of _write_region."""
        return self.next_write(), {}

    def complete_pass(self) -> zarr.Array:
        """Write the regions the current pass has not reached (an untimed run times only one)."""
        while self.next_region:
            _write_region(*self.next_write())
        return self.array

    def close(self) -> None:
        if self.store is not None:
            discard(self.store)
            self.store = None


def time_write(benchmark: Benchmark, case: ArrayCase, scratch: Scratch, name: str,
               min_rounds: int = WRITE_ROUNDS) -> None:
    """Time writes into a fresh array per round: the whole array (by slabs when large) for `write`,
    the family's partial region for `partial_write`; at least `min_rounds` rounds, whole passes."""
    partial = case.family.partial_region if name == "partial_write" else None
    regions = [partial(case.source.shape)] if partial is not None else arrays.write_regions(case)
    passes = _WritePasses(case, scratch, regions)
    benchmark.group = case.group(name)
    rounds = len(regions) * max(1, max(min_rounds, WRITE_ROUNDS) // len(regions))
    with timed_conditions(case, wire_of(case.store, scratch)):
        with phase("timed rounds"):
            benchmark.pedantic(_write_region, setup=passes.setup, rounds=rounds)
    array = passes.complete_pass()
    info = case_info(case, array)
    own_format = engine_storage(case, passes.view, info)
    arrays.check_contents(case, passes.view if own_format else array)
    benchmark.extra_info.update(info, operation=name, **engine_info(case), **own_format,
                                write_unit="whole array" if len(regions) == 1 else f"region 1/{len(regions)}")
    if records_metrics(benchmark) and case.engine == DEFAULT_ENGINE:
        benchmark.extra_info.update(_write_pass_metrics(passes))
    passes.close()


def _write_pass_metrics(passes: _WritePasses) -> dict[str, int]:
    """Deterministic metrics of one more whole pass, its first values generated beforehand as a
    timed round's are."""
    first = passes.next_write()

    def whole_pass() -> None:
        _write_region(*first)
        passes.complete_pass()

    return deterministic_metrics(counting_store(passes.array), whole_pass)
