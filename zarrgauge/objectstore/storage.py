"""The object storage of a run: the servers it starts (or the user's S3 server), the wire proxies,
and bucket and container prefixes."""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from zarrgauge.catalogue.networks import DEFAULT_NETWORK
from zarrgauge.errors import usage_error
from zarrgauge.objectstore.azure import Container
from zarrgauge.objectstore.bucket import Bucket, UserBucket
from zarrgauge.objectstore.servers import ServerMissing, Wire, start_azurite, start_moto, start_wire
from zarrgauge.phases import phase


class ObjectStorage:
    """The object storage of a run: for S3, moto started here or the user's server; for Azure,
    Azurite started here (--zarr-s3-endpoint is S3's alone). Each plain-HTTP server has a wire proxy
    in front, adding no latency until a benchmark asks for a network; each scratch space a fresh
    prefix. What it starts or writes is undone by the caller's `undo` stack: prefixes emptied
    first, then the proxies and servers stopped."""

    def __init__(self, networks: tuple[str, ...], user: UserBucket | None, undo: ExitStack) -> None:
        if user is not None and user.endpoint.startswith("https://") and set(networks) != {DEFAULT_NETWORK}:
            raise usage_error(f"--zarr-network: the wire proxy speaks plain HTTP; with an https:// endpoint "
                              f"only the network {DEFAULT_NETWORK!r} applies")
        self.user, self.undo = user, undo
        self._started: tuple[str, str, Wire | None] | None = None  # server URL, client endpoint, wire
        self._azurite: tuple[str, str, Wire] | None = None  # the same, for Azurite

    def check(self) -> None:
        """Before any test runs: the user's server answers, its bucket exists, the credentials work."""
        if self.user is not None:
            Bucket(self.user.endpoint, self.user.name, self.user.prefix, credentials=self.user.credentials).check()

    def _start(self) -> tuple[str, str, Wire | None]:
        server = self.user.endpoint if self.user else self.undo.enter_context(start_moto()).url
        if server.startswith("https://"):
            return server, server, None
        return self._behind_wire(server)

    def _behind_wire(self, server: str) -> tuple[str, str, Wire]:
        # Data is written at full speed; each benchmark sets its own network while it is timed
        proxy, wire = start_wire(server, DEFAULT_NETWORK)
        return server, self.undo.enter_context(proxy).url, wire

    def open_bucket(self) -> Bucket:
        """Starts the servers with the first remote store, from the main thread (a server dies with
        the thread that started it)."""
        if self._started is None:
            with phase("starting servers"):
                self._started = self._start()
        server, endpoint, wire = self._started
        if self.user is None:
            bucket = Bucket.created(server, proxy=endpoint, wire=wire)
        else:
            bucket = Bucket.under(server, self.user.name, self.user.prefix, self.user.credentials, endpoint, wire)
        # After an interrupt pytest skips fixture teardown: empty the prefix before the server stops
        self.undo.callback(bucket.close)
        return bucket

    def open_container(self) -> Container:
        """Starts Azurite with the first Azure store, as `open_bucket` starts moto; skips the test
        that asked when Azurite cannot run here."""
        if self._azurite is None:
            try:
                with phase("starting servers"):
                    server = self.undo.enter_context(start_azurite()).url
            except ServerMissing as missing:
                pytest.skip(str(missing))
            self._azurite = self._behind_wire(server)
        server, endpoint, wire = self._azurite
        container = Container.created(server, proxy=endpoint, wire=wire)
        self.undo.callback(container.close)
        return container
