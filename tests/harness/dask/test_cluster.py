"""The dask executor's cluster (zarrgauge.harness.dask.cluster): our own LocalCluster starts on first use
and leaves no process behind; the user's must answer in time and be able to read the data."""

import socket
from contextlib import ExitStack

import psutil
import pytest

from zarrgauge.errors import EXIT_USAGE, ZarrgaugeError
from zarrgauge.harness.dask import cluster as dask_cluster
from zarrgauge.harness.dask.cluster import ClusterOptions, DaskCluster
from zarrgauge.objectstore.bucket import UserBucket

USER_BUCKET = UserBucket("https://s3.example.org", "lab", "", {})


def _children() -> set[int]:
    """This process's children but multiprocessing's resource tracker, which lives as long as its parent."""
    return {child.pid for child in psutil.Process().children(recursive=True)
            if "resource_tracker" not in " ".join(child.cmdline())}


def test_our_cluster_starts_on_first_use_and_its_processes_end_with_the_run():
    before = _children()
    with ExitStack() as undo:
        cluster = DaskCluster(ClusterOptions(workers=1, threads=1), undo)
        cluster.check()  # nothing to check for our own cluster, and nothing started yet
        assert _children() == before
        assert cluster.info() == {"dask_workers": 1, "dask_threads": 1, "dask_scheduler": "local"}
        started = _children() - before
        assert started
    _, alive = psutil.wait_procs([psutil.Process(pid) for pid in started if psutil.pid_exists(pid)], timeout=20)
    assert not alive


def test_the_data_must_be_where_the_workers_of_another_machine_can_read_it(tmp_path):
    here, elsewhere = "tcp://127.0.0.1:8786", "tcp://192.0.2.1:8786"  # 192.0.2.0/24: documentation only
    assert dask_cluster.data_place(("local",), here, None, tmp_path) == f"the local store under {tmp_path}"
    for stores, user in [(("local",), None), (("s3-obstore",), None), (("local", "s3-obstore"), USER_BUCKET)]:
        with pytest.raises(ZarrgaugeError, match="on another machine and cannot read") as raised:
            dask_cluster.data_place(stores, elsewhere, user, tmp_path)
        assert raised.value.exit_status == EXIT_USAGE
    assert dask_cluster.data_place(("s3-obstore",), elsewhere, USER_BUCKET, tmp_path) == \
        "bucket lab at https://s3.example.org"
    assert dask_cluster.on_this_machine("tcp://localhost:8786") and dask_cluster.on_this_machine("tcp://[::1]:8786")


def test_a_scheduler_that_does_not_answer_is_a_usage_error_within_the_timeout(monkeypatch):
    monkeypatch.setattr(dask_cluster, "CONNECT_SECONDS", 1)
    with socket.socket() as silent:  # accepts connections, never speaks
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        address = "tcp://127.0.0.1:%d" % silent.getsockname()[1]
        with pytest.raises(ZarrgaugeError, match=f"no dask scheduler answered at {address} within 1 s") as raised:
            dask_cluster.connect(address)
    assert raised.value.exit_status == EXIT_USAGE
