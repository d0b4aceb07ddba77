"""Faults and bad input: damaged or missing chunks, truncated metadata, assignments of the wrong
shape or type, and writes through read-only arrays and stores.

A damaged object must surface as an exception of a documented kind when it is read, never as
wrong values, and everything the damage does not touch must still read bit-exact. A write that
is refused must raise and leave every stored value, and the shape, as they were.
"""

import json

import numpy as np
import pytest
import zarr
import zarr.storage
from zarr.core.buffer import default_buffer_prototype
from zarr.core.sync import sync

from zarrgauge.conformance.grid import codec, filled_array, reference_array, reopened, stored_value
from zarrgauge.conformance.known_bugs import MISMATCH_RAISES_INDEXERROR, UNCHECKED_WRITE_SHAPE, upstream_bug
from zarrgauge.harness.measure.oracle import assert_identical

SHAPE = (6, 4)
CHUNKS = (3, 2)  # a 2 x 2 chunk grid
DTYPE = "float64"
FILL = -2.5
DAMAGED_CHUNK = {2: "0.1", 3: "c/0/1"}  # chunk (0, 1) under each format's default key encoding
DAMAGED_REGION = np.s_[0:3, 2:4]
UNDAMAGED_REGIONS = (np.s_[0:3, 0:2], np.s_[3:6, :])
METADATA_KEY = {2: ".zarray", 3: "zarr.json"}

# What zarr lets through from the codec libraries when a chunk does not decode.
CORRUPT_CHUNK_ERRORS = (ValueError, RuntimeError, OSError, EOFError)

# Damaging a stored object means replacing or deleting it, which a zip archive cannot do.
REWRITABLE_STORES = ("memory", "local", pytest.param(
    "zip", marks=pytest.mark.skip(reason="zip entries cannot be replaced or deleted: no way to damage one")))


def reopen(store, **kwargs) -> zarr.Array:
    """The array as a new reader sees it: nothing cached from the writer."""
    return zarr.open_array(store, **kwargs)


def replace_key(store, key: str, data: bytes) -> None:
    sync(store.set(key, default_buffer_prototype().buffer.from_bytes(data)))


@pytest.fixture
def filled(store, zarr_format):
    return filled_array(store, zarr_format, SHAPE, CHUNKS, DTYPE, FILL)


def assert_unchanged(store, values) -> None:
    array = reopen(store)
    assert array.shape == values.shape
    assert_identical(array[...], values)


DAMAGES = {
    "garbage": lambda stored: b"\x13\x37" * 29,
    "truncated": lambda stored: stored[: len(stored) // 2],
    "empty": lambda stored: b"",
}
TRUNCATED_BLOSC = upstream_bug(
    "zarr-developers/numcodecs#228", None,
    "Blosc decodes a truncated frame without an error, returning whatever memory the output buffer held")
CORRUPT_CHUNK_CASES = [
    pytest.param(codec_name, damage, id=f"{codec_name}-{damage}",
                 marks=TRUNCATED_BLOSC if (codec_name, damage) == ("blosc-lz4", "truncated") else ())
    for codec_name in ("zstd", "gzip", "blosc-lz4", "none") for damage in DAMAGES]


@pytest.mark.parametrize("store_kind", REWRITABLE_STORES)
@pytest.mark.parametrize(("codec_name", "damage"), CORRUPT_CHUNK_CASES)
def test_corrupt_chunk_raises_on_read_while_other_chunks_read_intact(store, zarr_format, codec_name, damage):
    values = reference_array(SHAPE, DTYPE, seed=1)
    zarr.create_array(store, shape=SHAPE, chunks=CHUNKS, dtype=DTYPE, fill_value=FILL, zarr_format=zarr_format,
                      **codec(codec_name).create_args(np.dtype(DTYPE), zarr_format))[...] = values
    key = DAMAGED_CHUNK[zarr_format]
    replace_key(store, key, DAMAGES[damage](stored_value(store, key)))
    array = reopen(store)
    with pytest.raises(CORRUPT_CHUNK_ERRORS):
        array[DAMAGED_REGION]
    with pytest.raises(CORRUPT_CHUNK_ERRORS):
        array[...]
    for region in UNDAMAGED_REGIONS:
        assert_identical(array[region], values[region])


@pytest.mark.parametrize("store_kind", REWRITABLE_STORES)
def test_deleted_chunk_reads_fill_while_other_chunks_read_intact(filled, store, zarr_format):
    _, values = filled
    sync(store.delete(DAMAGED_CHUNK[zarr_format]))
    expected = values.copy()
    expected[DAMAGED_REGION] = FILL
    assert_identical(reopen(store)[...], expected)


TRUNCATIONS = {
    "empty": lambda document: document[:0],
    "first-byte": lambda document: document[:1],
    "half": lambda document: document[: len(document) // 2],
    "all-but-last-byte": lambda document: document[:-1],
}


@pytest.mark.parametrize("store_kind", REWRITABLE_STORES)
@pytest.mark.parametrize("truncation", list(TRUNCATIONS))
def test_truncated_metadata_fails_to_open_with_a_decode_or_validation_error(filled, store, zarr_format, truncation):
    key = METADATA_KEY[zarr_format]
    replace_key(store, key, TRUNCATIONS[truncation](stored_value(store, key)))
    for open_ in (zarr.open_array, zarr.open):
        with pytest.raises((json.JSONDecodeError, zarr.errors.MetadataValidationError)):
            open_(store, mode="r")


@pytest.mark.parametrize("store_kind", REWRITABLE_STORES)
def test_missing_metadata_fails_to_open_as_not_found(filled, store, zarr_format):
    sync(store.delete(METADATA_KEY[zarr_format]))
    with pytest.raises(FileNotFoundError):
        zarr.open_array(store, mode="r")


WRONG_SHAPES = [
    pytest.param(np.s_[0:5, 0:2], (3, 2), id="missing-rows", marks=UNCHECKED_WRITE_SHAPE),
    pytest.param(np.s_[0:5, 0:2], (6, 2), id="surplus-rows", marks=UNCHECKED_WRITE_SHAPE),
    pytest.param(np.s_[...], (4, 6), id="transposed", marks=UNCHECKED_WRITE_SHAPE),
    pytest.param(np.s_[...], (3,), id="short-row", marks=MISMATCH_RAISES_INDEXERROR),
    pytest.param(np.s_[...], (2, *SHAPE), id="extra-leading-axis"),
]


# A zarr that writes despite the error rewrites zip entries; the assertions, not zipfile's
# duplicate-name warning, report that.
@pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")
@pytest.mark.parametrize(("selection", "value_shape"), WRONG_SHAPES)
def test_wrong_shape_assignment_raises_value_error_and_changes_nothing(filled, store, selection, value_shape):
    array, values = filled
    value = np.full(value_shape, 99.0)
    with pytest.raises(ValueError):  # numpy's verdict on the same assignment
        values.copy()[selection] = value
    # One chunk at a time, in order: a write that fails part-way then always leaves the same damage.
    with zarr.config.set({"async.concurrency": 1}), pytest.raises(ValueError):
        array[selection] = value
    assert_unchanged(store, values)


def assert_refused(expected, what: str, action, *args) -> None:
    """`action(*args)` must raise `expected`; a failure says which `what` was not refused."""
    try:
        action(*args)
    except expected:
        return
    except Exception as error:
        pytest.fail(f"{what}: raised {type(error).__name__} ({error}), expected {expected}")
    pytest.fail(f"{what}: did not raise, expected {expected}")


INCOMPATIBLE_VALUES = {
    "text": "abc",
    "text-array": np.array(["a", "b", "c", "d"]),
    "bytes": b"ab",
    "object": object(),
    "complex": 1 + 2j,
    "none": None,
    "out-of-range": 2**40,
}


def test_assigning_values_the_dtype_cannot_hold_raises_as_numpy_does_and_changes_nothing(store, zarr_format):
    values = reference_array(SHAPE, "int32", seed=2)
    array = zarr.create_array(store, shape=SHAPE, chunks=CHUNKS, dtype="int32", fill_value=0,
                              zarr_format=zarr_format)
    array[...] = values
    for name, value in INCOMPATIBLE_VALUES.items():
        with pytest.raises(Exception) as numpy_error:
            values.copy()[0, :] = value
        assert_refused(numpy_error.type, f"assigning {name}", array.__setitem__, (0, slice(None)), value)
    assert_unchanged(store, values)


READ_ONLY_ERRORS = (ValueError, PermissionError)
WRITES = {
    "write-all": lambda array: array.__setitem__(Ellipsis, 0.0),
    "write-element": lambda array: array.__setitem__((5, 3), 0.0),
    "resize": lambda array: array.resize((8, 4)),
    "append": lambda array: array.append(np.zeros((1, SHAPE[1])), axis=0),
    "set-attribute": lambda array: array.attrs.__setitem__("written", True),
}


def assert_every_write_refused(array) -> None:
    for name, write in WRITES.items():
        assert_refused(READ_ONLY_ERRORS, name, write, array)


@pytest.mark.parametrize("store_kind", ["memory", "local", pytest.param("zip", marks=pytest.mark.skip(
    reason="a writable ZipStore cannot make a read-only copy of itself: covered by the read-only store test"))])
def test_writes_through_an_array_opened_read_only_raise_and_change_nothing(filled, store):
    _, values = filled
    assert_every_write_refused(reopen(store, mode="r"))
    assert_unchanged(store, values)
    assert "written" not in reopen(store).attrs


@pytest.fixture
def read_only_store(filled, store):
    """The filled array's store behind one that refuses writes: a read-only copy where the store
    can make one, else the zip archive closed and reopened for reading."""
    if isinstance(store, zarr.storage.ZipStore):
        with reopened(store) as again:
            yield again
    elif hasattr(store, "with_read_only"):
        yield store.with_read_only(True)
    else:
        pytest.skip(f"{type(store).__name__} cannot make a read-only copy in this zarr")


def test_writes_through_a_read_only_store_raise_and_change_nothing(filled, read_only_store):
    _, values = filled
    assert_every_write_refused(reopen(read_only_store))
    assert_unchanged(read_only_store, values)
    assert "written" not in reopen(read_only_store).attrs
