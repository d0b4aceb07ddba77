"""Object storage: a bucket prefix zarrgauge owns on an S3 server, and the client stores over it.

Each client is built as a user would build it with its default settings; `s3-fsspec-tuned` adds
the two settings that fix s3fs's known pathologies. Everything a run writes lives under one
fresh prefix, which is emptied when the run ends: nothing else in the bucket is touched.
"""

from __future__ import annotations

import os
import urllib.request
import uuid
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta

import zarr
import zarr.storage
from zarr.core.sync import sync

from zarrgauge.errors import usage_error
from zarrgauge.harness.servers import CREDENTIALS, Wire, start_moto, start_wire


class Bucket:
    """Where remote stores go: `prefix` (ending in '/') in bucket `name` at `endpoint`. Stores of
    one kind share one client, as a user's arrays would: a new s3fs file system costs 100 ms."""

    def __init__(self, endpoint: str, name: str, prefix: str, server: str | None = None, wire=None,
                 credentials: dict[str, str] = CREDENTIALS) -> None:
        self.endpoint, self.name, self.prefix = endpoint, name, prefix
        self.server = server or endpoint  # the server itself, for housekeeping past the wire proxy
        self.wire = wire  # zarrgauge.harness.servers.Wire when clients reach the server through one
        self.credentials = credentials
        self._file_systems: dict[str, object] = {}
        self.closed = False

    def root_store(self):
        """An obstore client at the bucket's root, for housekeeping: never timed, never counted."""
        from obstore.store import S3Store

        return S3Store(self.name, endpoint=self.server, virtual_hosted_style_request=False,
                       client_options={"allow_http": "true", "timeout": "10s"},
                       retry_config={"max_retries": 1, "retry_timeout": timedelta(seconds=10)}, **self.credentials)

    @classmethod
    def created(cls, server: str, name: str = "zarrgauge", proxy: str | None = None, wire=None) -> Bucket:
        """A fresh prefix in a bucket made here, on a server zarrgauge started itself (moto takes an
        unsigned request, and answers one for a bucket it already has with 200); clients reach it
        through `proxy` when given."""
        urllib.request.urlopen(urllib.request.Request(f"{server}/{name}", method="PUT")).close()
        return cls(proxy or server, name, f"zarrgauge-{uuid.uuid4().hex[:12]}/", server, wire)

    @classmethod
    def under(cls, server: str, name: str, prefix: str, credentials: dict[str, str], proxy: str | None = None,
              wire=None) -> Bucket:
        """A fresh prefix below `prefix` in a bucket the user owns: checked first, never created."""
        bucket = cls(proxy or server, name, f"{prefix}zarrgauge-{uuid.uuid4().hex[:12]}/", server, wire, credentials)
        bucket.check()
        return bucket

    def check(self) -> None:
        """A one-line ZarrgaugeError when the server cannot be reached, the bucket does not exist or
        the credentials are refused."""
        import obstore
        from obstore.exceptions import BaseError, NotFoundError, PermissionDeniedError, UnauthenticatedError

        where = f"{self.server}/{self.name}"
        try:
            obstore.list(self.root_store(), prefix=self.prefix, chunk_size=1).collect()
        except BaseError as error:  # obstore reports most HTTP answers as GenericError: read the status
            text = str(error)
            if isinstance(error, NotFoundError) or "404 Not Found" in text:
                raise usage_error(f"--zarr-s3-bucket: no bucket {self.name!r} at {self.server}") from None
            if isinstance(error, (PermissionDeniedError, UnauthenticatedError)) or "403 Forbidden" in text:
                raise usage_error(f"--zarr-s3-bucket: {where} refused the credentials in AWS_ACCESS_KEY_ID and "
                                  "AWS_SECRET_ACCESS_KEY") from None
            raise usage_error(f"--zarr-s3-endpoint: cannot list {where}: {text.splitlines()[0][:200]}") from None

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
                     virtual_hosted_style_request=False, client_options={"allow_http": "true"}, **bucket.credentials)
    return zarr.storage.ObjectStore(client)


def _s3fs(bucket: Bucket, tuned: bool):
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


@dataclass(frozen=True)
class UserBucket:
    """The user's own server and bucket, and the AWS credentials from the environment."""

    endpoint: str
    name: str
    prefix: str  # "" or ending in "/"
    credentials: dict[str, str]


def user_bucket(endpoint: str | None, bucket: str | None, environ=os.environ) -> UserBucket | None:
    """From --zarr-s3-endpoint and --zarr-s3-bucket (NAME or NAME/PREFIX); None when neither is given."""
    if not endpoint and not bucket:
        return None
    if not (endpoint and bucket):
        raise usage_error("--zarr-s3-endpoint and --zarr-s3-bucket go together: name the server and the bucket")
    if not endpoint.startswith(("http://", "https://")):
        raise usage_error(f"--zarr-s3-endpoint: {endpoint!r} is not an http:// or https:// URL")
    keys = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
    if not all(environ.get(key) for key in keys):
        raise usage_error("--zarr-s3-endpoint: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for the server")
    name, _, prefix = bucket.removeprefix("s3://").partition("/")
    credentials = {"access_key_id": environ[keys[0]], "secret_access_key": environ[keys[1]],
                   "region": environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or "us-east-1"}
    return UserBucket(endpoint.rstrip("/"), name, prefix.strip("/") + "/" if prefix.strip("/") else "", credentials)


class ObjectStorage:
    """The S3 side of a run: moto started here, or the user's server; the wire proxy in front of a
    plain-HTTP one; a fresh prefix per scratch space. What it starts or writes is undone by the
    caller's `undo` stack: prefixes emptied first, then the proxy and the server stopped."""

    def __init__(self, network: str, user: UserBucket | None, undo: ExitStack) -> None:
        if user is not None and user.endpoint.startswith("https://") and network != "none":
            raise usage_error("--zarr-network: the wire proxy speaks plain HTTP; with an https:// endpoint "
                              "only the profile 'none' applies")
        self.network, self.user, self.undo = network, user, undo
        self._started: tuple[str, str, Wire | None] | None = None  # server URL, client endpoint, wire

    def check(self) -> None:
        """Before any test runs: the user's server answers, its bucket exists, the credentials work."""
        if self.user is not None:
            Bucket(self.user.endpoint, self.user.name, self.user.prefix, credentials=self.user.credentials).check()

    def _start(self) -> tuple[str, str, Wire | None]:
        server = self.user.endpoint if self.user else self.undo.enter_context(start_moto()).url
        if server.startswith("https://"):
            return server, server, None
        proxy, wire = start_wire(server, self.network)
        return server, self.undo.enter_context(proxy).url, wire

    def open_bucket(self) -> Bucket:
        """Starts the servers with the first remote store, from the main thread (a server dies with
        the thread that started it)."""
        if self._started is None:
            self._started = self._start()
        server, endpoint, wire = self._started
        if self.user is None:
            bucket = Bucket.created(server, proxy=endpoint, wire=wire)
        else:
            bucket = Bucket.under(server, self.user.name, self.user.prefix, self.user.credentials, endpoint, wire)
        # After an interrupt pytest skips fixture teardown: empty the prefix before the server stops
        self.undo.callback(bucket.close)
        return bucket
