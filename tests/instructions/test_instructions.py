"""Instruction counts under valgrind (`zarrgauge instructions`): on a tiny selection, and what
happens where valgrind is missing or the plugin is asked to count outside it."""

import json
import os
import shutil

import pytest

from zarrgauge import cli
from zarrgauge.errors import EXIT_UNAVAILABLE, ZarrgaugeError
from zarrgauge.gate.ab import add_instructions
from zarrgauge.harness.callgrind.counter import InstructionCounter
from zarrgauge.instructions.run import unavailable, with_default_selection
from zarrgauge.testing.results import bench

# One small array on disk, read two ways: its whole (48 chunks) and one time step (6 chunks).
SELECTION = ["benchmarks/test_read_full.py", "benchmarks/test_read_space.py",
             "--zarr-case=seasonal-series/chunks=8x64x64/zarr-default/v3/local", "-q"]


@pytest.fixture(scope="module")
def counted(tmp_path_factory) -> dict[str, dict]:
    if unavailable():
        pytest.skip(f"instruction counts need valgrind and a C compiler: {unavailable()}")
    out = tmp_path_factory.mktemp("instructions") / "counted.json"
    with pytest.MonkeyPatch.context() as patch:
        for name in [name for name in os.environ if name.startswith("PYTEST_XDIST_")]:
            patch.delenv(name)  # an xdist worker's marks would stop pytest-benchmark timing in the run
        assert cli.main(["instructions", "-o", str(out), "--", *SELECTION]) == 0
    document = json.loads(out.read_text())
    assert document["machine_info"]["zarrgauge"]["under_valgrind"]
    return {bench["name"].split("[")[0]: bench["extra_info"] for bench in document["benchmarks"]}


def test_each_benchmark_counts_its_operation_alone(counted):
    """Starting the interpreter and importing zarr take billions of instructions, a call that does
    nothing thousands: the count is the operation's (measured: 3.0 M for a time step's 6 chunks,
    117 M for the whole array's 48, decoded and copied)."""
    full, space = counted["test_read_full"]["instructions"], counted["test_read_space"]["instructions"]
    assert 1_000_000 < space and 10 * space < full < 1_000_000_000
    assert "floor_fetch_s" not in counted["test_read_full"]  # floors timed under valgrind would mean nothing


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler for callgrind's client requests")
def test_the_plugin_refuses_to_count_outside_valgrind(tmp_path):
    with pytest.raises(ZarrgaugeError, match="zarrgauge instructions") as raised:
        InstructionCounter(tmp_path)
    assert raised.value.exit_status == EXIT_UNAVAILABLE


def test_without_valgrind_the_command_says_so_in_one_line(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert cli.main(["instructions", "-o", str(tmp_path / "out.json")]) == EXIT_UNAVAILABLE
    message = capsys.readouterr().err.strip()
    assert "\n" not in message and "valgrind is not installed" in message
    assert not (tmp_path / "out.json").exists()


def test_ab_puts_each_sides_counts_beside_its_timings():
    document = {"benchmarks": [bench("counted", [1e-3] * 3), bench("not counted", [1e-3] * 3)]}
    add_instructions(document, {"benchmarks/test_read_full.py::counted": 1234})
    assert [b["extra_info"].get("instructions") for b in document["benchmarks"]] == [1234, None]


def test_the_default_selection_gives_way_to_the_users(monkeypatch):
    monkeypatch.delenv("ZARRGAUGE_FORMAT", raising=False)
    monkeypatch.setenv("ZARRGAUGE_STORE", "memory")
    args = with_default_selection(["--zarr-codec=gzip", "-k", "read"])
    assert args == ["--zarr-layout=balanced", "--zarr-format=3", "--zarr-codec=gzip", "-k", "read"]
