"""What a case is timed under besides its array: the network between an object-storage client and
the server (the wire proxy's profile) and zarr's `async.concurrency`. Arrays are filled and
deterministic metrics taken outside these conditions, at full speed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import zarr

from zarrgauge.catalogue.cases import ArrayCase, NodeCase
from zarrgauge.catalogue.networks import DEFAULT_NETWORK
from zarrgauge.objectstore.servers import Wire


@contextmanager
def on_network(wire: Wire | None, network: str) -> Iterator[None]:
    """The wire proxy (None for local stores) at `network` inside."""
    if wire is None or network == DEFAULT_NETWORK:
        yield
        return
    wire.use(network)
    try:
        yield
    finally:
        wire.use(DEFAULT_NETWORK)


@contextmanager
def timed_conditions(case: ArrayCase | NodeCase, wire: Wire | None) -> Iterator[None]:
    concurrency = getattr(case, "concurrency", None)
    with zarr.config.set({} if concurrency is None else {"async.concurrency": concurrency}):
        with on_network(wire, case.network):
            yield


def concurrency(case: ArrayCase) -> int:
    """The async.concurrency the case is timed at."""
    return case.concurrency or int(zarr.config.get("async.concurrency"))
