"""Decoding a stored chunk with each codec's own call, from the array's metadata alone: numcodecs'
decode for the compressors, filters and checksums, numpy views for the byte order and transposes.
No zarr object takes part, so what this costs is a floor of decoding, not zarr's way of doing it.

A v3 chain is `array -> array` codecs, one `array -> bytes` codec and `bytes -> bytes` codecs, and
decodes in reverse; a v2 chain is the filters, then the compressor. The sharding codec is not a
decoder: the floor plan (floor_plan.py) reads the shard index itself and decodes inner chunks with
the chain inside the shard.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Literal

import numcodecs
import numpy as np

# (stored bytes, a writable buffer of the decoded chunk's size) -> the chunk's values. The decompressor
# writes into the buffer, as an engine reusing its buffers would; other steps may allocate.
Decode = Callable[[object, object], np.ndarray]
_BYTES_TO_BYTES = {"zstd", "blosc", "gzip", "crc32c"}
_BLOSC_SHUFFLES = {"noshuffle": 0, "shuffle": 1, "bitshuffle": 2}


class UnknownCodec(ValueError):
    """A codec this module cannot decode without zarr: the read gets no floor."""


def v3_decoder(codecs: Sequence[dict], dtype: np.dtype, chunk_shape: tuple[int, ...]) -> Decode:
    """The decode of one chunk of a v3 array (or of one inner chunk of a shard) from its codecs'
    metadata (`{"name": ..., "configuration": ...}` as in zarr.json)."""
    names = [codec["name"] for codec in codecs]
    if "sharding_indexed" in names:
        raise UnknownCodec("a shard decodes per inner chunk: plan it with floor_plan")
    cut = next((i for i, name in enumerate(names) if name in _BYTES_TO_BYTES), len(codecs))
    arrays, serializer, compressors = codecs[:cut - 1], codecs[cut - 1], codecs[cut:]
    if serializer["name"] != "bytes":
        raise UnknownCodec(f"no floor for the serializer {serializer['name']!r}")
    bytes_steps = [_bytes_codec(codec) for codec in reversed(compressors)]
    endian = serializer.get("configuration", {}).get("endian", "little")
    stored_dtype = _stored_dtype(arrays, dtype).newbyteorder("<" if endian == "little" else ">")
    array_steps = [_array_codec(codec) for codec in reversed(arrays)]
    stored_shape = _stored_shape(arrays, chunk_shape)
    raw_bytes = math.prod(stored_shape) * stored_dtype.itemsize
    *checks, decompress = bytes_steps or [None]

    def decode(stored, out) -> np.ndarray:
        for codec in checks:
            stored = codec.decode(stored)
        stored = _decoded(decompress, stored, out, raw_bytes)
        values = np.frombuffer(stored, dtype=stored_dtype).reshape(stored_shape)
        for step in array_steps:
            values = step(values)
        return values

    return decode


def v2_decoder(compressor: dict | None, filters: Sequence[dict] | None, dtype: np.dtype,
               chunk_shape: tuple[int, ...], order: Literal["C", "F"]) -> Decode:
    """The decode of one chunk of a v2 array: the compressor, then the filters in reverse."""
    decompress = numcodecs.get_codec(dict(compressor)) if compressor else None
    unfilter = [numcodecs.get_codec(dict(config)) for config in reversed(filters or ())]
    raw_bytes = math.prod(chunk_shape) * _stored_dtype(filters or (), dtype).itemsize

    def decode(stored, out) -> np.ndarray:
        data = _decoded(decompress, stored, out, raw_bytes)
        for codec in unfilter:
            data = codec.decode(data)
        return np.frombuffer(data, dtype=dtype).reshape(chunk_shape, order=order)

    return decode


def _decoded(codec, stored, out: np.ndarray, raw_bytes: int):
    """The last bytes step of a decode: a decompressor writes into `out` when it has room; a checksum's
    decode is a view that drops its last four bytes; no codec leaves the bytes as stored."""
    if codec is None:
        return stored
    if isinstance(codec, numcodecs.CRC32C) or raw_bytes > out.nbytes:
        return codec.decode(stored)
    return codec.decode(stored, out=out[:raw_bytes])


def _bytes_codec(codec: dict):
    config = dict(codec.get("configuration", {}))
    name = codec["name"]
    if name == "zstd":
        return numcodecs.Zstd(level=config.get("level", 0), checksum=config.get("checksum", False))
    if name == "blosc":
        return numcodecs.Blosc(cname=config.get("cname", "zstd"), clevel=config.get("clevel", 5),
                               shuffle=_BLOSC_SHUFFLES[config.get("shuffle", "noshuffle")])
    if name == "gzip":
        return numcodecs.GZip(level=config.get("level", 5))
    return numcodecs.CRC32C()  # the remaining member of _BYTES_TO_BYTES


def _array_codec(codec: dict) -> Callable[[np.ndarray], np.ndarray]:
    """An array -> array codec's decode: a transpose undone, or a numcodecs filter (delta, ...)."""
    config = dict(codec.get("configuration", {}))
    if codec["name"] == "transpose":
        inverse = np.argsort(config["order"])
        return lambda values: values.transpose(inverse)
    if not codec["name"].startswith("numcodecs."):
        raise UnknownCodec(f"no floor for the codec {codec['name']!r}")
    numcodec = numcodecs.get_codec({"id": codec["name"].removeprefix("numcodecs."), **config})
    return lambda values: np.asarray(numcodec.decode(values)).reshape(values.shape)


def _stored_dtype(filters: Sequence[dict], dtype: np.dtype) -> np.dtype:
    """The dtype a chunk reaches its serializer (v3) or compressor (v2) in: a filter's `astype`
    (fixedscaleoffset stores integers). v3 filters keep it in `configuration`, v2 ones at the top."""
    stored = np.dtype(dtype)
    for codec in filters:
        stored = np.dtype(codec.get("configuration", codec).get("astype", stored))
    return stored


def _stored_shape(arrays: Sequence[dict], chunk_shape: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of a chunk as its serializer stores it: transposed by every transpose codec."""
    shape = tuple(chunk_shape)
    for codec in arrays:
        if codec["name"] == "transpose":
            shape = tuple(shape[axis] for axis in codec["configuration"]["order"])
    return shape
