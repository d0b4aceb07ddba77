"""Timed operations on a stored array, each with its numpy oracle.

An operation is three functions: `prepare` (untimed: selections, masks), `run` (the timed part,
on the zarr array) and `expect` (the oracle, from the data source). Which families an operation
applies to follows from the family's axes, so the catalogue never lists them by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from zarrgauge.catalogue.data import Source
from zarrgauge.catalogue.datasets import DATASET_OPERATIONS
from zarrgauge.catalogue.families import Family
from zarrgauge.catalogue.layouts import Layout, grid_shape

if TYPE_CHECKING:
    import zarr

RANDOM_CHUNK_READS = 8
THRESHOLD = 0.5
MOVING_AVERAGE = np.ones(5) / 5
# float64 sums of at most a few thousand float32 values near 20, in another order: rounding stays below 1e-11.
SUMMATION_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Operation:
    name: str
    description: str
    applies: Callable[[Family], bool]
    prepare: Callable[[Source, Layout], Any]
    run: Callable[[Any, Any], Any]  # on the zarr array, another engine's view of it or numpy values alike
    expect: Callable[[Source, Any], Any]
    # The basic selections (ints and slices) the run reads, from the prepared arguments: for
    # counting the chunks it touches. None when the run reads otherwise.
    selections: Callable[[Any], list] | None = None
    # Beside the codec's: a run that may sum in another order than the oracle (a dask reduction) differs by rounding.
    tolerance: float = 0.0


def _read_each(array: zarr.Array, selections: list) -> list[np.ndarray]:
    return [array[sel] for sel in selections]


def _expect_each(source: Source, selections: list) -> list[np.ndarray]:
    return [source.read(sel) for sel in selections]


def _read(name: str, description: str, applies: Callable[[Family], bool],
          selections: Callable[[Source, Layout], list]) -> Operation:
    return Operation(name, description, applies, selections, _read_each, _expect_each, list)


def _full(source: Source, layout: Layout) -> list:
    return [(slice(None),) * len(source.shape)]


def _centre(source: Source, axis: str) -> int:
    return source.shape[source.family.axes.index(axis)] // 2


def _one_pixel_series(source: Source, layout: Layout) -> list:
    """All time steps of the pixel at the centre (and the middle z), in every channel."""
    return [tuple(slice(None) if ax in "tc" else _centre(source, ax) for ax in source.family.axes)]


def _one_step_window(source: Source, layout: Layout) -> list:
    """The tutorial's step 100 of 365, window of the first fifth in y and x (200x200 of 1000x2000)."""
    t = source.shape[source.family.axes.index("t")] * 100 // 365
    h = source.shape[source.family.axes.index("y")] // 5
    pick = {"t": t, "z": _centre(source, "z") if "z" in source.family.axes else 0,
            "y": slice(0, h), "x": slice(0, h), "c": slice(None)}
    return [tuple(pick[ax] for ax in source.family.axes)]


def _one_pixel_channels(source: Source, layout: Layout) -> list:
    """The centre pixel in every channel, at the middle of the other axes (a colour, a spectrum)."""
    return [tuple(slice(None) if ax == "c" else _centre(source, ax) for ax in source.family.axes)]


def _one_channel_plane(source: Source, layout: Layout) -> list:
    """The middle channel's whole y-x plane, at the middle of the other axes (one band, one stain)."""
    return [tuple(slice(None) if ax in "yx" else _centre(source, ax) for ax in source.family.axes)]


def _random_chunks(source: Source, layout: Layout) -> list:
    """Whole chunks at seeded random grid positions."""
    rng = np.random.default_rng(0)
    grid = grid_shape(source.shape, layout.chunks)
    picks = [tuple(int(rng.integers(0, n)) for n in grid) for _ in range(RANDOM_CHUNK_READS)]
    return [tuple(slice(i * c, (i + 1) * c) for i, c in zip(pick, layout.chunks)) for pick in picks]


IN_FLIGHT = (1, 2, 4, 8)  # chunks a chunk-by-chunk read keeps in flight, as the peer benchmark does


def _grid_blocks(source: Source, block: tuple[int, ...]) -> list:
    """Every block of the grid of `block`, in C order: the chunk-by-chunk reads of a whole array."""
    return [tuple(slice(i * n, min((i + 1) * n, size)) for i, n, size in zip(index, block, source.shape))
            for index in np.ndindex(*grid_shape(source.shape, block))]


def _each_chunk(source: Source, layout: Layout) -> list:
    """The write chunks (shards when sharded), every one."""
    return _grid_blocks(source, layout.write_block)


def _each_inner_chunk(source: Source, layout: Layout) -> list:
    return _grid_blocks(source, layout.chunks)


def _read_in_flight(in_flight: int) -> Callable[[Any, list], list[np.ndarray]]:
    """Each selection read on its own, `in_flight` at a time from as many threads (the caller's
    concurrency, as the peer's semaphore over async reads), in order."""
    def run(array, selections: list) -> list[np.ndarray]:
        if in_flight == 1:
            return _read_each(array, selections)
        with ThreadPoolExecutor(in_flight) as pool:
            return list(pool.map(array.__getitem__, selections))

    return run


def _throughput(family: Family) -> bool:
    return family.throughput


def _chunkwise_reads() -> list[Operation]:
    """The peer benchmark's chunk-by-chunk reads: every chunk, and every inner chunk of a sharded array,
    at each number of chunks in flight (the inner chunks' cases are the sharded layouts')."""
    return [Operation(f"read_{what}_{n}", f"read every {description} on its own, {n} in flight", _throughput,
                      blocks, _read_in_flight(n), _expect_each, list)
            for what, description, blocks in (("each_chunk", "chunk (shard)", _each_chunk),
                                               ("each_inner_chunk", "inner chunk", _each_inner_chunk))
            for n in IN_FLIGHT]


def _has(axes: str) -> Callable[[Family], bool]:
    return lambda family: set(axes) <= set(family.axes)


def _max_projection_run(array: zarr.Array, z: int) -> np.ndarray:
    return np.max(array[:, z], axis=0)


def _max_projection_expect(source: Source, z: int) -> np.ndarray:
    return np.max(source.read((slice(None), z)), axis=0)


def _zstack_crop(source: Source, layout: Layout) -> list:
    """One time point, every z, the tutorial's 100:156 crop scaled to the frame."""
    _, _, height, width = source.shape
    y0, x0, size = height * 100 // 256, width * 100 // 256, max(1, height * 56 // 256)
    return [(source.shape[0] // 2, slice(None), slice(y0, y0 + size), slice(x0, x0 + size))]


def _threshold_mask(source: Source, layout: Layout) -> np.ndarray:
    """The tutorial's `volume[volume > 0.5]`: the mask is computed from the oracle, untimed."""
    return source.whole() > THRESHOLD


def moving_average(values: np.ndarray) -> np.ndarray:
    return np.convolve(values, MOVING_AVERAGE, mode="same")


def _batched_moving_average(array: zarr.Array, batch: int) -> np.ndarray:
    """Chunk-aligned batches, each read with a halo so the result equals one whole-array pass."""
    halo, n = len(MOVING_AVERAGE) // 2, array.shape[0]
    out = np.empty(array.shape, dtype="f8")
    for start in range(0, n, batch):
        stop = min(start + batch, n)
        lo, hi = max(0, start - halo), min(n, stop + halo)
        smoothed = moving_average(array[lo:hi])
        out[start:stop] = smoothed[start - lo : start - lo + stop - start]
    return out


def seasonal_stats(values: np.ndarray) -> np.ndarray:
    """Per pixel, the mean and the standard deviation along time (axis 0), in float64."""
    return np.stack([values.mean(axis=0, dtype="f8"), values.std(axis=0, dtype="f8")])


def _batch_rows(source: Source, layout: Layout) -> int:
    return layout.write_block[0]


OPERATIONS: dict[str, Operation] = {
    op.name: op
    for op in (
        _read("read_full", "read the whole array", lambda fam: True, _full),
        _read("read_time", "read one pixel's series along time", _has("t"), _one_pixel_series),
        _read("read_space", "read one time step's spatial window", _has("tyx"), _one_step_window),
        _read("read_pixel", "read one pixel's values in every channel", _has("cyx"), _one_pixel_channels),
        _read("read_channel", "read one channel's plane", _has("cyx"), _one_channel_plane),
        _read("read_chunks", f"read {RANDOM_CHUNK_READS} whole chunks at random positions",
              lambda fam: len(fam.axes) > 1, _random_chunks),
        Operation("max_projection", "max over time at the middle z", _has("tz"),
                  lambda source, layout: _centre(source, "z"), _max_projection_run, _max_projection_expect),
        _read("zstack_crop", "every z of one time point, cropped", _has("tz"), _zstack_crop),
        Operation("threshold_mask", "select values above 0.5 through the mask API", _has("tz"),
                  _threshold_mask, lambda array, mask: array.vindex[mask],
                  lambda source, mask: source.whole()[mask]),
        Operation("batch_moving_average", "moving average over chunk-aligned batches", _has("n"),
                  _batch_rows, _batched_moving_average, lambda source, batch: moving_average(source.whole())),
        Operation("whole_moving_average", "moving average in one whole-array pass", _has("n"),
                  lambda source, layout: None, lambda array, _: moving_average(array[:]),
                  lambda source, _: moving_average(source.whole())),
        Operation("seasonal_stats", "per-pixel mean and standard deviation along time", _has("tyx"),
                  lambda source, layout: None, lambda array, _: seasonal_stats(array[:]),
                  lambda source, _: seasonal_stats(source.whole()), tolerance=SUMMATION_TOLERANCE),
        *_chunkwise_reads(),
    )
}

# Writes need a fresh store every round, so zarrgauge.harness.measure.timing.time_write times them rather
# than an Operation; they are named and described here beside the reads. The xarray workloads take a
# dataset, not an array: catalogue/datasets.py.
WRITES = {"write": "write the whole array", "partial_write": "write the tutorial's partial region",
          "round_trip": "read the whole array and write a copy of it (the peer benchmark's round trip)"}
TIMED_OPERATIONS = (*OPERATIONS, *WRITES, *DATASET_OPERATIONS)
