"""Benchmarks through other engines, run as a user runs them: each checked against the oracle,
with the engine, its version and threads in extra_info, and no store metrics (their I/O bypasses
the counting store)."""

import json

import pytest

from zarrgauge.testing.subprocesses import run_pytest

ENGINES = "zarrs,tensorstore,h5py"


def test_every_engine_case_runs_once_and_is_checked():
    result = run_pytest("benchmarks", "-q", f"--zarr-engine={ENGINES}", "--zarr-family=seasonal-series")
    assert result.returncode == 0, result.stdout[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout and "skipped" not in result.stdout


@pytest.fixture(scope="module")
def timed(tmp_path_factory):
    out = tmp_path_factory.mktemp("engines") / "results.json"
    case = "seasonal-series/chunks=8x64x64/zarr-default/v3/local/engine=*"
    result = run_pytest("benchmarks/test_read_time.py", "benchmarks/test_write.py", "-q", "--benchmark-only",
                        f"--benchmark-json={out}", "--benchmark-min-rounds=2", "--benchmark-max-time=0",
                        f"--zarr-engine={ENGINES}", f"--zarr-case={case}")
    assert result.returncode == 0, result.stdout[-2000:]
    return {bench["fullname"]: bench["extra_info"] for bench in json.loads(out.read_text())["benchmarks"]}


def test_engine_results_name_the_engine_and_carry_no_store_metrics(timed):
    assert {info["engine"] for info in timed.values()} == {"zarrs", "tensorstore", "h5py"}
    assert {info["operation"] for info in timed.values()} == {"read_time", "write"}
    for info in timed.values():
        assert info["engine_version"] and info["engine_threads"] >= 1
        assert not any(key.startswith("store_") for key in info)


def test_the_hdf5_baseline_reports_its_own_file_size(timed):
    hdf5 = [info for info in timed.values() if info["engine"] == "h5py"]
    zarr_like = [info for info in timed.values() if info["engine"] == "tensorstore"]
    assert all(1 < info["compression_ratio"] < 10 for info in hdf5 + zarr_like)
