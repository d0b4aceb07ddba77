"""Corrupting a written copy on disk: one byte flipped where a checksum must catch it."""

from __future__ import annotations

from pathlib import Path

from zarrgauge.catalogue.interop import InteropCase

METADATA_FILES = {"zarr.json", ".zarray", ".zattrs", ".zgroup", ".zmetadata"}
INDEX_ENTRY_BYTES, CHECKSUM_BYTES = 16, 4


def chunk_files(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file() and p.name not in METADATA_FILES)


def _flip(file: Path, offset: int) -> None:
    data = bytearray(file.read_bytes())
    data[offset] ^= 0xFF
    file.write_bytes(bytes(data))


def shard_index_offset(case: InteropCase, size: int) -> int:
    """The first byte of the first inner chunk's offset in the shard index."""
    assert case.shards is not None
    inner = 1
    for shard, chunk in zip(case.shards, case.chunks):
        inner *= shard // chunk
    index_bytes = inner * INDEX_ENTRY_BYTES + CHECKSUM_BYTES
    return 0 if case.index_location == "start" else size - index_bytes


def corrupt(path: Path, case: InteropCase) -> None:
    """Flip a byte of the first stored chunk (mid-data) or of its shard's index."""
    first = chunk_files(path)[0]
    size = first.stat().st_size
    _flip(first, shard_index_offset(case, size) if case.corruption == "shard-index" else size // 2)
