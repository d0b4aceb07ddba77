"""Chunk layouts: the chunk (and optional shard) shape an array is stored with."""

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
