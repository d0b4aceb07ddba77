"""The object-storage clients under test, each built as a user would build it with its default
settings; `s3-fsspec-tuned` adds the two settings that fix s3fs's known pathologies."""

from __future__ import annotations

from typing import TYPE_CHECKING

import zarr
import zarr.storage
from zarr.core.sync import sync

if TYPE_CHECKING:
    from zarrgauge.harness.bucket import Bucket


def obstore_store(bucket: Bucket, key: str) -> zarr.abc.store.Store:
    from obstore.store import S3Store

    client = S3Store(bucket.name, prefix=bucket.prefix + key, endpoint=bucket.endpoint,
                     virtual_hosted_style_request=False, client_options={"allow_http": "true"}, **bucket.credentials)
    return zarr.storage.ObjectStore(client)


def s3fs_filesystem(bucket: Bucket, tuned: bool):
    import s3fs

    credentials = bucket.credentials
    options = {"key": credentials["access_key_id"], "secret": credentials["secret_access_key"],
               "endpoint_url": bucket.endpoint, "client_kwargs": {"region_name": credentials["region"]},
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
