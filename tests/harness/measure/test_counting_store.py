"""The request counter around a store: every request zarr makes is counted once, with its bytes, and
copies zarr makes of the store share the counts."""

import numpy as np
import zarr
import zarr.storage

from zarrgauge.harness.measure.counting_store import CountingStore


def _written(store: CountingStore) -> zarr.Array:
    array = zarr.create_array(store, shape=(6, 4), chunks=(3, 2), dtype="int32", compressors=None, fill_value=0)
    array[:] = np.arange(24, dtype="int32").reshape(6, 4)
    return array


def test_a_write_sets_one_object_per_chunk_and_counts_its_bytes():
    store = CountingStore(zarr.storage.MemoryStore())
    _written(store)
    store.reset()
    zarr.open_array(store, mode="r+")[:] = 7
    counts = store.snapshot()
    assert counts["set"] == 4  # 2 x 2 chunks of 3 x 2 int32, uncompressed: 24 bytes each
    assert counts["bytes_written"] == 4 * 3 * 2 * 4


def test_a_read_gets_each_chunk_once_and_its_bytes_are_what_the_store_holds():
    inner = zarr.storage.MemoryStore()
    store = CountingStore(inner)
    array = _written(store)
    store.reset()
    assert array[:, :2].sum() == sum(range(0, 24, 4)) + sum(range(1, 24, 4))
    counts = store.snapshot()
    assert counts["get"] + counts["get_partial"] == 2  # the two chunks of columns 0-1
    assert counts["bytes_read"] == sum(len(inner._store_dict[key]) for key in ("c/0/0", "c/1/0"))


def test_a_read_only_copy_counts_into_the_same_counter():
    store = CountingStore(zarr.storage.MemoryStore())
    _written(store)
    store.reset()
    copy = store.with_read_only(True)
    assert copy is not store and copy.counts is store.counts
    zarr.open_array(copy, mode="r")[0, 0]
    assert store.counts["get"] >= 2


def test_the_log_of_gets_is_kept_only_when_asked_for():
    """The floors ask for it on the store the array reads through (the copy, for one opened read-only)."""
    array = zarr.open_array(_written(CountingStore(zarr.storage.MemoryStore())).store, mode="r")
    array[0, 0]
    assert array.store.gets is None
    array.store.gets = []
    array[4, 3]
    assert array.store.gets == [("c/1/1", None)]
