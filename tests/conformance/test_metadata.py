"""Metadata documents: the JSON zarr writes for arrays and groups, checked against the v2 and v3 specs.

Every document is read back as raw bytes from the store and parsed: `zarr.json` (v3), `.zarray`,
`.zgroup` and `.zattrs` (v2). Checked: required keys and their exact values (v3 shape, data_type,
chunk_grid, chunk_key_encoding, fill_value, codecs, attributes; v2 shape, chunks, dtype with its
byte order, compressor, filters, fill_value, order, dimension_separator), metadata documents are
strict JSON (non-finite fill values are the strings "NaN", "Infinity", "-Infinity"; -0.0 keeps its
sign), the bytes codec declares the byte order the chunks are really stored in, chunk keys follow
the chunk key encoding for every rank (0-d included), and after some writes the store holds exactly
the metadata documents plus the chunks that were written.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
import zarr
from zarr.codecs import BytesCodec

from zarrgauge.catalogue.cases import ZARR_FORMATS
from zarrgauge.conformance.grid import codec, reference_array, reopened, stored_json, stored_keys, stored_value
from zarrgauge.conformance.known_bugs import upstream_bug
from zarrgauge.harness.measure.oracle import assert_identical

MEMORY_ONLY = pytest.mark.parametrize("store_kind", ["memory"], indirect=True)
ONLY_V2 = pytest.mark.parametrize("zarr_format", [2], indirect=True)
ONLY_V3 = pytest.mark.parametrize("zarr_format", [3], indirect=True)

V2_NAN_FILL = upstream_bug("zarr-developers/zarr-python#2802", "3.0.7",
                           "a NaN fill_value was not serialized as \"NaN\" in v2 .zarray")


def strict_json(raw: bytes):
    """RFC 8259 JSON: the bare NaN/Infinity tokens Python's json module accepts are errors here."""

    def reject(token: str):
        raise ValueError(f"non-standard JSON token {token}")

    return json.loads(raw, parse_constant=reject)


def same_json(actual, expected) -> bool:
    """Equal as JSON text: true is not 1, 1 is not 1.0, -0.0 is not 0.0 and "NaN" is not NaN."""
    return json.dumps(actual, sort_keys=True) == json.dumps(expected, sort_keys=True)


def array_key(zarr_format: int) -> str:
    return "zarr.json" if zarr_format == 3 else ".zarray"


def assert_exact_keys(store, expected: set[str], zarr_format: int) -> None:
    """The store holds exactly `expected`; v2 may also keep an empty .zattrs beside a node."""
    keys = stored_keys(store)
    empty_attrs = {key for key in keys - expected if zarr_format == 2 and key.rsplit("/", 1)[-1] == ".zattrs"}
    assert keys - empty_attrs == expected
    for key in empty_attrs:
        assert stored_json(store, key) == {}, key


def v3_core(doc: dict) -> dict:
    """The document without the optional keys zarr may add: storage_transformers (which must then be
    empty) and dimension_names (which must then name every dimension, or be null)."""
    doc = dict(doc)
    assert doc.pop("storage_transformers", []) == []
    names = doc.pop("dimension_names", None)
    assert names is None or len(names) == len(doc["shape"])
    return doc


V3_BYTES_LITTLE = {"name": "bytes", "configuration": {"endian": "little"}}
V3_COMPRESSORS = {
    "none": [],
    "gzip": [{"name": "gzip", "configuration": {"level": 5}}],
    "zstd": [{"name": "zstd", "configuration": {"level": 3, "checksum": False}}],
    "blosc-lz4": [{"name": "blosc", "configuration": {"typesize": 2, "cname": "lz4", "clevel": 5,
                                                      "shuffle": "shuffle", "blocksize": 0}}],
}


@MEMORY_ONLY
@ONLY_V3
@pytest.mark.parametrize(("dtype", "data_type", "compression"), [
    ("<f8", "float64", "none"), ("<i2", "int16", "gzip"), ("<f4", "float32", "zstd"), ("<u2", "uint16", "blosc-lz4"),
], ids=["float64-none", "int16-gzip", "float32-zstd", "uint16-blosc"])
def test_v3_array_document_has_every_required_field(store, zarr_format, dtype, data_type, compression):
    values = reference_array((5, 3), "int16").astype(dtype)
    array = zarr.create_array(store, shape=(5, 3), chunks=(2, 2), dtype=dtype, fill_value=3, zarr_format=3,
                              attributes={"units": "m"}, **codec(compression).create_args(np.dtype(dtype), 3))
    array[:] = values

    doc = strict_json(stored_value(store, "zarr.json"))

    assert v3_core(doc) == {
        "zarr_format": 3,
        "node_type": "array",
        "shape": [5, 3],
        "data_type": data_type,
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [2, 2]}},
        "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
        "fill_value": 3,
        "codecs": [V3_BYTES_LITTLE, *V3_COMPRESSORS[compression]],
        "attributes": {"units": "m"},
    }
    with reopened(store) as again:
        assert_identical(zarr.open_array(again, mode="r")[:], values)


ZERO_FILL = {"f": 0.0, "i": 0, "u": 0, "b": False, "c": [0.0, 0.0]}
# (compressor, filters) as the v2 spec writes them: a codec's "id" plus its configuration. zarr may
# add parameters left at their defaults, so these are the parts that must be there.
V2_CODECS = {
    "none": (None, None),
    "gzip": ([{"id": "gzip", "level": 5}], None),
    "zstd": ([{"id": "zstd", "level": 3}], None),
    "blosc-lz4": ([{"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1}], None),
    "delta-zstd": ([{"id": "zstd", "level": 5}], [{"id": "delta", "dtype": "<i4"}]),
}


def assert_codec_documents(actual, expected) -> None:
    if expected is None:
        assert actual is None
        return
    assert len(actual) == len(expected), actual
    for got, want in zip(actual, expected):
        assert want.items() <= got.items(), f"{got} lacks {want}"


@MEMORY_ONLY
@ONLY_V2
@pytest.mark.parametrize(("dtype", "compression"), [
    ("<f8", "none"), ("<f4", "gzip"), ("<i2", "zstd"), (">i4", "blosc-lz4"), ("|u1", "none"), ("|b1", "none"),
    ("<u8", "zstd"), ("<c16", "none"), ("<i4", "delta-zstd"),
])
def test_v2_zarray_has_every_required_field(store, zarr_format, dtype, compression):
    values = reference_array((5, 3), "int16").astype(dtype)
    array = zarr.create_array(store, shape=(5, 3), chunks=(2, 2), dtype=dtype, fill_value=0, zarr_format=2,
                              **codec(compression).create_args(np.dtype(dtype), 2))
    array[:] = values

    doc = strict_json(stored_value(store, ".zarray"))

    compressor, filters = V2_CODECS[compression]
    written_compressor = doc.pop("compressor")
    assert_codec_documents(None if written_compressor is None else [written_compressor], compressor)
    assert_codec_documents(doc.pop("filters"), filters)
    assert same_json(doc.pop("fill_value"), ZERO_FILL[np.dtype(dtype).kind])
    assert doc == {
        "zarr_format": 2,
        "shape": [5, 3],
        "chunks": [2, 2],
        "dtype": np.dtype(dtype).str,
        "order": "C",
        "dimension_separator": ".",
    }
    with reopened(store) as again:
        assert_identical(zarr.open_array(again, mode="r")[:], values)


@MEMORY_ONLY
def test_group_documents(store, zarr_format):
    root = zarr.open_group(store, mode="w", zarr_format=zarr_format, attributes={"title": "survey", "n": 2})
    root.create_group("child")

    if zarr_format == 3:
        assert strict_json(stored_value(store, "zarr.json")) == {
            "zarr_format": 3, "node_type": "group", "attributes": {"title": "survey", "n": 2}}
        assert strict_json(stored_value(store, "child/zarr.json")) == {
            "zarr_format": 3, "node_type": "group", "attributes": {}}
        assert_exact_keys(store, {"zarr.json", "child/zarr.json"}, zarr_format)
    else:
        assert strict_json(stored_value(store, ".zgroup")) == {"zarr_format": 2}
        assert strict_json(stored_value(store, ".zattrs")) == {"title": "survey", "n": 2}
        assert strict_json(stored_value(store, "child/.zgroup")) == {"zarr_format": 2}
        assert_exact_keys(store, {".zgroup", ".zattrs", "child/.zgroup"}, zarr_format)


@MEMORY_ONLY
@ONLY_V3
@pytest.mark.parametrize("dtype", ["int16", "uint32", "float16", "float32", "float64", "uint64", "complex64"])
def test_v3_bytes_codec_declares_endian_for_multibyte_types(store, zarr_format, dtype):
    zarr.create_array(store, shape=(4,), chunks=(2,), dtype=dtype, zarr_format=3, compressors=None)

    (serializer,) = stored_json(store, "zarr.json")["codecs"]

    assert serializer["name"] == "bytes"
    assert serializer["configuration"]["endian"] in ("little", "big")


@MEMORY_ONLY
@ONLY_V3
@pytest.mark.parametrize("dtype", ["uint8", "int8", "bool"])
def test_v3_bytes_codec_endian_is_optional_for_one_byte_types(store, zarr_format, dtype):
    values = reference_array((4,), dtype)
    array = zarr.create_array(store, shape=(4,), chunks=(4,), dtype=dtype, zarr_format=3, compressors=None)
    array[:] = values

    (serializer,) = stored_json(store, "zarr.json")["codecs"]

    assert serializer["name"] == "bytes"
    assert serializer.get("configuration", {}).get("endian", "little") in ("little", "big")
    assert stored_value(store, "c/0") == values.tobytes()
    assert_identical(array[:], values)


@MEMORY_ONLY
@ONLY_V3
@pytest.mark.parametrize("endian", ["little", "big"])
def test_v3_declared_endian_is_the_byte_order_of_stored_chunks(store, zarr_format, endian):
    values = reference_array((6,), "float64")
    array = zarr.create_array(store, shape=(6,), chunks=(6,), dtype="float64", zarr_format=3,
                              serializer=BytesCodec(endian=endian), compressors=None)
    array[:] = values

    assert stored_json(store, "zarr.json")["codecs"] == [{"name": "bytes", "configuration": {"endian": endian}}]
    order = "<" if endian == "little" else ">"
    assert stored_value(store, "c/0") == values.astype(f"{order}f8").tobytes()
    with reopened(store) as again:
        assert_identical(zarr.open_array(again, mode="r")[:], values)


@MEMORY_ONLY
@ONLY_V2
@pytest.mark.parametrize("dtype", ["<f8", ">f8", "<i2", ">i2"])
def test_v2_dtype_byte_order_is_the_byte_order_of_stored_chunks(store, zarr_format, dtype):
    values = reference_array((6,), np.dtype(dtype).newbyteorder("=").name).astype(dtype)
    array = zarr.create_array(store, shape=(6,), chunks=(6,), dtype=dtype, zarr_format=2, compressors=None)
    array[:] = values

    assert stored_json(store, ".zarray")["dtype"] == dtype
    assert stored_value(store, "0") == values.tobytes()
    with reopened(store) as again:
        assert_identical(zarr.open_array(again, mode="r")[:], values)


def v3_default_keys(indices, separator: str) -> set[str]:
    return {separator.join(("c", *map(str, index))) for index in indices}


def v2_keys(indices, separator: str) -> set[str]:
    """A 0-d array's single chunk is "0" in the v2 encoding."""
    return {separator.join(map(str, index)) or "0" for index in indices}


RANKS = {"0d": ((), ()), "1d": ((5,), (2,)), "2d": ((5, 3), (2, 2))}


def chunk_grid(shape, chunks):
    return itertools.product(*(range(-(-n // c)) for n, c in zip(shape, chunks)))


@MEMORY_ONLY
@pytest.mark.parametrize(("zarr_format", "encoding", "recorded", "keys_for"), [
    pytest.param(3, None, {"name": "default", "configuration": {"separator": "/"}},
                 lambda grid: v3_default_keys(grid, "/"), id="v3-default-slash"),
    pytest.param(3, {"name": "default", "separator": "."}, {"name": "default", "configuration": {"separator": "."}},
                 lambda grid: v3_default_keys(grid, "."), id="v3-default-dot"),
    pytest.param(3, {"name": "v2", "separator": "."}, {"name": "v2", "configuration": {"separator": "."}},
                 lambda grid: v2_keys(grid, "."), id="v3-v2-dot"),
    pytest.param(2, None, ".", lambda grid: v2_keys(grid, "."), id="v2-dot"),
    pytest.param(2, {"name": "v2", "separator": "/"}, "/", lambda grid: v2_keys(grid, "/"), id="v2-slash"),
])
@pytest.mark.parametrize("rank", RANKS)
def test_chunk_keys_follow_the_encoding_for_every_rank(store, zarr_format, encoding, recorded, keys_for, rank):
    """`recorded` is the v3 chunk_key_encoding document, or the v2 dimension_separator."""
    shape, chunks = RANKS[rank]
    values = reference_array(shape, "int32")
    array = zarr.create_array(store, shape=shape, chunks=chunks, dtype="int32", zarr_format=zarr_format,
                              chunk_key_encoding=encoding, compressors=None, fill_value=0)
    array[...] = values

    assert_exact_keys(store, {array_key(zarr_format)} | keys_for(chunk_grid(shape, chunks)), zarr_format)
    doc = stored_json(store, array_key(zarr_format))
    assert doc["chunk_key_encoding" if zarr_format == 3 else "dimension_separator"] == recorded
    with reopened(store) as again:
        assert_identical(zarr.open_array(again, mode="r")[...], values)


def test_store_holds_exactly_metadata_and_written_chunks(store, zarr_format):
    expected = np.zeros((5, 3))
    expected[0:2, 0:2] = [[1.5, -0.0], [np.nan, 4.0]]
    expected[4, 2] = np.inf
    root = zarr.open_group(store, mode="w", zarr_format=zarr_format)
    array = root.create_array("g/arr", shape=(5, 3), chunks=(2, 2), dtype="float64", fill_value=0.0)
    array[0:2, 0:2] = expected[0:2, 0:2]
    array[4, 2] = expected[4, 2]

    if zarr_format == 3:
        keys = {"zarr.json", "g/zarr.json", "g/arr/zarr.json", "g/arr/c/0/0", "g/arr/c/2/1"}
    else:
        keys = {".zgroup", "g/.zgroup", "g/arr/.zarray", "g/arr/0.0", "g/arr/2.1"}
    assert_exact_keys(store, keys, zarr_format)
    with reopened(store) as again:
        assert_identical(zarr.open_array(again, path="g/arr", mode="r")[:], expected)


# name: (dtype, fill value, its JSON encoding in both formats)
FILL_ENCODINGS = {
    "nan": ("float64", float("nan"), "NaN"),
    "inf": ("float32", float("inf"), "Infinity"),
    "minus-inf": ("float64", float("-inf"), "-Infinity"),
    "minus-zero": ("float64", -0.0, -0.0),
    "half": ("float16", 1.5, 1.5),
    "uint64-max": ("uint64", 2**64 - 1, 2**64 - 1),
    "negative-int": ("int16", -3, -3),
    "true": ("bool", True, True),
    "complex": ("complex64", 1 + 2j, [1.0, 2.0]),
}
FILL_CASES = [
    pytest.param(zarr_format, *encoding, id=f"v{zarr_format}-{name}",
                 marks=V2_NAN_FILL if zarr_format == 2 and name == "nan" else ())
    for zarr_format in ZARR_FORMATS
    for name, encoding in FILL_ENCODINGS.items()
]


@MEMORY_ONLY
@pytest.mark.parametrize(("zarr_format", "dtype", "fill", "encoded"), FILL_CASES)
def test_fill_value_encoding_and_decoding(store, zarr_format, dtype, fill, encoded):
    zarr.create_array(store, shape=(3,), chunks=(2,), dtype=dtype, fill_value=fill, zarr_format=zarr_format)

    doc = strict_json(stored_value(store, array_key(zarr_format)))

    assert same_json(doc["fill_value"], encoded)
    expected = np.full((3,), fill, dtype=dtype)
    with reopened(store) as again:
        array = zarr.open_array(again, mode="r")
        assert_identical(np.array(array.fill_value, dtype=dtype), expected[0])
        assert_identical(array[:], expected)


@MEMORY_ONLY
@ONLY_V3
def test_v3_dimension_names_are_written_and_read_back(store, zarr_format):
    zarr.create_array(store, shape=(2, 3), dtype="int8", zarr_format=3, dimension_names=["time", None])

    assert stored_json(store, "zarr.json")["dimension_names"] == ["time", None]
    with reopened(store) as again:
        assert tuple(zarr.open_array(again, mode="r").metadata.dimension_names) == ("time", None)
