"""Where remote stores live: a fresh prefix zarrgauge owns in a bucket, on the moto server it
started or on the user's own server. Everything a run writes lives under that prefix, which is
emptied when the run ends: nothing else in the bucket is touched."""

from __future__ import annotations

import os
import urllib.request
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import zarr
import zarr.storage
from zarr.core.sync import sync

from zarrgauge.errors import usage_error
from zarrgauge.objectstore.location import Credentials, Location
from zarrgauge.objectstore.patience import Patience
from zarrgauge.objectstore.s3 import obstore_store, s3fs_filesystem
from zarrgauge.objectstore.servers import CREDENTIALS, Wire

if TYPE_CHECKING:
    from obstore.store import S3Store


def fresh_prefix(parent: str) -> str:
    return f"{parent}zarrgauge-{uuid.uuid4().hex[:12]}/"


class Bucket:
    """Where remote stores go: `prefix` (ending in '/') in bucket `name` at `endpoint`. Stores of
    one kind share one client, as a user's arrays would: a new s3fs file system costs 100 ms."""

    def __init__(self, endpoint: str, name: str, prefix: str, server: str | None = None, wire: Wire | None = None,
                 credentials: Credentials = CREDENTIALS) -> None:
        self.endpoint, self.name, self.prefix = endpoint, name, prefix
        self.server = server or endpoint  # the server itself, for housekeeping past the wire proxy
        self.wire = wire  # zarrgauge.objectstore.servers.Wire when clients reach the server through one
        self.credentials = credentials
        self._file_systems: dict[str, object] = {}
        self.closed = False

    def root_store(self) -> S3Store:
        """An obstore client at the bucket's root, for housekeeping: never timed, never counted."""
        from obstore.store import S3Store

        return S3Store(self.name, endpoint=self.server, virtual_hosted_style_request=False,
                       client_options={"allow_http": True, "timeout": "10s"},
                       retry_config={"max_retries": 1, "retry_timeout": timedelta(seconds=10)}, **self.credentials)

    @classmethod
    def created(cls, server: str, name: str = "zarrgauge", proxy: str | None = None,
                wire: Wire | None = None) -> Bucket:
        """A fresh prefix in a bucket made here, on a server zarrgauge started itself (moto takes an
        unsigned request, and answers one for a bucket it already has with 200); clients reach it
        through `proxy` when given."""
        urllib.request.urlopen(urllib.request.Request(f"{server}/{name}", method="PUT")).close()
        return cls(proxy or server, name, fresh_prefix(""), server, wire)

    @classmethod
    def under(cls, server: str, name: str, prefix: str, credentials: Credentials, proxy: str | None = None,
              wire: Wire | None = None) -> Bucket:
        """A fresh prefix below `prefix` in a bucket the user owns: checked first, never created."""
        bucket = cls(proxy or server, name, fresh_prefix(prefix), server, wire, credentials)
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

    def location(self, key: str = "") -> Location:
        """Where the clients go for `key` under the prefix: through the wire proxy when there is one."""
        return Location(self.endpoint, self.name, self.prefix + key, self.credentials)

    def store(self, kind: str, key: str, patience: Patience | None = None) -> zarr.abc.store.Store:
        """An empty store of a remote kind under `key` of the prefix; `patience` replaces the client's
        own timeouts and retries."""
        if kind == "s3-obstore":
            return obstore_store(self.location(key), patience)
        client = kind if patience is None else f"{kind} {patience}"
        if client not in self._file_systems:
            self._file_systems[client] = s3fs_filesystem(self.location(), kind == "s3-fsspec-tuned", patience)
        return zarr.storage.FsspecStore(self._file_systems[client], path=f"{self.name}/{self.prefix}{key}")

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


@dataclass(frozen=True)
class UserBucket:
    """The user's own server and bucket, and the AWS credentials from the environment."""

    endpoint: str
    name: str
    prefix: str  # "" or ending in "/"
    credentials: Credentials


def user_bucket(endpoint: str | None, bucket: str | None,
                environ: Mapping[str, str] = os.environ) -> UserBucket | None:
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
    credentials: Credentials = {"access_key_id": environ[keys[0]], "secret_access_key": environ[keys[1]],
                   "region": environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or "us-east-1"}
    return UserBucket(endpoint.rstrip("/"), name, prefix.strip("/") + "/" if prefix.strip("/") else "", credentials)
