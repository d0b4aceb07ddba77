"""The floors under a read, of the machine and not of an engine: the least time any reader of these
stored bytes could take here. The plan (floor_plan.py) says what the read must do at the least; here
it is timed, with plain file reads, each codec's own decode call and one copy of each value into the
result, and no engine's machinery:

- `floor_fetch_1core_s`, `floor_decode_1core_s`, `floor_copy_1core_s`: each step alone on one core,
  in the CPU time of the thread that runs it (on a busy machine the clock counts other processes' turns
  too; a warm read waits for no disk);
- `floor_s`, the machine floor: the whole read spread over a thread pool as wide as the cores (the
  codecs release the GIL), or the CPU time of the whole read on one core shared out over the cores,
  whichever is less: no engine doing this work finishes sooner. A sharded array's chunks are read
  either by their ranges after each shard's index or by whole shards, whichever is faster.

Each is the least of its rounds (a floor is a least time), while the read's own time is its median:
`efficiency` = floor_s / the read's median, for zarr-python and every other engine alike, and
`overhead_s` what the engine takes beyond the floor. Floors are measured for local and memory stores;
a remote read's floor would depend on the network profile (zarrgauge.harness.measure.conditions).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from zarrgauge import cpus
from zarrgauge.harness.measure.decoders import UnknownCodec
from zarrgauge.harness.measure.floor_plan import ChunkRead, FloorPlan, Piece, decode_index, plan_read

# As many rounds as the read had, within these bounds, and at most MAX_SECONDS per floor: the floors of
# the default layouts' reads then cost make bench some 10 s. At least MIN_ROUNDS, since the least of two
# rounds on a busy machine can be far from the floor.
MIN_ROUNDS, MAX_ROUNDS = 5, 10
MAX_SECONDS = 0.5
FLOOR_KEYS = ("floor_fetch_1core_s", "floor_decode_1core_s", "floor_copy_1core_s", "floor_s")


def floor_metrics(benchmark, array, selections: list) -> dict:
    """For benchmark.extra_info, after the read was timed: each floor, the efficiency and the overhead
    over the floor; nothing when a codec has no floor here."""
    try:
        plans = [plan_read(array, selections, whole_objects) for whole_objects in (False, True)]
    except UnknownCodec:
        return {}
    rounds, iterations, read_median = read_timing(benchmark)
    timer = functools.partial(least_seconds, rounds=rounds, iterations=iterations)
    floors = least_floors([measure_floors(plan, timer) for plan in _distinct(plans)])
    return {**floors, "efficiency": round(floors["floor_s"] / read_median, 4),
            "overhead_s": read_median - floors["floor_s"]}


def _distinct(plans: list[FloorPlan]) -> list[FloorPlan]:
    """The plans, but the second when it reads the same as the first (unsharded chunks are whole objects)."""
    first, *others = plans
    return [first, *(plan for plan in others if plan.reads != first.reads)]


def least_floors(measured: list[dict[str, float]]) -> dict[str, float]:
    """Each floor's least over the ways of reading: ranges after the index, or whole shards."""
    return {key: min(floors[key] for floors in measured) for key in FLOOR_KEYS}


def measure_floors(plan: FloorPlan, timer: Callable[[Callable[[], object]], Timing]) -> dict[str, float]:
    fetched = fetch_all(plan)  # also the decode step's input, fetched untimed
    buffers = _Buffers(plan)
    decoded = decode_all(plan, fetched, buffers)
    result = plan.new_result()
    steps = {
        "floor_fetch_1core_s": timer(lambda: fetch_all(plan)).cpu,
        "floor_decode_1core_s": timer(lambda: decode_all(plan, fetched, buffers)).cpu,
        "floor_copy_1core_s": timer(lambda: place_all(plan, decoded, result)).cpu,
    }
    serial = min(sum(steps.values()), timer(lambda: read_serially(plan, result, buffers)).cpu)
    spread = timer(machine_reader(plan, result, buffers)).wall
    floors = {**steps, "floor_s": min(spread, serial / cpus.usable())}
    return {name: round(seconds, 9) for name, seconds in floors.items()}


class _Buffers:
    """A buffer of a decoded chunk's size for each chunk, reused by every round, as an engine reuses its
    buffers: the decompressors write into them (decoders.py)."""

    def __init__(self, plan: FloorPlan) -> None:
        self.by_chunk = {id(chunk): np.empty(plan.chunk_bytes, dtype=np.uint8) for chunk in plan.chunks}

    def __call__(self, chunk: ChunkRead) -> np.ndarray:
        return self.by_chunk[id(chunk)]


def read_timing(benchmark) -> tuple[int, int, float]:
    """The floors' rounds (the read's, within MIN_ROUNDS and MAX_ROUNDS), the read's calls per round and
    its median seconds per call."""
    metadata = benchmark.stats
    rounds = min(MAX_ROUNDS, max(MIN_ROUNDS, metadata.stats.rounds))
    return rounds, metadata.iterations, metadata.stats.median


@dataclass(frozen=True)
class Timing:
    wall: float  # the least seconds per call on the clock
    cpu: float  # the least seconds per call the calling thread ran (user and system)


def least_seconds(step: Callable[[], object], rounds: int, iterations: int) -> Timing:
    """The least seconds per call of `step` over its rounds, each round `iterations` calls as
    pytest-benchmark times the read, on the clock and in the thread's CPU time; rounds stop once
    MAX_SECONDS have passed."""
    wall = cpu = float("inf")
    deadline = time.perf_counter() + MAX_SECONDS
    for _ in range(max(1, rounds)):
        start, start_cpu = time.perf_counter(), time.thread_time()
        for _ in range(iterations):
            step()
        end, end_cpu = time.perf_counter(), time.thread_time()
        wall, cpu = min(wall, (end - start) / iterations), min(cpu, (end_cpu - start_cpu) / iterations)
        if end > deadline:
            break
    return Timing(wall, cpu)


def fetch_all(plan: FloorPlan) -> list[memoryview]:
    """Every read of the plan, one after another."""
    return [plan.objects.read(where) for where in plan.reads]


def _bytes(piece: Piece, fetched: list[memoryview]) -> memoryview:
    return fetched[piece.read][piece.start:piece.start + piece.length]


def decode_all(plan: FloorPlan, fetched: list[memoryview], buffers: _Buffers) -> list[np.ndarray | None]:
    for piece in plan.indexes:
        decode_index(_bytes(piece, fetched))
    return [None if chunk.stored is None else plan.decode(_bytes(chunk.stored, fetched), buffers(chunk))
            for chunk in plan.chunks]


def place_all(plan: FloorPlan, decoded: list, result: list[np.ndarray]) -> None:
    for chunk, values in zip(plan.chunks, decoded):
        _place(plan, chunk, values, result)


def _place(plan: FloorPlan, chunk: ChunkRead, values: np.ndarray | None, result: list[np.ndarray]) -> None:
    where = chunk.placement
    result[where.part][where.target] = plan.fill_value if values is None else values[where.source]


def _read_some(plan: FloorPlan, reads: list[int], result: list[np.ndarray], buffers: _Buffers) -> None:
    """Fetch each of `reads`, check the shard indexes in it, decode its chunks and place them."""
    for read in reads:
        fetched = plan.objects.read(plan.reads[read])
        indexes, chunks = plan.by_read[read]
        for piece in indexes:
            decode_index(fetched[piece.start:piece.start + piece.length])
        for chunk in chunks:  # by_read holds stored chunks only (FloorPlan)
            stored = fetched[chunk.stored.start:chunk.stored.start + chunk.stored.length]  # type: ignore[union-attr]
            _place(plan, chunk, plan.decode(stored, buffers(chunk)), result)


def _fill_missing(plan: FloorPlan, result: list[np.ndarray]) -> None:
    for chunk in plan.chunks:
        if chunk.stored is None:
            _place(plan, chunk, None, result)


def read_serially(plan: FloorPlan, result: list[np.ndarray], buffers: _Buffers | None = None) -> None:
    """The whole read on one thread, each read decoded as soon as it is fetched."""
    _read_some(plan, list(range(len(plan.reads))), result, buffers or _Buffers(plan))
    _fill_missing(plan, result)


@functools.cache
def _pool() -> ThreadPoolExecutor:
    """One pool of a thread per usable CPU for the process, started by the first floor that spreads its
    read (after --zarr-cpus has pinned the run)."""
    return ThreadPoolExecutor(cpus.usable(), thread_name_prefix="zarrgauge-floor")


def machine_reader(plan: FloorPlan, result: list[np.ndarray], buffers: _Buffers | None = None) -> Callable[[], None]:
    """The read spread over a pool of a thread per usable CPU, each taking an equal share of the reads (one task
    per thread: a task per chunk would time the pool's dispatching)."""
    pool, buffers = _pool(), buffers or _Buffers(plan)
    shares = list(_shares(list(range(len(plan.reads)))))

    def read() -> None:
        list(pool.map(functools.partial(_read_some, plan, result=result, buffers=buffers), shares))
        _fill_missing(plan, result)

    return read


def _shares(items: list) -> Iterator[list]:
    size = max(1, -(-len(items) // cpus.usable()))
    for start in range(0, len(items), size):
        yield items[start:start + size]
