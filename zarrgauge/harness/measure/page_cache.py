"""Cold reads: a store's files dropped from the page cache before each timed round, so that the read
waits for the disk as a first read of the day does. Each file is synced first (the kernel keeps dirty
pages), then advised away with posix_fadvise(POSIX_FADV_DONTNEED), which needs no root; the peer
benchmark drops every cache of the machine instead (/proc/sys/vm/drop_caches, as root)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def files_under(paths: Iterable[Path]) -> list[Path]:
    """Every file of the given files and directories."""
    found = []
    for path in paths:
        found += [path] if path.is_file() else sorted(item for item in path.rglob("*") if item.is_file())
    return found


def evict(files: Iterable[Path]) -> None:
    for file in files:
        descriptor = os.open(file, os.O_RDONLY)
        try:
            os.fsync(descriptor)
            os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(descriptor)
