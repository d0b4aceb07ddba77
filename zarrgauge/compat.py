"""Feature detection across zarr-python 3 releases (3.0 to 3.4 at least), and the versions that
results depend on. zarr and numcodecs are imported on first use, never when this module loads:
the catalogue and the results tooling import it without paying for them."""

from __future__ import annotations

import importlib
import importlib.metadata


class Deferred:
    """A module, or one of its attributes, imported when first used (looked into or called)."""

    def __init__(self, module: str, attribute: str | None = None) -> None:
        self._module, self._attribute = module, attribute

    def _target(self):
        module = importlib.import_module(self._module)
        return module if self._attribute is None else getattr(module, self._attribute)

    def __getattr__(self, name: str):
        return getattr(self._target(), name)

    def __call__(self, *args, **kwargs):
        return self._target()(*args, **kwargs)


def _numcodecs_v3_class(name: str):
    """zarr >= 3.1 ships numcodecs wrappers in zarr.codecs; 3.0 had them in numcodecs.zarr3."""
    import zarr.codecs

    if hasattr(zarr.codecs, name):
        return getattr(zarr.codecs, name)
    import numcodecs.zarr3

    return getattr(numcodecs.zarr3, name)


def v3_delta(**config):
    return _numcodecs_v3_class("Delta")(**config)


def v3_fixed_scale_offset(**config):
    return _numcodecs_v3_class("FixedScaleOffset")(**config)


def v3_quantize(**config):
    return _numcodecs_v3_class("Quantize")(**config)


def chunk_spec(array, shape: tuple[int, ...]):
    """What zarr's codecs take beside a chunk's bytes: its shape, dtype, fill value, memory order and
    buffer prototype. zarr 3.1's v3 metadata built it (`get_chunk_spec`), 3.4's no longer does; the
    ArraySpec constructor is the same in both, so it is built here as 3.4's reads do (format 2 keeps
    the memory order in its metadata, format 3 in the array's config)."""
    from dataclasses import replace

    from zarr.core.array_spec import ArraySpec
    from zarr.core.buffer import default_buffer_prototype

    meta = array.metadata
    config = replace(array.config, order=meta.order) if meta.zarr_format == 2 else array.config
    return ArraySpec(shape=shape, dtype=meta.dtype, fill_value=meta.fill_value, config=config,
                     prototype=default_buffer_prototype())


def codec_pipeline(array):
    """The codec pipeline zarr reads the array's chunks (or shards) with; private, the same from 3.1 to 3.4."""
    return array._async_array.codec_pipeline


async def shard_reader(shard_bytes, sharding_codec, chunks_per_shard: tuple[int, ...]):
    """zarr's own view of a whole shard's bytes: indexed by inner chunk position, it gives that
    chunk's bytes, or None for a chunk not stored. Private (zarr.codecs.sharding._ShardReader),
    the same from 3.1 to 3.4."""
    from zarr.codecs.sharding import _ShardReader

    return await _ShardReader.from_bytes(shard_bytes, sharding_codec, chunks_per_shard)


def xarray_problem(zarr_format: int, shape: tuple[int, ...], encoding: dict) -> str | None:
    """Why the installed xarray cannot write a float32 variable of this shape with this encoding (chunks, and
    shards, codecs) in this zarr format, consolidated, and open it again as written; None when it can. xarray
    came to zarr-python 3, to format 3 and to shards in an encoding in different releases: tried on the
    metadata alone (compute=False writes no chunk), never assumed from a version number."""
    import warnings

    try:
        import dask.array
        import xarray
        import zarr.storage

        store, dims = zarr.storage.MemoryStore(), tuple(f"d{axis}" for axis in range(len(shape)))
        data = dask.array.empty(shape, dtype="f4", chunks=encoding.get("shards") or encoding["chunks"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            xarray.Dataset({"v": (dims, data)}).to_zarr(store, compute=False, consolidated=True,
                                                        zarr_format=zarr_format, encoding={"v": encoding})
            opened = xarray.open_zarr(store, consolidated=True)["v"].encoding
    except (ImportError, TypeError, ValueError, KeyError, NotImplementedError) as error:
        return f"xarray {_version('xarray')} with zarr {_version('zarr')}: {str(error).splitlines()[0]}"
    for key in ("chunks", "shards"):
        if key in encoding and tuple(opened.get(key) or ()) != tuple(encoding[key]):
            return f"xarray {_version('xarray')} wrote {key} {opened.get(key)}, not {encoding[key]}"
    return None


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def versions() -> dict[str, str]:
    """Versions of everything whose speed or behaviour the results depend on."""
    return {name: _version(name) for name in ("zarr", "numcodecs", "numpy", "pytest-benchmark")}
