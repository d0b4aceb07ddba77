"""The xarray path: the series as a CF-style dataset, opened with xarray.open_zarr (consolidated): the
opening itself, one pixel's series and one day's map by label, and a monthly mean through groupby."""

import pytest

from zarrgauge.harness.measure.dataset_timing import time_dataset_operation

# zarr warns that consolidated metadata is not in the v3 specification yet; it is what xarray users open.
pytestmark = pytest.mark.filterwarnings("ignore:Consolidated metadata is currently not part:UserWarning")


def test_xarray_open(benchmark, case, operation, filled_dataset):
    """Time to the first array: open_zarr, then the variable and its coordinates."""
    time_dataset_operation(benchmark, case, filled_dataset, operation)


def test_xarray_sel_pixel(benchmark, case, operation, filled_dataset):
    time_dataset_operation(benchmark, case, filled_dataset, operation)


def test_xarray_sel_day(benchmark, case, operation, filled_dataset):
    time_dataset_operation(benchmark, case, filled_dataset, operation)


def test_xarray_monthly_mean(benchmark, case, operation, filled_dataset):
    time_dataset_operation(benchmark, case, filled_dataset, operation)
