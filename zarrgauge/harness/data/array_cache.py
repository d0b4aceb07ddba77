"""Filled arrays (and datasets, harness/datasets.py) shared between benchmarks of the same case."""

from __future__ import annotations

import zarr
import zarr.abc.store

from zarrgauge.catalogue.cases import ArrayCase
from zarrgauge.catalogue.data import WHOLE_BYTES
from zarrgauge.harness.dask.cluster import DaskCluster
from zarrgauge.harness.dask.fill import fill_on_cluster, fills_on_cluster
from zarrgauge.harness.data import arrays
from zarrgauge.harness.data.stores import Scratch, counted, discard, new_store
from zarrgauge.phases import phase


class StoredCache:
    """Keeps what `make` stores for every small case; at most one case too big for memory at a time.
    Cases that differ only in network or concurrency share one (ArrayCase.stored_id)."""

    def __init__(self, scratch: Scratch) -> None:
        self.scratch = scratch
        self._stored: dict[str, tuple[zarr.abc.store.Store, object, int]] = {}

    def make(self, case: ArrayCase, store: zarr.abc.store.Store) -> tuple[object, int]:
        """What benchmarks get for the case, written into the fresh `store`, and its size in bytes."""
        raise NotImplementedError

    def __call__(self, case: ArrayCase):
        if case.stored_id not in self._stored:
            if not case.source.fits_in_memory:
                self._evict_large()
            with phase("filling"):
                store = new_store(case.store, self.scratch)
                self._stored[case.stored_id] = (store, *self.make(case, store))
        return self._stored[case.stored_id][1]

    def _evict_large(self) -> None:
        """Out of the disk before the next large array goes in."""
        for key, (store, _, nbytes) in list(self._stored.items()):
            if nbytes > WHOLE_BYTES:
                discard(store, now=True)
                del self._stored[key]

    def clear(self) -> None:
        for store, *_ in self._stored.values():
            discard(store)
        self._stored.clear()


class ArrayCache(StoredCache):
    """Filled arrays, behind a CountingStore so that benchmarks can record their store requests. Given the
    run's dask `cluster`, it writes the arrays too big for memory there (harness/dask/fill.py)."""

    def __init__(self, scratch: Scratch, cluster: DaskCluster | None = None) -> None:
        super().__init__(scratch)
        self.cluster = cluster

    def make(self, case: ArrayCase, store: zarr.abc.store.Store) -> tuple[zarr.Array, int]:
        array = arrays.create(case, counted(store, case.store, self.scratch))
        if self.cluster is not None and fills_on_cluster(case):
            fill_on_cluster(self.cluster.client(), case, array)
        else:
            arrays.fill(case, array)
        return array, array.nbytes
