"""The floors under a read (zarrgauge.harness.measure.floors) on tiny arrays, sharded or not, in memory and on disk:
the fetch floor asks the store for exactly what the read asked, and the decode floor decodes the very
chunks the read did, to the same values. Nothing here looks at how long anything took."""

import itertools
from collections import Counter

import numpy as np
import pytest
import zarr

from zarrgauge.catalogue.layouts import chunk_ranges
from zarrgauge.harness.measure.counting_store import CountingStore
from zarrgauge.harness.measure.floors import decoder, fetcher, floor_metrics, touched_gets
from zarrgauge.testing.benchmark import RecordingBenchmark

SHAPE, CHUNKS, SHARDS = (16, 64), (4, 16), (8, 32)
# A window across shard and chunk edges, one row (an int drops an axis) and the same window again:
# zarr reads each selection on its own, so the floors count a chunk once per selection reading it.
SELECTIONS = [(slice(3, 13), slice(10, 50)), (9, slice(None)), (slice(3, 13), slice(10, 50))]
VALUES = np.arange(1, np.prod(SHAPE) + 1, dtype="f8").reshape(SHAPE)  # no chunk is all fill value


@pytest.fixture(params=[("memory", None), ("local", None), ("memory", SHARDS), ("local", SHARDS)],
                ids=["memory", "local", "memory-sharded", "local-sharded"])
def array(request, tmp_path):
    kind, shards = request.param
    store = zarr.storage.MemoryStore() if kind == "memory" else zarr.storage.LocalStore(tmp_path / "a.zarr")
    array = zarr.create_array(CountingStore(store), shape=SHAPE, chunks=CHUNKS, shards=shards, dtype="f8")
    array[:] = VALUES
    return array


def read(array):
    return [array[selection] for selection in SELECTIONS]


def test_fetch_floor_gets_exactly_the_objects_and_ranges_the_read_got(array):
    array.store.reset()
    gets = touched_gets(array.store, lambda: read(array))
    seen = array.store.snapshot()
    recount = CountingStore(array.store._store)
    recount.gets = []
    fetcher(recount, gets)()
    assert Counter(recount.gets) == Counter(gets)
    assert recount.snapshot() == seen and seen["bytes_read"] > 0


def test_decode_floor_decodes_the_chunks_the_read_reads_to_their_values(array):
    decoded = [batch[0].as_numpy_array() for batch in decoder(array, array.store._store, SELECTIONS)()]
    chunks = [coords for selection in SELECTIONS
              for coords in itertools.product(*chunk_ranges(SHAPE, CHUNKS, selection))]
    expected = [VALUES[tuple(slice(i * n, (i + 1) * n) for i, n in zip(coords, CHUNKS))] for coords in chunks]
    assert len(decoded) == len(expected) == 2 * 4 * 4 + 4
    for got, want in zip(decoded, expected):
        np.testing.assert_array_equal(got, want)


def test_floor_metrics_give_each_floor_the_efficiency_and_zarr_overhead(array):
    bench = RecordingBenchmark()
    result = bench(read, array)
    metrics = floor_metrics(bench, array, lambda: read(array), result, SELECTIONS)
    floors = metrics["floor_fetch_s"] + metrics["floor_decode_s"] + metrics["floor_copy_s"]
    assert metrics["zarr_overhead_s"] == pytest.approx(bench.stats.stats.median - floors)
    assert metrics["efficiency"] == round(floors / bench.stats.stats.median, 4)
