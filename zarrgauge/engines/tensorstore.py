"""tensorstore: its zarr3 driver for v3 and its zarr driver for v2, on absolute file paths, with
the cache pool off so that every read reaches the files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorstore as ts

from zarrgauge.catalogue.interop import InteropCase
from zarrgauge.engines.base import Engine

NO_CACHE = {"cache_pool": {"total_bytes_limit": 0}}


def spec(path: Path, zarr_format: int) -> dict:
    return {"driver": "zarr3" if zarr_format == 3 else "zarr",
            "kvstore": {"driver": "file", "path": f"{path.resolve()}/"}, "context": NO_CACHE}


class TensorStore(Engine):
    package = "tensorstore"

    def write(self, path: Path, case: InteropCase) -> None:
        metadata = {**case.metadata()}
        if case.zarr_format == 3:
            metadata.pop("attributes")
        store = ts.open({**spec(path, case.zarr_format), "metadata": metadata}, create=True).result()
        store[case.written].write(case.values()).result()

    def read(self, path: Path, case: InteropCase) -> np.ndarray:
        return ts.open(spec(path, case.zarr_format), open=True, read=True).result().read().result()
