"""The dask.distributed cluster the dask executor runs on: zarrgauge's own LocalCluster, or the user's.

zarrgauge's cluster starts with the first dask case, its scheduler, nannies and worker processes
all on 127.0.0.1 at free ports, no dashboard, and closes when the run ends (also after a failure,
Ctrl-C or SIGTERM, from the plugin's undo stack). Should zarrgauge be killed outright, each worker
process exits by itself when its parent's pipe closes (distributed's AsyncProcess), so no process
or port outlives a run. The user's cluster (--dask-scheduler) must answer within CONNECT_SECONDS, and
one on another machine must be able to read the data (data_place).
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from zarrgauge.errors import usage_error
from zarrgauge.objectstore.bucket import UserBucket

CONNECT_SECONDS = 5
# A workload on the quick tier takes well under a second; a lost result must fail, never hang.
RESULT_SECONDS = 120
DEFAULT_WORKERS, DEFAULT_THREADS = 2, 1  # one single-threaded worker process per core of a 2-core machine


@dataclass(frozen=True)
class ClusterOptions:
    workers: int = DEFAULT_WORKERS
    threads: int = DEFAULT_THREADS
    scheduler: str | None = None  # tcp://HOST:PORT of the user's cluster; None: start our own

    def describe(self) -> str:
        if self.scheduler:
            return f"the cluster at {self.scheduler}"
        return f"a LocalCluster of {self.workers} worker process(es) x {self.threads} thread(s) on 127.0.0.1"


def _host(address: str) -> str:
    return address.removeprefix("tcp://").rpartition(":")[0].strip("[]")


def on_this_machine(address: str) -> bool:
    """Whether the scheduler's address is a loopback one: its workers then read this machine's local store."""
    host = _host(address)
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
        except OSError:
            return False


def data_place(stores: tuple[str, ...], scheduler: str | None, user: UserBucket | None, local_dir: Path) -> str:
    """Where the dask executor's data goes, said in the pytest header; a usage error when the workers of a
    cluster on another machine could not read it."""
    if scheduler and not on_this_machine(scheduler) and ("local" in stores or user is None):
        raise usage_error(f"--dask-scheduler (or ZARRGAUGE_DASK_SCHEDULER): the workers of {scheduler} are on "
                          "another machine and cannot read this one's local store or the S3 server zarrgauge starts; "
                          "add --zarr-store=s3-obstore with --zarr-s3-endpoint and --zarr-s3-bucket of a bucket they "
                          "can reach")
    places = {"local": f"the local store under {local_dir}",
              "s3-obstore": f"bucket {user.name} at {user.endpoint}" if user else
              "the moto S3 server zarrgauge starts on 127.0.0.1"}
    return " and ".join(places[store] for store in stores)


def _greets(address: str) -> None:
    """Raise unless a dask scheduler's greeting arrives in time: a scheduler speaks first on every new
    connection. distributed's own Client waits forever on a peer that accepts and stays silent."""
    port = address.rpartition(":")[2]
    if not address.startswith("tcp://") or not port.isdigit():
        raise ValueError("not of the form tcp://HOST:PORT")
    with socket.create_connection((_host(address), int(port)), timeout=CONNECT_SECONDS) as connection:
        connection.settimeout(CONNECT_SECONDS)
        if not connection.recv(1):
            raise ConnectionError("closed without a word")


def connect(address: str):
    """A client of the user's scheduler, or a usage error if it does not answer in time."""
    from distributed import Client

    try:
        _greets(address)
        return Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, ValueError) as error:  # TimeoutError is an OSError
        reason = str(error).splitlines()[0] if str(error) else f"{type(error).__name__}: no answer"
        raise usage_error(f"--dask-scheduler (or ZARRGAUGE_DASK_SCHEDULER): no dask scheduler answered at "
                          f"{address} within {CONNECT_SECONDS} s ({reason}); start it, or leave the option out "
                          "to let zarrgauge start its own") from None


def start_local(workers: int, threads: int, undo: ExitStack):
    """A client of a new LocalCluster whose closing is on `undo`."""
    from distributed import Client, LocalCluster

    # Without a dashboard the scheduler still serves HTTP (health, metrics), by default at 8787: a free port instead.
    http = {"dashboard": False, "dashboard_address": "127.0.0.1:0"}
    cluster = undo.enter_context(LocalCluster(n_workers=workers, threads_per_worker=threads, processes=True,
                                              host="127.0.0.1", scheduler_port=0, dashboard_address=None,
                                              scheduler_kwargs=http, silence_logs=logging.ERROR))
    return undo.enter_context(Client(cluster, set_as_default=False))


class DaskCluster:
    """The run's cluster, started (or connected to) on first use; what it starts is closed by `undo`."""

    def __init__(self, options: ClusterOptions, undo: ExitStack) -> None:
        self.options, self.undo = options, undo
        self._client = None

    def check(self) -> None:
        """Before any test runs: the user's scheduler answers."""
        if self.options.scheduler:
            self._client = self.undo.enter_context(connect(self.options.scheduler))

    def client(self):
        if self._client is None:
            self.check()
        if self._client is None:
            self._client = start_local(self.options.workers, self.options.threads, self.undo)
        return self._client

    def info(self) -> dict:
        """The cluster's shape, for extra_info: workers and threads as the scheduler counts them."""
        threads = self.client().nthreads()
        return {"dask_workers": len(threads), "dask_threads": sum(threads.values()),
                "dask_scheduler": self.options.scheduler or "local"}


def compute(client, graph):
    """The graph's result from the cluster, or a failure (a lost worker's KilledWorker, a timeout)."""
    return client.compute(graph).result(timeout=RESULT_SECONDS)
