"""zarrgauge advise: sampling within the budget, the user's array as a family, the command end to end."""

import hashlib
import json
import tempfile
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import zarr

from zarrgauge.advise.access import parse_access
from zarrgauge.advise.sample import axis_spans, sample_shape, write_sample
from zarrgauge.advise.sources import open_source
from zarrgauge.catalogue.layouts import Layout
from zarrgauge.catalogue.selection import Selection
from zarrgauge.catalogue.user import SAMPLE_FILE, write_spec
from zarrgauge.cli import main
from zarrgauge.errors import EXIT_SOURCE, EXIT_USAGE, ZarrgaugeError

MIB = 2**20


def _hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _scratch_left() -> list[str]:
    return sorted(p.name for p in Path(tempfile.gettempdir()).glob("zarrgauge-advise-*"))


def _series(shape=(24, 32, 32)) -> np.ndarray:
    rng = np.random.default_rng(1)
    return (np.cumsum(rng.normal(size=shape), axis=0) * 10).astype("int16")


def test_the_sample_spreads_whole_regions_over_each_axis_within_the_budget():
    assert axis_spans(1000, 1000) == [(0, 1000)]
    spans = axis_spans(1000, 200)
    assert spans[0][0] == 0 and spans[-1][1] == 1000 and sum(b - a for a, b in spans) == 200
    assert all(b <= c for (_, b), (c, _) in zip(spans, spans[1:]))
    shape = sample_shape((365, 1000, 2000), 4, 64 * MIB)
    assert np.prod(shape) * 4 <= 64 * MIB and all(n < full for n, full in zip(shape, (365, 1000, 2000)))


def test_sampling_a_source_larger_than_the_budget_holds_one_region_at_a_time(tmp_path):
    values = np.arange(1024 * 1024, dtype="float64").reshape(1024, 1024)  # 8 MiB
    source_path = tmp_path / "big.zarr"
    zarr.create_array(store=source_path, shape=values.shape, dtype=values.dtype, chunks=(32, 32))[:] = values
    source = open_source(str(source_path), None, MIB)
    source.read((slice(0, 1), slice(0, 1)))  # zarr's lazy imports and caches, which are not the sample's
    tracemalloc.start()
    try:
        shape = write_sample(source, MIB, tmp_path / SAMPLE_FILE, show=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    sample = np.load(tmp_path / SAMPLE_FILE)
    assert sample.shape == shape and sample.nbytes <= MIB < values.nbytes
    assert peak < MIB / 2, f"sampling held {peak / MIB:.2f} MiB at once"
    # The corners of the source are in the sample: the regions reach both ends of each axis.
    assert sample[0, 0] == values[0, 0] and sample[-1, -1] == values[-1, -1]
    assert np.isin(sample, values).all()


def test_a_user_array_is_a_family_whose_cases_are_every_layout_with_every_codec(tmp_path):
    np.save(tmp_path / SAMPLE_FILE, _series())
    write_spec(tmp_path, "mine", "tyx", [Layout("balanced", (8, 16, 16)), Layout("time", (24, 8, 8))],
               ["zstd", "none"])
    selection = Selection.parse({"zarr_user_array": str(tmp_path)}, environ={})
    cases = selection.array_cases("read_time")
    assert {case.id for case in cases} == {f"mine/chunks={c}/{codec}/v3/local" for c in ("8x16x16", "24x8x8")
                                          for codec in ("zstd", "none")}
    assert not selection.node_cases()
    assert (cases[0].source.read((slice(None), 3, 4)) == _series()[:, 3, 4]).all()
    with pytest.raises(ZarrgaugeError, match="--zarr-user-array"):
        Selection.parse({"zarr_user_array": str(tmp_path / "missing")}, environ={})


def test_access_patterns_are_weighed_and_checked_against_the_axes():
    assert parse_access("time=3,space=1", "tyx") == {"read_time": 0.75, "read_space": 0.25}
    assert set(parse_access(None, "yx")) == {"read_chunks", "read_full"}
    for bad in ("time", "nearby", "full=-1"):
        with pytest.raises(ZarrgaugeError) as error:
            parse_access(bad, "yx")
        assert error.value.exit_status == EXIT_USAGE


def _advise(capsys, *args: str) -> tuple[int, str]:
    status = main(["advise", *args, "-q", "--rounds", "1"])
    return status, capsys.readouterr().err


def test_advise_on_a_zarr_array_names_a_choice_and_leaves_the_source_alone(tmp_path, capsys):
    group = zarr.open_group(tmp_path / "data.zarr", mode="w")
    values = _series()
    array = group.create_array("temperature", shape=values.shape, dtype=values.dtype, chunks=(6, 16, 16),
                               dimension_names=["time", "lat", "lon"])
    array[:] = values
    before, scratch = _hashes(tmp_path / "data.zarr"), _scratch_left()
    out = tmp_path / "advice"
    status, err = _advise(capsys, str(tmp_path / "data.zarr"), "--array", "temperature", "--codecs", "zstd",
                          "--access", "time=0.7,full=0.3", "--chunks", "24x4x4", "-o", str(out))
    assert status == 0, err
    assert _hashes(tmp_path / "data.zarr") == before and _scratch_left() == scratch
    advice = json.loads((out / "advice.json").read_text())
    assert advice["source"]["axes"] == "tyx" and advice["source"]["chunks"] == [6, 16, 16]
    assert advice["weights"] == {"read_time": 0.7, "read_full": 0.3}
    assert {entry["layout"] for entry in advice["ranking"]} >= {"balanced", "time", "current", "custom"}
    assert advice["baseline"]["layout"] == "current" and advice["choice"]["codec"] == "zstd"
    made = eval(advice["create_array"].replace('"advised.zarr"', repr(str(tmp_path / "made.zarr"))), {"zarr": zarr})
    assert made.shape == values.shape and list(made.chunks) == advice["choice"]["chunks"]
    report = (out / "report.md").read_text()
    assert "## The choice" in report and "zarr.create_array(" in report and (out / "report.html").exists()


def test_advise_on_a_npy_file(tmp_path, capsys):
    np.save(tmp_path / "frames.npy", _series((16, 24, 24)).astype("float32"))
    before = _hashes(tmp_path)
    status, err = _advise(capsys, str(tmp_path / "frames.npy"), "--codecs", "none", "--access", "full",
                          "-o", str(tmp_path / "advice"))
    assert status == 0, err
    advice = json.loads((tmp_path / "advice" / "advice.json").read_text())
    assert advice["source"]["name"] == "frames" and advice["sample_shape"] == [16, 24, 24]
    assert {name: digest for name, digest in _hashes(tmp_path).items() if not name.startswith("advice")} == before


def _unreadable(root: Path) -> dict[str, list[str]]:
    (root / "plain").mkdir()
    (root / "plain" / "notes.txt").write_text("not zarr")
    (root / "broken.npy").write_bytes(b"not a numpy file")
    group = zarr.open_group(root / "group.zarr", mode="w")
    group.create_array("a", shape=(4,), dtype="i4")
    np.save(root / "words.npy", np.array(["a", "b"]))
    return {"missing": [str(root / "missing.zarr")], "not zarr": [str(root / "plain")],
            "corrupt npy": [str(root / "broken.npy")], "a group": [str(root / "group.zarr")],
            "no such member": [str(root / "group.zarr"), "--array", "b"], "strings": [str(root / "words.npy")]}


def test_an_unreadable_source_is_one_line_and_its_own_exit_status(tmp_path, capsys):
    sources = _unreadable(tmp_path)
    before = _hashes(tmp_path)
    for name, args in sources.items():
        status, err = _advise(capsys, *args, "-o", str(tmp_path / "out"))
        assert status == EXIT_SOURCE, (name, err)
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, (name, err)
    assert "name one with --array: a" in _advise(capsys, str(tmp_path / "group.zarr"))[1]
    assert _hashes(tmp_path) == before and not (tmp_path / "out").exists()
