"""Interoperability: the same data written as v2 and as v3 reads back identically; opening with the
wrong zarr_format fails and leaves the store alone; `zarr.open` detects the format; and the stored
chunks decode with numcodecs alone, by hand, to the numpy data (v2 chunks, v3 chunks after the
bytes serializer, and v3 shards through their index), which checks the write path independently
of zarr's own read path."""

from __future__ import annotations

import itertools
import json

import numcodecs
import numpy as np
import pytest
import zarr
from zarr.codecs import BytesCodec, ShardingCodec, ZstdCodec
from zarr.core.buffer import default_buffer_prototype
from zarr.core.sync import sync

from zarrgauge.conformance.grid import LOSSLESS_CODECS, chunkings, codec, codec_dtype_cases, reference_array
from zarrgauge.harness.measure.oracle import assert_identical

SHAPE = (7, 5)
CHUNKS = chunkings(SHAPE)["ragged"]
DTYPES = ("bool", "int16", "uint64", "float32", "float64", "complex128")

# v3 marks fixed-length bytes as lacking a spec; the warning is expected, the data must still agree.
no_spec_warning = pytest.mark.filterwarnings("ignore:The data type .* does not have a Zarr V3 specification")


def write(store, data, zarr_format, codec_name="none", chunks=CHUNKS, **kwargs) -> zarr.Array:
    """Every chunk is stored, all-fill or not, so that every chunk can be decoded by hand."""
    array = zarr.create_array(store, shape=data.shape, chunks=chunks, dtype=data.dtype, zarr_format=zarr_format,
                              config={"write_empty_chunks": True},
                              **codec(codec_name).create_args(data.dtype, zarr_format), **kwargs)
    array[...] = data
    return array


def raw(store, key) -> bytes | None:
    buffer = sync(store.get(key, prototype=default_buffer_prototype()))
    return None if buffer is None else buffer.to_bytes()


def stored_items(store) -> dict[str, bytes]:
    async def listed():
        return [key async for key in store.list()]

    return {key: raw(store, key) for key in sync(listed())}


def chunk_grid(shape, chunks):
    """(grid index, the numpy slice of the array that chunk holds) for every chunk."""
    counts = [-(-n // c) for n, c in zip(shape, chunks)]
    for index in itertools.product(*(range(n) for n in counts)):
        yield index, tuple(slice(i * c, min((i + 1) * c, n)) for i, c, n in zip(index, chunks, shape))


def assert_chunk_holds(decoded: np.ndarray, data: np.ndarray, region) -> None:
    """Edge chunks are stored whole; only their in-bounds corner is data."""
    corner = tuple(slice(0, r.stop - r.start) for r in region)
    assert_identical(decoded[corner], data[region])


# ---------------------------------------------------------------- v2 and v3 agree


@pytest.mark.parametrize("codec_name, dtype", codec_dtype_cases(LOSSLESS_CODECS, DTYPES))
def test_v2_and_v3_copies_read_back_identically(codec_name, dtype):
    data = reference_array(SHAPE, dtype)
    copies = {fmt: write(zarr.storage.MemoryStore(), data, fmt, codec_name) for fmt in (2, 3)}
    read = {fmt: zarr.open_array(array.store, mode="r", zarr_format=fmt)[...] for fmt, array in copies.items()}
    assert_identical(read[2], data)
    assert_identical(read[3], read[2])


@no_spec_warning
@pytest.mark.parametrize("dtype, data", [
    ("datetime64[ms]", np.array([0, -1, 86_400_000, -(2**63), 2**63 - 1], "int64").view("datetime64[ms]")),
    ("timedelta64[ns]", np.array([5, -(2**63), 0, -7, 2**40], "int64").view("timedelta64[ns]")),
    ("U5", np.array(["", "a", "héllo", "日本", "🦆"], "U5")),
    ("S5", np.array([b"", b"a", b"\xff\x00x", b"hello", b" "], "S5")),
    (str, np.array(["", "a", "héllo wörld", "日本", "🦆" * 9], object)),
], ids=["datetime64[ms]", "timedelta64[ns]", "fixed-unicode", "fixed-bytes", "variable-unicode"])
def test_v2_and_v3_agree_on_times_and_strings(dtype, data):
    read = {}
    for fmt in (2, 3):
        store = zarr.storage.MemoryStore()
        zarr.create_array(store, shape=data.shape, chunks=(2,), dtype=dtype, zarr_format=fmt)[...] = data
        read[fmt] = zarr.open_array(store, mode="r", zarr_format=fmt)[...]
    assert read[2].dtype == read[3].dtype
    if data.dtype.kind != "O":
        assert read[2].dtype == data.dtype
    if data.dtype.kind in "mM":  # as int64 counts, so that NaT equals NaT
        assert_identical(read[2].view("int64"), data.view("int64"))
        assert_identical(read[3].view("int64"), data.view("int64"))
    else:
        assert read[2].tolist() == read[3].tolist() == data.tolist()


# ---------------------------------------------------------------- format detection


@pytest.mark.parametrize("opener", ("open_array", "open"))
def test_opening_with_the_wrong_zarr_format_fails_and_changes_nothing(opener, zarr_format):
    """zarr's not-found errors subclass FileNotFoundError in every zarr 3 release."""
    store = zarr.storage.MemoryStore()
    write(store, reference_array((4,), "int16"), zarr_format, chunks=(2,))
    before = stored_items(store)
    with pytest.raises(FileNotFoundError):
        getattr(zarr, opener)(store, mode="r", zarr_format=5 - zarr_format)
    assert stored_items(store) == before


@pytest.mark.parametrize("opener", ("open", "open_array"))
def test_open_detects_the_array_format(opener, zarr_format, store):
    """mode='r+' reads an existing node on every store kind, zip stores opened for writing included."""
    data = reference_array(SHAPE, "float64")
    write(store, data, zarr_format)
    opened = getattr(zarr, opener)(store, mode="r+")
    assert isinstance(opened, zarr.Array)
    assert opened.metadata.zarr_format == zarr_format
    assert_identical(opened[...], data)


def test_open_detects_the_group_format(zarr_format, store):
    data = reference_array((4, 3), "uint64")
    group = zarr.open_group(store, mode="w", zarr_format=zarr_format)
    group.create_array("x", shape=data.shape, dtype=data.dtype)[...] = data
    opened = zarr.open(store, mode="r+")
    assert isinstance(opened, zarr.Group)
    assert opened.metadata.zarr_format == zarr_format
    assert opened["x"].metadata.zarr_format == zarr_format
    assert_identical(opened["x"][...], data)


# ---------------------------------------------------------------- chunks decoded by numcodecs


@pytest.mark.parametrize("codec_name, dtype", codec_dtype_cases(LOSSLESS_CODECS, DTYPES))
def test_numcodecs_decodes_raw_v2_chunks(codec_name, dtype):
    """The .zarray document alone says how to decode: compressor, then filters in reverse, then
    the dtype and order; chunk keys are '.'-separated grid indices."""
    store = zarr.storage.MemoryStore()
    data = reference_array(SHAPE, dtype)
    write(store, data, 2, codec_name)
    meta = json.loads(raw(store, ".zarray"))
    compressor = meta["compressor"] and numcodecs.get_codec(meta["compressor"])
    filters = [numcodecs.get_codec(f) for f in meta["filters"] or []]
    for index, region in chunk_grid(SHAPE, meta["chunks"]):
        decoded = raw(store, ".".join(map(str, index)))
        if compressor:
            decoded = compressor.decode(decoded)
        for filter_ in reversed(filters):
            decoded = filter_.decode(decoded)
        chunk = np.frombuffer(decoded, dtype=np.dtype(meta["dtype"])).reshape(meta["chunks"], order=meta["order"])
        assert_chunk_holds(chunk, data, region)


def _numcodecs_for(entry: dict):
    """The numcodecs codec that decodes one v3 bytes-to-bytes or numcodecs.* codec of the chain."""
    name, config = entry["name"], entry.get("configuration", {})
    decoders = {"zstd": numcodecs.Zstd, "gzip": numcodecs.GZip, "blosc": numcodecs.Blosc, "crc32c": numcodecs.CRC32C}
    if name in decoders:
        return decoders[name]()  # the encoded stream itself says how it was compressed
    if name == "numcodecs.delta":
        return numcodecs.Delta(**config)
    pytest.fail(f"no numcodecs decoder for the v3 codec {name!r}")


def decode_v3_chunk(encoded: bytes, chain: list[dict], dtype: np.dtype, chunk_shape) -> np.ndarray:
    """Undo a v3 chain: bytes-to-bytes codecs in reverse, the bytes serializer (its endianness),
    then array-to-array codecs in reverse."""
    serializer = next(i for i, entry in enumerate(chain) if entry["name"] == "bytes")
    for entry in reversed(chain[serializer + 1:]):
        encoded = _numcodecs_for(entry).decode(encoded)
    endian = chain[serializer].get("configuration", {}).get("endian", "little")
    decoded = np.frombuffer(encoded, dtype=dtype.newbyteorder("<" if endian == "little" else ">"))
    for entry in reversed(chain[:serializer]):
        decoded = np.asarray(_numcodecs_for(entry).decode(decoded))
    return decoded.astype(dtype).reshape(chunk_shape)


@pytest.mark.parametrize("codec_name, dtype", codec_dtype_cases(LOSSLESS_CODECS, DTYPES))
def test_numcodecs_decodes_raw_v3_chunks(codec_name, dtype):
    """Keys follow the default 'c/i/j' encoding; the codec chain comes from zarr.json alone."""
    store = zarr.storage.MemoryStore()
    data = reference_array(SHAPE, dtype)
    write(store, data, 3, codec_name)
    meta = json.loads(raw(store, "zarr.json"))
    chunk_shape = meta["chunk_grid"]["configuration"]["chunk_shape"]
    for index, region in chunk_grid(SHAPE, chunk_shape):
        encoded = raw(store, "c/" + "/".join(map(str, index)))
        assert_chunk_holds(decode_v3_chunk(encoded, meta["codecs"], data.dtype, chunk_shape), data, region)


@pytest.mark.parametrize("dtype", ("int32", "float64", "complex64"))
def test_v3_big_endian_serializer_stores_big_endian_bytes(dtype):
    data = reference_array(SHAPE, dtype)
    store = zarr.storage.MemoryStore()
    array = zarr.create_array(store, shape=SHAPE, chunks=SHAPE, dtype=dtype, serializer=BytesCodec(endian="big"),
                              compressors=None, filters=None)
    array[...] = data
    assert raw(store, "c/0/0") == data.astype(data.dtype.newbyteorder(">")).tobytes()
    assert_identical(zarr.open_array(store, mode="r")[...], data)


INDEX_ENTRY = np.dtype([("offset", "<u8"), ("nbytes", "<u8")])
EMPTY = np.iinfo("uint64").max  # the spec's marker for an inner chunk that is not stored


@pytest.mark.parametrize("index_location", ("start", "end"))
def test_v3_shards_decode_by_hand_through_their_index(index_location):
    """The shard index is (offset, nbytes) little-endian uint64 pairs per inner chunk in C order,
    followed by its crc32c, at the start or the end of the shard."""
    shape, shard_shape, inner_shape = (10, 7), (6, 6), (2, 3)
    data = reference_array(shape, "float64")
    store = zarr.storage.MemoryStore()
    sharding = ShardingCodec(chunk_shape=inner_shape, codecs=[BytesCodec(), ZstdCodec(level=3)],
                             index_location=index_location)
    zarr.create_array(store, shape=shape, chunks=shard_shape, dtype="float64", serializer=sharding,
                      compressors=None, filters=None)[...] = data
    inner_chunks = [n // c for n, c in zip(shard_shape, inner_shape)]
    index_bytes = int(np.prod(inner_chunks)) * INDEX_ENTRY.itemsize + 4
    for shard_index, shard_region in chunk_grid(shape, shard_shape):
        shard = raw(store, "c/" + "/".join(map(str, shard_index)))
        index_part = shard[:index_bytes] if index_location == "start" else shard[-index_bytes:]
        index = np.frombuffer(numcodecs.CRC32C().decode(index_part), INDEX_ENTRY).reshape(inner_chunks)
        shard_data = data[shard_region]
        for inner_index, inner_region in chunk_grid(shard_data.shape, inner_shape):
            offset, nbytes = (int(v) for v in index[inner_index])
            assert (offset, nbytes) != (EMPTY, EMPTY), f"inner chunk {inner_index} of shard {shard_index} missing"
            decoded = np.frombuffer(numcodecs.Zstd().decode(shard[offset:offset + nbytes]), "<f8")
            assert_chunk_holds(decoded.reshape(inner_shape), shard_data, inner_region)
