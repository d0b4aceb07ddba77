"""The processing workloads as dask graphs over a stored array: one task per write block (the shard
when sharded, else the chunk), so that no two tasks read or decode the same shard."""

from __future__ import annotations

import numpy as np
import zarr
import zarr.abc.store

from zarrgauge.catalogue.cases import ArrayCase
from zarrgauge.catalogue.operations import MOVING_AVERAGE, moving_average
from zarrgauge.harness.measure.counting_store import counting_store


def worker_store(array: zarr.Array) -> zarr.abc.store.Store:
    """The store under the array's CountingStore, which the workers open for themselves (they do their own
    I/O): a local directory by its path, or a bucket with its client's settings, credentials included,
    pickled into the graph."""
    return counting_store(array)._store


def dask_array(case: ArrayCase, array: zarr.Array):
    """The stored array as a dask array of write blocks, which each worker opens read-only itself."""
    import dask.array as da

    return da.from_zarr(zarr.open_array(worker_store(array), mode="r"), chunks=case.layout.write_block)


def store_requests(case: ArrayCase, array: zarr.Array, name: str, args: object) -> dict[str, int]:
    """The requests the graph's tasks make of the store and the bytes they read, counted on one more,
    untimed pass through the counting store in this process (dask's synchronous scheduler): the reads
    the workers make, task by task, without the workers."""
    import dask
    import dask.array as da

    graph = DASK_RUNS[name](da.from_zarr(array, chunks=case.layout.write_block), args)
    store = counting_store(array)
    store.reset()
    dask.compute(graph, scheduler="synchronous")
    counts = store.snapshot()
    return {"dask_store_reads": counts["get"] + counts["get_partial"], "dask_bytes_read": counts["bytes_read"]}


def _seasonal_stats(values, _):
    import dask.array as da

    return da.stack([values.mean(axis=0, dtype="f8"), values.std(axis=0, dtype="f8")])


def _batch_moving_average(values, _):
    """Each block with a halo of its neighbours' rows, as the batched zarr-python pass reads them."""
    return values.map_overlap(moving_average, depth=len(MOVING_AVERAGE) // 2, boundary="none", dtype="f8")


def _threshold_mask(values, mask: np.ndarray):
    return values[mask]


DASK_RUNS = {
    "batch_moving_average": _batch_moving_average,
    "max_projection": lambda values, z: values[:, z].max(axis=0),
    "threshold_mask": _threshold_mask,
    "seasonal_stats": _seasonal_stats,
}
