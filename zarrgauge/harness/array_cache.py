"""Filled arrays shared between benchmarks of the same case."""

from __future__ import annotations

import zarr

from zarrgauge.catalogue.cases import ArrayCase
from zarrgauge.catalogue.data import WHOLE_BYTES
from zarrgauge.harness import arrays
from zarrgauge.harness.stores import Scratch, counted, discard, new_store


class ArrayCache:
    """Keeps every small case's filled array; at most one array too big for memory at a time. Cases
    that differ only in network or concurrency share one (ArrayCase.stored_id).

    Arrays sit behind a CountingStore so that benchmarks can record their store requests."""

    def __init__(self, scratch: Scratch) -> None:
        self.scratch = scratch
        self._arrays: dict[str, tuple[object, zarr.Array]] = {}

    def __call__(self, case: ArrayCase) -> zarr.Array:
        if case.stored_id not in self._arrays:
            if not case.source.fits_in_memory:
                self._evict_large()
            store = new_store(case.store, self.scratch)
            array = arrays.fill(case, arrays.create(case, counted(store, case.store, self.scratch)))
            self._arrays[case.stored_id] = (store, array)
        return self._arrays[case.stored_id][1]

    def _evict_large(self) -> None:
        for key, (store, array) in list(self._arrays.items()):
            if array.nbytes > WHOLE_BYTES:
                discard(store)
                del self._arrays[key]

    def clear(self) -> None:
        for store, _ in self._arrays.values():
            discard(store)
        self._arrays.clear()
