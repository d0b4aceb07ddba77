"""Chunk requests: which chunk keys zarr reads and writes for a selection, seen at the store.

Reading a selection must fetch exactly the chunks it intersects, each once, and no other key.
A write must store exactly the chunks it intersects and read back only those it covers in part:
a chunk it covers whole needs no read. Reading a region that was never written must move no
chunk data. The expected keys are computed here from the chunk shape alone, in the default key
encodings ("c/i/j" in v3, "i.j" in v2). In a sharded v3 array, reading one inner chunk must use
ranged reads of its shard instead of fetching the whole shard.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import zarr

from zarrgauge.conformance.grid import reference_array, sharded_layouts, stored_value
from zarrgauge.harness.measure.counting_store import CountingStore
from zarrgauge.harness.measure.oracle import assert_identical


class RequestLog(CountingStore):
    """Also records each data request that passes through: (kind, key, byte range), kind being
    'read', 'write' or 'delete'."""

    KINDS = {"get": "read", "get_partial": "read", "set": "write", "delete": "delete"}

    def __init__(self, store) -> None:
        super().__init__(store)
        self.requests: list[tuple[str, str, object]] = []

    def _with_store(self, store) -> RequestLog:
        copy = super()._with_store(store)
        copy.requests = self.requests
        return copy

    def record(self, kind: str, key: str, byte_range=None, nbytes: int = 0) -> None:
        super().record(kind, key, byte_range, nbytes)
        if kind in self.KINDS:
            self.requests.append((self.KINDS[kind], key, byte_range))

    def forget(self) -> None:
        self.requests.clear()

    def keys(self, kind: str) -> list[str]:
        return sorted(key for what, key, _ in self.requests if what == kind)


@pytest.fixture
def log(counting_store) -> RequestLog:
    return RequestLog(counting_store)


def chunk_key(index: tuple[int, ...], zarr_format: int) -> str:
    return "c/" + "/".join(map(str, index)) if zarr_format == 3 else ".".join(map(str, index))


def _axis_indices(size: int, selection) -> np.ndarray:
    """The element indices that one axis of an orthogonal or basic selection picks."""
    if isinstance(selection, slice):
        return np.arange(size)[selection]
    selection = np.asarray(selection)
    if selection.dtype == bool:
        return np.flatnonzero(selection)
    return np.atleast_1d(selection) % size


def _per_axis(shape, selection) -> list[np.ndarray]:
    selection = selection if isinstance(selection, tuple) else (selection,)
    selection += (slice(None),) * (len(shape) - len(selection))
    return [_axis_indices(size, sel) for size, sel in zip(shape, selection)]


def numpy_equivalent(expected: np.ndarray, mode: str, selection) -> np.ndarray:
    return expected[np.ix_(*_per_axis(expected.shape, selection))] if mode == "orthogonal" else expected[selection]


def intersected_chunks(shape, chunks, selection) -> dict[tuple[int, ...], bool]:
    """Each chunk that an orthogonal or basic selection touches, and whether it covers it whole."""
    per_axis = []
    for size, chunk, picked in zip(shape, chunks, _per_axis(shape, selection)):
        per_axis.append({
            int(block): bool(np.isin(np.arange(block * chunk, min((block + 1) * chunk, size)), picked).all())
            for block in np.unique(picked // chunk)
        })
    return {
        tuple(block for block, _ in combination): all(whole for _, whole in combination)
        for combination in itertools.product(*(axis.items() for axis in per_axis))
    }


def keys_of(blocks, zarr_format: int) -> list[str]:
    return sorted(chunk_key(block, zarr_format) for block in blocks)


def filled(log: RequestLog, zarr_format: int, shape, chunks, **kwargs) -> tuple[zarr.Array, np.ndarray]:
    """An array whose every chunk is stored, with the request log cleared afterwards."""
    expected = reference_array(shape)
    array = zarr.create_array(store=log, shape=shape, chunks=chunks, dtype=expected.dtype, zarr_format=zarr_format,
                              **kwargs)
    array[...] = expected
    log.forget()
    return array, expected


def _select(array: zarr.Array, mode: str):
    return array.oindex if mode == "orthogonal" else array


GRID = {"shape": (10, 12), "chunks": (3, 5)}  # 4 x 3 chunks, the last row and column of them ragged

READS = [
    pytest.param("basic", GRID, (4, 7), id="one-element"),
    pytest.param("basic", GRID, (9, slice(None)), id="row-across-ragged-chunks"),
    pytest.param("basic", GRID, (slice(9, 10), slice(10, 12)), id="ragged-corner"),
    pytest.param("basic", GRID, (slice(0, 10, 4), slice(1, 12, 6)), id="strided"),
    pytest.param("basic", GRID, (slice(5, 5), slice(None)), id="empty"),
    pytest.param("orthogonal", GRID, (np.array([9, 0]), np.array([11, 2])), id="orthogonal-corners"),
    pytest.param("orthogonal", GRID, (np.arange(10) % 4 == 0, slice(5, 10)), id="orthogonal-bool"),
    pytest.param("basic", {"shape": (17,), "chunks": (4,)}, slice(3, 13), id="1d-span"),
    pytest.param("basic", {"shape": (5, 6, 7), "chunks": (2, 4, 3)}, (4, slice(3, 5), slice(None)), id="3d-plane"),
]


@pytest.mark.parametrize("mode, grid, selection", READS)
def test_read_fetches_exactly_the_intersected_chunks_once(log, zarr_format, mode, grid, selection):
    array, expected = filled(log, zarr_format, **grid)
    got = _select(array, mode)[selection]
    assert log.keys("read") == keys_of(intersected_chunks(grid["shape"], grid["chunks"], selection), zarr_format)
    assert log.keys("write") == [] and log.keys("delete") == []
    assert_identical(got, numpy_equivalent(expected, mode, selection))


def test_coordinate_read_fetches_each_chunk_of_its_points_once(log, zarr_format):
    array, expected = filled(log, zarr_format, **GRID)
    rows, columns = np.array([9, 0, 1, 9, 4, -1]), np.array([11, 0, 4, 11, 7, 0])
    got = array.vindex[rows, columns]
    blocks = {tuple(int(i) % n // c for i, n, c in zip(point, GRID["shape"], GRID["chunks"]))
              for point in zip(rows, columns)}
    assert log.keys("read") == keys_of(blocks, zarr_format)
    assert_identical(got, expected[rows, columns])


WRITES = [
    pytest.param("basic", (slice(1, 2), slice(6, 8)), id="inside-one-chunk"),
    pytest.param("basic", (slice(3, 5), slice(0, 2)), id="from-chunk-start-to-middle"),
    pytest.param("basic", (slice(3, 9), slice(0, 10)), id="whole-chunks"),
    pytest.param("basic", (slice(9, 10), slice(None)), id="whole-ragged-edge-chunks"),
    pytest.param("basic", (slice(2, 9), slice(5, 12)), id="whole-and-partial-chunks"),
    pytest.param("basic", (slice(4, 4), slice(None)), id="empty"),
    pytest.param("orthogonal", (np.array([7, 0]), slice(0, 5)), id="orthogonal-partial-chunks"),
]


@pytest.mark.parametrize("mode, selection", WRITES)
def test_write_stores_the_intersected_chunks_and_reads_only_partly_covered_ones(log, zarr_format, mode, selection):
    array, expected = filled(log, zarr_format, **GRID)
    touched = intersected_chunks(GRID["shape"], GRID["chunks"], selection)
    index = np.ix_(*_per_axis(GRID["shape"], selection))
    # Negation flips every sign bit, so each written element differs from the one it replaces.
    expected[index] = -expected[index]
    _select(array, mode)[selection] = expected[index]
    assert log.keys("write") == keys_of(touched, zarr_format)
    assert log.keys("read") == keys_of([block for block, whole in touched.items() if not whole], zarr_format)
    assert_identical(array[...], expected)


def test_reading_a_never_written_region_moves_no_chunk_data(log, counting_store, zarr_format):
    array = zarr.create_array(store=log, dtype="float64", fill_value=-2.5, zarr_format=zarr_format, **GRID)
    array[0:3, 0:5] = 1.0
    log.forget()
    counting_store.reset()
    got = array[3:10, 5:12]
    assert counting_store.counts["bytes_read"] == 0
    assert set(log.keys("read")) <= set(keys_of(intersected_chunks(GRID["shape"], GRID["chunks"],
                                                                   (slice(3, 10), slice(5, 12))), zarr_format))
    assert_identical(got, np.full((7, 7), -2.5))


def test_writing_only_the_fill_value_stores_no_chunk(log, zarr_format):
    array, expected = filled(log, zarr_format, fill_value=-2.5, **GRID)
    array[3:6, 5:10] = -2.5
    assert log.keys("write") == []
    assert log.keys("delete") == [chunk_key((1, 1), zarr_format)]
    expected[3:6, 5:10] = -2.5
    assert_identical(array[...], expected)


SHARDED_SHAPE = (16, 11)  # the last shard holds several inner chunks, some ragged, in both layouts


@pytest.mark.parametrize("zarr_format", [3], indirect=True, ids=["v3"])
@pytest.mark.parametrize("layout", sorted(sharded_layouts(SHARDED_SHAPE)))
def test_reading_one_inner_chunk_reads_ranges_of_its_shard_only(log, counting_store, zarr_format, layout):
    inner, shard = sharded_layouts(SHARDED_SHAPE)[layout]
    array, expected = filled(log, zarr_format, SHARDED_SHAPE, inner, shards=shard)
    last = tuple((n - 1) // s for n, s in zip(SHARDED_SHAPE, shard))
    key = chunk_key(last, zarr_format)
    shard_size = len(stored_value(counting_store, key))
    log.forget()
    counting_store.reset()
    region = tuple(slice(b * s, min(b * s + i, n)) for b, s, i, n in zip(last, shard, inner, SHARDED_SHAPE))
    got = array[region]
    assert {requested for _, requested, _ in log.requests} == {key}
    assert all(byte_range is not None for _, _, byte_range in log.requests), "a whole shard was fetched"
    assert counting_store.counts["bytes_read"] < shard_size
    assert_identical(got, expected[region])


@pytest.mark.parametrize("zarr_format", [3], indirect=True, ids=["v3"])
def test_reading_across_shards_requests_only_their_shards(log, zarr_format):
    inner, shard = sharded_layouts(SHARDED_SHAPE)["exact"]
    array, expected = filled(log, zarr_format, SHARDED_SHAPE, inner, shards=shard)
    region = (slice(shard[0] - 1, shard[0] + 1), slice(0, 2))
    got = array[region]
    assert sorted(set(log.keys("read"))) == [chunk_key((0, 0), 3), chunk_key((1, 0), 3)]
    assert_identical(got, expected[region])
