"""The conformance grid: dimensions every conformance module shares, declared once.

Conformance arrays are small on purpose (so every combination runs in CI) but always
exercise edge chunks: the shapes below are not multiples of the divisor chunkings.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np
import pytest
import zarr.storage
from zarr.core.buffer import default_buffer_prototype
from zarr.core.sync import sync

from zarrgauge.catalogue.codecs import CODECS, CodecSpec

if TYPE_CHECKING:
    from zarrgauge.catalogue.cases import ZarrFormat

# Lossless codecs in both formats; delta-zstd only applies to integers (CodecSpec.supports).
LOSSLESS_CODECS = ("none", "zarr-default", "blosc-lz4", "blosc-zstd5-bitshuffle", "blosc-zstd5-noshuffle",
                   "zstd", "gzip", "delta-zstd")
LOSSY_CODECS = ("fso-zstd",)


def codec(name: str) -> CodecSpec:
    return CODECS[name]


def chunkings(shape: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
    """Chunk shapes named by how they meet the array: one element, an exact divisor, ragged
    edge chunks, and one chunk larger than the whole array."""
    return {
        "one": tuple(1 for _ in shape),
        "divisor": tuple(_divisor(n) for n in shape),
        "ragged": tuple(max(1, (n * 2) // 3) if n > 1 else 1 for n in shape),
        "larger": tuple(n + 3 for n in shape),
    }


def _divisor(n: int) -> int:
    """The largest proper divisor of n (n itself when prime), so chunks tile exactly."""
    return next((d for d in range(n // 2, 0, -1) if n % d == 0 and d > 1), n)


def sharded_layouts(shape: tuple[int, ...]) -> dict[str, tuple[tuple[int, ...], tuple[int, ...]]]:
    """(inner chunks, shard shape) pairs for v3: shards tiling exactly and shards with ragged edges."""
    return {
        "exact": (tuple(max(1, n // 4) for n in shape), tuple(max(1, n // 4) * 2 for n in shape)),
        "ragged": (tuple(3 for _ in shape), tuple(6 for _ in shape)),
    }


def per_axis_selection(selection, ndim: int) -> tuple:
    """One selection item per axis: the Ellipsis and the missing trailing axes become full slices."""
    selection = selection if isinstance(selection, tuple) else (selection,)
    if any(item is Ellipsis for item in selection):
        at = next(i for i, item in enumerate(selection) if item is Ellipsis)
        selection = selection[:at] + (slice(None),) * (ndim - len(selection) + 1) + selection[at + 1:]
    return selection + (slice(None),) * (ndim - len(selection))


def numpy_orthogonal(shape: tuple[int, ...], chunks, selection) -> tuple[np.ndarray, ...]:
    """numpy's equivalent of an orthogonal selection: one integer array per axis, broadcast
    against each other (np.ix_ style); an integer becomes a 0-d array and drops its axis."""
    per_axis = []
    for size, sel in zip(shape, per_axis_selection(selection, len(shape))):
        if isinstance(sel, slice):
            per_axis.append(np.arange(size)[sel])
        elif np.ndim(sel) == 0:
            per_axis.append(np.asarray(sel))
        else:
            sel = np.asarray(sel)
            per_axis.append(np.flatnonzero(sel) if sel.dtype == bool else sel)
    kept = [axis for axis, ix in enumerate(per_axis) if ix.ndim]
    for position, axis in enumerate(kept):
        broadcast_shape = [1] * len(kept)
        broadcast_shape[position] = -1
        per_axis[axis] = per_axis[axis].reshape(broadcast_shape)
    return tuple(per_axis)


def block_region(shape: tuple[int, ...], chunks, selection) -> tuple[slice, ...]:
    """The array region that a block selection covers, computed from the chunk shape: one size per
    axis, or (a rectilinear grid) the sequence of each block's size along that axis."""
    region = []
    for size, chunk, sel in zip(shape, chunks, per_axis_selection(selection, len(shape))):
        bounds = _block_bounds(size, chunk)
        nblocks = len(bounds) - 1
        if isinstance(sel, slice):
            first, stop, step = sel.indices(nblocks)
            assert step == 1, "block selections take unit-step slices only"
        else:
            first, stop = sel % nblocks, sel % nblocks + 1
        region.append(slice(bounds[first], bounds[max(first, stop)]))
    return tuple(region)


def _block_bounds(size: int, chunk) -> list[int]:
    """Where each block along an axis starts, then where the last one ends (the axis' size)."""
    edges = [chunk] * -(-size // chunk) if np.ndim(chunk) == 0 else list(chunk)
    return [min(bound, size) for bound in np.cumsum([0, *edges]).tolist()]


def reference_array(shape: tuple[int, ...], dtype: str | np.dtype = "float64", seed: int = 0) -> np.ndarray:
    """Distinct, sign-mixed values with -0.0, NaN and infinities for floats: any misplaced element shows.
    Complex values pair two such arrays whose specials do not line up; records fill each field so."""
    rng = np.random.default_rng(seed)
    dt = np.dtype(dtype)
    if dt.names:
        values = np.empty(shape, dt)
        for offset, name in enumerate(dt.names, start=1):
            values[name] = reference_array(shape, dt[name], seed=seed + offset)
        return values
    if dt.kind in "SU":
        # Letters (beyond ASCII for str) of every length up to the width, the empty string included.
        width = dt.itemsize // (4 if dt.kind == "U" else 1)
        low, high = (ord("a"), ord("z")) if dt.kind == "S" else (0x3b1, 0x3c9)
        letters = rng.integers(low, high, size=(*shape, width), endpoint=True,
                               dtype=np.uint8 if dt.kind == "S" else np.uint32)
        letters[np.arange(width) >= rng.integers(0, width, size=shape, endpoint=True)[..., None]] = 0
        return letters.view(dt.newbyteorder("=")).reshape(shape).astype(dt)
    if dt.kind == "c":
        part = f"float{dt.itemsize * 4}"
        values = np.empty(shape, dt)
        values.real = reference_array(shape, part, seed=seed + 1)
        values.imag = np.flip(reference_array(shape, part, seed=seed + 2))
        return values
    if dt.kind == "f":
        values = (rng.standard_normal(shape) * 100).astype(dt)
        flat = values.reshape(-1)
        specials = np.array([-0.0, np.nan, np.inf, -np.inf], dtype=dt)[: flat.size]
        flat[: len(specials)] = specials
        return values
    if dt.kind in "iu":
        info = np.iinfo(dt)
        return rng.integers(max(info.min, -(2**40)), min(info.max, 2**40), size=shape, endpoint=True).astype(dt)
    if dt.kind == "b":
        return rng.random(shape) < 0.5
    raise ValueError(f"no reference values for dtype {dtype}")


def stored_keys(store) -> set[str]:
    """Every key the store holds, as zarr itself lists them."""

    async def collect() -> set[str]:
        return {key async for key in store.list()}

    return sync(collect())


def stored_value(store, key: str) -> bytes | None:
    """The raw bytes under `key`, or None when the store has no such key."""
    buffer = sync(store.get(key, prototype=default_buffer_prototype()))
    return None if buffer is None else buffer.to_bytes()


def stored_json(store, key: str):
    """The JSON document under `key` as written (Python's dialect, so bare NaN/Infinity parse), or None."""
    raw = stored_value(store, key)
    return None if raw is None else json.loads(raw)


@contextmanager
def reopened(store):
    """The same hierarchy through a fresh read-only store: the same object for memory, by path for
    local and zip (a zip store is closed first: that is what finishes writing it)."""
    if isinstance(store, zarr.storage.LocalStore):
        yield zarr.storage.LocalStore(store.root, read_only=True)
    elif isinstance(store, zarr.storage.ZipStore):
        store.close()
        assert store.path is not None, "the grid's zip stores are files"
        again = zarr.storage.ZipStore(store.path, mode="r")
        try:
            yield again
        finally:
            again.close()
    else:
        yield store


def codec_dtype_cases(names, dtypes) -> list:
    """(codec, dtype) params for exactly the dtypes each codec supports, so nothing is skipped."""
    return [pytest.param(name, dtype, id=f"{name}-{dtype}")
            for name in names for dtype in dtypes if codec(name).supports(dtype)]


def filled_array(store, zarr_format: ZarrFormat, shape, chunks, dtype, fill_value) -> tuple[zarr.Array, np.ndarray]:
    """An array holding reference values in every chunk, and those values."""
    values = reference_array(shape, dtype, seed=0)
    array = zarr.create_array(store, shape=shape, chunks=chunks, dtype=dtype, fill_value=fill_value,
                              zarr_format=zarr_format)
    array[...] = values
    return array, values
