"""Stores under test, and the scratch directory that holds the on-disk ones."""

from __future__ import annotations

import atexit
import itertools
import shutil
import tempfile
from pathlib import Path

import zarr
import zarr.storage

from zarrgauge.catalogue.stores import STORE_KINDS


class Scratch:
    """A temporary directory that zarrgauge owns and removes at exit, also after failure or Ctrl-C."""

    def __init__(self, parent: str | Path | None = None) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="zarrgauge-", dir=parent))
        self._names = itertools.count()
        atexit.register(self.remove)

    def new_path(self, suffix: str = ".zarr") -> Path:
        return self.path / f"{next(self._names):06d}{suffix}"

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def new_store(kind: str, scratch: Scratch) -> zarr.abc.store.Store:
    """A fresh, empty store of this kind; zip stores must be closed by the caller."""
    if kind == "memory":
        return zarr.storage.MemoryStore()
    if kind == "local":
        return zarr.storage.LocalStore(scratch.new_path())
    if kind == "zip":
        return zarr.storage.ZipStore(scratch.new_path(".zip"), mode="w")
    raise ValueError(f"unknown store {kind!r}; choose from: {', '.join(STORE_KINDS)}")


def discard(store: zarr.abc.store.Store) -> None:
    """Free what a store holds: its directory or file on disk, or its memory."""
    root = getattr(store, "root", None) or getattr(store, "path", None)
    store.close()
    if isinstance(store, zarr.storage.MemoryStore):
        store._store_dict.clear()
    elif root is not None:
        path = Path(root)
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
