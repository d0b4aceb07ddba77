"""The object-storage clients under test, each built as a user would build it with its default
settings; `s3-fsspec-tuned` adds the two settings that fix s3fs's known pathologies. A Patience
replaces the clients' timeouts and retries, for tests that must see a fault fail in seconds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import zarr
import zarr.storage
from zarr.core.sync import sync

from zarrgauge.catalogue.networks import CONCURRENCY_SWEEP

if TYPE_CHECKING:
    from zarrgauge.harness.bucket import Bucket


@dataclass(frozen=True)
class Patience:
    """How long a client waits for an answer, and how often it asks again."""

    timeout: float  # seconds to connect, and to wait for each answer
    retries: int  # after the first attempt, in each of the client's layers that retries
    backoff: float  # seconds before the first retry, doubling after


# The clients' defaults make a fault that does not heal fail after a minute or more (obstore: 10
# retries, backoff up to 15 s, 3 min in all; s3fs: 5 attempts, each retried by botocore, and a
# whole-object read's attempts nested around calls that retry: 5 x 5 x 5 reads that time out after
# 15 s each). The network-fault tests use this instead: the wire proxy's stall (STALL_SECONDS)
# outlasts its timeout.
IMPATIENT = Patience(timeout=2.0, retries=2, backoff=0.05)


def obstore_store(bucket: Bucket, key: str, patience: Patience | None = None) -> zarr.abc.store.Store:
    from obstore.store import S3Store

    options = {"client_options": {"allow_http": "true"}}
    if patience is not None:
        options = obstore_patience(patience)
    client = S3Store(bucket.name, prefix=bucket.prefix + key, endpoint=bucket.endpoint,
                     virtual_hosted_style_request=False, **options, **bucket.credentials)
    return zarr.storage.ObjectStore(client)


def obstore_patience(patience: Patience) -> dict:
    timeout, backoff = timedelta(seconds=patience.timeout), timedelta(seconds=patience.backoff)
    longest_backoff = backoff * 2**patience.retries
    return {"client_options": {"allow_http": "true", "timeout": timeout, "connect_timeout": timeout},
            "retry_config": {"max_retries": patience.retries,
                             "backoff": {"init_backoff": backoff, "max_backoff": longest_backoff, "base": 2},
                             # long enough never to cut the retries short
                             "retry_timeout": (timeout + longest_backoff) * (patience.retries + 1)}}


def s3fs_filesystem(bucket: Bucket, tuned: bool, patience: Patience | None = None):
    import s3fs

    credentials = bucket.credentials
    options = {"key": credentials["access_key_id"], "secret": credentials["secret_access_key"],
               "endpoint_url": bucket.endpoint, "client_kwargs": {"region_name": credentials["region"]},
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
