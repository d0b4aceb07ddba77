"""Where Azure stores live: a fresh prefix zarrgauge owns in a container on the Azurite server it
started (Azure Storage's emulator), the Azure side of zarrgauge.objectstore.bucket. Everything a run
writes lives under that prefix, which is emptied when the run ends."""

from __future__ import annotations

import base64
import email.utils
import hashlib
import hmac
import urllib.error
import urllib.request
from datetime import timedelta
from typing import TYPE_CHECKING, Unpack

import zarr
import zarr.abc.store
import zarr.storage

from zarrgauge.objectstore.bucket import fresh_prefix
from zarrgauge.objectstore.patience import ObstoreOptions, Patience, obstore_patience
from zarrgauge.objectstore.servers import Wire

if TYPE_CHECKING:
    from obstore.store import AzureStore

# Azurite's development account, whose name and key Azure's documentation publishes: passed
# explicitly, as the S3 clients' dummy credentials are, so that no client looks for real ones.
ACCOUNT = "devstoreaccount1"
ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
API_VERSION = "2021-08-06"


def _create_container(server: str, name: str) -> None:
    """Azure's Create Container, which obstore has no call for, signed with the account key (the
    Shared Key scheme: the verb, eleven standard headers, all empty here, the x-ms- headers and the
    resource). A container that exists already answers 409."""
    headers = {"x-ms-date": email.utils.formatdate(usegmt=True), "x-ms-version": API_VERSION}
    signed = "PUT" + "\n" * 12 + "".join(f"{key}:{value}\n" for key, value in sorted(headers.items()))
    signed += f"/{ACCOUNT}/{ACCOUNT}/{name}\nrestype:container"
    digest = hmac.new(base64.b64decode(ACCOUNT_KEY), signed.encode(), hashlib.sha256).digest()
    headers["Authorization"] = f"SharedKey {ACCOUNT}:{base64.b64encode(digest).decode()}"
    request = urllib.request.Request(f"{server}/{ACCOUNT}/{name}?restype=container", method="PUT", headers=headers)
    try:
        urllib.request.urlopen(request, timeout=10).close()
    except urllib.error.HTTPError as answer:
        answer.close()
        if answer.code != 409:
            raise


class Container:
    """Where Azure stores go: `prefix` (ending in '/') in container `name` of Azurite's account,
    reached at `endpoint`, the wire proxy in front of `server`."""

    def __init__(self, endpoint: str, name: str, prefix: str, server: str | None = None,
                 wire: Wire | None = None) -> None:
        self.endpoint, self.name, self.prefix = endpoint, name, prefix
        self.server = server or endpoint  # the server itself, for housekeeping past the wire proxy
        self.wire = wire  # zarrgauge.objectstore.servers.Wire when clients reach the server through one
        self.closed = False

    @classmethod
    def created(cls, server: str, name: str = "zarrgauge", proxy: str | None = None,
                wire: Wire | None = None) -> Container:
        _create_container(server, name)
        return cls(proxy or server, name, fresh_prefix(""), server, wire)

    def client(self, url: str, prefix: str, **options: Unpack[ObstoreOptions]) -> AzureStore:
        """obstore's AzureStore on Azurite at `url`: the account's URL, path-style, and its key. Not
        `use_emulator`, which ignores `endpoint` for the URL in AZURITE_BLOB_STORAGE_URL."""
        from obstore.store import AzureStore

        return AzureStore(self.name, prefix=prefix, endpoint=f"{url}/{ACCOUNT}", account_name=ACCOUNT,
                          account_key=ACCOUNT_KEY, **options)

    def root_store(self) -> AzureStore:
        """A client at the container's root, past the wire proxy, for housekeeping: never timed, never counted."""
        return self.client(self.server, "", client_options={"allow_http": True, "timeout": "10s"},
                           retry_config={"max_retries": 1, "retry_timeout": timedelta(seconds=10)})

    def keys(self) -> list[str]:
        import obstore

        return [item["path"] for batch in obstore.list(self.root_store(), prefix=self.prefix) for item in batch]

    def store(self, kind: str, key: str, patience: Patience | None = None) -> zarr.abc.store.Store:
        """An empty store of kind azure-obstore under `key` of the prefix, as Bucket.store makes the S3 ones."""
        options: ObstoreOptions = ({"client_options": {"allow_http": True}} if patience is None
                                   else obstore_patience(patience))
        return zarr.storage.ObjectStore(self.client(self.endpoint, self.prefix + key, **options))

    def close(self) -> None:
        """Delete every object under the prefix, and nothing else."""
        import obstore

        if self.closed:
            return
        self.closed = True
        keys = self.keys()
        if keys:
            obstore.delete(self.root_store(), keys)
