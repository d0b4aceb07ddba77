"""Engine adapters: write and read a case's array with one Zarr implementation each.

Declarations (names, capabilities) are in zarrgauge/catalogue/engines.py; an adapter here is
loaded only when its engine is used, so a missing package costs nothing until then.
"""

from __future__ import annotations

import importlib

from zarrgauge.catalogue.engines import ENGINES
from zarrgauge.engines.base import Engine

_ADAPTERS = {
    "zarr-python": "zarrgauge.engines.zarr_python:ZarrPython",
    "zarrs": "zarrgauge.engines.zarr_python:Zarrs",
    "tensorstore": "zarrgauge.engines.tensorstore:TensorStore",
    "zarr2": "zarrgauge.engines.zarr2:Zarr2",
    "zarrita.js": "zarrgauge.engines.zarrita:Zarrita",
    "h5py": "zarrgauge.engines.hdf5:H5py",
}


class Unavailable(Engine):
    """An engine whose adapter cannot load here, and why."""

    def __init__(self, spec, reason: str) -> None:
        super().__init__(spec)
        self.reason = reason

    def missing(self) -> str:
        return self.reason


def engine(name: str) -> Engine:
    module, _, attribute = _ADAPTERS[name].partition(":")
    try:
        adapter = getattr(importlib.import_module(module), attribute)
    except ImportError as error:
        return Unavailable(ENGINES[name], f"{error.name or error} is not installed ({ENGINES[name].install_hint})")
    return adapter(ENGINES[name])
