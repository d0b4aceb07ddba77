"""zarr-python, with its default codec pipeline or with zarrs' (Rust) pipeline in its place."""

from __future__ import annotations

from pathlib import Path

import numcodecs
import numpy as np
import zarr
import zarr.storage
from zarr.storage import WrapperStore

from zarrgauge import cpus
from zarrgauge.catalogue.interop import STRING, InteropCase, fill_scalar
from zarrgauge.engines.base import Engine

SERIALIZERS = ("bytes", "vlen-utf8")


def create_args(case: InteropCase) -> dict:
    """zarr.create_array's arguments for the case's metadata document, through the public API."""
    meta = case.metadata()
    common = {"shape": case.shape, "zarr_format": case.zarr_format}
    dtype = str if case.dtype == STRING else np.dtype(meta["dtype"] if case.zarr_format == 2 else case.dtype)
    if case.defaults:
        return {**common, "dtype": dtype, "chunks": case.chunks}
    common |= {"fill_value": None if case.fill_value is None else fill_scalar(case.dtype, case.fill_value),
               "attributes": case.attributes()}
    if case.zarr_format == 2:
        return {**common, "dtype": dtype, "chunks": case.chunks,
                "compressors": meta["compressor"], "order": meta["order"],
                "filters": None if meta["filters"] is None else [numcodecs.get_codec(f) for f in meta["filters"]],
                "chunk_key_encoding": {"name": "v2", "separator": case.separator}}
    codecs, chunks, shards = meta["codecs"], meta["chunk_grid"]["configuration"]["chunk_shape"], None
    if codecs[0]["name"] == "sharding_indexed":
        sharding = codecs[0]["configuration"]
        shards = {"shape": tuple(chunks), "index_location": sharding.get("index_location", "end")}
        codecs, chunks = sharding["codecs"], sharding["chunk_shape"]
    serializer = next(i for i, codec in enumerate(codecs) if codec["name"] in SERIALIZERS)
    return {**common, "dtype": meta["data_type"], "chunks": tuple(chunks), "shards": shards,
            "filters": codecs[:serializer], "serializer": codecs[serializer], "compressors": codecs[serializer + 1:],
            "chunk_key_encoding": meta["chunk_key_encoding"], "dimension_names": meta.get("dimension_names")}


def local_root(array: zarr.Array) -> Path:
    """The directory of an array on a local store, under any wrappers (the counting store)."""
    store = array.store
    while isinstance(store, WrapperStore):
        store = store._store
    assert isinstance(store, zarr.storage.LocalStore), "engines beside zarr-python read local stores"
    return Path(store.root)


class ZarrPython(Engine):
    package = "zarr"
    config: dict = {}

    def bench_array(self, array: zarr.Array) -> zarr.Array:
        return array

    def write(self, path: Path, case: InteropCase) -> None:
        with zarr.config.set(self.config):
            array = zarr.create_array(zarr.storage.LocalStore(path), **create_args(case))
            array[case.written] = case.values()

    def read(self, path: Path, case: InteropCase) -> np.ndarray:
        with zarr.config.set(self.config):
            array = zarr.open_array(zarr.storage.LocalStore(path, read_only=True), mode="r")
            self.check_pipeline(array)
            return np.asarray(array[...])

    def properties(self, path: Path, case: InteropCase) -> dict:
        array = zarr.open_array(zarr.storage.LocalStore(path, read_only=True), mode="r")
        names = getattr(array.metadata, "dimension_names", None)  # v3 only
        said = {"attributes": array.attrs.asdict(), "dimension_names": None if names is None else list(names)}
        return {name: said[name] for name in case.properties()}

    def check_pipeline(self, array: zarr.Array) -> None:
        """Nothing to check for zarr's own pipeline."""


class Zarrs(ZarrPython):
    """strict: a codec or selection zarrs cannot handle raises, instead of quietly falling back to
    zarr-python's pipeline and passing for zarrs (zarrs-python #108)."""

    package = "zarrs"
    config = {"codec_pipeline.path": "zarrs.ZarrsCodecPipeline", "codec_pipeline.strict": True}

    def bench_array(self, array: zarr.Array) -> zarr.Array:
        """Reopened on the bare local store: zarrs reads and writes the files itself, in Rust."""
        with zarr.config.set(self.config):
            opened = zarr.open_array(zarr.storage.LocalStore(local_root(array)), mode="r+")
        self.check_pipeline(opened)
        return opened

    def bench_info(self) -> dict:
        """zarrs' thread pool is as large as the machine has cores unless threading.max_workers says."""
        return {**super().bench_info(), "engine_threads": zarr.config.get("threading.max_workers") or cpus.usable()}

    def check_pipeline(self, array: zarr.Array) -> None:
        pipeline = type(array._async_array.codec_pipeline)
        if not pipeline.__module__.startswith("zarrs"):
            raise RuntimeError(f"zarr chose {pipeline.__qualname__}, not zarrs' pipeline")
