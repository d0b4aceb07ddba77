"""Paths that exist for speed must still be right: coordinate selections sorted and unsorted with
many points per chunk and repeated points, contiguous slices with step None against step 1,
selections that drop axes with scalar and array values, and iteration over the chunks of a
sharded array in every order. Every read is compared with numpy element by element."""

import itertools

import numpy as np
import pytest
import zarr

from zarrgauge.conformance.grid import reference_array
from zarrgauge.harness.measure.oracle import assert_identical

SHAPE, CHUNKS, SHARDS = (14, 10), (4, 3), (8, 6)  # ragged edges in chunks and in shards


@pytest.fixture(params=["chunked", "sharded"])
def layout(request) -> str:
    return request.param


@pytest.fixture(params=["memory", "local"])
def store_kind(request) -> str:
    """The in-memory and on-disk read paths; a zip archive reads as the directory does, slower."""
    return request.param


@pytest.fixture
def filled(layout, store, zarr_format):
    if layout == "sharded" and zarr_format == 2:
        pytest.skip("zarr v2 has no sharding")
    values = reference_array(SHAPE, "float64", seed=21)
    array = zarr.create_array(store, shape=SHAPE, chunks=CHUNKS, dtype="float64", fill_value=0.0,
                              zarr_format=zarr_format, shards=SHARDS if layout == "sharded" else None)
    array[...] = values
    return array, values


def _points(order: str, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Many points per chunk: 120 of 140, with repeats; sorted, reversed or shuffled."""
    rng = np.random.default_rng(seed)
    flat = rng.integers(0, SHAPE[0] * SHAPE[1], 120)
    flat = {"sorted": np.sort(flat), "reversed": np.sort(flat)[::-1], "shuffled": flat}[order]
    return np.unravel_index(flat, SHAPE)


@pytest.mark.parametrize("order", ["sorted", "reversed", "shuffled"])
def test_coordinate_selection_with_many_and_repeated_points_in_any_order(filled, order):
    array, values = filled
    rows, cols = _points(order)
    assert_identical(array.get_coordinate_selection((rows, cols)), values[rows, cols])
    assert_identical(array.vindex[rows, cols], values[rows, cols])


@pytest.mark.parametrize("order", ["sorted", "shuffled"])
def test_coordinate_write_with_repeated_points_writes_one_of_their_values(filled, order):
    """numpy leaves which of a repeated point's values wins unspecified: any one of them, and nothing else."""
    array, values = filled
    rows, cols = _points(order, seed=4)
    new = np.arange(rows.size, dtype="float64")
    array.set_coordinate_selection((rows, cols), new)
    got = array[...]
    untouched = np.ones(SHAPE, bool)
    untouched[rows, cols] = False
    assert_identical(got[untouched], values[untouched])
    points = list(zip(rows.tolist(), cols.tolist()))
    for point in set(points):
        assert got[point] in {new[i] for i, p in enumerate(points) if p == point}


@pytest.mark.parametrize("bounds", [(0, 14), (3, 9), (5, 6), (12, 14)], ids=["all", "inner", "one", "tail"])
def test_step_none_and_step_one_read_the_same(filled, bounds):
    array, values = filled
    start, stop = bounds
    columns = slice(min(start, 9), min(stop, 10))
    assert_identical(array[start:stop], values[start:stop])
    assert_identical(array[start:stop:1], values[start:stop:1])
    assert_identical(array[start:stop, ::1], values[start:stop, ::1])
    assert_identical(array[:, columns], values[:, columns])


@pytest.mark.parametrize("selection", [
    (5, slice(None)), (slice(None), 7), (5, 7), (-1, slice(2, 9)), (np.int64(3), slice(None)),
    (Ellipsis, 4), (5, Ellipsis), (np.array([3, 1, 3]), 2), (2, np.array([0, 9, 5])),
], ids=["row", "column", "point", "negative-row", "numpy-int", "ellipsis-column", "row-ellipsis",
        "array-rows-int", "int-array-cols"])
def test_selections_that_drop_axes_return_numpys_shape_and_values(filled, selection):
    array, values = filled
    expected = values[selection]
    got = array.get_orthogonal_selection(selection) if any(isinstance(s, np.ndarray) for s in selection) \
        else array[selection]
    assert_identical(np.asarray(got), np.asarray(expected))


@pytest.mark.parametrize("order", ["row-major", "column-major", "shuffled"])
def test_reading_every_block_in_any_order_gives_the_whole_array(filled, layout, order):
    """A block is what zarr writes at once: a chunk, or for a sharded array a shard."""
    array, values = filled
    block = SHARDS if layout == "sharded" else CHUNKS
    grid = [range(-(-n // c)) for n, c in zip(SHAPE, block)]
    blocks = list(itertools.product(*grid))
    if order == "column-major":
        blocks = sorted(blocks, key=lambda b: (b[1], b[0]))
    elif order == "shuffled":
        blocks = [blocks[i] for i in np.random.default_rng(5).permutation(len(blocks))]
    rebuilt = np.full(SHAPE, np.nan)
    for i, j in blocks:
        region = (slice(i * block[0], (i + 1) * block[0]), slice(j * block[1], (j + 1) * block[1]))
        rebuilt[region] = array.blocks[i, j]
        assert_identical(rebuilt[region], values[region])
    assert_identical(rebuilt, values)
