"""Benchmarks through other engines, run as a user runs them: each checked against the oracle (a
wrong value fails the run), with the engine, its version and threads in extra_info, no store metrics
(their I/O bypasses the counting store), and the machine floor beside each read, which none beats."""

import json

import pytest

from zarrgauge.testing.subprocesses import run_pytest

ENGINES = "zarrs,tensorstore,h5py"
ZARR_ENGINES = ("zarrs", "tensorstore")  # h5py reads its own HDF5 copy: other bytes than the zarr array's
NOISE = 0.10  # how far below its floor an engine may read on a busy machine


@pytest.fixture(scope="module")
def timed(tmp_path_factory):
    """Every engine case of the series, each timed for two rounds and checked against the oracle."""
    out = tmp_path_factory.mktemp("engines") / "results.json"
    result = run_pytest("benchmarks", "-q", "--benchmark-only", f"--benchmark-json={out}", "--benchmark-min-rounds=2",
                        "--benchmark-max-time=0", f"--zarr-engine={ENGINES}", "--zarr-family=seasonal-series")
    assert result.returncode == 0, result.stdout[-2000:]
    assert "failed" not in result.stdout and "skipped" not in result.stdout
    return {bench["fullname"]: {**bench["extra_info"], "median": bench["stats"]["median"]}
            for bench in json.loads(out.read_text())["benchmarks"]}


def test_every_engine_runs_every_read_pattern_and_the_write_of_both_layouts(timed):
    assert {info["engine"] for info in timed.values()} == {"zarrs", "tensorstore", "h5py"}
    assert {info["operation"] for info in timed.values()} == {"read_full", "read_time", "read_space", "read_chunks",
                                                              "write"}
    assert len(timed) == 3 * 2 * 5


def test_engine_results_name_the_engine_and_carry_no_store_metrics(timed):
    for info in timed.values():
        assert info["engine_version"] and info["engine_threads"] >= 1
        assert not any(key.startswith("store_") for key in info)


def test_the_hdf5_baseline_reports_its_own_file_size(timed):
    hdf5 = [info for info in timed.values() if info["engine"] == "h5py"]
    zarr_like = [info for info in timed.values() if info["engine"] == "tensorstore"]
    assert all(1 < info["compression_ratio"] < 10 for info in hdf5 + zarr_like)


def test_no_engine_reads_below_the_machine_floor(timed):
    """The machine floor is the least time any engine could take on the stored bytes (plain reads, the
    codecs' own decode calls, one copy; harness/measure/floors.py): an engine's median below it by more
    than the noise means the floor is not one. Every read of the default and sharded layouts has one."""
    reads = [info for info in timed.values() if info["operation"] != "write"]
    assert all("floor_s" in info and info["efficiency"] > 0 for info in reads)
    below = [(info["engine"], info["case"], info["operation"], f"{info['median'] / info['floor_s']:.2f}")
             for info in reads if info["engine"] in ZARR_ENGINES and info["median"] < (1 - NOISE) * info["floor_s"]]
    assert not below, f"read faster than the machine floor (median / floor): {below}"
