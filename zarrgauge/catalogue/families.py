"""Data families: the tutorial's arrays, generated deterministically from a seed.

Each family fills rows (indices along axis 0) from a per-row random stream seeded by
(seed, family, row), so any slab can be generated alone and always holds the same values.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from zarrgauge.catalogue.layouts import Shape

RowFiller = Callable[["Family", Shape, int, np.random.Generator], np.ndarray]


@dataclass(frozen=True, eq=False)
class Family:
    """An array shape per tier plus a rule that generates any of its rows.

    Compared and hashed by identity (eq=False): each family is one object, and Source's cache of
    whole arrays relies on hashing it (its shapes dict could not be hashed by value)."""

    name: str
    description: str
    dtype: str
    shapes: dict[str, Shape]
    fill_row: RowFiller
    axes: str  # one letter per axis: t(ime), c(hannel), z, y, x, n (sample)
    row_block: int = 1  # rows generated from one random stream (1-D signals use blocks)
    fill_value: float = 0
    partial_region: Callable[[Shape], tuple[slice | int, ...]] | None = None  # the tutorial's partial write
    # A throughput family is large, runs only when named (--zarr-family) and has sweeps of its own:
    # the peer benchmark's workload (catalogue/cases.py, _throughput_sweeps)
    throughput: bool = False

    def rng(self, seed: int, block: int) -> np.random.Generator:
        return np.random.default_rng([seed, zlib.crc32(self.name.encode()), block])

    def rows(self, shape: Shape, start: int, stop: int, seed: int) -> np.ndarray:
        """Rows [start, stop) of the array of this shape."""
        out = np.empty((stop - start, *shape[1:]), dtype=self.dtype)
        first, last = start // self.row_block, (stop - 1) // self.row_block
        for block in range(first, last + 1):
            lo = block * self.row_block
            values = self.fill_row(self, shape, lo, self.rng(seed, block))
            if self.row_block == 1:
                values = values[np.newaxis]
            take = slice(max(start, lo) - lo, min(stop, lo + self.row_block) - lo)
            out[max(start, lo) - start : min(stop, lo + self.row_block) - start] = values[take]
        return out


def _basic_zeros_row(fam: Family, shape: Shape, row: int, rng: np.random.Generator) -> np.ndarray:
    """Zeros with a random square block at [h/10 : 2h/10, w/10 : 2w/10] (the tutorial's partial write)."""
    values = np.zeros(shape[1:], dtype=fam.dtype)
    (r0, r1), (c0, c1) = basic_block(shape)
    if r0 <= row < r1:
        values[c0:c1] = rng.random(c1 - c0).astype(fam.dtype)
    return values


def basic_block(shape: Shape) -> tuple[tuple[int, int], tuple[int, int]]:
    h, w = shape
    return (h // 10, 2 * h // 10), (w // 10, 2 * w // 10)


def _block_region(shape: Shape) -> tuple[slice, ...]:
    return tuple(slice(lo, hi) for lo, hi in basic_block(shape))


def _plane_region(shape: Shape) -> tuple[slice | int, ...]:
    return (slice(None), slice(None), 0)


def _basic_ones_row(fam: Family, shape: Shape, row: int, rng: np.random.Generator) -> np.ndarray:
    """Ones with a sequential plane at [..., 0] (the tutorial's np.arange(500*500) plane)."""
    values = np.ones(shape[1:], dtype=fam.dtype)
    values[:, 0] = np.arange(row * shape[1], (row + 1) * shape[1])
    return values


def _seasonal_row(fam: Family, shape: Shape, t: int, rng: np.random.Generator) -> np.ndarray:
    """normal(20, 5) + 10 sin(2 pi t / period); one full season over the time axis."""
    seasonal = 10 * np.sin(2 * np.pi * t / shape[0])
    return (rng.normal(20, 5, shape[1:]) + seasonal).astype(fam.dtype)


def _random_int_row(fam: Family, shape: Shape, row: int, rng: np.random.Generator) -> np.ndarray:
    return rng.integers(0, 1000, shape[1:], dtype=fam.dtype)


def _random_walk_row(fam: Family, shape: Shape, row: int, rng: np.random.Generator) -> np.ndarray:
    return np.cumsum(rng.integers(-5, 6, shape[1:]), axis=-1).astype(fam.dtype)


def _camera_frame(fam: Family, shape: Shape, i: int, rng: np.random.Generator) -> np.ndarray:
    """Poisson photon counts, mean 100 + 50 sin(2 pi i / frames)."""
    return rng.poisson(100 + 50 * np.sin(2 * np.pi * i / shape[0]), shape[1:]).astype(fam.dtype)


def _blob_timepoint(fam: Family, shape: Shape, t: int, rng: np.random.Generator) -> np.ndarray:
    """A Gaussian blob circling the centre, sharpest at the middle z, plus 0.1 uniform noise."""
    _, depth, height, width = shape
    y, x = np.ogrid[:height, :width]
    scale = height / 256
    cy, cx = height / 2 + 20 * scale * np.sin(t * 0.1), width / 2 + 20 * scale * np.cos(t * 0.1)
    blob = np.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (50 * scale) ** 2)
    focus = 1 - np.abs(np.arange(depth) - depth // 2) / (depth // 2)
    noise = 0.1 * rng.random((depth, height, width))
    return (focus[:, None, None] * blob + noise).astype(fam.dtype)


SIGNAL_BLOCK = 1000


def _signal_block(fam: Family, shape: Shape, start: int, rng: np.random.Generator) -> np.ndarray:
    """A slow sine with Gaussian noise: smoothing it shows in the figure."""
    i = np.arange(start, start + SIGNAL_BLOCK)
    return np.sin(2 * np.pi * i / 2000) + 0.3 * rng.standard_normal(SIGNAL_BLOCK)


def _peer_cube_plane(fam: Family, shape: Shape, z: int, rng: np.random.Generator) -> np.ndarray:
    """zarrs/zarr_benchmarks' array: (x + y*y/32 + z*z*z) % 65536 as uint16, in integer arithmetic."""
    y, x = np.ogrid[:shape[1], :shape[2]]
    return ((x + (y * y) // 32 + z**3) % 65536).astype(fam.dtype)


FAMILIES: dict[str, Family] = {
    fam.name: fam
    for fam in (
        Family("basic-2d", "float32 zeros with a random 100x100 block written", "float32",
               {"quick": (500, 500), "full": (1000, 1000)}, _basic_zeros_row, "yx",
               partial_region=_block_region),
        Family("basic-3d", "int32 ones with a sequential plane written", "int32",
               {"quick": (100, 100, 10), "full": (500, 500, 10)}, _basic_ones_row, "yxz",
               fill_value=1, partial_region=_plane_region),
        Family("seasonal-series", "time series: normal(20, 5) + 10 sin(2 pi t / 365)", "float32",
               {"quick": (48, 128, 256), "full": (365, 1000, 2000)}, _seasonal_row, "tyx"),
        Family("random-ints", "uniform int32 in [0, 1000)", "int32",
               {"quick": (500, 500), "full": (1000, 1000)}, _random_int_row, "yx"),
        Family("random-walk", "cumulative sum of integers in [-5, 5] along the last axis", "int64",
               {"quick": (500, 500), "full": (1000, 1000)}, _random_walk_row, "yx"),
        Family("camera-frames", "uint16 Poisson frames, mean 100 + 50 sin", "uint16",
               {"quick": (20, 128, 128), "full": (100, 512, 512)}, _camera_frame, "tyx"),
        Family("blob-volume", "(t, z, y, x) moving Gaussian blob with focus falloff and noise", "float32",
               {"quick": (10, 8, 64, 64), "full": (50, 20, 256, 256)}, _blob_timepoint, "tzyx"),
        Family("signal-1d", "1-D float64 noisy sine for chunk-aware processing", "float64",
               {"quick": (10_000,), "full": (50_000_000,)}, _signal_block, "n", row_block=SIGNAL_BLOCK),
        Family("peer-cube", "uint16 cube of the zarrs benchmarks, (x + y*y/32 + z*z*z) % 65536", "uint16",
               {"quick": (512, 512, 512), "full": (1024, 1024, 1024)}, _peer_cube_plane, "zyx", throughput=True),
    )
}


def get_family(name: str) -> Family:
    try:
        return FAMILIES[name]
    except KeyError:
        raise ValueError(f"unknown family {name!r}; choose from: {', '.join(FAMILIES)}") from None
