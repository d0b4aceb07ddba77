"""A bounded sample of the user's array: whole regions spread over it, put together as one array.

The sample keeps the array's rank and proportions: each axis but a channel axis (held whole) shrinks
by the same factor until the sample fits the budget, and along each axis that shrinks, up to PIECES
runs of consecutive indices are taken, spread from the start to the end. The sample is the grid of
those runs: every region is a block of the array as stored (smooth fields stay smooth, noise stays
noise), and no part of the array is favoured. The regions are read one at a time into a
memory-mapped .npy, so memory holds one region (and the source chunks zarr decodes for it), never
the sample.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
from tqdm import tqdm

from zarrgauge.advise.user_source import UserSource, source_error
from zarrgauge.catalogue.layouts import Shape

PIECES = 4  # runs per shrunk axis
MIN_RUN = 16  # a run shorter than this is no region: fewer, longer runs instead

Span = tuple[int, int]  # [start, stop) along one axis


def sample_shape(shape: Shape, itemsize: int, budget: int, whole: tuple[int, ...] = ()) -> Shape:
    """Each axis but those `whole` (channels) scaled by one factor so the sample holds at most `budget`
    bytes (the whole array if it fits)."""
    nbytes = math.prod(shape) * itemsize
    if nbytes <= budget:
        return tuple(shape)
    free = [a for a in range(len(shape)) if a not in whole]
    factor = (budget / nbytes) ** (1 / max(1, len(free)))
    target = [n if a in whole else max(1, int(n * factor)) for a, n in enumerate(shape)]
    # An axis held at 1 frees room for the others: spend it on the longest axes, one step at a time.
    for axis in sorted(free, key=lambda a: -shape[a]):
        while target[axis] < shape[axis] and math.prod(target) * itemsize * (target[axis] + 1) / target[axis] <= budget:
            target[axis] += 1
    return tuple(target)


def axis_spans(length: int, size: int) -> list[Span]:
    """Up to PIECES runs adding up to `size` indices, spread evenly over [0, length)."""
    if size >= length:
        return [(0, length)]
    pieces = max(1, min(PIECES, size // MIN_RUN))
    runs = [size // pieces + (i < size % pieces) for i in range(pieces)]
    if pieces == 1:
        start = (length - size) // 2
        return [(start, start + size)]
    gap = (length - size) / (pieces - 1)
    starts = [round(i * gap) + sum(runs[:i]) for i in range(pieces)]
    return [(start, start + run) for start, run in zip(starts, runs)]


def plan(shape: Shape, itemsize: int, budget: int, whole: tuple[int, ...] = ()) -> list[list[Span]]:
    target = sample_shape(shape, itemsize, budget, whole)
    return [axis_spans(n, size) for n, size in zip(shape, target)]


def write_sample(source: UserSource, budget: int, out: Path, show: bool = True, whole: tuple[int, ...] = ()) -> Shape:
    """Read the planned regions of `source` into the .npy `out`, in native byte order, every index of
    the axes `whole`; its shape."""
    spans = plan(source.shape, source.dtype.itemsize, budget, whole)
    shape = tuple(sum(stop - start for start, stop in axis) for axis in spans)
    sample = np.lib.format.open_memmap(out, mode="w+", dtype=source.dtype.newbyteorder("="), shape=shape)
    offsets = [np.cumsum([0] + [stop - start for start, stop in axis]) for axis in spans]
    regions = list(itertools.product(*(range(len(axis)) for axis in spans)))
    with tqdm(regions, desc="sampling", unit="region", disable=not show, mininterval=0.5) as progress:
        for picks in progress:
            into = tuple(slice(offsets[a][i], offsets[a][i + 1]) for a, i in enumerate(picks))
            region = tuple(slice(*spans[a][i]) for a, i in enumerate(picks))
            sample[into] = _read(source, region)
    sample.flush()
    del sample
    return shape


def _read(source: UserSource, region: tuple[slice, ...]) -> np.ndarray:
    try:
        return source.read(region)
    except Exception as error:  # a store that opened but fails to read: corrupt chunk, missing codec, I/O
        raise source_error(f"{source.name}: reading {region} failed: {type(error).__name__}: {error}") from None
