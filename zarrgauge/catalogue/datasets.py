"""The xarray path: the seasonal series as a CF-style dataset, and the workloads timed on it through
`xarray.open_zarr` (consolidated), each with its numpy oracle.

The dataset holds the series as one variable over a daily `time` coordinate starting on the first
day of a non-leap year (the full tier's 365 steps are that year), and `y`/`x` coordinates of pixel
centres 1 km apart, with CF attributes. Its variable is stored with the case's chunks, shards and
codecs (zarrgauge.harness.data.datasets), so its chunks hold the bytes of the case's own array.

Nothing here imports xarray: a workload's `run` gets the opened dataset (or, for the opening itself,
the function that opens it) and only calls its methods.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from zarrgauge.catalogue.data import Source

DATASET_FAMILY = "seasonal-series"
DATASET_LAYOUTS = ("balanced", "sharded")  # each in every zarr format that can store it (v2 has no shards)
DATASET_STORE = "local"
# How xarray.open_zarr splits the variable into dask blocks: left to xarray, a block per stored chunk (so a
# task per inner chunk of a shard, each reading the shard's index again), or chunks= the shard's shape,
# as its users are advised to open sharded data. Sharded layouts are opened both ways.
OPEN_CHUNKS = {"stored": "open_zarr's own choice, a dask block per stored chunk",
               "shards": "chunks= the shard shape, a dask block per shard"}
DEFAULT_OPEN_CHUNKS = "stored"
VARIABLE = "temperature"
DIMS = ("time", "y", "x")
FIRST_DAY = np.datetime64("2023-01-01", "D")
PIXEL_METRES = 1000.0
DATASET_ATTRS = {"Conventions": "CF-1.10", "title": "zarrgauge seasonal series",
                 "source": "zarrgauge family seasonal-series: normal(20, 5) + 10 sin(2 pi t / steps), seeded"}
VARIABLE_ATTRS = {"standard_name": "air_temperature", "long_name": "daily mean air temperature", "units": "degC"}
COORDINATE_ATTRS = {
    "time": {"standard_name": "time", "long_name": "time", "axis": "T"},
    "y": {"standard_name": "projection_y_coordinate", "long_name": "y of the pixel centre", "units": "m", "axis": "Y"},
    "x": {"standard_name": "projection_x_coordinate", "long_name": "x of the pixel centre", "units": "m", "axis": "X"},
}
# CF's encoding of the time coordinate on disk: whole days since the first.
TIME_ENCODING = {"units": f"days since {FIRST_DAY}", "calendar": "proleptic_gregorian"}
# xarray averages float32 in float32: a sum of n <= 31 days errs by at most (n - 1) 2^-24 sum|x|, so the
# mean by 30 * 6e-8 * mean|x|, which stays below 2e-4 while mean|x| stays below 100 (the series is 20 +- 15).
MONTHLY_MEAN_TOLERANCE = 2e-4


def time_coordinate(steps: int) -> np.ndarray:
    """Midnight of each day, in nanoseconds as xarray decodes it."""
    return (FIRST_DAY + np.arange(steps)).astype("M8[ns]")


def pixel_centres(size: int) -> np.ndarray:
    return (np.arange(size) + 0.5) * PIXEL_METRES


def coordinates(shape: tuple[int, ...]) -> dict[str, np.ndarray]:
    steps, height, width = shape
    return {"time": time_coordinate(steps), "y": pixel_centres(height), "x": pixel_centres(width)}


@dataclass(frozen=True)
class DatasetOperation:
    name: str
    description: str
    prepare: Callable[[Source], Any]  # untimed: the labels to select and where they are in the array
    run: Callable[[Any, Any], Any]  # timed: (the opened xarray.Dataset, prepared) -> numpy values
    expect: Callable[[Source, Any], Any]  # the oracle, from the family's generated values
    tolerance: float = 0.0
    opens: bool = False  # timed from the store: `run` gets the function that opens the dataset


def _first_variable(open_dataset: Callable[[], Any], _) -> list[np.ndarray]:
    """Open, then the variable's coordinates (in memory once opened, like its attributes and encoding)."""
    variable = open_dataset()[VARIABLE]
    return [variable["time"].values.astype("M8[ns]"), variable["y"].values, variable["x"].values]


def _centre_pixel(source: Source) -> tuple[dict, tuple]:
    """The labels of the centre pixel (read_time's), and its series' place in the array."""
    _, height, width = source.shape
    y, x = height // 2, width // 2
    return {"y": pixel_centres(height)[y], "x": pixel_centres(width)[x]}, (slice(None), y, x)


def _day_of_step_100(source: Source) -> tuple[dict, tuple]:
    """The tutorial's step 100 of 365 (read_space's) as a date string, and its map's place in the array."""
    step = source.shape[0] * 100 // 365
    return {"time": str(FIRST_DAY + np.timedelta64(step, "D"))}, (step,)


def _select(ds, prepared: tuple[dict, tuple]) -> np.ndarray:
    return ds.sel(**prepared[0])[VARIABLE].values


def _read(source: Source, prepared: tuple[dict, tuple]) -> np.ndarray:
    return source.read(prepared[1])


def month_spans(steps: int) -> list[tuple[int, int]]:
    """[start, stop) of each calendar month's days: one year at most, so each month is one span."""
    months = time_coordinate(steps).astype("M8[M]")
    starts = np.flatnonzero(np.r_[True, months[1:] != months[:-1]])
    return [(int(lo), int(hi)) for lo, hi in zip(starts, np.r_[starts[1:], steps])]


def _monthly_mean(ds, _) -> np.ndarray:
    return ds[VARIABLE].groupby("time.month").mean().values


def _monthly_mean_expect(source: Source, _) -> np.ndarray:
    """Month by month, so the full tier's series is never held whole."""
    return np.stack([source.read((slice(lo, hi),)).mean(axis=0, dtype="f8")
                     for lo, hi in month_spans(source.shape[0])])


DATASET_OPERATIONS: dict[str, DatasetOperation] = {
    op.name: op
    for op in (
        DatasetOperation("xarray_open", "open the dataset with xarray.open_zarr (consolidated) as far as its variable",
                         lambda source: None, _first_variable,
                         lambda source, _: list(coordinates(source.shape).values()), opens=True),
        DatasetOperation("xarray_sel_pixel", "xarray: ds.sel(y=, x=) of one pixel, its whole series",
                         _centre_pixel, _select, _read),
        DatasetOperation("xarray_sel_day", "xarray: ds.sel(time='YYYY-MM-DD'), one day's map",
                         _day_of_step_100, _select, _read),
        DatasetOperation("xarray_monthly_mean", "xarray: groupby('time.month').mean(), computed",
                         lambda source: None, _monthly_mean, _monthly_mean_expect, MONTHLY_MEAN_TOLERANCE),
    )
}
