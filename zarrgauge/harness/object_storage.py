"""The S3 side of a run: the servers it starts (or the user's), the wire proxy, and bucket prefixes."""

from __future__ import annotations

from contextlib import ExitStack

from zarrgauge.catalogue.networks import DEFAULT_NETWORK
from zarrgauge.errors import usage_error
from zarrgauge.harness.bucket import Bucket, UserBucket
from zarrgauge.harness.servers import Wire, start_moto, start_wire


class ObjectStorage:
    """The S3 side of a run: moto started here, or the user's server; the wire proxy in front of a
    plain-HTTP one, adding no latency until a benchmark asks for a network; a fresh prefix per
    scratch space. What it starts or writes is undone by the caller's `undo` stack: prefixes
    emptied first, then the proxy and the server stopped."""

    def __init__(self, networks: tuple[str, ...], user: UserBucket | None, undo: ExitStack) -> None:
        if user is not None and user.endpoint.startswith("https://") and set(networks) != {DEFAULT_NETWORK}:
            raise usage_error(f"--zarr-network: the wire proxy speaks plain HTTP; with an https:// endpoint "
                              f"only the network {DEFAULT_NETWORK!r} applies")
        self.user, self.undo = user, undo
        self._started: tuple[str, str, Wire | None] | None = None  # server URL, client endpoint, wire

    def check(self) -> None:
        """Before any test runs: the user's server answers, its bucket exists, the credentials work."""
        if self.user is not None:
            Bucket(self.user.endpoint, self.user.name, self.user.prefix, credentials=self.user.credentials).check()

    def _start(self) -> tuple[str, str, Wire | None]:
        server = self.user.endpoint if self.user else self.undo.enter_context(start_moto()).url
        if server.startswith("https://"):
            return server, server, None
        # Data is written at full speed; each benchmark sets its own network while it is timed
        proxy, wire = start_wire(server, DEFAULT_NETWORK)
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
