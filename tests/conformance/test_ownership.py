"""Buffer ownership, both ways, on every store kind: what a caller does to its own arrays after a
write or a read never reaches the stored array.

After `array[sel] = values`, changing `values` (or the larger array it is a view of) must not
change what the array holds; after `out = array[sel]`, changing `out` must not change the array or
a later read; the same for `out=` buffers. Uncompressed chunks on the memory store are where a
zero-copy path would alias the caller's buffer: every case is run without a compressor too.
"""

import numpy as np
import pytest
import zarr
from zarr.core.buffer import default_buffer_prototype

from zarrgauge.conformance.grid import reference_array, reopened
from zarrgauge.conformance.known_bugs import upstream_bug
from zarrgauge.harness.measure.oracle import assert_identical

SHAPE, CHUNKS = (8, 6), (4, 3)
WHOLE_CHUNK = (slice(0, 4), slice(0, 3))
ACROSS_CHUNKS = (slice(1, 7), slice(2, 5))
SELECTIONS = {"whole": (Ellipsis,), "one-chunk": WHOLE_CHUNK, "across-chunks": ACROSS_CHUNKS}
COMPRESSORS = {"uncompressed": None, "zstd": "auto"}
# Measured: 3.1.6 and 3.2.1 aliased, 3.3.0 on not (the same script on each release).
SINGLE_CHUNK_WRITE_ALIASED = upstream_bug(
    "zarr-developers/zarr-python#4156", "3.3.0",
    "a write that is exactly one uncompressed v3 chunk is kept by the memory store as a view of the caller's "
    "array: changing the array afterwards changes the stored chunk")
# A write over written chunks replaces zip entries, which a zip archive cannot do.
REWRITABLE_STORES = ("memory", "local", pytest.param(
    "zip", marks=pytest.mark.skip(reason="zip entries cannot be replaced: a second write is undefined there")))


@pytest.fixture(params=list(COMPRESSORS))
def compressor(request) -> str:
    return request.param


@pytest.fixture
def filled(compressor, store, zarr_format):
    values = reference_array(SHAPE, "float64", seed=11)
    array = zarr.create_array(store, shape=SHAPE, chunks=CHUNKS, dtype="float64", fill_value=0.0,
                              zarr_format=zarr_format, compressors=COMPRESSORS[compressor])
    array[...] = values
    return array, values


def _scribble(values: np.ndarray) -> None:
    values[...] = -12345.0


def _assert_holds(array: zarr.Array, store, expected: np.ndarray) -> None:
    assert_identical(array[...], expected)
    with reopened(store) as again:
        assert_identical(zarr.open_array(again, mode="r")[...], expected)


@pytest.mark.parametrize("store_kind", REWRITABLE_STORES)
@pytest.mark.parametrize("selection", list(SELECTIONS), ids=list(SELECTIONS))
def test_changing_written_values_afterwards_changes_nothing(filled, store, selection, request):
    array, values = filled
    params = request.node.callspec.params
    if (params["store_kind"], params["compressor"], params["zarr_format"], selection) == (
            "memory", "uncompressed", 3, "one-chunk"):
        request.applymarker(SINGLE_CHUNK_WRITE_ALIASED)
    region = SELECTIONS[selection]
    new = reference_array(values[region].shape, "float64", seed=12)
    expected = values.copy()
    expected[region] = new
    array[region] = new
    _scribble(new)
    _assert_holds(array, store, expected)


@pytest.mark.parametrize("store_kind", REWRITABLE_STORES)
def test_changing_the_array_a_written_view_came_from_changes_nothing(filled, store):
    array, values = filled
    base = reference_array((SHAPE[0] * 2, SHAPE[1]), "float64", seed=13)
    view = base[::2]  # not contiguous: a copy is needed, and must not be kept as a view
    array[...] = view
    expected = view.copy()
    _scribble(base)
    _assert_holds(array, store, expected)


@pytest.mark.parametrize("selection", list(SELECTIONS), ids=list(SELECTIONS))
def test_changing_what_a_read_returned_changes_nothing(filled, store, selection):
    array, values = filled
    out = array[SELECTIONS[selection]]
    _scribble(out)
    assert_identical(array[SELECTIONS[selection]], values[SELECTIONS[selection]])
    _assert_holds(array, store, values)


def test_two_reads_do_not_share_memory(filled):
    array, _ = filled
    first, second = array[WHOLE_CHUNK], array[WHOLE_CHUNK]
    assert not np.shares_memory(first, second)


def test_changing_an_out_buffer_afterwards_changes_nothing(filled, store):
    array, values = filled
    out = default_buffer_prototype().nd_buffer.from_numpy_array(np.empty((4, 3)))
    array.get_basic_selection(WHOLE_CHUNK, out=out)
    assert_identical(out.as_numpy_array(), values[WHOLE_CHUNK])
    _scribble(out.as_numpy_array())
    _assert_holds(array, store, values)
