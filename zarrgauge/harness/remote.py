"""Object storage: a bucket prefix zarrgauge owns on an S3 server, and the client stores over it.

Each client is built as a user would build it with its default settings; `s3-fsspec-tuned` adds
the two settings that fix s3fs's known pathologies. Everything a run writes lives under one
fresh prefix, which is emptied when the run ends: nothing else in the bucket is touched.
"""

from __future__ import annotations

import urllib.request
import uuid

import zarr
import zarr.storage
from zarr.core.sync import sync

from zarrgauge.harness.servers import CREDENTIALS


class Bucket:
    """Where remote stores go: `prefix` (ending in '/') in bucket `name` at `endpoint`. Stores of
    one kind share one client, as a user's arrays would: a new s3fs file system costs 100 ms."""

    def __init__(self, endpoint: str, name: str, prefix: str, server: str | None = None, wire=None) -> None:
        self.endpoint, self.name, self.prefix = endpoint, name, prefix
        self.server = server or endpoint  # the server itself, for housekeeping past the wire proxy
        self.wire = wire  # zarrgauge.harness.servers.Wire when clients reach the server through one
        self._file_systems: dict[str, object] = {}
        self.closed = False

    def root_store(self):
        """An obstore client at the bucket's root, for housekeeping: never timed, never counted."""
        from obstore.store import S3Store

        return S3Store(self.name, endpoint=self.server, virtual_hosted_style_request=False,
                       client_options={"allow_http": "true"}, **CREDENTIALS)

    @classmethod
    def created(cls, server: str, name: str = "zarrgauge", proxy: str | None = None, wire=None) -> Bucket:
        """A fresh prefix in a bucket made here, on a server zarrgauge started itself (moto takes an
        unsigned request, and answers one for a bucket it already has with 200); clients reach it
        through `proxy` when given."""
        urllib.request.urlopen(urllib.request.Request(f"{server}/{name}", method="PUT")).close()
        return cls(proxy or server, name, f"zarrgauge-{uuid.uuid4().hex[:12]}/", server, wire)

    def keys(self) -> list[str]:
        import obstore

        return [item["path"] for batch in obstore.list(self.root_store(), prefix=self.prefix) for item in batch]

    def store(self, kind: str, key: str) -> zarr.abc.store.Store:
        """An empty store of a remote kind under `key` of the prefix."""
        if kind == "s3-obstore":
            return _obstore(self, key)
        if kind not in self._file_systems:
            self._file_systems[kind] = _s3fs(self, tuned=kind == "s3-fsspec-tuned")
        return zarr.storage.FsspecStore(self._file_systems[kind], path=f"{self.name}/{self.prefix}{key}")

    def close(self) -> None:
        """Empty the prefix, and close the s3fs connection pools: s3fs closes an asynchronous file
        system's pool (the kind zarr uses) only at garbage collection, when the event loop may be gone."""
        if self.closed:
            return
        self.closed = True
        self._empty()
        for fs in self._file_systems.values():
            creator = getattr(fs, "_s3creator", None)
            if creator is not None:
                sync(creator.__aexit__(None, None, None))
        self._file_systems.clear()

    def _empty(self) -> None:
        """Delete every object under the prefix, and nothing else."""
        import obstore

        keys = self.keys()
        if keys:
            obstore.delete(self.root_store(), keys)


def _obstore(bucket: Bucket, key: str) -> zarr.abc.store.Store:
    from obstore.store import S3Store

    client = S3Store(bucket.name, prefix=bucket.prefix + key, endpoint=bucket.endpoint,
                     virtual_hosted_style_request=False, client_options={"allow_http": "true"}, **CREDENTIALS)
    return zarr.storage.ObjectStore(client)


def _s3fs(bucket: Bucket, tuned: bool):
    import s3fs

    options = {"key": CREDENTIALS["access_key_id"], "secret": CREDENTIALS["secret_access_key"],
               "endpoint_url": bucket.endpoint, "client_kwargs": {"region_name": CREDENTIALS["region"]},
               # zarr drives the file system from its own event loop; fsspec's instance cache
               # would hand a file system bound to another loop to a later run
               "asynchronous": True, "skip_instance_cache": True}
    if tuned:
        # No HEAD before each whole-object GET (fsspec/s3fs #1027), and a connection pool that lets
        # zarr's concurrency through (botocore's default holds 10 requests in flight).
        options.update(max_concurrency=1,
                       config_kwargs={"max_pool_connections": int(zarr.config.get("async.concurrency"))})
    return s3fs.S3FileSystem(**options)


def is_remote(store: zarr.abc.store.Store) -> bool:
    return isinstance(store, (zarr.storage.ObjectStore, zarr.storage.FsspecStore))


def discard_remote(store: zarr.abc.store.Store) -> None:
    sync(store.delete_dir(""))
    store.close()


def forget_listings(store: zarr.abc.store.Store) -> None:
    """Empty s3fs's cache of listed objects (behind any wrapper): with it warm, s3fs skips the HEAD
    it otherwise sends before each GET, which a user opening an array would not be spared."""
    inner = getattr(store, "_store", store)
    if isinstance(inner, zarr.storage.FsspecStore):
        inner.fs.invalidate_cache()
