"""Shape changes: resize up and down, append along each axis, 0-d and zero-size arrays.

Every result is compared bit-exact with a numpy model of the same operations, both through the
array object that made the change and through a fresh reader of the store (so the new metadata
must have been stored). Growing shows the fill value in the new region; shrinking keeps the
values inside the new shape; growing again after a shrink must not bring back cut-off values.
"""

import numpy as np
import pytest
import zarr

from zarrgauge.conformance.grid import filled_array, reference_array
from zarrgauge.conformance.known_bugs import RESIZE_TO_OTHER_NDIM, upstream_bug
from zarrgauge.harness.measure.oracle import assert_identical

SHAPE = (7, 5)
CHUNKS = (3, 2)  # a 3 x 3 chunk grid whose last row and column of chunks are ragged
DTYPE = "float64"
FILL = 42.25

# Resizing rewrites the metadata document and deletes chunks; a zip archive can do neither.
RESIZABLE_STORES = ("memory", "local", pytest.param(
    "zip", marks=pytest.mark.skip(reason="zip entries cannot be replaced or deleted: resize is undefined there")))


def reopen(store) -> zarr.Array:
    """The array as a new reader sees it: nothing cached from the writer."""
    return zarr.open_array(store)


def fill_outside(values: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The expected contents after a resize to `shape`: the kept corner of `values`, fill elsewhere."""
    expected = np.full(shape, FILL, dtype=DTYPE)
    kept = tuple(slice(0, min(old, new)) for old, new in zip(values.shape, shape))
    expected[kept] = values[kept]
    return expected


@pytest.fixture
def filled(store, zarr_format):
    return filled_array(store, zarr_format, SHAPE, CHUNKS, DTYPE, FILL)


@pytest.mark.parametrize("store_kind", RESIZABLE_STORES)
@pytest.mark.parametrize("new_shape", [(10, 8), (12, 5), (7, 9)], ids=["both-axes", "axis0", "axis1"])
def test_growing_keeps_every_value_and_new_region_reads_fill(filled, store, new_shape):
    array, values = filled
    array.resize(new_shape)
    expected = fill_outside(values, new_shape)
    assert array.shape == new_shape
    assert_identical(array[...], expected)
    assert_identical(reopen(store)[...], expected)


@pytest.mark.parametrize("store_kind", RESIZABLE_STORES)
@pytest.mark.parametrize("new_shape", [(4, 3), (1, 1), (7, 2), (3, 5)],
                         ids=["inside-chunks", "one-element", "axis1-on-boundary", "axis0-on-boundary"])
def test_shrinking_keeps_the_values_inside_the_new_shape(filled, store, new_shape):
    array, values = filled
    array.resize(new_shape)
    expected = values[: new_shape[0], : new_shape[1]]
    assert array.shape == new_shape
    assert_identical(array[...], expected)
    assert_identical(reopen(store)[...], expected)


@pytest.mark.parametrize("store_kind", RESIZABLE_STORES)
def test_shrinking_deletes_chunks_wholly_outside_and_regrowth_reads_fill(filled, store):
    array, values = filled
    array.resize(CHUNKS)  # exactly chunk (0, 0) stays
    assert array.nchunks_initialized == 1
    array.resize(SHAPE)
    expected = fill_outside(values[: CHUNKS[0], : CHUNKS[1]], SHAPE)
    assert_identical(array[...], expected)
    assert_identical(reopen(store)[...], expected)


@pytest.mark.parametrize("store_kind", RESIZABLE_STORES)
@upstream_bug("zarr-developers/zarr-python#1017", None,
              "shrinking keeps partly cut chunks whole, so growing again shows the values that were cut off")
def test_growing_after_shrink_does_not_resurrect_cut_off_values(filled, store):
    array, values = filled
    array.resize((4, 3))  # cuts through chunks (1, 1), (1, 0) and (0, 1) without deleting them
    array.resize(SHAPE)
    expected = fill_outside(values[:4, :3], SHAPE)
    assert_identical(array[...], expected)
    assert_identical(reopen(store)[...], expected)


@RESIZE_TO_OTHER_NDIM
def test_resize_to_another_number_of_dimensions_raises_and_changes_nothing(filled, store):
    array, values = filled
    with pytest.raises(ValueError):
        array.resize((SHAPE[0] * SHAPE[1],))
    assert array.shape == SHAPE
    assert_identical(reopen(store)[...], values)


@pytest.mark.parametrize("store_kind", RESIZABLE_STORES)
@pytest.mark.parametrize("axis", [0, 1], ids=["axis0", "axis1"])
def test_appending_twice_matches_numpy_concatenate(filled, store, axis):
    array, values = filled
    expected = values
    for seed, length in ((1, 2), (2, 4)):  # the first starts inside the ragged edge chunk; the second after it
        extra = reference_array(tuple(length if i == axis else n for i, n in enumerate(SHAPE)), DTYPE, seed)
        expected = np.concatenate([expected, extra], axis=axis)
        assert array.append(extra, axis=axis) == expected.shape
    assert array.shape == expected.shape
    assert_identical(array[...], expected)
    assert_identical(reopen(store)[...], expected)


@pytest.mark.parametrize("store_kind", RESIZABLE_STORES)
@upstream_bug("unreported", None, "Array.append refuses a negative axis, which numpy.concatenate accepts")
def test_appending_along_a_negative_axis_counts_from_the_end(filled, store):
    array, values = filled
    extra = reference_array((SHAPE[0], 3), DTYPE, seed=1)
    array.append(extra, axis=-1)
    expected = np.concatenate([values, extra], axis=-1)
    assert_identical(array[...], expected)
    assert_identical(reopen(store)[...], expected)


@pytest.mark.parametrize("extra_shape", [(2, SHAPE[1] + 1), (SHAPE[1],), (1, 2, SHAPE[1])],
                         ids=["other-width", "fewer-dims", "more-dims"])
def test_appending_a_mismatched_shape_raises_and_changes_nothing(filled, store, extra_shape):
    array, values = filled
    with pytest.raises(ValueError):
        array.append(np.zeros(extra_shape, dtype=DTYPE), axis=0)
    assert array.shape == SHAPE
    assert_identical(array[...], values)
    assert_identical(reopen(store)[...], values)


@pytest.mark.parametrize(("dtype", "value"), [("float64", -0.0), ("float64", np.nan), ("int32", -7), ("bool", True)],
                         ids=["negative-zero", "nan", "int32", "bool"])
def test_zero_dimensional_array_reads_fill_then_the_written_value(store, zarr_format, dtype, value):
    # The fill value is zero, so -0.0 is stored only when zarr compares bits, not values.
    array = zarr.create_array(store, shape=(), dtype=dtype, fill_value=0, zarr_format=zarr_format)
    assert_identical(np.asarray(array[()]), np.zeros((), dtype=dtype))
    array[()] = value
    expected = np.array(value, dtype=dtype)
    reopened = reopen(store)
    assert reopened.shape == ()
    for read in (array[()], array[...], reopened[()], reopened[...]):
        assert_identical(np.asarray(read), expected)


@pytest.mark.parametrize(("shape", "chunks"), [((0, 5), (2, 2)), ((4, 0), (2, 2)), ((0,), (3,))],
                         ids=["empty-axis0", "empty-axis1", "empty-1d"])
def test_zero_size_array_reads_empty_and_keeps_its_metadata(store, zarr_format, shape, chunks):
    array = zarr.create_array(store, shape=shape, chunks=chunks, dtype="int16", fill_value=3,
                              zarr_format=zarr_format)
    array[...] = np.empty(shape, dtype="int16")  # writing nothing is allowed, as in numpy
    reopened = reopen(store)
    assert (reopened.shape, reopened.chunks, reopened.dtype, reopened.fill_value) == (
        shape, chunks, np.dtype("int16"), 3)
    empty = np.empty(shape, dtype="int16")
    assert_identical(array[...], empty)
    for selection in (Ellipsis, slice(1, 3), (Ellipsis, slice(-1, None))):
        assert_identical(reopened[selection], empty[selection])


@pytest.mark.parametrize("store_kind", RESIZABLE_STORES)
def test_appending_to_a_zero_size_array_gives_the_appended_values(store, zarr_format):
    array = zarr.create_array(store, shape=(0, SHAPE[1]), chunks=CHUNKS, dtype=DTYPE, fill_value=FILL,
                              zarr_format=zarr_format)
    values = reference_array(SHAPE, DTYPE, seed=3)
    array.append(values, axis=0)
    assert_identical(array[...], values)
    assert_identical(reopen(store)[...], values)
