"""The series of one case as a CF-style dataset (catalogue/datasets.py): written, checked, opened, shared.

xarray writes the dataset (coordinates, attributes, the variable's metadata, consolidated metadata)
with `to_zarr(compute=False)`, then zarr fills the variable region by region as it fills the case's
array (harness/arrays.py), so the full tier's series never sits whole in memory. The variable gets
the chunks, shards and codecs zarr gives the case's array: xarray's own defaults differ (Blosc LZ4,
not Zstd, in format 2).
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import zarr
import zarr.storage

from zarrgauge import compat
from zarrgauge.catalogue.cases import ArrayCase
from zarrgauge.catalogue.datasets import (
    COORDINATE_ATTRS,
    DATASET_ATTRS,
    DIMS,
    TIME_ENCODING,
    VARIABLE,
    VARIABLE_ATTRS,
    coordinates,
)
from zarrgauge.harness.data import arrays
from zarrgauge.harness.data.array_cache import StoredCache
from zarrgauge.harness.data.stores import counted
from zarrgauge.harness.measure.counting_store import CountingStore
from zarrgauge.harness.measure.metrics import codec_description

# zarr warns that consolidated metadata is not in the v3 specification yet; it is what xarray users open.
CONSOLIDATED_WARNING = "Consolidated metadata is currently not part"


def _reference(case: ArrayCase) -> zarr.Array:
    """The case's array as arrays.create makes it, metadata only: what the variable must match."""
    return arrays.create(case, zarr.storage.MemoryStore())


def variable_encoding(case: ArrayCase) -> dict:
    """xarray's encoding of the variable: the case's chunks and shards, and the codecs zarr picks for its array."""
    reference = _reference(case)
    encoding = {"chunks": case.layout.chunks, "compressors": reference.compressors, "filters": reference.filters}
    if case.layout.shards:
        encoding["shards"] = case.layout.shards
    if case.zarr_format == 3:
        encoding["serializer"] = reference.serializer
    return encoding


@functools.cache
def missing_support(case: ArrayCase) -> str | None:
    """Why this xarray cannot write the case's dataset (zarrgauge.compat.xarray_problem), or None."""
    return compat.xarray_problem(case.zarr_format, case.layout.write_block, variable_encoding(case))


def _skeleton(case: ArrayCase):
    """The dataset, its variable a lazy dask array in write blocks (xarray wants them aligned to the shards)."""
    import dask.array
    import xarray

    source = case.source
    coords = {dim: xarray.Variable(dim, values, dict(COORDINATE_ATTRS[dim]), TIME_ENCODING if dim == "time" else None)
              for dim, values in coordinates(source.shape).items()}
    data = dask.array.empty(source.shape, dtype=source.dtype, chunks=case.layout.write_block)
    return xarray.Dataset({VARIABLE: (DIMS, data, dict(VARIABLE_ATTRS))}, coords=coords, attrs=dict(DATASET_ATTRS))


def write(case: ArrayCase, store) -> None:
    """The case's dataset into an empty store: metadata by xarray, consolidated; the values by zarr."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", CONSOLIDATED_WARNING, UserWarning)
        _skeleton(case).to_zarr(store, mode="w-", compute=False, consolidated=True, zarr_format=case.zarr_format,
                                encoding={VARIABLE: variable_encoding(case)})
    arrays.fill(case, zarr.open_array(store, path=VARIABLE, mode="r+"), f"the dataset of {case.id}")


def open_dataset(store, case: ArrayCase):
    """As a user opens it: xarray.open_zarr with consolidated metadata, zarr's format found by xarray, in the
    dask blocks of the case's open_chunks."""
    import xarray

    chunks = {"chunks": dict(zip(DIMS, case.layout.write_block))} if case.open_chunks == "shards" else {}
    return xarray.open_zarr(store, consolidated=True, **chunks)


def stored_variable(store) -> zarr.Array:
    return zarr.open_array(store, path=VARIABLE, mode="r")


def check(case: ArrayCase, store) -> None:
    """What xarray reads back is the dataset written: dimensions, attributes, CF time encoding, and a variable
    stored with the case's chunks, shards and codecs. The values are each workload's oracle's to check."""
    dataset = open_dataset(store, case)
    variable = dataset[VARIABLE]
    assert dict(dataset.attrs) == DATASET_ATTRS, dataset.attrs
    assert (variable.dims, variable.shape, variable.dtype) == (DIMS, case.source.shape, case.source.dtype)
    assert dict(variable.attrs) == VARIABLE_ATTRS, variable.attrs
    for dim in DIMS:
        assert dict(dataset[dim].attrs) == COORDINATE_ATTRS[dim], (dim, dataset[dim].attrs)
    assert {key: dataset["time"].encoding.get(key) for key in TIME_ENCODING} == TIME_ENCODING
    assert np.issubdtype(dataset["time"].dtype, np.datetime64), dataset["time"].dtype
    stored, reference = stored_variable(store), _reference(case)
    assert (stored.chunks, stored.shards) == (case.layout.chunks, case.layout.shards)
    assert codec_description(stored) == codec_description(reference), codec_description(stored)


class DatasetCache(StoredCache):
    """Every small case's dataset, written and checked once, behind a CountingStore for the store
    requests of the workloads."""

    def make(self, case: ArrayCase, store) -> tuple[CountingStore, int]:
        write(case, counted(store, case.store, self.scratch))
        check(case, store)
        return counted(store, case.store, self.scratch), stored_variable(store).nbytes
