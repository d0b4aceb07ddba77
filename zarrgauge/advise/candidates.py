"""Candidate layouts for the user's array: made for its real shape and dtype, timed on the sample.

Chunk sizes suit the store kind (ChunkSizes below): for a local disk the usual advice, from about
128 KiB to a few MiB; for object storage larger, since every chunk is a request of its own.
Smaller in proportion for an array under `full_size`. Each candidate favours an access pattern the
array's axes allow; a sharded candidate packs small inner chunks into shards of the balanced size,
one object each. Every chunk holds every channel: a pixel's colour or spectrum is read from one chunk,
and a layout of one channel per chunk is the user's to ask for (--chunks). The source's own chunks
and the user's layouts join them. On the sample, each chunk and shard is clipped to the sample's shape.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from zarrgauge.catalogue.layouts import Layout, Shape
from zarrgauge.catalogue.stores import LOCAL_STORES

KIB, MIB = 2**10, 2**20


@dataclass(frozen=True)
class ChunkSizes:
    balanced: int
    small: int  # a sharded candidate's inner chunks, in shards of the balanced size
    large: int
    plane: int  # at most, for the one-step-per-chunk space layout
    full_size: int  # below this, every size shrinks in proportion: a small array still gets several chunks


LOCAL_SIZES = ChunkSizes(balanced=1 * MIB, small=128 * KIB, large=8 * MIB, plane=4 * MIB, full_size=16 * MIB)
# On object storage every chunk (or shard) read is a request paying a first-byte latency of tens of
# milliseconds, and one connection reaches its throughput only past a few MB: AWS's S3 performance
# guidelines name 8 or 16 MB as the typical size of a ranged GET, and Pangeo's cloud-native advice
# is chunks of 10 to 100 MB. Sharding keeps inner chunks of about 1 MiB readable one at a time
# (a ranged GET into the shard) while the objects stay few.
OBJECT_SIZES = ChunkSizes(balanced=8 * MIB, small=1 * MIB, large=32 * MIB, plane=16 * MIB, full_size=128 * MIB)


def chunk_sizes(store: str) -> ChunkSizes:
    return LOCAL_SIZES if store in LOCAL_STORES else OBJECT_SIZES


@dataclass(frozen=True)
class Candidate:
    real: Layout  # for the array itself: what the advice's create_array call uses
    timed: Layout  # the same, clipped to the sample


def _scaled(shape: Shape, itemsize: int, target: int, fixed: dict[int, int] | None = None) -> Shape:
    """A chunk of about `target` bytes with the array's proportions, the axes in `fixed` set."""
    fixed = fixed or {}
    free = [a for a in range(len(shape)) if a not in fixed]
    room = target / itemsize / math.prod(fixed.values() or [1])
    chunk = [fixed.get(a, n) for a, n in enumerate(shape)]
    # Shrink the free axes by one factor, then give back whatever rounding and small axes leave over.
    factor = min(1.0, (room / math.prod(shape[a] for a in free)) ** (1 / len(free))) if free else 1.0
    for a in free:
        chunk[a] = max(1, min(shape[a], int(shape[a] * factor)))
    # Even chunks: the same count of chunks along each axis, but no edge chunk mostly empty.
    return tuple(math.ceil(n / math.ceil(n / c)) for n, c in zip(shape, chunk))


def _real_layouts(shape: Shape, itemsize: int, axes: str, sizes: ChunkSizes) -> list[Layout]:
    scale = min(1.0, math.prod(shape) * itemsize / sizes.full_size)
    whole = {a: shape[a] for a, letter in enumerate(axes) if letter == "c"}  # channels are never split

    def chunk(target: int, fixed: dict[int, int] | None = None) -> Shape:
        return _scaled(shape, itemsize, max(itemsize, int(target * scale)), {**whole, **(fixed or {})})

    layouts = [Layout("balanced", chunk(sizes.balanced)), Layout("large", chunk(sizes.large))]
    if "t" in axes and len(axes) > 1:
        t = axes.index("t")
        layouts.append(Layout("time", chunk(sizes.balanced, {t: shape[t]})))
        layouts.append(Layout("space", chunk(sizes.plane, {t: 1})))
    small = chunk(sizes.small)
    balanced = layouts[0].chunks
    shards = tuple(math.ceil(b / s) * s for b, s in zip(balanced, small))
    if small != balanced:
        layouts.append(Layout("sharded", small, shards))
    return layouts


def clipped(layout: Layout, sample: Shape) -> Layout:
    chunks = tuple(min(c, n) for c, n in zip(layout.chunks, sample))
    shards = None if layout.shards is None else tuple(
        math.ceil(min(s, n) / c) * c for s, n, c in zip(layout.shards, sample, chunks))
    return Layout(layout.role, chunks, shards if shards != chunks else None)


def candidates(shape: Shape, itemsize: int, axes: str, sample: Shape, current: Layout | None = None,
               custom: tuple[Layout, ...] = (), store: str = "local") -> list[Candidate]:
    """Every distinct layout to time, balanced first: generated for the store kind, the source's current one,
    the user's."""
    found: dict[Layout, Candidate] = {}
    for real in [*_real_layouts(shape, itemsize, axes, chunk_sizes(store)), *([current] if current else []), *custom]:
        timed = clipped(real, sample)
        key = Layout("", timed.chunks, timed.shards)
        found.setdefault(key, Candidate(real, timed))
    return list(found.values())
