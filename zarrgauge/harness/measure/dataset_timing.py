"""Timing one xarray workload (catalogue/datasets.py) on a case's dataset, then checking it with the oracle.

Writing the dataset, and opening it for every workload but the opening itself, stay outside the timed
region. dask computes on its threaded scheduler, which xarray uses on one machine without a distributed
Client (named here, so that a Client of the same process never takes the work over). The store requests
and peak memory come from one more run on dask's synchronous scheduler, which makes them deterministic.
"""

from __future__ import annotations

import functools
import importlib.metadata

from zarrgauge.catalogue.cases import ArrayCase
from zarrgauge.catalogue.datasets import DATASET_OPERATIONS, VARIABLE
from zarrgauge.harness.data.datasets import open_dataset, stored_variable
from zarrgauge.harness.measure import oracle
from zarrgauge.harness.measure.contracts import Benchmark
from zarrgauge.harness.measure.counting_store import CountingStore
from zarrgauge.harness.measure.metrics import case_info
from zarrgauge.harness.measure.timing import deterministic_metrics, records_metrics
from zarrgauge.phases import phase

SCHEDULER = "threads"


def dataset_info(case: ArrayCase, store: CountingStore) -> dict:
    """The xarray release, and how the opened variable is split into dask blocks (xarray's choice, or chunks=
    the shards)."""
    data = open_dataset(store, case)[VARIABLE].data
    return {"xarray": importlib.metadata.version("xarray"), "dask_scheduler": SCHEDULER,
            "open_chunks": case.open_chunks,
            "dask_chunks": [int(size) for size in data.chunksize], "dask_blocks": int(data.npartitions)}


def time_dataset_operation(benchmark: Benchmark, case: ArrayCase, store: CountingStore, name: str) -> None:
    """Time xarray workload `name` on the case's dataset, then compare with the oracle; then, when timing,
    the deterministic metrics of one more run."""
    import dask

    op = DATASET_OPERATIONS[name]
    prepared = op.prepare(case.source)
    target = functools.partial(open_dataset, store, case) if op.opens else open_dataset(store, case)
    benchmark.group = case.group(name)
    benchmark.extra_info.update(case_info(case, stored_variable(store)), operation=name, **dataset_info(case, store))
    with dask.config.set(scheduler=SCHEDULER):
        with phase("timed rounds"):
            result = benchmark(op.run, target, prepared)
    with phase("oracle check"):
        oracle.assert_matches(result, op.expect(case.source, prepared), max(case.atol, op.tolerance))
    if records_metrics(benchmark):
        with dask.config.set(scheduler="synchronous"):
            benchmark.extra_info.update(deterministic_metrics(store, lambda: op.run(target, prepared)))
