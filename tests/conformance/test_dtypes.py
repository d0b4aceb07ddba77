"""Data types and fill values: every numpy dtype zarr stores, round tripped bit for bit (extreme
integers, subnormal floats, signed zeros, NaN payloads, NaT, strings); default and explicit fill
values as persisted in the metadata and read back after reopening; unwritten chunks reading as
fill; and `write_empty_chunks`, counted in stored keys."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import zarr
from zarr.core.sync import sync

from zarrgauge.conformance.grid import reference_array
from zarrgauge.conformance.known_bugs import SIGNED_ZERO_COMPLEX, upstream_bug
from zarrgauge.harness.measure.oracle import assert_identical

INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
FLOAT_DTYPES = ("float16", "float32", "float64")
COMPLEX_DTYPES = ("complex64", "complex128")
TIME_DTYPES = tuple(f"{kind}[{unit}]" for kind in ("datetime64", "timedelta64") for unit in ("s", "ms", "ns", "D"))
NUMERIC_DTYPES = ("bool", *INT_DTYPES, *FLOAT_DTYPES, *COMPLEX_DTYPES)

METADATA_KEYS = {"zarr.json", ".zarray", ".zattrs", ".zgroup", ".zmetadata"}
LENGTH = 23  # with chunks of 5 the last chunk is ragged
CHUNK = 5

DISK_STORES = ("local", "zip")

# v3 marks fixed-length strings as lacking a spec; the warning is expected, the data must still round trip.
no_spec_warning = pytest.mark.filterwarnings("ignore:The data type .* does not have a Zarr V3 specification")


# ---------------------------------------------------------------- values


def _float_extremes(dtype: str) -> np.ndarray:
    """Signed zeros, infinities, extreme and subnormal magnitudes, and NaNs with a sign and a
    payload, which only a byte-exact pipeline keeps."""
    dt = np.dtype(dtype)
    info = np.finfo(dt)
    bits = f"u{dt.itemsize}"
    quiet_nan = np.array(np.nan, dt).view(bits)
    sign = np.array(1, bits) << np.array(8 * dt.itemsize - 1, bits)
    nans = np.array([quiet_nan, quiet_nan | sign, quiet_nan | 1], bits).view(dt)
    others = np.array([0.0, -0.0, np.inf, -np.inf, info.max, -info.max, info.tiny, -info.tiny,
                       info.smallest_subnormal, -info.smallest_subnormal, info.eps, 1.0, -1.0], dt)
    return np.concatenate([nans, others])


def _int_extremes(dtype: str) -> np.ndarray:
    info = np.iinfo(dtype)
    middle = (info.max >> 1) + 1  # the top bit alone: sign-extension and byte-order slips show here
    return np.unique(np.array([info.min, info.min + 1, 0, 1, middle, middle - 1, info.max - 1, info.max], dtype))


def _time_extremes(dtype: str) -> np.ndarray:
    """NaT (the int64 minimum), the extreme representable times, and times either side of the epoch."""
    i8 = np.iinfo("int64")
    return np.array([i8.min, i8.min + 1, -1, 0, 1, 86_400, i8.max], "int64").view(dtype)


def values_for(dtype: str, length: int = LENGTH) -> np.ndarray:
    """`length` values of `dtype`: the dtype's extremes first, distinct reference values after them."""
    dt = np.dtype(dtype)
    if dt.kind == "c":
        parts = _float_extremes(f"float{dt.itemsize * 4}")
        filler = reference_array((length,), f"float{dt.itemsize * 4}", seed=1)
        real = np.resize(np.concatenate([parts, filler]), length)
        values = np.empty(length, dt)
        values.real, values.imag = real, np.roll(real, 5)  # every special meets another special
        return values
    if dt.kind in "mM":
        extremes = _time_extremes(dtype)
        filler = reference_array((length - len(extremes),), "int64", seed=2).view(dtype)
        return np.concatenate([extremes, filler])
    if dt.kind == "b":
        return np.concatenate([[True, False], reference_array((length - 2,), "bool")])
    extremes = _float_extremes(dtype) if dt.kind == "f" else _int_extremes(dtype)
    return np.concatenate([extremes, reference_array((length - len(extremes),), dtype)])


STRING_VALUES = {
    "fixed-unicode": ("U8", ["", "a", "héllo", "日本語", "🦆duck", "12345678", " lead", "trail "]),
    "fixed-bytes": ("S8", [b"", b"a", b"\x00lead", b"\xff\xfe\x01", b"12345678", b"mid\x00nul", b" ", b"\x01"]),
    "variable-unicode": (str, ["", "a", "x" * 50, "日本語", "🦆", "tab\tnew\nline", "nul\x00inside", "end"]),
}


def _variable_string_dtype() -> np.dtype:
    """What zarr returns for its variable-length string dtype: numpy 2's StringDType, else object."""
    string_dtype = getattr(np.dtypes, "StringDType", None)
    return np.dtype(string_dtype()) if string_dtype else np.dtype(object)


def string_values(kind: str) -> tuple[object, np.ndarray]:
    dtype, values = STRING_VALUES[kind]
    return dtype, np.array(values, dtype=_variable_string_dtype() if dtype is str else dtype)


def memory_and_disk(values, on_disk) -> list[tuple]:
    """(value, store_kind) cases: every value on the memory store, and the representative few in
    `on_disk` on the local and zip stores too; stores move bytes without looking at the dtype."""
    return [(value, "memory") for value in values] + [(value, kind) for value in on_disk for kind in DISK_STORES]


# ---------------------------------------------------------------- checks and store helpers


def assert_same_bits(actual, expected) -> None:
    """Bit-exact equality; times are compared as their int64 counts so that NaT equals NaT."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    if expected.dtype.kind in "mM":
        assert actual.dtype == expected.dtype, f"dtype {actual.dtype} != expected {expected.dtype}"
        actual, expected = actual.view("int64"), expected.view("int64")
    assert_identical(actual, expected)


def stored_keys(store) -> set[str]:
    async def listed():
        return {key async for key in store.list()}

    return sync(listed())


def chunk_keys(store) -> set[str]:
    return {key for key in stored_keys(store) if key.rsplit("/", 1)[-1] not in METADATA_KEYS}


def chunk_key(zarr_format: int, index: int) -> str:
    """The default key of 1-D chunk `index`: v2 '<i>', v3 'c/<i>'."""
    return str(index) if zarr_format == 2 else f"c/{index}"


def metadata_document(store, zarr_format: int) -> dict:
    """The array's metadata as written, parsed as strict JSON: bare NaN or Infinity tokens are
    not JSON, and the specs encode those fill values as strings."""
    key = ".zarray" if zarr_format == 2 else "zarr.json"
    raw = sync(store.get(key, prototype=zarr.core.buffer.default_buffer_prototype())).to_bytes()

    def reject(token):
        raise ValueError(f"{key} holds the non-JSON token {token}")

    return json.loads(raw, parse_constant=reject)


@pytest.fixture
def reopen():
    """The same stored data through a fresh read-only store: zip files are closed first, so the
    archive is complete, and reopened for reading. (zarr before 3.1 has no `with_read_only`, and
    opens writable stores with mode 'r' as they are.)"""
    readers = []

    def reopen_(store):
        if isinstance(store, zarr.storage.ZipStore):
            store.close()
            readers.append(zarr.storage.ZipStore(store.path, mode="r"))
            return readers[-1]
        return store.with_read_only(True) if hasattr(store, "with_read_only") else store

    yield reopen_
    for reader in readers:
        reader.close()


def reread(reopen, store) -> zarr.Array:
    return zarr.open_array(reopen(store), mode="r")


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("dtype, store_kind", memory_and_disk(
    NUMERIC_DTYPES + TIME_DTYPES, ("uint64", "float16", "complex128", "datetime64[ms]")), indirect=["store_kind"])
def test_values_round_trip_bit_exact_after_reopening(dtype, zarr_format, store, reopen):
    values = values_for(dtype)
    array = zarr.create_array(store, shape=values.shape, chunks=(CHUNK,), dtype=dtype, zarr_format=zarr_format)
    array[:] = values
    reopened = reread(reopen, store)
    assert reopened.dtype == np.dtype(dtype)
    assert_same_bits(reopened[:], values)


@no_spec_warning
@pytest.mark.parametrize("kind, store_kind", memory_and_disk(STRING_VALUES, ("variable-unicode",)),
                         indirect=["store_kind"])
def test_strings_round_trip_after_reopening(kind, zarr_format, store, reopen):
    dtype, values = string_values(kind)
    array = zarr.create_array(store, shape=values.shape, chunks=(3,), dtype=dtype, zarr_format=zarr_format)
    array[:] = values
    assert_identical(reread(reopen, store)[:], values)


@pytest.mark.parametrize("dtype", ("int64", "float32", "complex128", "datetime64[ns]"))
def test_single_element_writes_keep_neighbours_bit_exact(dtype, zarr_format):
    """Element-wise writes go through read-modify-write of their chunk: the rest of it must survive."""
    values = values_for(dtype)
    array = zarr.create_array(zarr.storage.MemoryStore(), shape=values.shape, chunks=(CHUNK,), dtype=dtype,
                              zarr_format=zarr_format)
    for index in (0, 7, LENGTH - 1, 3, 12):
        array[index] = values[index]
    expected = np.full_like(values, documented_default_fill(dtype))
    expected[[0, 7, LENGTH - 1, 3, 12]] = values[[0, 7, LENGTH - 1, 3, 12]]
    assert_same_bits(array[:], expected)


# ---------------------------------------------------------------- fill values


def documented_default_fill(dtype) -> np.ndarray:
    """zarr-python 3 defaults for both formats: zero of the type (False, +0.0, 0j, '' and b'' for
    strings), and NaT for datetime64 and timedelta64."""
    dt = np.dtype(dtype)
    if dt.kind in "mM":
        return np.array("NaT", dt)
    return np.zeros((), dt)


@no_spec_warning
@pytest.mark.parametrize("dtype", NUMERIC_DTYPES + TIME_DTYPES + ("U4", "S4"))
def test_unwritten_array_reads_the_default_fill_value(dtype, zarr_format):
    store = zarr.storage.MemoryStore()
    zarr.create_array(store, shape=(7,), chunks=(3,), dtype=dtype, zarr_format=zarr_format)
    reopened = zarr.open_array(store, mode="r")
    default = documented_default_fill(dtype)
    assert_same_bits(np.asarray(reopened.fill_value, dtype=reopened.dtype), default)
    assert_same_bits(reopened[:], np.full(7, default))


def test_variable_length_strings_default_to_the_empty_string(zarr_format):
    store = zarr.storage.MemoryStore()
    zarr.create_array(store, shape=(4,), chunks=(3,), dtype=str, zarr_format=zarr_format)
    reopened = zarr.open_array(store, mode="r")
    assert reopened.fill_value == ""
    assert_identical(reopened[:], np.array([""] * 4, dtype=_variable_string_dtype()))


SPECIAL_FLOAT_FILLS = {"nan": (np.nan, "NaN"), "+inf": (np.inf, "Infinity"), "-inf": (-np.inf, "-Infinity"),
                       "-0.0": (-0.0, -0.0)}


def _assert_json_float(stored, expected) -> None:
    """NaN and the infinities are the strings the specs name; -0.0 is a JSON number with its sign."""
    assert stored == expected, f"fill_value written as {stored!r}, the spec says {expected!r}"
    if isinstance(expected, float):
        assert math.copysign(1.0, stored) == math.copysign(1.0, expected), f"sign of {expected!r} lost in JSON"


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("fill, store_kind", memory_and_disk(SPECIAL_FLOAT_FILLS, ("nan", "-0.0")),
                         indirect=["store_kind"])
def test_special_float_fill_persists_bit_exact(fill, dtype, zarr_format, store, reopen):
    value, json_form = SPECIAL_FLOAT_FILLS[fill]
    zarr.create_array(store, shape=(7,), chunks=(3,), dtype=dtype, fill_value=value, zarr_format=zarr_format)
    _assert_json_float(metadata_document(store, zarr_format)["fill_value"], json_form)
    reopened = reread(reopen, store)
    expected = np.full(7, value, dtype)
    assert_same_bits(np.asarray(reopened.fill_value, dtype), expected[0])
    assert_same_bits(reopened[:], expected)


@pytest.mark.parametrize("dtype", COMPLEX_DTYPES)
@pytest.mark.parametrize("fill", SPECIAL_FLOAT_FILLS)
def test_special_complex_fill_persists_bit_exact(fill, dtype, zarr_format, reopen):
    """Complex fills are [real, imaginary] pairs; the imaginary -0.0 checks the second half keeps its sign."""
    value, json_form = SPECIAL_FLOAT_FILLS[fill]
    store = zarr.storage.MemoryStore()
    zarr.create_array(store, shape=(7,), chunks=(3,), dtype=dtype, fill_value=complex(value, -0.0),
                      zarr_format=zarr_format)
    stored_real, stored_imag = metadata_document(store, zarr_format)["fill_value"]
    _assert_json_float(stored_real, json_form)
    _assert_json_float(stored_imag, -0.0)
    expected = np.full(7, complex(value, -0.0), dtype)
    assert_same_bits(reread(reopen, store)[:], expected)


@pytest.mark.parametrize("dtype", INT_DTYPES)
@pytest.mark.parametrize("end", ("min", "max"))
def test_extreme_integer_fill_persists(end, dtype, zarr_format, reopen):
    """uint64's maximum is beyond int64 and float64 precision: only an exact JSON integer keeps it."""
    store = zarr.storage.MemoryStore()
    value = getattr(np.iinfo(dtype), end)
    zarr.create_array(store, shape=(5,), chunks=(2,), dtype=dtype, fill_value=value, zarr_format=zarr_format)
    assert metadata_document(store, zarr_format)["fill_value"] == int(value)
    assert_same_bits(reread(reopen, store)[:], np.full(5, value, dtype))


@pytest.mark.parametrize("fill", (np.datetime64("1999-12-31T23:59:59", "s"), np.datetime64("NaT", "ms"),
                                  np.timedelta64(-5, "ms"), np.timedelta64("NaT", "D")), ids=repr)
def test_time_fill_persists_with_its_unit(fill, zarr_format, reopen):
    store = zarr.storage.MemoryStore()
    zarr.create_array(store, shape=(5,), chunks=(2,), dtype=fill.dtype, fill_value=fill, zarr_format=zarr_format)
    reopened = reread(reopen, store)
    assert reopened.dtype == fill.dtype
    assert_same_bits(reopened[:], np.full(5, fill))


STRING_FILLS = {"fixed-unicode": "n/ä", "fixed-bytes": b"n/a", "variable-unicode": "n/ä"}


@no_spec_warning
@pytest.mark.parametrize("kind", STRING_FILLS)
def test_string_fill_persists(kind, zarr_format, reopen):
    fill = STRING_FILLS[kind]
    store = zarr.storage.MemoryStore()
    dtype, values = string_values(kind)
    array = zarr.create_array(store, shape=(7,), chunks=(3,), dtype=dtype, fill_value=fill, zarr_format=zarr_format)
    array[1:3] = values[1:3]
    expected = np.full(7, fill, dtype=values.dtype)
    expected[1:3] = values[1:3]
    assert_identical(reread(reopen, store)[:], expected)


@pytest.mark.parametrize("fill", (-0.0, np.nan, 7.25), ids=("-0.0", "nan", "7.25"))
@pytest.mark.parametrize("dtype, store_kind", memory_and_disk(("float32", "float64"), ("float64",)),
                         indirect=["store_kind"])
def test_unwritten_parts_read_as_fill(dtype, fill, zarr_format, store, reopen):
    """Chunk 0 and the ragged last chunk are written in part, chunk 1 not at all: every element
    outside the writes reads as the fill value, bit for bit, and the untouched chunk is not stored."""
    array = zarr.create_array(store, shape=(10,), chunks=(4,), dtype=dtype, fill_value=fill, zarr_format=zarr_format)
    written = values_for(dtype)[3:13]  # zeros of both signs, infinities, extreme and subnormal values; no NaN
    array[1:3] = written[1:3]
    array[8:10] = written[8:10]
    expected = np.full(10, fill, dtype)
    expected[1:3], expected[8:10] = written[1:3], written[8:10]
    assert chunk_keys(store) == {chunk_key(zarr_format, 0), chunk_key(zarr_format, 2)}
    assert_same_bits(reread(reopen, store)[:], expected)


# ---------------------------------------------------------------- write_empty_chunks


def create_1d(store, zarr_format, write_empty_chunks, fill=0.0, dtype="float64"):
    """Three chunks of 4 (the last ragged, 2 of them in bounds) with a per-array write_empty_chunks."""
    return zarr.create_array(store, shape=(10,), chunks=(4,), dtype=dtype, fill_value=fill, zarr_format=zarr_format,
                             config={"write_empty_chunks": write_empty_chunks})


@pytest.mark.parametrize("fill", (0.0, -0.0, np.nan), ids=("0.0", "-0.0", "nan"))
def test_all_fill_chunks_are_not_stored_when_write_empty_chunks_is_false(fill, zarr_format, store):
    """NaN chunks count as fill for a NaN fill value, though NaN != NaN."""
    array = create_1d(store, zarr_format, write_empty_chunks=False, fill=fill)
    array[0:4] = fill
    array[8:10] = fill  # the ragged last chunk: only its in-bounds part is compared with the fill
    assert chunk_keys(store) == set()
    array[4:8] = [fill, fill, 1.5, fill]
    assert chunk_keys(store) == {chunk_key(zarr_format, 1)}


SIGNED_ZERO_FLOAT = upstream_bug("zarr-developers/zarr-python#3144", "3.1.2",
                                 "a chunk of -0.0 counts as empty for a 0.0 fill value and is not stored")


@pytest.mark.parametrize("dtype", [pytest.param(dtype, marks=SIGNED_ZERO_FLOAT) for dtype in ("float32", "float64")]
                         + [pytest.param(dtype, marks=SIGNED_ZERO_COMPLEX) for dtype in COMPLEX_DTYPES])
@pytest.mark.parametrize("fill, written", [(0.0, -0.0), (-0.0, 0.0)], ids=("fill+0-write-0", "fill-0-write+0"))
def test_zero_of_the_other_sign_is_not_empty(fill, written, dtype, zarr_format, reopen):
    """-0.0 == 0.0 numerically, but a chunk of the other zero is data: dropping it flips the sign on read.
    (For complex dtypes the zeros are the real parts; the imaginary parts are +0.0 on both sides.)"""
    store = zarr.storage.MemoryStore()
    array = create_1d(store, zarr_format, write_empty_chunks=False, fill=fill, dtype=dtype)
    array[0:4] = written
    assert chunk_keys(store) == {chunk_key(zarr_format, 0)}
    expected = np.full(10, fill, dtype)
    expected[0:4] = written
    assert_same_bits(reread(reopen, store)[:], expected)


def test_all_fill_chunks_are_stored_when_write_empty_chunks_is_true(zarr_format, store, reopen):
    array = create_1d(store, zarr_format, write_empty_chunks=True)
    array[0:4] = 0.0
    array[8:10] = 0.0
    assert chunk_keys(store) == {chunk_key(zarr_format, 0), chunk_key(zarr_format, 2)}
    assert_same_bits(reread(reopen, store)[:], np.zeros(10))


def test_global_config_sets_write_empty_chunks_for_new_arrays(zarr_format):
    store = zarr.storage.MemoryStore()
    with zarr.config.set({"array.write_empty_chunks": True}):
        array = zarr.create_array(store, shape=(10,), chunks=(4,), dtype="int16", zarr_format=zarr_format)
        array[0:4] = 0
    assert chunk_keys(store) == {chunk_key(zarr_format, 0)}


# A zip archive cannot delete or replace a member, so overwriting chunks is defined for these only.
@pytest.mark.parametrize("store_kind", ["memory", "local"], indirect=True)
def test_overwriting_a_chunk_with_fill_deletes_it_when_write_empty_chunks_is_false(zarr_format, store):
    array = create_1d(store, zarr_format, write_empty_chunks=False, fill=np.nan)
    array[:] = np.arange(10.0)
    assert chunk_keys(store) == {chunk_key(zarr_format, i) for i in range(3)}
    array[4:8] = np.nan
    array[9] = np.nan
    assert chunk_keys(store) == {chunk_key(zarr_format, 0), chunk_key(zarr_format, 2)}
    array[8] = np.nan
    assert chunk_keys(store) == {chunk_key(zarr_format, 0)}
    expected = np.full(10, np.nan)
    expected[0:4] = np.arange(4.0)
    assert_same_bits(zarr.open_array(store, mode="r")[:], expected)


@pytest.mark.parametrize("store_kind", ["memory", "local"], indirect=True)
def test_overwriting_a_chunk_with_fill_keeps_it_when_write_empty_chunks_is_true(zarr_format, store):
    array = create_1d(store, zarr_format, write_empty_chunks=True)
    array[:] = np.arange(1.0, 11.0)
    array[4:8] = 0.0
    assert chunk_keys(store) == {chunk_key(zarr_format, i) for i in range(3)}
    expected = np.arange(1.0, 11.0)
    expected[4:8] = 0.0
    assert_same_bits(zarr.open_array(store, mode="r")[:], expected)


@pytest.mark.parametrize("opener", [
    pytest.param("open", marks=upstream_bug(
        "zarr-developers/zarr-python#2931", "3.1.2", "zarr.open ignores config= when the array exists")),
    pytest.param("open_array", marks=upstream_bug(
        "zarr-developers/zarr-python#2931", "3.4.2",
        "zarr.open_array ignores config= when the array exists (zarr.open was fixed in 3.1.2 by #3378)")),
])
def test_reopened_array_honours_write_empty_chunks_config(opener, zarr_format):
    store = zarr.storage.MemoryStore()
    create_1d(store, zarr_format, write_empty_chunks=False)
    reopened = getattr(zarr, opener)(store, mode="r+", config={"write_empty_chunks": True})
    reopened[0:4] = 0.0
    assert chunk_keys(store) == {chunk_key(zarr_format, 0)}
