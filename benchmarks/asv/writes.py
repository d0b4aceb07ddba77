"""Writes, each sample into a fresh store: the whole array (its first region when too big for
memory) and the tutorial's partial writes; with the stored size of every case."""

from __future__ import annotations

from zarrgauge.harness.data import arrays
from zarrgauge.harness.data.stores import discard, new_store
from zarrgauge.harness.measure import oracle
from zarrgauge.harness.measure.counting_store import CountingStore
from zarrgauge.harness.measure.metrics import stored_bytes

from .common import OnCatalogueCase, array_case_classes, fill_stores, open_filled, store_requests


class IntoFreshStore(OnCatalogueCase):
    # asv re-runs setup before every sample; one write per sample keeps each store fresh.
    number = 1

    def setup(self, stores):
        source, family = self.case.source, self.case.family
        partial = self.operation == "partial_write"
        self.region = family.partial_region(source.shape) if partial else arrays.write_regions(self.case)[0]
        self.values = source.read(self.region)
        self.stores = stores
        self.store = new_store(self.case.store, self.scratch())
        self.array = arrays.create(self.case, CountingStore(self.store))

    def teardown(self, stores):
        self.check_result()
        discard(self.store)

    def write(self):
        self.array[self.region] = self.values
        self.keep(self.array)

    def check(self, array):
        if self.case.source.fits_in_memory:
            arrays.check_contents(self.case, array)
        else:
            oracle.assert_matches(array[self.region], self.values, self.case.atol)

    def requests(self) -> int:
        return store_requests(self.array.store, self.write)

    def stored_bytes(self) -> int:
        """Of the whole case as written by setup_cache: a full-tier write times one region only."""
        return stored_bytes(open_filled(self.case, self.stores))

    def stored_fraction(self) -> float:
        return self.stored_bytes() / self.case.source.nbytes


def _methods(operation: str) -> dict[str, tuple]:
    methods = {f"time_{operation}": (IntoFreshStore.write, None),
               "track_store_requests": (IntoFreshStore.requests, "requests")}
    if operation == "write":
        methods.update(track_stored_bytes=(IntoFreshStore.stored_bytes, "bytes"),
                       track_stored_fraction=(IntoFreshStore.stored_fraction, "fraction"))
    return methods


def _code(operation: str) -> tuple:
    return arrays.create, arrays.write_regions, fill_stores, open_filled


globals().update(array_case_classes(__name__, ("write", "partial_write"), IntoFreshStore, _methods, _code))
