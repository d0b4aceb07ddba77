"""The dask executor as a user runs it: every dask case of the quick tier timed once on one
LocalCluster and checked against the oracle, in the same session as the lost-worker conformance
test; the cluster's shape and each graph's tasks in extra_info; no store metrics (the workers do
their own I/O). The cluster itself: harness/dask/test_cluster.py."""

import fnmatch
import json

import pytest

from zarrgauge.catalogue.executors import DASK_OPERATIONS
from zarrgauge.testing.subprocesses import run_pytest

ON_S3 = "seasonal-series/*shards*/s3-obstore/executor=dask"


@pytest.fixture(scope="module")
def timed(tmp_path_factory):
    out = tmp_path_factory.mktemp("dask") / "results.json"
    # Timed (for the JSON's extra_info) but one call each: no warmup, no calibration loop.
    result = run_pytest("benchmarks", "tests/conformance/test_dask_workers.py", "tests/harness/dask/test_fill.py",
                        "--benchmark-enable",
                        f"--benchmark-json={out}", "--benchmark-min-rounds=1", "--benchmark-max-time=0",
                        "--benchmark-min-time=0", "--benchmark-calibration-precision=1", "--benchmark-warmup=off",
                        "--zarr-executor=dask", "--zarr-store=local,s3-obstore", f"--zarr-case=*/local/*,{ON_S3}")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "failed" not in result.stdout and "skipped" not in result.stdout
    assert ("the dask executor runs on a LocalCluster of 2 worker process(es) x 1 thread(s) on 127.0.0.1; its data "
            "is on the local store under ") in result.stdout
    assert " and the moto S3 server zarrgauge starts on 127.0.0.1, where the workers read it" in result.stdout
    return {bench["fullname"]: bench["extra_info"] for bench in json.loads(out.read_text())["benchmarks"]}


def test_every_processing_workload_runs_on_dask_for_both_layouts(timed):
    assert {info["executor"] for info in timed.values()} == {"dask"}
    assert {info["operation"] for info in timed.values()} == set(DASK_OPERATIONS)
    assert {info["layout"] for info in timed.values()} == {"balanced", "sharded"}


def test_the_workers_read_a_bucket_themselves(timed):
    """Their store came pickled in the graph; the result matched the oracle, and the same graph's reads were
    counted in the test's process."""
    on_s3 = [info for info in timed.values() if info["store"] == "s3-obstore"]
    assert len(on_s3) == 1 and fnmatch.fnmatchcase(on_s3[0]["case"], ON_S3)
    assert on_s3[0]["dask_store_reads"] >= on_s3[0]["nshards"]


def test_dask_results_carry_the_cluster_and_the_graph_not_store_metrics(timed):
    for info in timed.values():
        assert (info["dask_workers"], info["dask_threads"], info["dask_scheduler"]) == (2, 2, "local")
        assert info["dask_tasks"] >= info["dask_blocks"] >= 1
        assert not any(key.startswith("store_") for key in info)


def test_a_graph_over_the_whole_array_reads_each_stored_object_once(timed):
    """Counted on the graph run in the test's process: a task per write block, each reading its own
    chunks, or its shard whole or by index and inner chunks (zarr 3.4 reads a whole shard in one get)."""
    whole_array = [info for info in timed.values() if info["operation"] != "max_projection"]
    for info in whole_array:
        if info["shards"] is None:
            assert info["dask_store_reads"] == info["nchunks"], info["case"]
        else:
            assert info["nshards"] <= info["dask_store_reads"] <= info["nshards"] + info["nchunks"], info["case"]
        assert info["dask_bytes_read"] <= info["stored_bytes"], info["case"]


def test_a_sharded_array_is_split_into_one_task_per_shard(timed):
    sharded = [info for info in timed.values() if info["shards"] and info["family"] == "seasonal-series"]
    assert sharded and {info["dask_blocks"] for info in sharded} == {3 * 2 * 2}  # shards 16x64x128 of 48x128x256
