"""The floors under a read: fetching exactly the stored objects it touched, decoding the chunks it
decoded, and copying the bytes it returned, each timed alone in the same process and with the same
statistics as the read. Whatever the read takes beyond their sum is zarr's own work (indexing,
scheduling, assembling the result): efficiency = floors / read time says how close zarr comes to
what no reader of these stored bytes can avoid.

Floors are measured for local and memory stores only: a remote read's floor would have to be timed
under the network conditions the read was (zarrgauge.harness.measure.conditions)."""

from __future__ import annotations

import functools
import itertools
import statistics
import time
from collections.abc import Callable, Iterator

import numpy as np
import zarr
from zarr.codecs import ShardingCodec
from zarr.core.buffer import default_buffer_prototype
from zarr.core.common import concurrent_map
from zarr.core.sync import sync

from zarrgauge import compat
from zarrgauge.catalogue.layouts import chunk_ranges
from zarrgauge.harness.measure.counting_store import CountingStore

# As many rounds as the read had, but at most these: at 50 rounds and 1 s, the floors of every layout's
# reads took 27 s of make bench; at the default layout alone and these bounds, 10 s (123 reads).
MAX_ROUNDS = 10
MAX_SECONDS = 0.5  # per floor; a floor stops taking rounds once this has passed


def floor_metrics(benchmark, array: zarr.Array, run: Callable[[], object], result, selections: list) -> dict:
    """For benchmark.extra_info, after the read was timed: the median seconds of each floor, their
    sum over the read's median (efficiency) and what is left of the read's median (zarr_overhead_s,
    negative only by noise)."""
    store: CountingStore = array.store
    source = store._store  # the store the counting store wraps: the floors' requests go uncounted
    rounds, iterations, read_median = read_timing(benchmark)
    timer = functools.partial(median_seconds, rounds=rounds, iterations=iterations)
    floors = {
        "floor_fetch_s": timer(fetcher(source, touched_gets(store, run))),
        "floor_decode_s": timer(decoder(array, source, selections)),
        "floor_copy_s": timer(copier(result)),
    }
    total = sum(floors.values())
    return {**floors, "efficiency": round(total / read_median, 4), "zarr_overhead_s": read_median - total}


def read_timing(benchmark) -> tuple[int, int, float]:
    """The timed read's rounds (at most MAX_ROUNDS), calls per round and median seconds per call."""
    metadata = benchmark.stats
    return min(MAX_ROUNDS, metadata.stats.rounds), metadata.iterations, metadata.stats.median


def median_seconds(step: Callable[[], object], rounds: int, iterations: int) -> float:
    """Median seconds per call of `step`, timed as pytest-benchmark times the read: each round's
    `iterations` calls on the same clock, divided by their number."""
    times = []
    deadline = time.perf_counter() + MAX_SECONDS
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(iterations):
            step()
        end = time.perf_counter()
        times.append((end - start) / iterations)
        if end > deadline:
            break
    return statistics.median(times)


def touched_gets(store: CountingStore, run: Callable[[], object]) -> list[tuple[str, object]]:
    """The key and byte range of every get of one more run of the read: the same objects and ranges
    every run touches."""
    store.gets = []
    try:
        run()
        return store.gets
    finally:
        store.gets = None


def fetcher(store, gets: list[tuple[str, object]]) -> Callable[[], list]:
    """Gets those objects and ranges again, undecoded, all at once as zarr issues a read's gets: at
    most `async.concurrency` in flight. A sharded read waits for its shard indexes before it asks
    for chunks; the floor does not, which only makes it lower."""
    prototype = default_buffer_prototype()
    requests = [(key, prototype, byte_range) for key, byte_range in gets]
    limit = zarr.config.get("async.concurrency")
    return lambda: sync(concurrent_map(requests, store.get, limit))


def decoder(array: zarr.Array, store, selections: list) -> Callable[[], list]:
    """Decodes the chunks the read decoded, with the array's codec pipeline and no store (their bytes
    are fetched beforehand, untimed). Each chunk is its own decode and they run concurrently, at most
    `async.concurrency` at once, as zarr's pipeline does at its default batch size of one."""
    pipeline, jobs = decode_jobs(array, store, selections)
    limit = zarr.config.get("async.concurrency")
    batches = [([job],) for job in jobs]
    return lambda: sync(concurrent_map(batches, pipeline.decode, limit))


def decode_jobs(array: zarr.Array, store, selections: list) -> tuple[object, list]:
    """The pipeline, and the (bytes, chunk spec) of every chunk the selections overlap, once per
    selection since zarr reads each on its own. Chunks not stored are left out: zarr fills their
    place without decoding. A sharded array's chunks are its inner chunks, decoded by the sharding
    codec's inner pipeline; the shard indexes' decoding (a checksum over a few bytes per chunk)
    stays in zarr's overhead."""
    chunks = [coords for selection in selections
              for coords in itertools.product(*chunk_ranges(array.shape, array.chunks, selection))]
    spec = compat.chunk_spec(array, array.chunks)
    if array.shards is None:
        stored = (_get(store, _chunk_key(array, coords)) for coords in chunks)
        return compat.codec_pipeline(array), [(buffer, spec) for buffer in stored if buffer is not None]
    sharding = next(codec for codec in array.metadata.codecs if isinstance(codec, ShardingCodec))
    stored = _inner_chunks(array, store, sharding, chunks)
    return sharding.codec_pipeline, [(buffer, spec) for buffer in stored if buffer is not None]


def _inner_chunks(array: zarr.Array, store, sharding: ShardingCodec, chunks: list) -> Iterator:
    """The stored bytes of each inner chunk (None when not stored), cut from its whole shard."""
    per_shard = tuple(shard // chunk for shard, chunk in zip(array.shards, array.chunks))
    readers: dict[tuple[int, ...], object] = {}
    for coords in chunks:
        shard, inner = (tuple(i // n for i, n in zip(coords, per_shard)),
                        tuple(i % n for i, n in zip(coords, per_shard)))
        if shard not in readers:
            readers[shard] = _shard_reader(store, _chunk_key(array, shard), sharding, per_shard)
        yield None if readers[shard] is None else readers[shard].get(inner)


def _shard_reader(store, key: str, sharding: ShardingCodec, per_shard: tuple[int, ...]):
    shard_bytes = _get(store, key)
    return None if shard_bytes is None else sync(compat.shard_reader(shard_bytes, sharding, per_shard))


def _chunk_key(array: zarr.Array, coords: tuple[int, ...]) -> str:
    key = array.metadata.encode_chunk_key(coords)
    return f"{array.path}/{key}" if array.path else key


def _get(store, key: str):
    return sync(store.get(key, default_buffer_prototype()))


def copier(result) -> Callable[[], None]:
    """One np.copyto of each array the read returned into one allocated beforehand: the least any
    reader does to hand over the bytes."""
    parts = list(returned_arrays(result))
    targets = [np.empty_like(part) for part in parts]

    def copy() -> None:
        for target, part in zip(targets, parts):
            np.copyto(target, part)

    return copy


def returned_arrays(result) -> Iterator[np.ndarray]:
    """The arrays a read returned: one, or those of a list (one per selection)."""
    if isinstance(result, np.ndarray):
        yield result
        return
    for part in result:
        yield from returned_arrays(part)
