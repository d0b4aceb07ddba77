"""zarr-python, with its default codec pipeline or with zarrs' (Rust) pipeline in its place."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import zarr
import zarr.storage

from zarrgauge.catalogue.interop import InteropCase, fill_scalar
from zarrgauge.engines.base import Engine


def create_args(case: InteropCase) -> dict:
    """zarr.create_array's arguments for the case's metadata document, through the public API."""
    meta = case.metadata()
    common = {"shape": tuple(meta["shape"]), "fill_value": fill_scalar(case.dtype, case.fill_value),
              "zarr_format": case.zarr_format}
    if case.zarr_format == 2:
        return {**common, "dtype": np.dtype(meta["dtype"]), "chunks": tuple(meta["chunks"]),
                "compressors": meta["compressor"], "filters": None, "order": meta["order"],
                "chunk_key_encoding": {"name": "v2", "separator": meta["dimension_separator"]}}
    codecs, chunks, shards = meta["codecs"], meta["chunk_grid"]["configuration"]["chunk_shape"], None
    if codecs[0]["name"] == "sharding_indexed":
        sharding = codecs[0]["configuration"]
        shards = {"shape": tuple(chunks), "index_location": sharding["index_location"]}
        codecs, chunks = sharding["codecs"], sharding["chunk_shape"]
    serializer = next(i for i, codec in enumerate(codecs) if codec["name"] == "bytes")
    return {**common, "dtype": meta["data_type"], "chunks": tuple(chunks), "shards": shards,
            "filters": codecs[:serializer], "serializer": codecs[serializer], "compressors": codecs[serializer + 1:],
            "chunk_key_encoding": meta["chunk_key_encoding"]}


class ZarrPython(Engine):
    package = "zarr"
    config: dict = {}

    def write(self, path: Path, case: InteropCase) -> None:
        with zarr.config.set(self.config):
            array = zarr.create_array(zarr.storage.LocalStore(path), **create_args(case))
            array[case.written] = case.values()

    def read(self, path: Path, case: InteropCase) -> np.ndarray:
        with zarr.config.set(self.config):
            array = zarr.open_array(zarr.storage.LocalStore(path, read_only=True), mode="r")
            self.check_pipeline(array)
            return array[...]

    def check_pipeline(self, array: zarr.Array) -> None:
        """Nothing to check for zarr's own pipeline."""


class Zarrs(ZarrPython):
    """strict: a codec or selection zarrs cannot handle raises, instead of quietly falling back to
    zarr-python's pipeline and passing for zarrs (zarrs-python #108)."""

    package = "zarrs"
    config = {"codec_pipeline.path": "zarrs.ZarrsCodecPipeline", "codec_pipeline.strict": True}

    def check_pipeline(self, array: zarr.Array) -> None:
        pipeline = type(array._async_array.codec_pipeline)
        if not pipeline.__module__.startswith("zarrs"):
            raise RuntimeError(f"zarr chose {pipeline.__qualname__}, not zarrs' pipeline")
