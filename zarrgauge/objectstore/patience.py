"""How long a client waits for an answer, and how often it asks again: the clients' own defaults,
or a Patience that replaces them (tests that must see a fault fail in seconds)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    from obstore.store import ClientConfig, RetryConfig


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


class ObstoreOptions(TypedDict, total=False):
    """Keyword arguments of obstore's stores: how their client connects, and retries."""

    client_options: ClientConfig
    retry_config: RetryConfig


def obstore_patience(patience: Patience) -> ObstoreOptions:
    timeout, backoff = timedelta(seconds=patience.timeout), timedelta(seconds=patience.backoff)
    longest_backoff = backoff * 2**patience.retries
    return {"client_options": {"allow_http": True, "timeout": timeout, "connect_timeout": timeout},
            "retry_config": {"max_retries": patience.retries,
                             "backoff": {"init_backoff": backoff, "max_backoff": longest_backoff, "base": 2},
                             # long enough never to cut the retries short
                             "retry_timeout": (timeout + longest_backoff) * (patience.retries + 1)}}
