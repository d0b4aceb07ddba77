"""The xarray path: the series as a CF-style dataset opened with xarray.open_zarr (consolidated), timed
as pytest times it (zarrgauge.harness.measure.dataset_timing): time and store requests."""

from __future__ import annotations

import functools
from pathlib import Path

import dask
import zarr.storage

from zarrgauge.catalogue import datasets as declared
from zarrgauge.catalogue.datasets import DATASET_OPERATIONS
from zarrgauge.harness.data import datasets
from zarrgauge.harness.measure import oracle
from zarrgauge.harness.measure.counting_store import CountingStore
from zarrgauge.harness.measure.dataset_timing import SCHEDULER

from .common import ARRAY_CASES, FILL_TIMEOUT, TIER, Checked, case_definition, make_classes, store_requests

DATASET_CASES = [case for case in ARRAY_CASES if case.operations & set(DATASET_OPERATIONS)]


def fill_datasets() -> dict[str, str]:
    """Write the dataset of every selected case this xarray can write into asv's setup_cache directory
    (the working directory, which asv removes); return the directory of each, by what the case stores."""
    paths: dict[str, str] = {}
    for case in DATASET_CASES:
        if datasets.missing_support(case) is None and case.stored_id not in paths:
            path = Path.cwd() / f"dataset-{len(paths):04d}.zarr"
            datasets.write(case, zarr.storage.LocalStore(path))
            paths[case.stored_id] = str(path)
    return paths


class OnDataset(Checked):
    def setup_cache(self):
        return fill_datasets()

    setup_cache.timeout = FILL_TIMEOUT[TIER]

    def setup(self, paths):
        if self.case.stored_id not in paths:
            raise NotImplementedError(datasets.missing_support(self.case))  # asv reports a skip, not a failure
        dask.config.set(scheduler=SCHEDULER)
        self.store = CountingStore(zarr.storage.LocalStore(paths[self.case.stored_id], read_only=True))
        op = DATASET_OPERATIONS[self.operation]
        self.prepared = op.prepare(self.case.source)
        self.target = functools.partial(datasets.open_dataset, self.store, self.case) if op.opens else \
            datasets.open_dataset(self.store, self.case)

    def teardown(self, paths):
        self.check_result()

    def run(self):
        self.keep(DATASET_OPERATIONS[self.operation].run(self.target, self.prepared))

    def check(self, result):
        op = DATASET_OPERATIONS[self.operation]
        oracle.assert_matches(result, op.expect(self.case.source, self.prepared), max(self.case.atol, op.tolerance))

    def requests(self) -> int:
        with dask.config.set(scheduler="synchronous"):
            return store_requests(self.store, self.run)


def _methods(operation: str) -> dict[str, tuple]:
    return {f"time_{operation}": (OnDataset.run, None), "track_store_requests": (OnDataset.requests, "requests")}


def _definition(case) -> dict:
    """The case's, and the dataset's own: its variable, attributes and time axis."""
    return {**case_definition(case), "variable": declared.VARIABLE, "attrs": declared.DATASET_ATTRS,
            "variable_attrs": declared.VARIABLE_ATTRS, "coordinate_attrs": declared.COORDINATE_ATTRS,
            "time": declared.TIME_ENCODING, "pixel_metres": declared.PIXEL_METRES}


def _code(operation: str) -> tuple:
    op = DATASET_OPERATIONS[operation]
    return (op.prepare, op.run, op.expect, declared.coordinates, datasets.write, datasets.variable_encoding,
            datasets.open_dataset, fill_datasets)


globals().update(make_classes(__name__, DATASET_CASES, tuple(DATASET_OPERATIONS), OnDataset, _methods, _definition,
                              _code))
