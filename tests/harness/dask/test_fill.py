"""Arrays too big for memory are written on the dask cluster when the dask executor is selected: a task per
write region, every value the oracle's. The cluster test runs in test_executor.py's session
(on its LocalCluster); elsewhere it is skipped."""

import pytest
from distributed import get_task_stream

from zarrgauge.catalogue import data
from zarrgauge.catalogue.cases import array_cases
from zarrgauge.harness.dask.fill import fills_on_cluster
from zarrgauge.harness.data import arrays
from zarrgauge.harness.data.array_cache import ArrayCache
from zarrgauge.harness.session.session import SESSION


def series(tier: str, store: str = "local"):
    return next(case for case in array_cases(tier) if case.family.name == "seasonal-series"
                and case.layout.role == "balanced" and case.codec.name == "zarr-default" and case.zarr_format == 3
                and case.store == store)


def test_only_arrays_too_big_for_memory_on_the_local_store_are_written_on_the_cluster():
    assert fills_on_cluster(series("full"))
    assert not fills_on_cluster(series("quick"))
    assert not fills_on_cluster(series("quick", "memory"))


def test_a_large_array_is_written_by_the_workers_a_region_each(pytestconfig, scratch, monkeypatch):
    session = pytestconfig.stash[SESSION]
    if not session.dask_selected or session.dask.options.scheduler:
        pytest.skip("needs zarrgauge's own LocalCluster: select the dask executor (--zarr-executor=dask)")
    # The quick series (6 MiB) as if too big for memory, in 2 MiB regions: three regions of two block rows.
    monkeypatch.setattr(data, "WHOLE_BYTES", 2**20)
    monkeypatch.setattr(data, "SLAB_BYTES", 2 * 2**20)
    monkeypatch.setattr(arrays, "SLAB_BYTES", 2 * 2**20)
    case = series("quick")
    cache = ArrayCache(scratch, session.dask)
    with get_task_stream(session.dask.client()) as tasks:
        array = cache(case)
    try:
        assert sum(task["key"].startswith("_write_region") for task in tasks.data) == 3
        arrays.check_contents(case, array)
    finally:
        cache.clear()
