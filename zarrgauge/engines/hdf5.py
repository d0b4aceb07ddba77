"""HDF5 through h5py: the baseline a user would pick instead of Zarr, for local benchmarks only.

Not the same stored bytes (HDF5 is another format): a file beside the zarr array, chunked like it
(HDF5 has no shards: zarr's `chunks`, the inner ones), zstd from hdf5plugin at the zarr default's level when the
array is compressed (none when it is not), filled from the array untimed; HDF5's chunk cache is off so that every
read decodes, as zarr's do."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import h5py
import hdf5plugin
import numpy as np
import zarr

from zarrgauge.engines.base import Engine
from zarrgauge.engines.zarr_python import local_root

DATASET = "data"
NO_CHUNK_CACHE = {"rdcc_nbytes": 0}
ZSTD_LEVEL = 0  # zarr's default zstd level (zarr-default codec)


def _create(path: Path, array: zarr.Array) -> h5py.Dataset:
    file = h5py.File(path, "w", **NO_CHUNK_CACHE)
    fill = np.asarray(array.fill_value, array.dtype)
    compression: Mapping[str, Any] = hdf5plugin.Zstd(clevel=ZSTD_LEVEL) if array.compressors else {}
    return file.create_dataset(DATASET, shape=array.shape, dtype=array.dtype, chunks=tuple(array.chunks),
                               fillvalue=fill, **compression)


def _copy(dataset: h5py.Dataset, array: zarr.Array) -> None:
    """The array's values, a band of whole chunks along the first axis at a time."""
    band = dataset.chunks[0]
    for start in range(0, array.shape[0], band):
        dataset[start:start + band] = array[start:start + band]
    dataset.file.flush()


class H5py(Engine):
    """Keeps its files open, one per zarr array: every benchmark of a filled array reads the same copy."""

    package = "h5py"

    def __init__(self, spec) -> None:
        super().__init__(spec)
        self._copies: dict[Path, h5py.Dataset] = {}

    def bench_array(self, array: zarr.Array) -> h5py.Dataset:
        """An HDF5 file beside the array with its values (none when it is fresh, for writes)."""
        path = local_root(array).with_suffix(".h5")
        if path not in self._copies or not self._copies[path].id.valid:
            dataset = _create(path, array)
            if array.nchunks_initialized:
                _copy(dataset, array)
            self._copies[path] = dataset
        return self._copies[path]

    def bench_info(self) -> dict:
        return {**super().bench_info(), "engine_threads": 1, "hdf5_version": h5py.version.hdf5_version}

    def own_files(self, view: h5py.Dataset) -> list[Path]:
        return [Path(view.file.filename)]

    def stored_bytes(self, view: h5py.Dataset) -> int:
        return Path(view.file.filename).stat().st_size
