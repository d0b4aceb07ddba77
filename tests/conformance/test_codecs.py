"""Codecs: every lossless pipeline of the catalogue round trips every dtype it supports bit for bit
in both formats; lossy ones stay within their stated tolerance; v3 sharding round trips as a codec
with compressors inside it; compressors really shrink what is stored; and the metadata names the
codecs that were asked for, so a pipeline that silently drops one is caught."""

from __future__ import annotations

import json

import numcodecs
import numpy as np
import pytest
import zarr
from zarr.codecs import BytesCodec, ShardingCodec, ZstdCodec
from zarr.core.buffer import default_buffer_prototype
from zarr.core.sync import sync

from zarrgauge.conformance.grid import (
    LOSSLESS_CODECS,
    LOSSY_CODECS,
    chunkings,
    codec,
    codec_dtype_cases,
    reference_array,
    sharded_layouts,
)
from zarrgauge.conformance.known_bugs import upstream_bug
from zarrgauge.harness.measure.oracle import assert_close, assert_identical

DTYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "float32", "float64", "complex64", "complex128")
SHAPE = (5, 7)
# Shape per chunking: every element its own chunk costs one encode per element, so that array is smaller.
CHUNKED_SHAPES = {"ragged": SHAPE, "one": (3, 4)}
METADATA_KEYS = {"zarr.json", ".zarray", ".zattrs", ".zgroup"}

# Compressible: long runs of equal values, which every compressor here must shrink.
RUNS = np.repeat(np.arange(40, dtype="int32"), 40).reshape(40, 40)


def write(codec_name, data, zarr_format, chunks, store=None, **kwargs) -> zarr.Array:
    array = zarr.create_array(store if store is not None else zarr.storage.MemoryStore(), shape=data.shape,
                              chunks=chunks, dtype=data.dtype, zarr_format=zarr_format,
                              **codec(codec_name).create_args(data.dtype, zarr_format), **kwargs)
    array[...] = data
    return array


def written_in(chunking: str, codec_name, data, zarr_format) -> tuple[zarr.Array, np.ndarray]:
    """`data` written with the codec, in the named chunking of its shape; and `data` itself."""
    return write(codec_name, data, zarr_format, chunkings(data.shape)[chunking]), data


def stored_chunk_bytes(store) -> int:
    async def total():
        sizes = [len(await store.get(key, prototype=default_buffer_prototype())) async for key in store.list()
                 if key.rsplit("/", 1)[-1] not in METADATA_KEYS]
        return sum(sizes)

    return sync(total())


def metadata_document(store, zarr_format: int) -> dict:
    key = ".zarray" if zarr_format == 2 else "zarr.json"
    return json.loads(sync(store.get(key, prototype=default_buffer_prototype())).to_bytes())


# ---------------------------------------------------------------- round trips


# A one-element chunk holding reference_array's -0.0 is all "zero" to a numeric comparison.
SIGNED_ZERO = upstream_bug("zarr-developers/zarr-python#3144", "3.1.2",
                           "a chunk of -0.0 counts as empty for a 0.0 fill value and is not stored")


def with_chunkings(cases, bit_exact: bool) -> list:
    """Each (codec, dtype) case on ragged chunks and on one-element chunks (where a bit-exact
    float comparison meets #3144; a tolerance takes -0.0 for 0.0)."""
    def marks(dtype, chunking):
        return SIGNED_ZERO if bit_exact and chunking == "one" and np.dtype(dtype).kind == "f" else ()

    return [pytest.param(*case.values, chunking, id=f"{case.id}-{chunking}", marks=marks(case.values[1], chunking))
            for case in cases for chunking in ("ragged", "one")]


@pytest.mark.parametrize("codec_name, dtype, chunking",
                         with_chunkings(codec_dtype_cases(LOSSLESS_CODECS, DTYPES), bit_exact=True))
def test_lossless_codec_round_trips_bit_exact(codec_name, dtype, chunking, zarr_format):
    array, data = written_in(chunking, codec_name, reference_array(CHUNKED_SHAPES[chunking], dtype), zarr_format)
    assert_identical(zarr.open_array(array.store, mode="r")[...], data)


@pytest.mark.parametrize("codec_name, dtype", codec_dtype_cases(LOSSLESS_CODECS, ("int16", "float64", "complex64")))
def test_lossless_codec_partial_overwrite_keeps_the_rest(codec_name, dtype, zarr_format):
    """A write across chunk edges decodes, patches and re-encodes each chunk it touches."""
    data = reference_array(SHAPE, dtype)
    array = write(codec_name, data, zarr_format, chunkings(SHAPE)["ragged"])
    patch = reference_array((3, 4), dtype)[::-1]
    array[1:4, 2:6] = patch
    expected = data.copy()
    expected[1:4, 2:6] = patch
    assert_identical(array[...], expected)


def finite_values(shape, dtype) -> np.ndarray:
    """Reference values a scale-offset codec can represent: NaN and the infinities replaced, and
    magnitudes within 30, far inside the int32 range after scaling."""
    data = reference_array(shape, dtype) / np.array(10, dtype)
    data[~np.isfinite(data)] = 0.5
    return data


@pytest.mark.parametrize("codec_name, dtype, chunking",
                         with_chunkings(codec_dtype_cases(LOSSY_CODECS, DTYPES), bit_exact=False))
def test_lossy_codec_stays_within_its_tolerance(codec_name, dtype, chunking, zarr_format):
    array, data = written_in(chunking, codec_name, finite_values(CHUNKED_SHAPES[chunking], dtype), zarr_format)
    read = array[...]
    assert read.dtype == data.dtype
    assert_close(read, data, codec(codec_name).tolerance)


# FixedScaleOffset casts to integers, which have no NaN; numcodecs has an open request for a NaN sentinel.
NAN_LOSS = {"fso-zstd": upstream_bug("zarr-developers/numcodecs#511", None,
                                     "FixedScaleOffset turns NaN into the integer minimum (a large negative number)")}


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning",
                            "ignore:overflow encountered in cast:RuntimeWarning")
@pytest.mark.parametrize("codec_name, dtype", [
    pytest.param(*case.values, id=case.id, marks=NAN_LOSS.get(case.values[0], ()))
    for case in codec_dtype_cases(LOSSY_CODECS, DTYPES)])
def test_lossy_codec_keeps_nan(codec_name, dtype, zarr_format):
    data = finite_values(SHAPE, dtype)
    data[1, 2] = np.nan
    array = write(codec_name, data, zarr_format, chunkings(SHAPE)["ragged"])
    assert_close(array[...], data, codec(codec_name).tolerance)


@pytest.mark.parametrize("codec_name, dtype", codec_dtype_cases(LOSSY_CODECS, DTYPES))
def test_lossy_codec_unwritten_chunks_read_the_nan_fill(codec_name, dtype, zarr_format):
    """A NaN fill never goes through the codec: unwritten chunks must read NaN, written ones within tolerance."""
    data = finite_values(SHAPE, dtype)
    array = zarr.create_array(zarr.storage.MemoryStore(), shape=SHAPE, chunks=(3, 4), dtype=dtype,
                              fill_value=np.nan, zarr_format=zarr_format,
                              **codec(codec_name).create_args(dtype, zarr_format))
    array[:3, :4] = data[:3, :4]
    expected = np.full(SHAPE, np.nan, dtype)
    expected[:3, :4] = data[:3, :4]
    assert_close(array[...], expected, codec(codec_name).tolerance)
    assert np.isnan(array[3:, :]).all() and np.isnan(array[:, 4:]).all()


# ---------------------------------------------------------------- sharding (v3)

SHARD_SHAPE = (10, 7)


@pytest.mark.parametrize("layout", ("exact", "ragged"))
@pytest.mark.parametrize("codec_name, dtype", codec_dtype_cases(LOSSLESS_CODECS, ("uint16", "float64")))
def test_v3_sharded_round_trip_is_bit_exact(codec_name, dtype, layout):
    """Codecs run inside each shard; a second, misaligned write re-encodes shards partly covered."""
    inner, shard = sharded_layouts(SHARD_SHAPE)[layout]
    data = reference_array(SHARD_SHAPE, dtype)
    array = write(codec_name, data, 3, inner, shards=shard)
    patch = reference_array((4, 3), dtype)[::-1, ::-1]
    array[5:9, 2:5] = patch
    data[5:9, 2:5] = patch
    assert_identical(zarr.open_array(array.store, mode="r")[...], data)


@pytest.mark.parametrize("index_location", ("start", "end"))
def test_v3_sharding_codec_as_serializer_round_trips(index_location):
    data = reference_array(SHARD_SHAPE, "int32")
    sharding = ShardingCodec(chunk_shape=(2, 3), codecs=[BytesCodec(), ZstdCodec(level=3)],
                             index_location=index_location)
    store = zarr.storage.MemoryStore()
    array = zarr.create_array(store, shape=SHARD_SHAPE, chunks=(4, 6), dtype="int32", serializer=sharding,
                              compressors=None, filters=None)
    array[...] = data
    assert_identical(zarr.open_array(store, mode="r")[...], data)
    (stored,) = metadata_document(store, 3)["codecs"]
    assert stored["name"] == "sharding_indexed"
    assert stored["configuration"]["index_location"] == index_location
    assert stored["configuration"]["chunk_shape"] == [2, 3]
    assert [c["name"] for c in stored["configuration"]["codecs"]] == ["bytes", "zstd"]


def test_v3_sharded_metadata_puts_compressor_inside_the_shard():
    inner, shard = sharded_layouts(SHARD_SHAPE)["ragged"]
    store = zarr.storage.MemoryStore()
    write("gzip", reference_array(SHARD_SHAPE, "float32"), 3, inner, store=store, shards=shard)
    (stored,) = metadata_document(store, 3)["codecs"]
    assert stored["name"] == "sharding_indexed"
    assert stored["configuration"]["chunk_shape"] == list(inner)
    assert [c["name"] for c in stored["configuration"]["codecs"]] == ["bytes", "gzip"]
    assert metadata_document(store, 3)["chunk_grid"]["configuration"]["chunk_shape"] == list(shard)


# ---------------------------------------------------------------- compression is applied


def test_no_compression_stores_the_raw_bytes(zarr_format):
    store = zarr.storage.MemoryStore()
    write("none", RUNS, zarr_format, (20, 20), store=store)
    assert stored_chunk_bytes(store) == RUNS.nbytes


@pytest.mark.parametrize("codec_name", [name for name in LOSSLESS_CODECS if name != "none"])
def test_compressor_shrinks_the_stored_chunks(codec_name, zarr_format):
    store = zarr.storage.MemoryStore()
    write(codec_name, RUNS, zarr_format, (20, 20), store=store)
    assert stored_chunk_bytes(store) < RUNS.nbytes // 2


# ---------------------------------------------------------------- metadata names the codecs


def _sample_dtype(codec_name) -> np.dtype:
    return np.dtype(next(d for d in ("int32", "float32") if codec(codec_name).supports(d)))


V3_BLOSC_SHUFFLE = {"noshuffle": numcodecs.Blosc.NOSHUFFLE, "shuffle": numcodecs.Blosc.SHUFFLE,
                    "bitshuffle": numcodecs.Blosc.BITSHUFFLE}


def as_numcodecs(entry: dict):
    """The numcodecs codec a v3 codec entry describes: zstd, gzip and numcodecs.* share numcodecs'
    ids and parameter names; blosc spells shuffle as a word and adds the typesize."""
    name, config = entry["name"], dict(entry.get("configuration", {}))
    if name == "blosc":
        return numcodecs.Blosc(cname=config["cname"], clevel=config["clevel"],
                               shuffle=V3_BLOSC_SHUFFLE[config["shuffle"]], blocksize=config["blocksize"])
    return numcodecs.get_codec({"id": name.removeprefix("numcodecs."), **config})


@pytest.mark.parametrize("codec_name", [name for name in LOSSLESS_CODECS + LOSSY_CODECS if name != "zarr-default"])
def test_v3_metadata_lists_the_codec_chain(codec_name):
    """Filters, the little-endian bytes serializer, then compressors, each with the parameters asked
    for. The expectation is the catalogue's numcodecs (v2) form of the same pipeline, so it does not
    depend on how zarr serializes its own codec objects."""
    dtype = _sample_dtype(codec_name)
    store = zarr.storage.MemoryStore()
    zarr.create_array(store, shape=(4,), dtype=dtype, zarr_format=3, **codec(codec_name).create_args(dtype, 3))
    chain = metadata_document(store, 3)["codecs"]
    serializer = [entry["name"] for entry in chain].index("bytes")
    assert chain[serializer].get("configuration", {}).get("endian") == "little"
    expected = codec(codec_name).create_args(dtype, 2)
    assert [as_numcodecs(entry) for entry in chain[:serializer]] == list(expected["filters"] or [])
    compressors = chain[serializer + 1:]
    expected_compressors = [expected["compressors"]] if expected["compressors"] else []
    assert [as_numcodecs(entry) for entry in compressors] == expected_compressors
    for entry in compressors:
        if entry["name"] == "blosc":
            assert entry["configuration"]["typesize"] == dtype.itemsize, "blosc typesize is the dtype's item size"


@pytest.mark.parametrize("codec_name", [name for name in LOSSLESS_CODECS + LOSSY_CODECS if name != "zarr-default"])
def test_v2_metadata_lists_the_filters_and_compressor(codec_name):
    """Compared as numcodecs codecs, so that defaults zarr leaves out of the JSON compare equal."""
    dtype = _sample_dtype(codec_name)
    args = codec(codec_name).create_args(dtype, 2)
    store = zarr.storage.MemoryStore()
    zarr.create_array(store, shape=(4,), dtype=dtype, zarr_format=2, **args)
    document = metadata_document(store, 2)
    assert [numcodecs.get_codec(f) for f in document["filters"] or []] == list(args["filters"] or [])
    stored_compressor = document["compressor"] and numcodecs.get_codec(document["compressor"])
    assert stored_compressor == args["compressors"]


def test_default_codecs_compress_and_are_recorded(zarr_format):
    """With no codec given zarr picks a compressor; it must be in the metadata and applied to the bytes."""
    store = zarr.storage.MemoryStore()
    write("zarr-default", RUNS, zarr_format, (20, 20), store=store)
    document = metadata_document(store, zarr_format)
    if zarr_format == 2:
        assert document["compressor"] is not None
        numcodecs.get_codec(document["compressor"])
    else:
        names = [c["name"] for c in document["codecs"]]
        assert names[0] == "bytes" and len(names) > 1, f"no compressor after the serializer: {names}"
    assert stored_chunk_bytes(store) < RUNS.nbytes // 2
