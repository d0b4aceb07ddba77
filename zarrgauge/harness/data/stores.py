"""Stores under test, and the scratch space that holds them: a directory for the on-disk ones and,
for the remote ones, a prefix in a bucket on an S3 server or in a container on Azurite."""

from __future__ import annotations

import atexit
import functools
import itertools
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import zarr
import zarr.abc.store
import zarr.storage

from zarrgauge.catalogue.stores import AZURE_STORES, REMOTE_STORES, STORE_KINDS
from zarrgauge.errors import ZarrgaugeError
from zarrgauge.harness.data.janitor import JANITOR
from zarrgauge.harness.measure.counting_store import CountingStore
from zarrgauge.objectstore.azure import Container
from zarrgauge.objectstore.bucket import Bucket
from zarrgauge.objectstore.s3 import discard_remote, is_remote
from zarrgauge.objectstore.servers import Wire


class Scratch:
    """A temporary directory that zarrgauge owns and removes at exit, also after failure or Ctrl-C;
    and, once a remote store asks for it, a bucket prefix from `open_bucket` (S3) or a container
    prefix from `open_container` (Azure), emptied likewise."""

    def __init__(self, parent: str | Path | None = None, open_bucket: Callable[[], Bucket] | None = None,
                 open_container: Callable[[], Container] | None = None) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="zarrgauge-", dir=parent))
        self._names = itertools.count()
        self._open_bucket, self._open_container = open_bucket, open_container
        atexit.register(self.remove)

    def new_path(self, suffix: str = ".zarr") -> Path:
        return self.path / self.new_name(suffix)

    def new_name(self, suffix: str = ".zarr") -> str:
        return f"{next(self._names):06d}{suffix}"

    @functools.cached_property
    def bucket(self) -> Bucket:
        if self._open_bucket is None:
            raise ZarrgaugeError("remote stores need an S3 server: run them under zarrgauge's pytest plugin")
        return self._open_bucket()

    @functools.cached_property
    def container(self) -> Container:
        if self._open_container is None:
            raise ZarrgaugeError("Azure stores need the Azurite server: run them under zarrgauge's pytest plugin")
        return self._open_container()

    def prefix_for(self, kind: str) -> Bucket | Container:
        """Where stores of this remote kind go."""
        return self.container if kind in AZURE_STORES else self.bucket

    def remove(self) -> None:
        JANITOR.wait(timeout=30)  # its deletions first, so that the two do not race over one tree
        shutil.rmtree(self.path, ignore_errors=True)
        for opened in ("bucket", "container"):
            if opened in self.__dict__:  # empty our prefix, and only it
                self.__dict__.pop(opened).close()


def new_store(kind: str, scratch: Scratch) -> zarr.abc.store.Store:
    """A fresh, empty store of this kind; zip stores must be closed by the caller."""
    if kind == "memory":
        return zarr.storage.MemoryStore()
    if kind == "local":
        return zarr.storage.LocalStore(scratch.new_path())
    if kind == "zip":
        return zarr.storage.ZipStore(scratch.new_path(".zip"), mode="w")
    if kind in REMOTE_STORES:
        return scratch.prefix_for(kind).store(kind, scratch.new_name())
    raise ValueError(f"unknown store {kind!r}; choose from: {', '.join((*STORE_KINDS, *REMOTE_STORES))}")


def discard(store: zarr.abc.store.Store, now: bool = False) -> None:
    """Free what a store holds: its objects on the server, its directory or file on disk (off the clock,
    by the janitor, unless `now`), or its memory."""
    if is_remote(store):
        discard_remote(store)
        return
    root = getattr(store, "root", None) or getattr(store, "path", None)
    store.close()
    if isinstance(store, zarr.storage.MemoryStore):
        store._store_dict.clear()
    elif root is not None:
        path = Path(root)
        if not path.is_dir():
            path.unlink(missing_ok=True)
        elif now:
            shutil.rmtree(path, ignore_errors=True)
        else:
            JANITOR.discard(path)


def wire_of(kind: str, scratch: Scratch) -> Wire | None:
    """The wire proxy that stores of this kind are reached through, if any."""
    return scratch.prefix_for(kind).wire if kind in REMOTE_STORES else None


def counted(store: zarr.abc.store.Store, kind: str, scratch: Scratch) -> CountingStore:
    """The store, of this kind, behind a CountingStore; a remote one is counted at the wire too."""
    return CountingStore(store, wire_of(kind, scratch))
