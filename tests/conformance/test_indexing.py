"""Indexing: every selection mode of zarr.Array against numpy, for reads and writes.

Basic (integers, negative integers, strided slices, Ellipsis, empty slices), orthogonal
(`.oindex`, get/set_orthogonal_selection), coordinate (`.vindex`, get/set_coordinate_selection),
mask (`.vindex[mask]`, get/set_mask_selection) and block (`.blocks`, get/set_block_selection)
selections on 1-D to 3-D float arrays with ragged edge chunks, whose values include -0.0, NaN
and infinities. A write must change exactly the selected elements: the whole array is compared
with numpy's `expected[selection] = values`. Invalid selections and values must raise the error
numpy raises and leave the array bit-for-bit unchanged.

Every selection runs on a memory store in both formats; a representative selection of each mode
also runs on local and zip stores. Block selections also run on a rectilinear chunk grid (v3),
whose blocks differ in size, where a block index past either end must raise too; coordinate
selections also take many sorted points on a 1-D array, which zarr locates by bisection; a refusal
whose reason numpy states must state it too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import zarr

from zarrgauge.conformance.grid import block_region, chunkings, filled_array, numpy_orthogonal, reference_array
from zarrgauge.conformance.known_bugs import MISMATCH_RAISES_INDEXERROR, UNCHECKED_WRITE_SHAPE, upstream_bug
from zarrgauge.harness.data.stores import Scratch, discard, new_store
from zarrgauge.harness.measure.oracle import assert_identical

SHAPES = {"1d": (18,), "2d": (7, 10), "3d": (5, 4, 6)}

MEMORY_ONLY = pytest.mark.parametrize("store_kind", ["memory"], indirect=True)
# A zip store cannot replace a chunk once written, and every write test rewrites filled chunks.
REWRITABLE_STORES = pytest.mark.parametrize("store_kind", ["memory", "local"], indirect=True)


def filled_reference(store, zarr_format: int, shape: tuple[int, ...], chunking: str = "ragged"):
    """An array filled with reference values, and the numpy copy the oracle works on."""
    return filled_array(store, zarr_format, shape, chunkings(shape)[chunking], "float64", None)


def replacement(current) -> np.ndarray:
    """Values to write over `current`: negating flips every sign bit (of -0.0, NaN and inf too),
    so each written element differs bitwise from the one it replaces and a lost write shows."""
    return np.negative(current)


def _as_is(shape, chunks, selection):
    return selection


@dataclass(frozen=True)
class Mode:
    """A selection mode: its two zarr spellings (indexing syntax and named methods), and the
    numpy index that selects the same elements."""

    name: str
    syntax: Callable[[zarr.Array], Any]
    getter: str
    setter: str
    numpy_index: Callable[[tuple[int, ...], tuple[int, ...], Any], Any] = _as_is

    def reads(self, array: zarr.Array, selection) -> list[np.ndarray]:
        return [self.syntax(array)[selection], getattr(array, self.getter)(selection)]

    def write(self, array: zarr.Array, selection, values, spelling: str = "syntax") -> None:
        if spelling == "syntax":
            self.syntax(array)[selection] = values
        else:
            getattr(array, self.setter)(selection, values)


MODES = {
    mode.name: mode
    for mode in (
        Mode("basic", lambda a: a, "get_basic_selection", "set_basic_selection"),
        Mode("orthogonal", lambda a: a.oindex, "get_orthogonal_selection", "set_orthogonal_selection",
             numpy_orthogonal),
        Mode("coordinate", lambda a: a.vindex, "get_coordinate_selection", "set_coordinate_selection"),
        Mode("mask", lambda a: a.vindex, "get_mask_selection", "set_mask_selection"),
        Mode("block", lambda a: a.blocks, "get_block_selection", "set_block_selection", block_region),
    )
}


def _mask(shape: tuple[int, ...], density: float, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).random(shape) < density


def _case(mode: str, ndim: str, selection, name: str):
    return pytest.param(mode, ndim, selection, id=f"{mode}-{ndim}-{name}")


# Selections that never select an element twice, so that they can be written too.
SELECTIONS = [
    _case("basic", "1d", 13, "int-in-ragged-chunk"),
    _case("basic", "1d", -18, "negative-int-first"),
    _case("basic", "1d", slice(0, 5), "chunk-start-to-middle"),
    _case("basic", "1d", slice(3, 16, 4), "step-4"),
    _case("basic", "1d", slice(-7, None), "negative-start"),
    _case("basic", "1d", slice(10, 100), "stop-past-end"),
    _case("basic", "1d", slice(5, 5), "empty"),
    _case("basic", "1d", Ellipsis, "ellipsis"),
    _case("basic", "2d", (-1, -10), "negative-ints"),
    _case("basic", "2d", (slice(1, 7, 2), 4), "step-slice-and-int"),
    _case("basic", "2d", (Ellipsis, 7), "ellipsis-then-int"),
    _case("basic", "2d", 3, "int-leaves-rest"),
    _case("basic", "2d", (slice(None), slice(2, 9, 3)), "full-and-step"),
    _case("basic", "2d", (slice(4, 6), slice(0, 3)), "chunk-starts-to-middles"),
    _case("basic", "3d", (1, slice(None), -2), "int-slice-negative-int"),
    _case("basic", "3d", (slice(0, 5, 4), 3, slice(2, None)), "step-int-open"),
    _case("basic", "3d", (slice(3, 1), Ellipsis), "reversed-bounds-empty"),
    _case("orthogonal", "1d", np.array([13, 2, 7, 17, 0]), "unsorted-ints"),
    _case("orthogonal", "1d", np.array([-1, -18, 5]), "negative-ints"),
    _case("orthogonal", "2d", (np.array([5, 0, 3]), slice(1, 9, 3)), "ints-and-step-slice"),
    _case("orthogonal", "2d", (_mask((7,), 0.5), np.array([-1, 2, 8])), "bool-and-negative-ints"),
    _case("orthogonal", "2d", (2, np.array([9, 1])), "int-and-ints"),
    _case("orthogonal", "2d", (slice(None), np.zeros(10, dtype=bool)), "all-false-bool"),
    _case("orthogonal", "3d", (_mask((5,), 0.6), 1, slice(0, 6, 2)), "bool-int-step"),
    _case("orthogonal", "2d", (np.array([], dtype=np.intp), slice(None)), "no-ints"),
    _case("coordinate", "1d", np.array([17, 3, 12, 0, -2]), "unsorted-and-negative"),
    _case("coordinate", "1d", np.array([[17, 3], [0, 12]]), "2d-index-array"),
    _case("coordinate", "2d", (np.array([6, 0, 3, -2]), np.array([9, 0, 5, -10])), "points"),
    _case("coordinate", "2d", (np.array([[0, 6], [3, 4]]), np.array([[9, 1], [5, 0]])), "2d-index-arrays"),
    _case("coordinate", "3d", (np.array([4, 0, 2]), np.array([-1, 0, 3]), np.array([5, 0, 2])), "points"),
    _case("coordinate", "2d", (np.array([], dtype=np.intp), np.array([], dtype=np.intp)), "no-points"),
    _case("mask", "1d", _mask((18,), 0.3), "sparse"),
    _case("mask", "2d", _mask((7, 10), 0.5), "half"),
    _case("mask", "3d", _mask((5, 4, 6), 0.7), "dense"),
    _case("block", "1d", -1, "last-ragged-block"),
    _case("block", "1d", slice(0, 2), "block-slice"),
    _case("block", "1d", slice(0, -1), "all-but-last-block"),
    _case("block", "1d", slice(1, 0), "reversed-bounds-empty"),
    _case("block", "2d", (0, -1), "corner"),
    _case("block", "2d", (slice(1, 2), 0), "slice-and-int"),
    _case("block", "3d", (-1, 0, slice(0, 2)), "mixed"),
    _case("block", "3d", Ellipsis, "all-blocks"),
]

READ_ONLY_SELECTIONS = [
    _case("coordinate", "1d", np.array([3, 3, 17, 3]), "repeated"),
    _case("coordinate", "2d", (np.array([2, 2, 6, 2]), np.array([7, 7, 0, 7])), "repeated-points"),
]

REPRESENTATIVE = [case for case in SELECTIONS if case.id in (
    "basic-2d-step-slice-and-int", "orthogonal-2d-bool-and-negative-ints", "coordinate-2d-points",
    "mask-2d-half", "block-2d-corner")]

# Chunk size one and a chunk larger than the array test the edges of the chunk grid; block
# selections address block 1, which only a grid of two or more blocks has.
CHUNKINGS = ("ragged", "one", "larger")
BLOCK_CHUNKINGS = ("ragged", "one")


def _on_chunkings(cases):
    return [
        pytest.param(*case.values, chunking, id=f"{case.id}-{chunking}")
        for case in cases
        for chunking in (BLOCK_CHUNKINGS if case.values[0] == "block" else CHUNKINGS)
    ]


@pytest.fixture(scope="module")
def filled_arrays(tmp_path_factory):
    """Filled arrays shared by the read tests, which never write to them: each store kind,
    format, shape and chunking is built once per module."""
    scratch = Scratch(tmp_path_factory.mktemp("indexing"))
    made = {}

    def get(store_kind: str, zarr_format: int, ndim: str, chunking: str):
        key = (store_kind, zarr_format, ndim, chunking)
        if key not in made:
            made[key] = filled_reference(new_store(store_kind, scratch), zarr_format, SHAPES[ndim], chunking)
        return made[key]

    yield get
    for array, _ in made.values():
        discard(array.store)
    scratch.remove()


def assert_reads_match_numpy(array: zarr.Array, expected: np.ndarray, mode: str, selection) -> None:
    want = expected[MODES[mode].numpy_index(array.shape, array.chunks, selection)]
    for got in MODES[mode].reads(array, selection):
        assert_identical(got, want)


def assert_write_matches_numpy(array: zarr.Array, expected: np.ndarray, mode: str, selection, values=None,
                               spelling: str = "syntax") -> None:
    """Write through zarr and numpy alike; the whole array must then be identical."""
    index = MODES[mode].numpy_index(array.shape, array.chunks, selection)
    values = replacement(expected[index]) if values is None else values
    MODES[mode].write(array, selection, values, spelling)
    expected[index] = values
    assert_identical(zarr.open_array(array.store, mode="r")[...], expected)


@MEMORY_ONLY
@pytest.mark.parametrize("mode, ndim, selection, chunking", _on_chunkings(SELECTIONS + READ_ONLY_SELECTIONS))
def test_read_matches_numpy(filled_arrays, store_kind, zarr_format, mode, ndim, selection, chunking):
    assert_reads_match_numpy(*filled_arrays(store_kind, zarr_format, ndim, chunking), mode, selection)


@MEMORY_ONLY
@pytest.mark.parametrize("mode, ndim, selection", SELECTIONS)
def test_write_changes_exactly_the_selection(store, zarr_format, mode, ndim, selection):
    assert_write_matches_numpy(*filled_reference(store, zarr_format, SHAPES[ndim]), mode, selection)


@MEMORY_ONLY
@pytest.mark.parametrize("mode, ndim, selection", REPRESENTATIVE)
def test_named_setter_changes_exactly_the_selection(store, zarr_format, mode, ndim, selection):
    assert_write_matches_numpy(*filled_reference(store, zarr_format, SHAPES[ndim]), mode, selection, spelling="named")


@MEMORY_ONLY
@pytest.mark.parametrize("mode, ndim, selection", REPRESENTATIVE)
def test_write_of_a_scalar_broadcasts_over_the_selection(store, zarr_format, mode, ndim, selection):
    assert_write_matches_numpy(*filled_reference(store, zarr_format, SHAPES[ndim]), mode, selection, values=-0.0)


@MEMORY_ONLY
@pytest.mark.parametrize("mode, ndim, selection", REPRESENTATIVE)
def test_write_into_an_empty_array_leaves_fill_value_elsewhere(store, zarr_format, mode, ndim, selection):
    shape = SHAPES[ndim]
    array = zarr.create_array(store=store, shape=shape, chunks=chunkings(shape)["ragged"], dtype="float64",
                              fill_value=-7.5, zarr_format=zarr_format)
    expected = np.full(shape, -7.5)
    values = reference_array(expected[MODES[mode].numpy_index(shape, array.chunks, selection)].shape, seed=3)
    assert_write_matches_numpy(array, expected, mode, selection, values)


@pytest.mark.parametrize("mode, ndim, selection", REPRESENTATIVE)
def test_read_matches_numpy_on_every_store(filled_arrays, store_kind, zarr_format, mode, ndim, selection):
    assert_reads_match_numpy(*filled_arrays(store_kind, zarr_format, ndim, "ragged"), mode, selection)


@REWRITABLE_STORES
@pytest.mark.parametrize("mode, ndim, selection", REPRESENTATIVE)
def test_write_matches_numpy_on_every_rewritable_store(store, zarr_format, mode, ndim, selection):
    assert_write_matches_numpy(*filled_reference(store, zarr_format, SHAPES[ndim]), mode, selection)


@pytest.mark.parametrize("zarr_format", [3], indirect=True, ids=["v3"])
@upstream_bug("unreported", "3.4.0", "negative indices in an orthogonal or coordinate selection are wrapped in "
              "place, in the caller's own index arrays")
def test_selection_leaves_the_callers_index_arrays_unchanged(zarr_format):
    array = zarr.create_array(store=zarr.storage.MemoryStore(), shape=(7, 10), chunks=(4, 6), dtype="float64",
                              zarr_format=zarr_format)
    rows, columns = np.array([-1, 2, -7]), np.array([-10, 3, -2])
    array.get_orthogonal_selection((rows, columns))
    array.get_coordinate_selection((rows, columns))
    array.set_orthogonal_selection((rows, columns), 1.0)
    array.set_coordinate_selection((rows, columns), 1.0)
    assert rows.tolist() == [-1, 2, -7] and columns.tolist() == [-10, 3, -2]



# --- many sorted points on a 1-D array: zarr finds their chunks by bisection once there are enough --------

# (40,) in chunks of 9: five chunks, the last ragged. Each selection holds more points than its span of chunks
# times the bits of its length, which sends zarr down its bisection path for sorted 1-D coordinates.
DENSE_SHAPE, DENSE_CHUNKS = (40,), (9,)
DENSE_SORTED = {
    "every-point-three-times": np.repeat(np.arange(40), 3),
    "from-the-second-chunk-skipping-the-third": np.repeat(np.r_[9:18, 27:40], 2),
    "inside-the-third-chunk": np.repeat(np.arange(20, 26), 4),
    "every-point-once": np.arange(40),
    "skipping-the-third-chunk-once": np.r_[9:18, 27:40],
}


@MEMORY_ONLY
@pytest.mark.parametrize("name", list(DENSE_SORTED))
def test_many_sorted_points_read_and_write_as_numpy(store, zarr_format, name):
    points = DENSE_SORTED[name]
    array, expected = filled_array(store, zarr_format, DENSE_SHAPE, DENSE_CHUNKS, "float64", None)
    assert_reads_match_numpy(array, expected, "coordinate", points)
    if len(np.unique(points)) == len(points):  # a point selected twice has no one value to take
        assert_write_matches_numpy(array, expected, "coordinate", points)


# --- block selections on a rectilinear chunk grid (v3): blocks of unequal sizes -----------------

# Per axis of the 2-D shape (7, 10), each block's size; the last block of axis 0 is the larger one.
RECTILINEAR_EDGES = ((3, 4), (2, 5, 3))
RECTILINEAR_BLOCKS = [
    pytest.param((1, -1), id="last-blocks"),
    pytest.param((-2, 1), id="negative-first-block"),
    pytest.param((slice(0, 2), 2), id="slice-and-int"),
    pytest.param((-1, slice(-3, None)), id="negative-slice-start-past-first"),
    pytest.param(Ellipsis, id="all-blocks"),
]
# Block indices past either end of an axis: a wrapped negative index must not fall back on a block that exists.
RECTILINEAR_BLOCKS_OUT_OF_RANGE = [
    pytest.param((2, 0), id="past-end"),
    pytest.param((-3, 0), id="before-start"),
    pytest.param((0, 3), id="past-end-of-last-axis"),
    pytest.param((0, -4), id="before-start-of-last-axis"),
]


@pytest.fixture
def rectilinear_array():
    """A filled v3 array on the rectilinear grid, and its numpy copy."""
    with zarr.config.set({"array.rectilinear_chunks": True}):
        array = zarr.create_array(zarr.storage.MemoryStore(), shape=SHAPES["2d"], dtype="float64", zarr_format=3,
                                  chunks=[list(edges) for edges in RECTILINEAR_EDGES])
        expected = reference_array(SHAPES["2d"])
        array[...] = expected
        yield array, expected


@pytest.mark.parametrize("selection", RECTILINEAR_BLOCKS)
def test_block_selection_on_a_rectilinear_grid_matches_numpy(rectilinear_array, selection):
    array, expected = rectilinear_array
    region = block_region(SHAPES["2d"], RECTILINEAR_EDGES, selection)
    for got in MODES["block"].reads(array, selection):
        assert_identical(got, expected[region])
    values = replacement(expected[region])
    MODES["block"].write(array, selection, values)
    expected[region] = values
    assert_identical(array[...], expected)


@pytest.mark.parametrize("selection", RECTILINEAR_BLOCKS_OUT_OF_RANGE)
def test_block_index_outside_a_rectilinear_grid_raises(rectilinear_array, selection):
    array, expected = rectilinear_array
    with pytest.raises(IndexError):
        array.blocks[selection]
    with pytest.raises(IndexError):
        array.blocks[selection] = 1.0
    assert_identical(array[...], expected)


# --- errors, on the 2-D array (7, 10) in chunks (4, 6) ----------------------------------------

# Each invalid read with the error numpy raises for it (zarr's BoundsCheckError and
# NegativeStepError subclass IndexError); a float index may raise TypeError too.
INVALID_READS = [
    pytest.param(lambda a: a[7, 0], IndexError, id="int-past-end"),
    pytest.param(lambda a: a[-8, 0], IndexError, id="negative-int-before-start"),
    pytest.param(lambda a: a[0, 10], IndexError, id="int-past-end-of-last-axis"),
    pytest.param(lambda a: a[0, 0, 0], IndexError, id="too-many-indices"),
    pytest.param(lambda a: a[1.5, 0], (IndexError, TypeError), id="float"),
    pytest.param(lambda a: a[1.0, 0], (IndexError, TypeError), id="integral-float"),
    pytest.param(lambda a: a[::-1, 0], IndexError, id="negative-step"),
    pytest.param(lambda a: a.oindex[np.array([0, 7]), :], IndexError, id="orthogonal-ints-past-end"),
    pytest.param(lambda a: a.oindex[:, np.array([3, -11])], IndexError, id="orthogonal-ints-before-start"),
    pytest.param(lambda a: a.oindex[np.array([1.0, 2.0]), :], IndexError, id="orthogonal-floats"),
    pytest.param(lambda a: a.oindex[np.ones(6, dtype=bool), :], IndexError, id="orthogonal-bool-wrong-length"),
    pytest.param(lambda a: a.oindex[np.zeros((2, 2), dtype=np.intp), :], IndexError, id="orthogonal-2d-ints"),
    pytest.param(lambda a: a.oindex[np.ones((7, 1), dtype=bool), :], IndexError, id="orthogonal-2d-bools"),
    pytest.param(lambda a: a.oindex[_as_zarr(np.array([0.0, 1.0]))], IndexError, id="zarr-array-of-floats"),
    pytest.param(lambda a: a.oindex[::-2, :], IndexError, id="orthogonal-negative-step"),
    pytest.param(lambda a: a.vindex[np.array([0, 7]), np.array([0, 0])], IndexError, id="coordinates-past-end"),
    pytest.param(lambda a: a.vindex[np.array([0]), np.array([-11])], IndexError, id="coordinates-before-start"),
    pytest.param(lambda a: a.vindex[np.ones((7, 9), dtype=bool)], IndexError, id="mask-wrong-shape"),
    pytest.param(lambda a: a.blocks[2, 0], IndexError, id="block-past-end"),
    pytest.param(lambda a: a.blocks[-3, 0], IndexError, id="block-before-start"),
]

def _write(mode: str, selection, values):
    return lambda array: MODES[mode].write(array, selection, values)


# Each invalid write with the error numpy raises for the same assignment.
INVALID_WRITES = [
    pytest.param(_write("basic", (7, 0), 1.0), IndexError, id="int-past-end"),
    pytest.param(_write("basic", (0, -11), 1.0), IndexError, id="negative-int-before-start"),
    pytest.param(_write("basic", (slice(None, None, -1), 0), np.ones(7)), IndexError, id="negative-step"),
    pytest.param(_write("basic", (1.5, 0), 1.0), (IndexError, TypeError), id="float"),
    pytest.param(_write("orthogonal", (np.array([0, 7]), 0), np.ones(2)), IndexError, id="orthogonal-ints-past-end"),
    pytest.param(_write("coordinate", (np.array([3, 0]), np.array([10, 0])), np.ones(2)), IndexError,
                 id="coordinates-past-end"),
    pytest.param(_write("basic", (slice(0, 5), 0), np.ones(4)), ValueError, id="too-few-values",
                 marks=UNCHECKED_WRITE_SHAPE),
    pytest.param(_write("basic", (slice(0, 5), 0), np.ones(6)), ValueError, id="too-many-values",
                 marks=UNCHECKED_WRITE_SHAPE),
    pytest.param(_write("basic", (slice(0, 2), slice(0, 2)), np.ones((3, 2))), ValueError, id="too-many-rows",
                 marks=UNCHECKED_WRITE_SHAPE),
    pytest.param(_write("basic", (slice(0, 5), 0), np.ones((5, 2))), ValueError, id="extra-axis"),
    pytest.param(_write("orthogonal", (np.array([0, 5]), 0), np.ones(3)), ValueError,
                 id="orthogonal-too-many-values", marks=UNCHECKED_WRITE_SHAPE),
    pytest.param(_write("orthogonal", (np.array([0, 5]), np.array([1, 8])), np.ones(3)), ValueError,
                 id="orthogonal-wrong-shape", marks=MISMATCH_RAISES_INDEXERROR),
    pytest.param(_write("coordinate", (np.array([0, 5]), np.array([0, 7])), np.ones(3)), ValueError,
                 id="coordinates-too-many-values"),
    pytest.param(_write("mask", _mask((7, 10), 0.5), np.ones(3)), ValueError, id="mask-too-few-values",
                 marks=MISMATCH_RAISES_INDEXERROR),
    pytest.param(_write("block", (slice(0, 2), 0), np.ones((6, 6))), ValueError, id="block-wrong-shape",
                 marks=UNCHECKED_WRITE_SHAPE),
]


def _as_zarr(values: np.ndarray) -> zarr.Array:
    index = zarr.create_array(zarr.storage.MemoryStore(), shape=values.shape, chunks=values.shape,
                              dtype=values.dtype)
    index[...] = values
    return index


# Found by scripts/kill-rate's survivors: the setters keep a zarr array given as the selection and read it from
# inside zarr's event loop, where reading a zarr array is refused.
ZARR_BOOL_INDEX_IN_OINDEX_SETTER = upstream_bug(
    "unreported", None,
    "array.oindex[zarr_bool_array] = values raises SyncError (the boolean zarr array is read inside the event loop)")
ZARR_INT_INDEX_IN_VINDEX_SETTER = upstream_bug(
    "unreported", "3.4.0",
    "array.vindex[zarr_int_array] = values raises TypeError or SyncError (the setter uses the zarr array as it is)")
# zarr arrays as whole selections: oindex and vindex read them into numpy first (zarr-python#2133).
ZARR_INDEX_SELECTIONS = {
    "orthogonal-ints": ("orthogonal", "1d", np.array([13, 2, 7, -1]), []),
    "orthogonal-bools": ("orthogonal", "1d", _mask((18,), 0.4), [ZARR_BOOL_INDEX_IN_OINDEX_SETTER]),
    "coordinate-ints": ("coordinate", "1d", np.array([17, 3, 12, 0]), [ZARR_INT_INDEX_IN_VINDEX_SETTER]),
    "mask": ("mask", "2d", _mask((7, 10), 0.5), []),
}


@MEMORY_ONLY
@pytest.mark.parametrize("name", [pytest.param(name, marks=marks)
                                  for name, (*_, marks) in ZARR_INDEX_SELECTIONS.items()])
def test_a_zarr_array_as_the_selection_reads_and_writes_as_its_values(store, store_kind, zarr_format, name):
    mode, ndim, index, _ = ZARR_INDEX_SELECTIONS[name]
    array, expected = filled_reference(store, zarr_format, SHAPES[ndim])
    numpy_index = MODES[mode].numpy_index(SHAPES[ndim], chunkings(SHAPES[ndim])["ragged"], index)
    assert_identical(MODES[mode].syntax(array)[_as_zarr(index)], expected[numpy_index])
    MODES[mode].syntax(array)[_as_zarr(index)] = replacement(expected[numpy_index])
    expected[numpy_index] = replacement(expected[numpy_index])
    assert_identical(array[...], expected)


# array[...] with index arrays means what it means to numpy: several integer arrays select points,
# a boolean array of the array's shape is a mask.
GETITEM_ARRAYS = {
    "one-int-list": [6, 0, -1],
    "one-bool-list": [True, False, True, True, False, False, True],
    "two-int-lists": ([6, 0, 3, 0], [9, 1, 1, -1]),
    "two-int-arrays-2d": (np.array([[0, 6], [3, 4]]), np.array([[9, 1], [5, 0]])),
    "full-mask": _mask((7, 10), 0.3),
}


@MEMORY_ONLY
@pytest.mark.parametrize("name", list(GETITEM_ARRAYS))
def test_getitem_with_index_arrays_follows_numpy(filled_arrays, store_kind, zarr_format, name):
    array, expected = filled_arrays(store_kind, zarr_format, "2d", "ragged")
    assert_identical(array[GETITEM_ARRAYS[name]], expected[GETITEM_ARRAYS[name]])


@pytest.mark.parametrize("key", [[True], [False], [0], [-1]], ids=["true", "false", "zero", "minus-one"])
def test_getitem_with_a_one_element_list_on_an_axis_of_one_follows_numpy(key):
    """A list of one boolean is a mask, not an integer list: on an axis of length one both select alike."""
    array, expected = filled_array(zarr.storage.MemoryStore(), 3, (1, 4), (1, 3), "float64", None)
    assert_identical(array[key], expected[key])


@MEMORY_ONLY
def test_getitem_with_two_index_arrays_and_a_slice_answers_as_numpy_or_refuses(filled_arrays, store_kind,
                                                                              zarr_format):
    """zarr's `array[...]` does not take every mix numpy does; where it refuses, it says so (IndexError)."""
    array, expected = filled_arrays(store_kind, zarr_format, "3d", "ragged")
    selection = ([0, 2, 4], [1, 3, 0], slice(None))
    try:
        got = array[selection]
    except IndexError:
        return
    assert_identical(got, expected[selection])


@MEMORY_ONLY
@pytest.mark.parametrize("read, error", INVALID_READS)
def test_invalid_read_raises(filled_arrays, store_kind, zarr_format, read, error):
    array, _ = filled_arrays(store_kind, zarr_format, "2d", "ragged")
    with pytest.raises(error):
        read(array)


# Refusals whose reason numpy states, read through zarr and through numpy: zarr's message must state it too
# (numpy's words, or both lengths).
EXPLAINED_REFUSALS = [
    pytest.param(lambda a: a[..., 0, ...], lambda n: n[..., 0, ...], "single ellipsis", id="two-ellipses"),
    pytest.param(lambda a: a.oindex[np.ones(6, dtype=bool), :], lambda n: n[np.ones(6, dtype=bool), :], r"7\D+6",
                 id="bool-of-the-wrong-length"),
]


@MEMORY_ONLY
@pytest.mark.parametrize("read, numpy_read, reason", EXPLAINED_REFUSALS)
def test_a_refusal_states_numpys_reason(filled_arrays, store_kind, zarr_format, read, numpy_read, reason):
    array, expected = filled_arrays(store_kind, zarr_format, "2d", "ragged")
    with pytest.raises(IndexError, match=reason):
        numpy_read(expected)
    with pytest.raises(IndexError, match=reason):
        read(array)


@MEMORY_ONLY
@pytest.mark.parametrize("write, error", INVALID_WRITES)
def test_rejected_write_raises_and_changes_nothing(store, zarr_format, write, error):
    array, expected = filled_reference(store, zarr_format, SHAPES["2d"])
    # One chunk at a time: whether a non-atomic write stored a chunk before it failed must not
    # depend on how the chunk tasks happen to be scheduled.
    with zarr.config.set({"async.concurrency": 1}), pytest.raises(error):
        write(array)
    assert_identical(array[...], expected)
