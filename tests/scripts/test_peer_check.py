"""scripts/peer-check: the time a peer script prints, the peer's reads by zarrgauge's operation names, the
results entry each is set beside, and its one-line errors. The peer's own scripts are not in this repository:
a stand-in prints what they print. The check itself (the arrays, some 600 processes) is docs/peer-check.md's."""

import importlib.machinery
import importlib.util
import json
import sys

import pytest

from zarrgauge.errors import EXIT_CANNOT_COMPARE, EXIT_USAGE
from zarrgauge.pytest_process import REPO

_loader = importlib.machinery.SourceFileLoader("peer_check", str(REPO / "scripts" / "peer-check"))
peer_check = importlib.util.module_from_spec(importlib.util.spec_from_loader(_loader.name, _loader))
sys.modules[_loader.name] = peer_check  # its dataclasses look their module up
_loader.exec_module(peer_check)

STDOUT = "Domain shape (512, 512, 512)\nChunk shape (128, 128, 128)\nNumber of chunks [4, 4, 4]\nDecoded in 123.45ms\n"


def test_the_printed_time_is_read_in_seconds_and_its_absence_is_none():
    assert peer_check.decoded_seconds(STDOUT) == pytest.approx(0.12345)
    assert peer_check.decoded_seconds("Decoded in 7 ms\n") == pytest.approx(0.007)
    assert peer_check.decoded_seconds("Traceback (most recent call last):\n") is None


def test_each_peer_read_has_its_zarrgauge_operation_and_its_arguments():
    names = {op.label: (op.operation, op.args) for op in peer_check.peer_operations(sharded=True)}
    assert names["read_all"] == ("read_full", ["--read_all"])
    assert names["chunks 4"] == ("read_each_chunk_4", ["--concurrent_chunks", "4"])
    assert names["subchunks 8"] == ("read_each_inner_chunk_8", ["--subchunks", "--concurrent_chunks", "8"])
    assert len(names) == 9
    assert [op.label for op in peer_check.peer_operations(sharded=False)] == [
        "read_all", "chunks 1", "chunks 2", "chunks 4", "chunks 8"]
    with pytest.raises(ValueError):
        peer_check.zarrgauge_operation("chunks")


def entry(name: str, median: float, **info) -> dict:
    base = {"family": "peer-cube", "layout": "sharded", "codec": "zarr-default", "zarr_format": 3,
            "store": "local", "tier": "quick", "operation": "read_each_inner_chunk_2"}
    return {"name": name, "stats": {"median": median, "min": median}, "extra_info": {**base, **info}}


def test_a_peer_read_is_set_beside_the_entry_of_its_array_operation_engine_and_cache():
    sharded = next(case for case in peer_check.peer_cases("quick") if case.layout.role == "sharded")
    benchmarks = [entry("zarr warm", 1.0), entry("zarr cold", 2.0, cache="cold"),
                  entry("ts cold", 3.0, engine="tensorstore", cache="cold"),
                  entry("ts cold, 4 in flight", 4.0, engine="tensorstore", cache="cold",
                        operation="read_each_inner_chunk_4"),
                  entry("ts cold, unsharded", 5.0, engine="tensorstore", cache="cold", layout="balanced")]
    found = {(engine, cache): peer_check.zarrgauge_entry(benchmarks, sharded, "read_each_inner_chunk_2", engine,
                                                         cache)
             for engine in ("zarr-python", "tensorstore", "zarrs") for cache in ("warm", "cold")}
    assert {key: hit and hit["name"] for key, hit in found.items()} == {
        ("zarr-python", "warm"): "zarr warm", ("zarr-python", "cold"): "zarr cold",
        ("tensorstore", "warm"): None, ("tensorstore", "cold"): "ts cold",
        ("zarrs", "warm"): None, ("zarrs", "cold"): None}


def test_the_ratio_is_zarrgauge_over_the_peer_best_and_agrees_within_a_fifth_either_way():
    op = peer_check.PeerOperation("read_all")
    rows = [peer_check.Row("d", op, "zarrs", "warm", median, rounds, (1.0, 1.3))
            for median, rounds in ((1.19, (1.1, 1.3)), (1.5, (1.1, 1.6)), (1.5, (0.7, 1.6)), (0.5, (0.45, 0.6)),
                                   (2.0, (1.8, 2.2)))]
    assert [row.agrees for row in rows] == ["yes", "no", "no", "no", "no"]
    assert [row.note for row in rows] == ["", "zarrgauge's best round agrees (1.10)", "inside zarrgauge's rounds",
                                          "slower than every zarrgauge round", "faster than every zarrgauge round"]
    assert "| 1190 | 1100–1300 | 1000 | 1000–1300 | 1.19 | yes |  |" in peer_check.table(rows)
    assert "peer best of 2 (ms)" in peer_check.table(rows)
    when = peer_check.conditions("r.json", ("2026-12-07 04:48:15", (4.35, 3.83, 5.1)), (5.93, 5.37, 5.28))
    assert "from 2026-12-07 04:48:15 to " in when and "load average 4.35, 3.83, 5.10 at the start" in when


def test_a_stand_in_script_is_run_and_timed_warm_after_one_unmeasured_run(tmp_path):
    log = tmp_path / "runs"
    script = tmp_path / "stand_in.py"
    script.write_text("import sys\nwith open(sys.argv[1] + '.runs', 'a') as f: f.write('x')\n"
                      "print('Decoded in', 10 + len(open(sys.argv[1] + '.runs').read()), 'ms')\n")
    runs = peer_check.peer_runs(script, log, peer_check.PeerOperation("read_all"), "warm", 2, {}, tmp_path)
    assert runs == pytest.approx([0.012, 0.013]) and (tmp_path / "runs.runs").read_text() == "xxx"
    script.write_text("import sys\nsys.exit('broken')\n")
    with pytest.raises(peer_check.PeerFailure, match="exited 1: broken"):
        peer_check.run_once(script, log, peer_check.PeerOperation("chunks", 2), {}, tmp_path)


def test_a_peer_directory_without_the_scripts_is_one_line_that_says_how_to_extract_them(tmp_path, capsys):
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"benchmarks": [entry("zarr warm", 1.0)]}))
    assert peer_check.main(["--peer", str(tmp_path / "peer"), "--results", str(results)]) == EXIT_USAGE
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "Traceback" not in error
    assert f"archive HEAD src | tar -x -C {tmp_path / 'peer'}" in error
    assert peer_check.main(["--peer", str(REPO), "--results", str(results)]) == EXIT_USAGE
    assert "inside this repository" in capsys.readouterr().err


def test_results_without_the_family_cannot_be_compared(tmp_path, capsys):
    peer = tmp_path / "peer"
    for name in peer_check.PEER_SCRIPTS.values():
        (peer / peer_check.SCRIPTS_DIR).mkdir(parents=True, exist_ok=True)
        (peer / peer_check.SCRIPTS_DIR / name).write_text("")
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"benchmarks": [entry("other", 1.0, family="random-ints")]}))
    assert peer_check.main(["--peer", str(peer), "--results", str(results)]) == EXIT_CANNOT_COMPARE
    assert "no peer-cube benchmark of the quick tier" in capsys.readouterr().err
