"""tensorstore: its zarr3 driver for v3 and its zarr driver for v2, on absolute file paths, with
the cache pool off so that every read reaches the files."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import tensorstore as ts

from zarrgauge.catalogue.interop import InteropCase
from zarrgauge.engines.base import Engine
from zarrgauge.engines.zarr_python import local_root

NO_CACHE = {"cache_pool": {"total_bytes_limit": 0}}


def spec(path: Path, zarr_format: int) -> dict:
    return {"driver": "zarr3" if zarr_format == 3 else "zarr",
            "kvstore": {"driver": "file", "path": f"{path.resolve()}/"}, "context": NO_CACHE}


def as_chars(values: np.ndarray) -> np.ndarray:
    """Fixed-length bytes as tensorstore holds them: single bytes along a last dimension."""
    if values.dtype.kind != "S":
        return values
    return np.ascontiguousarray(values).view("S1").reshape(*values.shape, values.dtype.itemsize)


class TensorStore(Engine):
    package = "tensorstore"

    def write(self, path: Path, case: InteropCase) -> None:
        if case.defaults:
            store = ts.open(spec(path, case.zarr_format), create=True, dtype=ts.dtype(case.dtype), shape=case.shape,
                            chunk_layout=ts.ChunkLayout(chunk_shape=case.chunks)).result()
        else:
            metadata = {**case.metadata()}
            if case.zarr_format == 3:
                metadata.pop("attributes")  # the zarr3 driver writes none
            store = ts.open({**spec(path, case.zarr_format), "metadata": metadata}, create=True).result()
        store[case.written].write(as_chars(case.values())).result()

    def read(self, path: Path, case: InteropCase) -> np.ndarray:
        store = ts.open(spec(path, case.zarr_format), open=True, read=True).result()
        if np.dtype(store.dtype.numpy_dtype).kind != "S":
            return store.read().result()
        # Fixed-length bytes (v2 "|S4") are chars along a last dimension, which read() returns as numpy "|S0"
        # arrays of no data: copied into a numpy array of single bytes instead.
        chars = np.zeros(store.shape, "S1")
        ts.array(chars, copy=False).write(store).result()
        return chars.view(f"S{store.shape[-1]}").reshape(store.shape[:-1])

    def properties(self, path: Path, case: InteropCase) -> dict:
        """Dimension names as the domain's labels ("" for none); the zarr drivers expose no attributes."""
        if "dimension_names" not in case.properties():
            return {}
        labels = ts.open(spec(path, case.zarr_format), open=True, read=True).result().domain.labels
        return {"dimension_names": [label or None for label in labels] if any(labels) else None}

    def bench_array(self, array) -> TensorStoreArray:
        opened = ts.open(spec(local_root(array), array.metadata.zarr_format), open=True, read=True, write=True)
        return TensorStoreArray(opened.result())

    def bench_info(self) -> dict:
        """tensorstore's default thread pools are as large as the machine has cores, whatever CPUs the run
        is pinned to (it asks the hardware, not the affinity)."""
        return {**super().bench_info(), "engine_threads": os.cpu_count()}


class TensorStoreArray:
    """A TensorStore indexed as the timed operations index a zarr array: reads return numpy arrays
    and writes finish before they return."""

    def __init__(self, store: ts.TensorStore) -> None:
        self.store = store

    def __getitem__(self, selection) -> np.ndarray:
        return self.store[selection].read().result()

    def __setitem__(self, selection, values) -> None:
        self.store[selection].write(values).result()
