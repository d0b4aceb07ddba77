"""Structured dtypes and field selection, against numpy's structured arrays, in both formats and every store.

Whole records through every selection method, the dtype description and fill values across a reopen,
and the `fields=` argument of every getter and setter (one field, a list, a list in another order, a
missing name: IndexError, as zarr documents it), and field names among array[...]'s keys on a record of
one field, where the known field bugs do not bite. Every field is compared on its own, bit-exact:
records hold NaN, -0.0 and infinities in their float fields. zarr 3 writes v3 struct data types as an
unstable extension, hence the filter.
"""

import numpy as np
import pytest
import zarr

from zarrgauge.conformance.grid import block_region, numpy_orthogonal, reference_array, reopened
from zarrgauge.conformance.known_bugs import upstream_bug
from zarrgauge.harness.measure.oracle import assert_identical

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

RECORD = np.dtype([("count", "<i4"), ("value", "<f8"), ("tag", "S3")])
DTYPES = {
    "record": RECORD,
    "nested": np.dtype([("point", [("x", "<f4"), ("y", "<f4")]), ("flag", "u1")]),
    "big-endian-field": np.dtype([("a", ">i4"), ("b", "<f2")]),
    "complex-unicode": np.dtype([("z", "<c8"), ("name", "<U2"), ("small", "i1")]),
}
SHAPE, CHUNKS = (7, 5), (3, 2)
READERS = {
    "basic": ("get_basic_selection", (slice(1, 6), slice(None, None, 2))),
    "orthogonal": ("get_orthogonal_selection", ([5, 0, 2], slice(1, 4))),
    "coordinate": ("get_coordinate_selection", ([6, 0, 3, 0], [4, 1, 1, 1])),
    "mask": ("get_mask_selection", np.arange(35).reshape(SHAPE) % 3 == 0),
    "block": ("get_block_selection", (slice(1, 3), 1)),
}
WRITERS = {
    "basic": ("set_basic_selection", (slice(1, 5), slice(2, 3))),
    "orthogonal": ("set_orthogonal_selection", ([6, 1], [0, 4])),
    "coordinate": ("set_coordinate_selection", ([2, 5], [3, 0])),
    "mask": ("set_mask_selection", np.eye(*SHAPE, dtype=bool)),
    "block": ("set_block_selection", (1, 2)),
}
FIELDS = {"one": "value", "list": ["count", "value"], "reordered": ["tag", "count"]}
# zarr 2's spelling: field names among the indices of array[...], anywhere in the key.
GETITEM_KEYS = {"field": ("count",), "field-then-slice": ("tag", slice(2, 5)),
                "slices-then-field": (slice(None), 1, "value")}

FIELD_READS_FAIL = upstream_bug(
    "zarr-developers/zarr-python#3983", None,
    "a read with fields= (or array['field']) raises TypeError: whole records are cast to the field's dtype")
FIELD_WRITES_EVERY_FIELD = upstream_bug(
    "unreported", None,
    "a write with fields= ignores it: the value is cast into every field of the selected records")
BIG_ENDIAN_FIELD_SWAPPED = upstream_bug(
    "zarr-developers/zarr-python#4141", "3.3.0",
    "a v3 struct with a big-endian field reads back byte-swapped once reopened (the field's order is not stored)")
NESTED_V2_UNREADABLE = upstream_bug(
    "zarr-developers/zarr-python#4340", "3.4.1",
    "a v2 array of a nested structured dtype cannot be opened: its own .zarray dtype is rejected")
# Measured: zarr 3.1.6 (numpy 2.4) and 3.4.1 (numpy 2.5) read b'0', 3.4.2 reads b''.
DEFAULT_FILL_BYTES_ZERO = upstream_bug(
    "unreported", "3.4.2",
    "the default fill value casts the integer 0 into every field: a bytes field of a never-written record reads "
    "b'0', not b'' as numpy's zeros")


# What numpy indexes with to select what each method selects (the others take the same selection).
NUMPY_EQUIVALENT = {"orthogonal": numpy_orthogonal, "block": block_region}


def _numpy_selection(method: str, selection):
    return NUMPY_EQUIVALENT.get(method, lambda shape, chunks, same: same)(SHAPE, CHUNKS, selection)


@pytest.fixture(params=list(DTYPES))
def dtype(request) -> np.dtype:
    return DTYPES[request.param]


def _records(store, zarr_format: int, dtype: np.dtype, **kwargs) -> tuple[zarr.Array, np.ndarray]:
    values = reference_array(SHAPE, dtype, seed=5)
    array = zarr.create_array(store, shape=SHAPE, chunks=CHUNKS, dtype=dtype, zarr_format=zarr_format, **kwargs)
    array[...] = values
    return array, values


def _mark_reopen_bugs(request, dtype: np.dtype, zarr_format: int) -> None:
    if zarr_format == 3 and dtype == DTYPES["big-endian-field"]:
        request.applymarker(BIG_ENDIAN_FIELD_SWAPPED)
    if zarr_format == 2 and dtype == DTYPES["nested"]:
        request.applymarker(NESTED_V2_UNREADABLE)


def _same_fields(dtype: np.dtype, expected: np.dtype) -> bool:
    """Names, shapes and kinds of every field; byte order aside (v3 keeps none in its struct data type)."""
    if not expected.names:
        return dtype.names is None and dtype.newbyteorder("=") == expected.newbyteorder("=")
    return dtype.names == expected.names and all(_same_fields(dtype[name], expected[name]) for name in expected.names)


def test_records_round_trip_bit_exact(request, store, zarr_format, dtype):
    _mark_reopen_bugs(request, dtype, zarr_format)
    array, values = _records(store, zarr_format, dtype)
    assert_identical(array[...], values)
    with reopened(store) as again:
        stored = zarr.open_array(again, mode="r")
        assert _same_fields(stored.dtype, dtype), f"{stored.dtype} is not {dtype}"
        assert_identical(stored[...].astype(dtype), values)


def test_v2_keeps_the_dtype_description_exactly(request, store, dtype):
    _mark_reopen_bugs(request, dtype, 2)
    _records(store, 2, dtype)
    with reopened(store) as again:
        assert zarr.open_array(again, mode="r").dtype == dtype


@pytest.mark.parametrize("method", list(READERS))
def test_whole_record_selections_match_numpy(store, zarr_format, method):
    array, values = _records(store, zarr_format, RECORD)
    name, selection = READERS[method]
    expected = values[_numpy_selection(method, selection)]
    assert_identical(getattr(array, name)(selection), expected)


def test_a_written_fill_value_round_trips_bit_exact(store, zarr_format):
    fill = np.array((-7, -0.0, b"ab"), RECORD)[()]
    array = zarr.create_array(store, shape=SHAPE, chunks=CHUNKS, dtype=RECORD, fill_value=fill,
                              zarr_format=zarr_format)
    with reopened(store) as again:
        stored = zarr.open_array(again, mode="r")
        assert_identical(stored[...], np.full(SHAPE, fill, RECORD))
        assert_identical(np.asarray(stored.fill_value, RECORD), np.asarray(fill, RECORD))
    assert array.fill_value.tobytes() == fill.tobytes()


@DEFAULT_FILL_BYTES_ZERO
def test_never_written_records_read_as_numpys_zeros(store, zarr_format):
    array = zarr.create_array(store, shape=SHAPE, chunks=CHUNKS, dtype=RECORD, zarr_format=zarr_format)
    assert_identical(array[...], np.zeros(SHAPE, RECORD))


@FIELD_READS_FAIL
@pytest.mark.parametrize("fields", list(FIELDS))
@pytest.mark.parametrize("method", list(READERS))
def test_field_reads_match_numpy(store, zarr_format, method, fields):
    array, values = _records(store, zarr_format, RECORD)
    name, selection = READERS[method]
    expected = values[_numpy_selection(method, selection)][FIELDS[fields]]
    assert_identical(getattr(array, name)(selection, fields=FIELDS[fields]), expected)


@FIELD_READS_FAIL
@pytest.mark.parametrize("key", list(GETITEM_KEYS))
def test_field_names_in_getitem_match_numpy(store, zarr_format, key):
    array, values = _records(store, zarr_format, RECORD)
    parts = GETITEM_KEYS[key]
    field = next(part for part in parts if isinstance(part, str))
    rest = tuple(part for part in parts if not isinstance(part, str))
    assert_identical(array[parts if rest else field], values[field][rest])


# A record of one field is where neither bug above bites (the whole record casts to its one field, and a value cast
# into every field lands in that one), so there field names among array[...]'s keys must act as numpy's field access.
SINGLE_FIELD = np.dtype([("only", "<f8")])


@pytest.mark.parametrize("key", list(GETITEM_KEYS))
def test_the_field_of_a_single_field_record_in_getitem_and_setitem_acts_as_numpy(store, zarr_format, key):
    rest = tuple(part for part in GETITEM_KEYS[key] if not isinstance(part, str))
    key_parts = tuple("only" if isinstance(part, str) else part for part in GETITEM_KEYS[key])
    array, values = _records(store, zarr_format, SINGLE_FIELD)
    assert_identical(array[key_parts], values["only"][rest])
    new = -values["only"][rest]
    array[key_parts] = new
    values["only"][rest] = new
    assert_identical(array[...], values)


def test_a_named_setter_takes_the_one_field_of_a_single_field_record_as_a_list(store, zarr_format):
    array, values = _records(store, zarr_format, SINGLE_FIELD)
    new = -values["only"][2:5]
    array.set_basic_selection(slice(2, 5), new, fields=["only"])
    values["only"][2:5] = new
    assert_identical(array[...], values)


@pytest.mark.parametrize("method", list(WRITERS))
def test_a_record_given_as_a_tuple_is_written_to_every_selected_record(store, zarr_format, method):
    """A tuple of one value per field is one record, as numpy takes it: broadcast, not an array of values."""
    array, values = _records(store, zarr_format, RECORD)
    name, selection = WRITERS[method]
    record = (-7, -0.0, b"ab")
    getattr(array, name)(selection, record)
    values[_numpy_selection(method, selection)] = record
    assert_identical(array[...], values)


@FIELD_WRITES_EVERY_FIELD
@pytest.mark.parametrize("method", list(WRITERS))
def test_field_writes_change_that_field_only(store, zarr_format, method):
    array, values = _records(store, zarr_format, RECORD)
    name, selection = WRITERS[method]
    target = values["value"][_numpy_selection(method, selection)]
    new = np.arange(target.size, dtype="f8").reshape(target.shape) + 0.5
    getattr(array, name)(selection, new, fields="value")
    values["value"][_numpy_selection(method, selection)] = new
    assert_identical(array[...], values)


@pytest.mark.parametrize("call", ["get", "set", "list", "getitem"])
def test_a_missing_field_name_raises_index_error_and_changes_nothing(store, zarr_format, call):
    array, values = _records(store, zarr_format, RECORD)
    attempts = {
        "get": lambda: array.get_basic_selection(Ellipsis, fields="absent"),
        "set": lambda: array.set_basic_selection(Ellipsis, 1, fields="absent"),
        "list": lambda: array.get_orthogonal_selection((slice(None), [0]), fields=["count", "absent"]),
        "getitem": lambda: array["absent"],
    }
    with pytest.raises(IndexError, match="absent"):
        attempts[call]()
    assert_identical(array[...], values)


def test_fields_on_an_array_without_fields_raise_index_error(store, zarr_format):
    array = zarr.create_array(store, shape=(4,), chunks=(2,), dtype="f8", zarr_format=zarr_format)
    with pytest.raises(IndexError):
        array.get_basic_selection(Ellipsis, fields="value")
