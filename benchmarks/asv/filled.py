"""Operations on filled arrays (reads, volume, batch processing): time, peak memory, store requests."""

from __future__ import annotations

from zarrgauge.catalogue.operations import OPERATIONS
from zarrgauge.harness.measure import oracle

from .common import OnCatalogueCase, array_case_classes, fill_stores, open_filled, store_requests

# The reads whose memory matters: whole arrays, and the batched pass that should need less.
PEAK_MEMORY_OPERATIONS = ("read_full", "batch_moving_average", "whole_moving_average")


class OnFilledArray(OnCatalogueCase):
    def setup(self, stores):
        self.array = open_filled(self.case, stores)
        self.args = OPERATIONS[self.operation].prepare(self.case.source, self.case.layout)

    def teardown(self, stores):
        self.check_result()
        self.array.store.close()

    def run(self):
        self.keep(OPERATIONS[self.operation].run(self.array, self.args))

    def check(self, result):
        expected = OPERATIONS[self.operation].expect(self.case.source, self.args)
        oracle.assert_matches(result, expected, self.case.atol)

    def requests(self) -> int:
        return store_requests(self.array.store, self.run)


def _methods(operation: str) -> dict[str, tuple]:
    methods = {f"time_{operation}": (OnFilledArray.run, None),
               "track_store_requests": (OnFilledArray.requests, "requests")}
    if operation in PEAK_MEMORY_OPERATIONS:
        methods[f"peakmem_{operation}"] = (OnFilledArray.run, None)
    return methods


def _code(operation: str) -> tuple:
    op = OPERATIONS[operation]
    return op.prepare, op.run, op.expect, fill_stores, open_filled


def operation_classes(module: str, operations: tuple[str, ...]) -> dict[str, type]:
    return array_case_classes(module, operations, OnFilledArray, _methods, _code)
