"""Filling a large array on the dask cluster, when the dask executor is selected: one task per write
region (whole chunks or shards, about SLAB_BYTES of values), each generating its own rows from the
seed and writing them, so that every worker prepares the full tier at once while holding one region
per thread. Only arrays too big for memory go this way (the smaller ones are generated once, whole,
in this process), on the stores the dask executor uses (the workers open them for themselves)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import zarr
import zarr.abc.store

from zarrgauge import progress
from zarrgauge.catalogue.cases import ArrayCase
from zarrgauge.catalogue.executors import DASK_STORES
from zarrgauge.harness.dask.runs import worker_store
from zarrgauge.harness.data import arrays

if TYPE_CHECKING:
    from distributed import Client


def fills_on_cluster(case: ArrayCase) -> bool:
    return case.store in DASK_STORES and not case.source.fits_in_memory


def _write_region(store: zarr.abc.store.Store, case: ArrayCase, region: tuple[slice, ...]) -> None:
    zarr.open_array(store, mode="r+")[region] = case.source.read(region)


def fill_on_cluster(client: Client, case: ArrayCase, array: zarr.Array) -> zarr.Array:
    """The case's values into `array`, a task per write region of arrays.fill; a progress bar as they finish."""
    from distributed import as_completed

    regions = arrays.write_regions(case)
    store = worker_store(array)
    futures = [client.submit(_write_region, store, case, region, pure=False) for region in regions]
    with progress.bar(f"writing {case.id} on the dask cluster", len(regions), "region") as bar:
        for future in as_completed(futures, loop=client.loop):
            future.result()  # a task's error, raised here
            bar.update()
    return array
