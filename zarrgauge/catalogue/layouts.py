"""Chunk layouts: the chunk (and optional shard) shape an array is stored with, and each family's
layouts per tier: a balanced default and others that favour one access pattern."""

from __future__ import annotations

import math
from dataclasses import dataclass

Shape = tuple[int, ...]


def parse_shape(text: str) -> Shape:
    """Parse '30x250x500' into (30, 250, 500); raise ValueError saying what is wrong."""
    parts = text.strip().lower().split("x")
    if not text.strip() or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise ValueError(f"malformed shape {text!r}: write positive integers joined by 'x', e.g. 30x250x500")
    return tuple(int(p) for p in parts)


def format_shape(shape: Shape) -> str:
    return "x".join(str(n) for n in shape)


def grid_shape(shape: Shape, block: Shape) -> Shape:
    return tuple(math.ceil(s / b) for s, b in zip(shape, block))


def chunk_ranges(shape: Shape, chunks: Shape, selection: tuple) -> list[range]:
    """Per dimension, the indices of the chunks that a basic selection of ints and unit-step slices overlaps."""
    ranges = []
    for size, chunk, index in zip(shape, chunks, selection + (slice(None),) * (len(shape) - len(selection))):
        start, stop = (index, index + 1) if isinstance(index, int) else index.indices(size)[:2]
        ranges.append(range(start // chunk, (stop - 1) // chunk + 1) if stop > start else range(0))
    return ranges


def parse_layout(text: str) -> "Layout":
    """'30x250x500' (chunks) or '10x100x100:30x500x500' (inner chunks : shards) as a custom layout."""
    chunks, _, shards = text.partition(":")
    return Layout("custom", parse_shape(chunks), parse_shape(shards) if shards else None)


@dataclass(frozen=True)
class Layout:
    """A named chunking of one array shape.

    `role` says which access pattern the layout favours (time, space, balanced, ragged, tiny,
    sharded, ...) so that reports can compare like with like across tiers.
    """

    role: str
    chunks: Shape
    shards: Shape | None = None

    def __post_init__(self) -> None:
        if self.shards is not None:
            if len(self.shards) != len(self.chunks):
                raise ValueError(f"{self.id}: shards and chunks differ in rank")
            if any(s % c for s, c in zip(self.shards, self.chunks)):
                raise ValueError(f"{self.id}: each shard dimension must be a multiple of the chunk's")

    @property
    def id(self) -> str:
        text = f"chunks={format_shape(self.chunks)}"
        return text if self.shards is None else f"{text},shards={format_shape(self.shards)}"

    def chunks_touched(self, shape: Shape, selection: tuple) -> int:
        """Chunks (inner chunks, when sharded) that a basic selection of ints and unit-step slices overlaps."""
        return math.prod(len(indices) for indices in chunk_ranges(shape, self.chunks, selection))

    @property
    def write_block(self) -> Shape:
        """The unit zarr writes whole: the shard when sharded, else the chunk."""
        return self.shards or self.chunks

    def nchunks(self, shape: Shape) -> int:
        return math.prod(grid_shape(shape, self.chunks))

    def nshards(self, shape: Shape) -> int | None:
        return None if self.shards is None else math.prod(grid_shape(shape, self.shards))

    def fits(self, shape: Shape) -> bool:
        return len(shape) == len(self.chunks)


DEFAULT_LAYOUT = "balanced"
LAYOUTS: dict[str, dict[str, tuple[Layout, ...]]] = {
    "basic-2d": {
        "quick": (Layout("balanced", (100, 100)), Layout("ragged", (70, 70)), Layout("tiny", (20, 20))),
        "full": (Layout("balanced", (100, 100)), Layout("ragged", (140, 140)), Layout("tiny", (10, 10))),
    },
    "basic-3d": {
        "quick": (Layout("balanced", (20, 20, 5)), Layout("plane", (100, 100, 1)), Layout("ragged", (30, 30, 3)),
                  Layout("tiny", (10, 10, 2))),
        "full": (Layout("balanced", (100, 100, 5)), Layout("plane", (500, 500, 1)), Layout("ragged", (120, 120, 3)),
                 Layout("tiny", (25, 25, 2))),
    },
    "seasonal-series": {
        "quick": (Layout("balanced", (8, 64, 64)), Layout("time", (48, 16, 16)), Layout("space", (1, 128, 256)),
                  Layout("ragged", (10, 50, 100)), Layout("tiny", (4, 16, 32)),
                  Layout("sharded", (4, 32, 64), (16, 64, 128))),
        "full": (Layout("balanced", (30, 250, 500)), Layout("time", (365, 50, 50)), Layout("space", (1, 1000, 2000)),
                 Layout("ragged", (50, 300, 700)), Layout("tiny", (5, 50, 50)),
                 Layout("sharded", (10, 100, 100), (30, 500, 500))),
    },
    "random-ints": {
        "quick": (Layout("balanced", (100, 100)), Layout("ragged", (150, 150)), Layout("single", (500, 500)),
                  Layout("tiny", (20, 20))),
        "full": (Layout("balanced", (100, 100)), Layout("ragged", (150, 150)), Layout("single", (1000, 1000)),
                 Layout("tiny", (20, 20))),
    },
    "random-walk": {
        "quick": (Layout("balanced", (100, 100)), Layout("rows", (10, 500)), Layout("ragged", (150, 150)),
                  Layout("tiny", (20, 20))),
        "full": (Layout("balanced", (100, 100)), Layout("rows", (10, 1000)), Layout("ragged", (150, 150)),
                 Layout("tiny", (20, 20))),
    },
    "camera-frames": {
        "quick": (Layout("balanced", (5, 64, 64)), Layout("time", (20, 32, 32)), Layout("space", (1, 128, 128)),
                  Layout("ragged", (6, 50, 50)), Layout("tiny", (1, 32, 32))),
        "full": (Layout("balanced", (10, 128, 128)), Layout("time", (100, 32, 32)), Layout("space", (1, 512, 512)),
                 Layout("ragged", (15, 200, 200)), Layout("tiny", (1, 32, 32))),
    },
    "blob-volume": {
        "quick": (Layout("balanced", (2, 4, 32, 32)), Layout("time", (10, 2, 16, 16)), Layout("space", (1, 2, 64, 64)),
                  Layout("ragged", (3, 3, 40, 40)), Layout("tiny", (1, 2, 16, 16)),
                  Layout("sharded", (2, 4, 16, 16), (10, 8, 64, 64))),
        "full": (Layout("balanced", (5, 5, 64, 64)), Layout("time", (50, 1, 32, 32)), Layout("space", (1, 1, 256, 256)),
                 Layout("ragged", (7, 3, 100, 100)), Layout("tiny", (2, 2, 32, 32)),
                 Layout("sharded", (5, 5, 64, 64), (10, 10, 128, 128))),
    },
    # The peer benchmark's chunk and inner-chunk counts (4 x 4 x 4 of each) at both sizes: at 1024^3 its own
    # 256^3 chunks and 64^3 inner chunks.
    "peer-cube": {
        "quick": (Layout("balanced", (128, 128, 128)), Layout("sharded", (32, 32, 32), (128, 128, 128))),
        "full": (Layout("balanced", (256, 256, 256)), Layout("sharded", (64, 64, 64), (256, 256, 256))),
    },
    "signal-1d": {
        "quick": (Layout("balanced", (1000,)), Layout("ragged", (1500,)), Layout("tiny", (100,))),
        "full": (Layout("balanced", (1_000_000,)), Layout("ragged", (1_500_000,)), Layout("tiny", (10_000,))),
    },
}
# Every role a layout of the catalogue plays, and "custom" for --zarr-chunks: the --zarr-layout choices.
LAYOUT_ROLES = (*sorted({layout.role for tiers in LAYOUTS.values() for layouts in tiers.values()
                         for layout in layouts}), "custom")


def family_layouts(family: str, tier: str) -> tuple[Layout, ...]:
    return LAYOUTS[family][tier]


def default_layout(family: str, tier: str) -> Layout:
    return next(layout for layout in family_layouts(family, tier) if layout.role == DEFAULT_LAYOUT)
