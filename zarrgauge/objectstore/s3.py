"""The S3 clients under test, each built as a user would build it with its default settings, for a
Location; `s3-fsspec-tuned` adds the two settings that fix s3fs's known pathologies. A Patience
replaces the clients' timeouts and retries, for tests that must see a fault fail in seconds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import zarr
import zarr.abc.store
import zarr.storage
from zarr.core.sync import sync

from zarrgauge.catalogue.networks import CONCURRENCY_SWEEP
from zarrgauge.objectstore.location import Location
from zarrgauge.objectstore.patience import ObstoreOptions, Patience, obstore_patience

if TYPE_CHECKING:
    from s3fs import S3FileSystem


def obstore_store(location: Location, patience: Patience | None = None) -> zarr.abc.store.Store:
    from obstore.store import S3Store

    options: ObstoreOptions = {"client_options": {"allow_http": True}}
    if patience is not None:
        options = obstore_patience(patience)
    client = S3Store(location.bucket, prefix=location.prefix, endpoint=location.endpoint,
                     virtual_hosted_style_request=False, **options, **location.credentials)
    return zarr.storage.ObjectStore(client)


def s3fs_filesystem(location: Location, tuned: bool, patience: Patience | None = None) -> S3FileSystem:
    """An s3fs file system for the location's server and credentials (its bucket and prefix go in
    the paths the store is given)."""
    import s3fs

    credentials = location.credentials
    options: dict[str, Any] = {"key": credentials["access_key_id"], "secret": credentials["secret_access_key"],
               "endpoint_url": location.endpoint, "client_kwargs": {"region_name": credentials["region"]},
               # zarr drives the file system from its own event loop; fsspec's instance cache
               # would hand a file system bound to another loop to a later run
               "asynchronous": True, "skip_instance_cache": True}
    if tuned:
        # No HEAD before each whole-object GET (fsspec/s3fs #1027), and a connection pool that lets
        # zarr's concurrency through (botocore's default holds 10 requests in flight), up to the
        # largest of the concurrency sweep: the sweep's cases share this client.
        pool = max(int(zarr.config.get("async.concurrency")), *CONCURRENCY_SWEEP)
        options.update(max_concurrency=1, config_kwargs={"max_pool_connections": pool})
    if patience is not None:
        # botocore's `max_attempts` counts retries; its backoff (up to 1 s, then 2 s) has no setting
        options["config_kwargs"] = {**options.get("config_kwargs", {}), "connect_timeout": patience.timeout,
                                    "read_timeout": patience.timeout, "retries": {"max_attempts": patience.retries}}
    fs = s3fs.S3FileSystem(**options)
    if patience is not None:
        fs.retries = patience.retries + 1  # s3fs's own layer, a class attribute counting attempts
    return fs


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
