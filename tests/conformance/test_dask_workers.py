"""A dask worker lost mid-computation: the scheduler reruns its tasks on the workers left (and the
one its nanny restarts), so the result is still bit-for-bit the oracle's, never a wrong value and
never a hang. Runs on the session's cluster when the dask executor is selected; make test runs it
so, beside the dask benchmarks (tests/harness/dask/test_executor.py)."""

import os
import signal
import time

import pytest

from zarrgauge.catalogue.operations import OPERATIONS
from zarrgauge.harness.dask.cluster import RESULT_SECONDS
from zarrgauge.harness.dask.runs import DASK_RUNS, dask_array
from zarrgauge.harness.measure import oracle
from zarrgauge.harness.session.session import SESSION

TASK_SECONDS = 0.02  # 48 blocks over 2 workers: half a second, long enough to kill a worker in
RESTART_SECONDS = 30


@pytest.fixture
def dask_case(pytestconfig):
    session = pytestconfig.stash[SESSION]
    if not session.dask_selected or session.dask.options.scheduler:
        pytest.skip("needs zarrgauge's own LocalCluster: select the dask executor (--zarr-executor=dask)")
    return next(case for case in session.selection.array_cases("seasonal_stats")
                if case.executor == "dask" and case.family.name == "seasonal-series" and case.layout.shards is None)


def _slowly(block):
    time.sleep(TASK_SECONDS)
    return block


def _busy_worker(client, future) -> str:
    """A worker with tasks of the future's computation in progress."""
    deadline = time.monotonic() + RESULT_SECONDS
    while time.monotonic() < deadline and not future.done():
        busy = [worker for worker, keys in client.processing().items() if keys]
        if busy:
            return busy[0]
        time.sleep(0.01)
    pytest.fail("no worker started the computation")


def test_a_worker_killed_mid_run_is_replaced_and_the_result_is_still_right(dask_case, cluster, array_cache):
    client = cluster.client()
    workers = len(client.nthreads())
    op = OPERATIONS["seasonal_stats"]
    values = dask_array(dask_case, array_cache(dask_case)).map_blocks(_slowly, dtype=dask_case.source.dtype)
    future = client.compute(DASK_RUNS["seasonal_stats"](values, None))
    victim = _busy_worker(client, future)
    pid = client.run(os.getpid, workers=[victim])[victim]
    os.kill(pid, signal.SIGKILL)
    assert not future.done(), "the computation ended before the worker was killed: lengthen TASK_SECONDS"
    result = future.result(timeout=RESULT_SECONDS)  # a KilledWorker or a hang fails the test here
    oracle.assert_matches(result, op.expect(dask_case.source, None), op.tolerance)
    client.wait_for_workers(workers, timeout=RESTART_SECONDS)
    assert pid not in client.run(os.getpid).values(), "the killed worker is still serving"
