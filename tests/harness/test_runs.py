"""Self-tests of how zarrgauge runs: options, benchmark mode, results JSON, scratch cleanup, oracle gate."""

import functools
import gc
import json
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import zarr

from zarrgauge.catalogue.cases import array_cases
from zarrgauge.gate.compare import PEAK_TOLERANCE
from zarrgauge.harness.data import arrays
from zarrgauge.harness.data.janitor import JANITOR
from zarrgauge.harness.data.stores import Scratch, new_store
from zarrgauge.harness.measure.counting_store import CountingStore
from zarrgauge.harness.measure.timing import deterministic_metrics, time_operation, time_write
from zarrgauge.testing.benchmark import RecordingBenchmark
from zarrgauge.testing.subprocesses import run_pytest

ONE_CASE = "random-ints/chunks=100x100/blosc-lz4/v3/local"
FLOORS = ("floor_fetch_1core_s", "floor_decode_1core_s", "floor_copy_1core_s", "floor_s", "efficiency", "overhead_s")


# The plugin's handling of every option error is the same; each option's own messages are checked in
# process (tests/catalogue/test_selection.py). Here: an option, an environment variable and the scratch directory.
@pytest.mark.parametrize("args, env, flag", [
    (["--zarr-tier=huge"], {}, "--zarr-tier"),
    ([], {"ZARRGAUGE_CODEC": "lz5"}, "--zarr-codec (or ZARRGAUGE_CODEC)"),
    ([], {"ZARRGAUGE_SCRATCH": "/etc/hostname"},
     "--zarr-scratch (or ZARRGAUGE_SCRATCH): /etc/hostname is not a directory"),
    (["--zarr-machine-limits=maybe"], {}, "--zarr-machine-limits (or ZARRGAUGE_MACHINE_LIMITS): 'maybe' is neither"),
    (["--zarr-cpus=first"], {}, "--zarr-cpus (or ZARRGAUGE_CPUS): 'first' is no CPU list"),
    ([], {"ZARRGAUGE_CPUS": "4096"}, "--zarr-cpus (or ZARRGAUGE_CPUS): '4096' names CPUs this process may not use"),
])
def test_bad_option_is_a_one_line_usage_error(args, env, flag):
    result = run_pytest("benchmarks", "--co", *args, env=env)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == pytest.ExitCode.USAGE_ERROR
    assert len(lines) == 1 and lines[0].startswith(f"ERROR: {flag}")
    assert "Traceback" not in result.stdout + result.stderr


def test_custom_chunks_join_the_layout_sweep_of_matching_families():
    result = run_pytest("benchmarks/test_read_time.py", "--co", "-q", "--zarr-chunks=12x32x32,6x16x16:12x64x64")
    custom = [line for line in result.stdout.splitlines() if "chunks=12x32x32/" in line or "shards=12x64x64/" in line]
    assert result.returncode == 0 and len(custom) == 4  # seasonal-series and camera-frames, each twice
    assert all("/zarr-default/v3/local]" in line for line in custom)


def test_plain_pytest_runs_benchmarks_once_untimed():
    result = run_pytest("benchmarks/test_read_full.py", f"--zarr-case={ONE_CASE}")
    assert result.returncode == 0, result.stdout[-2000:]
    assert "benchmarks untimed" in result.stdout and "1 passed" in result.stdout
    assert "Name (time in" not in result.stdout


def test_benchmark_only_times_and_records_metrics(tmp_path):
    out = tmp_path / "results.json"
    result = run_pytest("benchmarks/test_read_full.py", "benchmarks/test_write.py", f"--zarr-case={ONE_CASE}",
                        "--benchmark-only", f"--benchmark-json={out}", "--zarr-machine-limits=on")
    assert result.returncode == 0, result.stdout[-2000:]
    report = json.loads(out.read_text())
    assert report["machine_info"]["zarrgauge"]["zarr"] == zarr.__version__
    spent = report["machine_info"]["zarrgauge"]["phases"]
    assert {"collection", "filling", "timed rounds", "metrics pass", "floors", "oracle check", "machine limits",
            "other"} <= set(spent) and all(seconds >= 0 for name, seconds in spent.items() if name != "other")
    assert "where the run's time went" in result.stdout and "timed rounds" in result.stdout
    limits = report["machine_info"]["zarrgauge"]["limits"]
    assert limits["cores"] >= 1 and limits["copy_gb_s"] > 0 and limits["page_cache_read_gb_s"] > 0
    assert all(rates["1core"] > 0 for rates in limits["decode_gb_s"].values())
    benches = {b["name"].split("[")[0]: b for b in report["benchmarks"]}
    assert set(benches) == {"test_read_full", "test_write"}
    for bench in benches.values():
        info = bench["extra_info"]
        assert info["case"] == ONE_CASE and info["codec"] == "blosc-lz4" and info["zarr_format"] == 3
        assert info["nbytes"] == 500 * 500 * 4 and 1 < info["compression_ratio"] < 4
        assert info["stored_bytes"] * info["compression_ratio"] == pytest.approx(info["nbytes"], rel=1e-3)
        assert info["nchunks"] == 25 and bench["stats"]["rounds"] >= 5
    assert benches["test_read_full"]["group"] == "read_full random-ints"
    assert set(FLOORS) <= set(benches["test_read_full"]["extra_info"])
    assert not set(FLOORS) & set(benches["test_write"]["extra_info"])


SLEEPER = textwrap.dedent("""
    import time
    def test_hold_scratch(scratch):
        path = scratch.new_path()
        path.mkdir()
        (path / "data").write_bytes(b"x" * 1000)
        print("READY", flush=True)
        time.sleep(60)

    def test_fail_with_scratch(scratch):
        scratch.new_path().mkdir()
        assert False
""")


def test_a_pinned_run_runs_on_its_cpus_and_counts_only_them(tmp_path):
    cpu = min(os.sched_getaffinity(0))
    out = tmp_path / "results.json"
    result = run_pytest("benchmarks/test_read_full.py", f"--zarr-case={ONE_CASE}", "--benchmark-only",
                        f"--benchmark-json={out}", f"--zarr-cpus={cpu}", "--zarr-machine-limits=on")
    assert result.returncode == 0, result.stdout[-2000:]
    assert f"pinned to CPUs {cpu} of {os.cpu_count()}" in result.stdout
    machine = json.loads(out.read_text())["machine_info"]["zarrgauge"]
    assert machine["cpus"] == [cpu] and machine["limits"]["cores"] == 1
    assert set(machine["limits"]["decode_gb_s"]["zstd-0"]) == {"1core", "1cores"}


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_scratch_is_removed_on_interrupt(tmp_path, how):
    (tmp_path / "test_sleeper.py").write_text(SLEEPER)
    parent = tmp_path / "scratch"
    parent.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "pytest", "-p", "zarrgauge.harness.plugin", "-s", "-k", "hold",
                             f"--zarr-scratch={parent}", "test_sleeper.py"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        if "READY" in line:
            break
    assert any(parent.iterdir()), "the test should hold a scratch directory"
    proc.send_signal(how)
    proc.communicate(timeout=60)
    assert list(parent.iterdir()) == []


def test_scratch_is_removed_after_a_failure(tmp_path):
    (tmp_path / "test_sleeper.py").write_text(SLEEPER)
    parent = tmp_path / "scratch"
    parent.mkdir()
    result = run_pytest("-p", "zarrgauge.harness.plugin", "-k", "fail", f"--zarr-scratch={parent}",
                        "test_sleeper.py", cwd=tmp_path)
    assert result.returncode == pytest.ExitCode.TESTS_FAILED
    assert list(parent.iterdir()) == []


def test_scratch_never_touches_its_parent(tmp_path):
    keep = tmp_path / "users-file.txt"
    keep.write_text("mine")
    space = Scratch(tmp_path)
    space.new_path().mkdir()
    space.remove()
    assert keep.read_text() == "mine" and list(tmp_path.iterdir()) == [keep]


def _case(case_id):
    return next(case for case in array_cases("quick") if case.id == case_id)


def test_a_wrong_read_fails_the_benchmark(tmp_path):
    case = _case(ONE_CASE)
    array = arrays.fill(case, arrays.create(case, CountingStore(new_store("local", Scratch(tmp_path)))))
    array[499, 499] = array[499, 499] + 1
    with pytest.raises(AssertionError, match=r"1 of 250000 elements differ; first at \(499, 499\)"):
        time_operation(RecordingBenchmark(), case, array, "read_full")


def test_a_lossy_read_is_held_to_its_tolerance(tmp_path):
    case = _case("seasonal-series/chunks=8x64x64/fso-zstd/v3/local")
    array = arrays.fill(case, arrays.create(case, CountingStore(new_store("memory", Scratch(tmp_path)))))
    bench = RecordingBenchmark()
    time_operation(bench, case, array, "read_full")
    assert bench.extra_info["lossless"] is False
    array[0, 0, 0] = array[0, 0, 0] + np.float32(0.01)
    with pytest.raises(AssertionError, match="beyond tolerance"):
        time_operation(RecordingBenchmark(), case, array, "read_full")


def test_write_rounds_use_fresh_stores_and_leave_none_behind(tmp_path):
    scratch = Scratch(tmp_path)
    bench = RecordingBenchmark()
    time_write(bench, _case(ONE_CASE), scratch, "write")
    assert bench.extra_info["write_unit"] == "whole array" and bench.group == "write random-ints"
    assert JANITOR.wait(timeout=30)  # finished stores are deleted off the clock
    assert list(scratch.path.iterdir()) == []


@pytest.mark.parametrize("case_id", [ONE_CASE, "seasonal-series/chunks=4x32x64,shards=16x64x128/zarr-default/v3/local"])
def test_deterministic_metrics_repeat_exactly(tmp_path, case_id):
    case = _case(case_id)
    scratch = Scratch(tmp_path)
    runs = []
    for _ in range(2):
        array = arrays.fill(case, arrays.create(case, CountingStore(new_store("memory", scratch))))
        bench = RecordingBenchmark()
        time_operation(bench, case, array, "read_chunks")
        runs.append({k: v for k, v in bench.extra_info.items() if k.startswith(("store_", "bytes_", "peak_"))})
    peaks = [run.pop("peak_traced_bytes") for run in runs]
    assert runs[0] == runs[1]
    assert abs(peaks[0] - peaks[1]) <= PEAK_TOLERANCE * peaks[0]
    assert runs[0]["store_get"] + runs[0]["store_get_partial"] >= 8 and runs[0]["store_set"] == 0
    assert runs[0]["bytes_read"] > 0 and peaks[0] > runs[0]["bytes_returned"]


def _drop_a_cycle_then_hold(megabytes: int, young_objects: int) -> tuple[bytearray, list]:
    cycle = [bytearray(megabytes << 20)]
    cycle.append(cycle)
    del cycle
    spacers = [[] for _ in range(young_objects)]  # enough new objects to start a young collection
    return bytearray(megabytes << 20), spacers


def test_peak_memory_does_not_depend_on_when_the_collector_last_ran():
    """The same run's peak, measured once right after a collection and once with the collector's count near
    its threshold: a collection between the dropped cycle and the next megabyte would halve it."""
    threshold = gc.get_threshold()[0]
    run = functools.partial(_drop_a_cycle_then_hold, 1, threshold // 2)
    store = CountingStore(zarr.storage.MemoryStore())
    gc.collect()
    collected = deterministic_metrics(store, run)["peak_traced_bytes"]
    near_threshold = [[] for _ in range(threshold - threshold // 4)]
    primed = deterministic_metrics(store, run)["peak_traced_bytes"]
    assert near_threshold and collected >= 2 << 20 and primed >= 2 << 20
