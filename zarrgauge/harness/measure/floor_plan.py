"""What a read must do at the least, worked out from the array's metadata and stored objects alone:
the bytes it must fetch (each chunk's object; for a sharded array, each shard's index and then each
inner chunk's byte range), the codec calls that decode them (decoders.py), and where each chunk's
values go in the result. Every engine reading these stored bytes does at least this; floors.py times it.

Objects are read as plainly as the machine allows: from a file, os.preadv into a buffer allocated
beforehand; from a memory store, a view of the bytes it holds.
"""

from __future__ import annotations

import itertools
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numcodecs
import numpy as np

from zarrgauge.catalogue.layouts import chunk_ranges
from zarrgauge.harness.measure.decoders import Decode, UnknownCodec, v2_decoder, v3_decoder

INDEX_ENTRY_BYTES = 16  # two little-endian uint64 per inner chunk: offset and length
CRC32C_BYTES = 4
MISSING = 2**64 - 1  # an index entry of an inner chunk never written


@dataclass(frozen=True)
class ByteRange:
    key: str  # the object's key in the store
    offset: int
    length: int


@dataclass(frozen=True)
class Piece:
    """Where a chunk's (or a shard index's) stored bytes are among what the plan fetches."""

    read: int  # which of the plan's reads
    start: int  # offset in that read
    length: int


@dataclass(frozen=True)
class Placement:
    """One chunk's share of the result: `source` of its decoded values into `target` of result `part`."""

    part: int
    source: tuple[slice, ...]
    target: tuple[slice, ...]


@dataclass(frozen=True)
class ChunkRead:
    stored: Piece | None  # None: never written, so its share is the fill value
    placement: Placement


@dataclass
class FloorPlan:
    """The reads to fetch, and in them the shard indexes to check and the chunks to decode and place.
    `by_read` lists each read's indexes and chunks, for a reader that decodes what it has just fetched."""

    reads: list[ByteRange]
    indexes: list[Piece]
    chunks: list[ChunkRead]
    decode: Decode
    chunk_bytes: int  # a decoded chunk's size: the buffer each decompressor writes into
    part_shapes: list[tuple[int, ...]]
    dtype: np.dtype
    fill_value: object
    objects: ObjectReader = field(repr=False)
    by_read: list[tuple[list[Piece], list[ChunkRead]]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_read = [([], []) for _ in self.reads]
        for piece in self.indexes:
            self.by_read[piece.read][0].append(piece)
        for chunk in self.chunks:
            if chunk.stored is not None:
                self.by_read[chunk.stored.read][1].append(chunk)

    def new_result(self) -> list[np.ndarray]:
        return [np.empty(shape, dtype=self.dtype) for shape in self.part_shapes]


class ObjectReader:
    """Reads byte ranges of stored objects: os.preadv on the local store's files, a view of the memory
    store's bytes. The buffers of file reads are allocated once, here, as an engine's would be reused."""

    def __init__(self, store) -> None:
        root = getattr(store, "root", None)
        self.root = Path(root) if root is not None else None
        self.memory = None if self.root is not None else {key: value.as_numpy_array().data
                                                          for key, value in store._store_dict.items()}
        self._buffers: dict[ByteRange, bytearray] = {}

    def size(self, key: str) -> int | None:
        if self.memory is not None:
            return len(self.memory[key]) if key in self.memory else None
        path = self.root / key  # type: ignore[operator]  # a store is in memory, or on disk under root
        return path.stat().st_size if path.exists() else None

    def read(self, where: ByteRange) -> memoryview:
        if self.memory is not None:
            return self.memory[where.key][where.offset:where.offset + where.length]
        buffer = self._buffers.get(where)
        if buffer is None:
            buffer = self._buffers[where] = bytearray(where.length)
        descriptor = os.open(self.root / where.key, os.O_RDONLY)  # type: ignore[operator]  # as in size
        try:
            os.preadv(descriptor, [buffer], where.offset)
        finally:
            os.close(descriptor)
        return memoryview(buffer)


def plan_read(array, selections: list, whole_objects: bool = False) -> FloorPlan:
    """The floor plan of reading `selections` (basic: ints and unit-step slices) from `array`, a zarr
    array on a local or memory store (behind zarrgauge's counting store or not). A sharded array's
    inner chunks are read by their byte ranges after each shard's index, or, `whole_objects`, each
    shard once, whole (fewer, larger reads: faster when the read needs most of a shard)."""
    store = getattr(array.store, "_store", array.store)
    objects = ObjectReader(store)
    meta = array.metadata.to_dict()
    prefix = f"{array.path}/" if array.path else ""

    def key_of(coords: tuple[int, ...]) -> str:
        return prefix + array.metadata.encode_chunk_key(coords)

    placements = [placement for part, selection in enumerate(selections)
                  for placement in _placements(array.shape, array.chunks, selection, part)]
    reads = _Reads(whole_objects)
    if array.shards is None:
        chunks = [ChunkRead(reads.piece(_whole(objects, key_of(coords))), placement)
                  for coords, placement in placements]
        indexes: list[Piece] = []
    else:
        indexes, chunks = _sharded(array, meta, objects, key_of, placements, reads)
    chunk_bytes = math.prod(array.chunks) * np.dtype(array.dtype).itemsize
    return FloorPlan(reads.ranges, indexes, chunks, _decoder(array, meta), chunk_bytes,
                     [_part_shape(array.shape, s) for s in selections], np.dtype(array.dtype), array.fill_value,
                     objects)


class _Reads:
    """The plan's reads, made as pieces are asked for: a read per piece, or one per whole object."""

    def __init__(self, whole_objects: bool) -> None:
        self.whole_objects = whole_objects
        self.ranges: list[ByteRange] = []
        self._whole: dict[str, int] = {}

    def piece(self, where: ByteRange | None, size: int | None = None) -> Piece | None:
        """`where`'s piece; with whole objects, of the object of `size` bytes (or of `where` itself)."""
        if where is None:
            return None
        if not self.whole_objects:
            self.ranges.append(where)
            return Piece(len(self.ranges) - 1, 0, where.length)
        if where.key not in self._whole:
            self.ranges.append(ByteRange(where.key, 0, size if size is not None else where.offset + where.length))
            self._whole[where.key] = len(self.ranges) - 1
        return Piece(self._whole[where.key], where.offset, where.length)


def _whole(objects: ObjectReader, key: str) -> ByteRange | None:
    size = objects.size(key)
    return None if size is None else ByteRange(key, 0, size)


def _decoder(array, meta: dict) -> Decode:
    if meta["zarr_format"] == 2:
        return v2_decoder(meta.get("compressor"), meta.get("filters"), array.dtype, array.chunks, meta["order"])
    codecs = meta["codecs"]
    if codecs[0]["name"] == "sharding_indexed":
        codecs = codecs[0]["configuration"]["codecs"]
    return v3_decoder(codecs, array.dtype, array.chunks)


def _placements(shape, chunks, selection: tuple, part: int) -> list[tuple[tuple[int, ...], Placement]]:
    """Each chunk the selection overlaps, with what of it goes where in the selection's result."""
    bounds = [_bounds(index, size) for index, size in zip(_full(selection, len(shape)), shape)]
    found = []
    for coords in itertools.product(*chunk_ranges(shape, chunks, selection)):
        source, target = [], []
        for c, size, (start, stop) in zip(coords, chunks, bounds):
            low, high = max(start, c * size), min(stop, (c + 1) * size)
            source.append(slice(low - c * size, high - c * size))
            target.append(slice(low - start, high - start))
        found.append((coords, Placement(part, tuple(source), tuple(target))))
    return found


def _full(selection: tuple, ndim: int) -> tuple:
    return selection + (slice(None),) * (ndim - len(selection))


def _bounds(index, size: int) -> tuple[int, int]:
    return (index, index + 1) if isinstance(index, int) else index.indices(size)[:2]


def _part_shape(shape, selection: tuple) -> tuple[int, ...]:
    """A selection's result shape, its int indices kept as axes of one (the same bytes to copy)."""
    return tuple(stop - start for start, stop in
                 (_bounds(index, size) for index, size in zip(_full(selection, len(shape)), shape)))


def _sharded(array, meta: dict, objects: ObjectReader, key_of, placements, reads: _Reads) -> tuple[list, list]:
    """The index of every shard the read touches, and each inner chunk's bytes in its shard (found in
    the index now, untimed; the timed read fetches and checks the indexes again)."""
    config = meta["codecs"][0]["configuration"]
    if [codec["name"] for codec in config["index_codecs"]] != ["bytes", "crc32c"]:
        raise UnknownCodec("no floor for a shard index without exactly bytes and crc32c")
    per_shard = tuple(shard // chunk for shard, chunk in zip(array.shards, array.chunks))
    index_bytes = math.prod(per_shard) * INDEX_ENTRY_BYTES + CRC32C_BYTES
    at_end = config.get("index_location", "end") == "end"
    shards: dict[tuple[int, ...], tuple[ByteRange, np.ndarray, int] | None] = {}
    indexes, chunks = [], []
    for coords, placement in placements:
        shard = tuple(c // n for c, n in zip(coords, per_shard))
        if shard not in shards:
            shards[shard] = found = _shard_index(objects, key_of(shard), index_bytes, at_end)
            if found is not None:
                indexes.append(reads.piece(found[0], found[2]))
        index = shards[shard]
        where = _inner_range(index, key_of(shard), coords, per_shard)
        size = index[2] if index is not None else None
        chunks.append(ChunkRead(reads.piece(where, size), placement))
    return indexes, chunks


def _shard_index(objects: ObjectReader, key: str, index_bytes: int, at_end: bool):
    size = objects.size(key)
    if size is None:
        return None
    where = ByteRange(key, size - index_bytes if at_end else 0, index_bytes)
    return where, decode_index(objects.read(where)), size


def decode_index(stored) -> np.ndarray:
    """A shard index's (offset, length) pairs, its checksum checked by numcodecs' own CRC32C."""
    return np.frombuffer(numcodecs.CRC32C().decode(stored), dtype="<u8").reshape(-1, 2)


def _inner_range(found, key: str, coords, per_shard) -> ByteRange | None:
    if found is None:
        return None
    inner = np.ravel_multi_index(tuple(c % n for c, n in zip(coords, per_shard)), per_shard)
    offset, length = (int(value) for value in found[1][inner])
    return None if offset == MISSING else ByteRange(key, offset, length)
