"""The pytest plugin's contract with benchmark authors: a benchmark is named after the operation it
times, and a full-tier run checks the disk before it writes."""

import textwrap

import pytest

from zarrgauge.catalogue.selection import Selection
from zarrgauge.harness.session.disk import disk_needed
from zarrgauge.testing.subprocesses import run_pytest

ONE_CASE = "seasonal-series/chunks=8x64x64/zarr-default/v3/local"


def run_in(where, *args):
    """pytest on a benchmark file outside the repository, with zarrgauge's plugin loaded by hand."""
    return run_pytest("-p", "zarrgauge.harness.plugin", *args, cwd=where)


def benchmark_file(tmp_path, body):
    (tmp_path / "test_bench.py").write_text(textwrap.dedent(body))
    return tmp_path


def test_a_benchmark_that_times_another_operation_than_its_name_fails(tmp_path):
    where = benchmark_file(tmp_path, """
        from zarrgauge.harness.measure.timing import time_operation

        def test_read_time(benchmark, case, filled_array):
            time_operation(benchmark, case, filled_array, "read_space")
    """)
    result = run_in(where, f"--zarr-case={ONE_CASE}")
    assert result.returncode == pytest.ExitCode.TESTS_FAILED
    assert "test_read_time[" in result.stdout and "is named after 'read_time' but timed 'read_space'" in result.stdout


def test_the_operation_fixture_is_the_benchmarks_name(tmp_path):
    where = benchmark_file(tmp_path, """
        from zarrgauge.harness.measure.timing import time_operation

        def test_read_space(benchmark, case, operation, filled_array):
            assert operation == "read_space"
            time_operation(benchmark, case, filled_array, operation)
    """)
    result = run_in(where, f"--zarr-case={ONE_CASE}")
    assert result.returncode == 0, result.stdout[-2000:]
    assert "1 passed" in result.stdout


@pytest.mark.parametrize(("fixture", "message"), [
    ("case", "test_open_sideways takes a `case` but 'open_sideways' is no catalogue operation"),
    ("node_case", "test_open_sideways takes a `node_case` but 'open_sideways' is no node operation"),
])
def test_a_benchmark_not_named_after_an_operation_is_a_collection_error(tmp_path, fixture, message):
    where = benchmark_file(tmp_path, f"""
        def test_open_sideways(benchmark, {fixture}):
            pass
    """)
    result = run_in(where, "--co")
    assert result.returncode == pytest.ExitCode.INTERRUPTED
    assert message in result.stdout
    assert "Traceback" not in result.stdout and "plugin.py" not in result.stdout


FAKE_DISK = """
import shutil

def pytest_configure(config):
    shutil.disk_usage = lambda path: shutil._ntuple_diskusage(2**40, 2**40 - 2**30, 2**30)
"""


def test_a_full_tier_run_that_may_not_fit_stops_before_writing(tmp_path):
    (tmp_path / "one_gib_free.py").write_text(FAKE_DISK)
    result = run_pytest("-p", "one_gib_free", "benchmarks/test_read_time.py", "--zarr-tier=full",
                        "--zarr-family=seasonal-series", "--zarr-case=*/v3/local", env={"PYTHONPATH": str(tmp_path)})
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, result.stdout[-2000:]
    assert "may write up to" in result.stdout and "which has 1.0 GiB free" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_disk_needed_counts_small_arrays_once_and_the_largest_twice():
    cases = Selection(tier="full", families=("seasonal-series", "basic-2d")).array_cases("write")
    series = max(case.source.nbytes for case in cases)
    small = sum(case.source.nbytes for case in cases if case.source.fits_in_memory and case.store == "local")
    assert series == 365 * 1000 * 2000 * 4 and small > 0
    assert disk_needed(cases) == small + 2 * series


def test_disk_needed_counts_each_dataset_of_the_xarray_path_beside_the_arrays():
    cases = Selection(tier="full", families=("seasonal-series",)).array_cases("xarray_open")
    assert cases and disk_needed(cases, cases) == disk_needed(cases) + 365 * 1000 * 2000 * 4
