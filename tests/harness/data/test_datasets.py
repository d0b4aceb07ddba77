"""The xarray path: which cases it times, the dataset as xarray reads it back, oracles that catch a dataset
a day out, and a timed workload's metrics. (benchmarks/test_xarray.py runs every workload once.)"""

import numpy as np
import pytest
import zarr

from zarrgauge import compat
from zarrgauge.catalogue import datasets as declared
from zarrgauge.catalogue.cases import array_cases
from zarrgauge.catalogue.datasets import DATASET_OPERATIONS, VARIABLE
from zarrgauge.harness.data import datasets
from zarrgauge.harness.data.stores import Scratch, counted, new_store
from zarrgauge.harness.measure.dataset_timing import time_dataset_operation
from zarrgauge.testing.benchmark import RecordingBenchmark

pytestmark = pytest.mark.filterwarnings("ignore:Consolidated metadata is currently not part:UserWarning")

BALANCED_V3 = "seasonal-series/chunks=8x64x64/zarr-default/v3/local"
BALANCED_V2 = "seasonal-series/chunks=8x64x64/zarr-default/v2/local"
SHARDED = "seasonal-series/chunks=4x32x64,shards=16x64x128/zarr-default/v3/local"
SHARDED_BY_SHARD = SHARDED + "/open-chunks=shards"


def _dataset_cases(tier: str = "quick") -> dict:
    return {case.id: case for case in array_cases(tier) if case.operations & set(DATASET_OPERATIONS)}


CASES = _dataset_cases()


def _written(case, scratch):
    store = counted(new_store(case.store, scratch), case.store, scratch)
    datasets.write(case, store)
    return store


def test_the_workloads_run_on_the_series_default_layout_in_both_formats_and_its_sharded_layout_opened_two_ways():
    assert set(CASES) == {BALANCED_V3, BALANCED_V2, SHARDED, SHARDED_BY_SHARD}
    for case in CASES.values():
        assert case.operations >= set(DATASET_OPERATIONS)
    for name in (BALANCED_V3, BALANCED_V2, SHARDED):
        assert CASES[name].operations - set(DATASET_OPERATIONS), f"{name}: a case of its own, not one the sweeps hold"
    assert CASES[SHARDED_BY_SHARD].stored_id == CASES[SHARDED].stored_id  # one dataset, opened two ways
    assert {case.layout.role for case in _dataset_cases("full").values()} == {"balanced", "sharded"}


def test_the_full_tier_is_one_daily_year_of_twelve_months():
    steps = CASES[BALANCED_V3].family.shapes["full"][0]
    time = declared.time_coordinate(steps)
    assert steps == 365 and time[0] == np.datetime64("2023-01-01") and time[-1] == np.datetime64("2023-12-31")
    spans = declared.month_spans(steps)
    assert len(spans) == 12 and spans[1] == (31, 59) and spans[-1] == (334, 365)


def test_xarray_reads_back_the_dataset_written_and_the_check_catches_what_differs(fresh_scratch):
    store = _written(CASES[BALANCED_V2], fresh_scratch)
    datasets.check(CASES[BALANCED_V2], store)
    with pytest.raises(AssertionError):
        datasets.check(CASES[SHARDED], store)  # another layout and format
    zarr.open_array(store, path=VARIABLE, mode="r+").attrs["units"] = "K"
    zarr.consolidate_metadata(store)
    with pytest.raises(AssertionError, match="degC|'K'"):
        datasets.check(CASES[BALANCED_V2], store)


@pytest.fixture(scope="module")
def a_day_late(tmp_path_factory):
    """The balanced v3 case's dataset written with every date one day late."""
    late = dict(declared.coordinates(CASES[BALANCED_V3].source.shape))
    late["time"] = late["time"] + np.timedelta64(1, "D")
    scratch = Scratch(tmp_path_factory.mktemp("late"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(datasets, "coordinates", lambda shape: late)
        store = _written(CASES[BALANCED_V3], scratch)
    yield store
    scratch.remove()


@pytest.mark.parametrize("name", DATASET_OPERATIONS)
def test_a_dataset_a_day_late_fails_every_oracle_but_the_pixel_s(name, a_day_late):
    if name == "xarray_sel_pixel":  # labelled by y and x alone: the same values
        time_dataset_operation(RecordingBenchmark(), CASES[BALANCED_V3], a_day_late, name)
        return
    with pytest.raises((AssertionError, KeyError)):  # KeyError: xarray finds no such day
        time_dataset_operation(RecordingBenchmark(), CASES[BALANCED_V3], a_day_late, name)


def test_a_timed_workload_records_the_dataset_s_shape_and_its_store_requests(fresh_scratch):
    store = _written(CASES[SHARDED], fresh_scratch)
    opened = RecordingBenchmark()
    time_dataset_operation(opened, CASES[SHARDED], store, "xarray_open")
    info = opened.extra_info
    assert info["operation"] == "xarray_open" and info["shards"] == [16, 64, 128] and info["zarr_format"] == 3
    assert info["dask_blocks"] >= 3 * 2 * 2 and info["dask_scheduler"] == "threads"
    # Consolidated: no listing; the metadata, then each coordinate's one chunk (xarray 2026.9 reads 9 objects).
    assert info["store_list"] == 0 and info["store_get"] >= 1 + 3
    selected = RecordingBenchmark()
    time_dataset_operation(selected, CASES[SHARDED], store, "xarray_sel_pixel")
    assert selected.extra_info["bytes_read"] > 0


def test_opened_with_chunks_of_the_shards_a_task_reads_a_whole_shard(fresh_scratch):
    store = _written(CASES[SHARDED], fresh_scratch)
    runs = {}
    for name in (SHARDED, SHARDED_BY_SHARD):
        runs[name] = RecordingBenchmark()
        time_dataset_operation(runs[name], CASES[name], store, "xarray_monthly_mean")
    by_shard, by_chunk = runs[SHARDED_BY_SHARD].extra_info, runs[SHARDED].extra_info
    assert by_shard["dask_chunks"] == [16, 64, 128] and by_shard["dask_blocks"] == 3 * 2 * 2 < by_chunk["dask_blocks"]
    assert by_shard["store_get"] + by_shard["store_get_partial"] < by_chunk["store_get"] + by_chunk["store_get_partial"]


def test_detection_names_what_this_xarray_cannot_write():
    assert compat.xarray_problem(3, (4, 4), {"chunks": (2, 2), "shards": (4, 4)}) is None
    problem = compat.xarray_problem(2, (4, 4), {"chunks": (2, 2), "shards": (4, 4)})
    assert problem and "xarray" in problem
