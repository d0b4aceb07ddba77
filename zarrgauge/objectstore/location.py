"""Where a client reads and writes: what the client builders need of a bucket, and nothing more."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """A key prefix (ending in '/', or empty) in bucket `bucket` at `endpoint`, with the credentials
    the server takes (obstore's names: access_key_id, secret_access_key, region)."""

    endpoint: str
    bucket: str
    prefix: str
    credentials: Mapping[str, str]
