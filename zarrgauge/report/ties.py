"""Telling two choices apart from one run's samples, so that advice holds from run to run.

A choice is *faster* than another only when the 95% bootstrap interval of its speed-up (the gate's,
from every round's time) lies above SPEED_MARGIN: within one run the interval is narrow, but two
runs of the same code on one machine differ by more (an A/A comparison of quick-tier reads spreads
its ratios from 0.80 to 1.15, p10-p90), and the margin absorbs that. It *compresses better* only by
more than SIZE_MARGIN: stored sizes are exact. Otherwise the two are tied.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from zarrgauge.gate.stats import RESAMPLES
from zarrgauge.report.load import Record

SPEED_MARGIN = 1.10
SIZE_MARGIN = 0.01
CONFIDENCE = 0.95


@dataclass(frozen=True)
class SpeedUp:
    """How many times faster one record is than another: the ratio of medians and its 95% interval."""

    factor: float
    low: float
    high: float

    def text(self) -> str:
        return f"{self.factor:.2g}x ({self.low:.2g}–{self.high:.2g})"


@functools.lru_cache(maxsize=None)
def _resampled_medians(name: str, samples: tuple[float, ...]) -> np.ndarray:
    """The gate's percentile bootstrap, each record resampled once (seeded by its name) and reused for
    every pair it is in: comparing every choice with every other stays fast."""
    values = np.asarray(samples, float)
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    return np.median(values[rng.integers(0, values.size, (RESAMPLES, values.size))], axis=1)


def speedup(base: Record, other: Record) -> SpeedUp:
    """`other` against `base`; without samples (older results) the interval is the ratio itself."""
    factor = base.median / other.median
    if not base.samples or not other.samples:
        return SpeedUp(factor, factor, factor)
    tail = (1 - CONFIDENCE) / 2
    ratios = _resampled_medians(base.name, base.samples) / _resampled_medians(other.name, other.samples)
    low, high = np.quantile(ratios, [tail, 1 - tail])
    return SpeedUp(factor, float(low), float(high))


def clearly_faster(a: Record, b: Record) -> bool:
    return speedup(b, a).low > SPEED_MARGIN


def clearly_smaller(a: Record, b: Record) -> bool:
    return a.compression_ratio > b.compression_ratio * (1 + SIZE_MARGIN)


def speed_ties(points: Iterable[Record]) -> list[Record]:
    """The choices no faster choice beats: the fastest by median, and every one not clearly slower."""
    points = sorted(points, key=lambda r: r.median)
    return [p for p in points if not clearly_faster(points[0], p)]


def size_ties(points: Iterable[Record]) -> list[Record]:
    """The choices that compress as well as the best, within SIZE_MARGIN; fastest first."""
    points = sorted(points, key=lambda r: r.median)
    best = max(points, key=lambda r: r.compression_ratio)
    return [p for p in points if not clearly_smaller(best, p)]


def pick(tied: list[Record], default: Record | None, better) -> Record:
    """zarr's default when it is among the tied, else the best of them by `better` (a sort key)."""
    return default if default in tied else min(tied, key=better)


def _dominates(a: Record, b: Record) -> bool:
    """`a` is clearly better on one count and not clearly worse on the other."""
    return ((clearly_faster(a, b) and not clearly_smaller(b, a))
            or (clearly_smaller(a, b) and not clearly_faster(b, a)))


def front(points: Iterable[Record]) -> list[Record]:
    """The choices no other one dominates, fastest first: ties stay, as they cannot be told apart."""
    points = list(points)
    return sorted((p for p in points if not any(_dominates(q, p) for q in points if q is not p)),
                  key=lambda r: (r.median, -r.compression_ratio))
