"""Where a client reads and writes: what the client builders need of a bucket, and nothing more."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict


class Credentials(TypedDict):
    """What a server takes, under obstore's names: its stores take them as keyword arguments."""

    access_key_id: str
    secret_access_key: str
    region: str


@dataclass(frozen=True)
class Location:
    """A key prefix (ending in '/', or empty) in bucket `bucket` at `endpoint`, with the credentials
    the server takes."""

    endpoint: str
    bucket: str
    prefix: str
    credentials: Credentials
