"""zarrgauge advise: sampling within the budget, the user's array as a family, the command end to end."""

import hashlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import obstore
import pytest
import zarr

from zarrgauge.advise.access import parse_access
from zarrgauge.advise.candidates import candidates
from zarrgauge.advise.lossy import lossy_candidates
from zarrgauge.advise.sample import axis_spans, plan, sample_shape, write_sample
from zarrgauge.advise.sources import open_source
from zarrgauge.catalogue.layouts import Layout
from zarrgauge.catalogue.selection import Selection
from zarrgauge.catalogue.user import SAMPLE_FILE, load_user_array, write_spec
from zarrgauge.cli import main
from zarrgauge.errors import EXIT_INTERRUPTED, EXIT_SOURCE, EXIT_USAGE, ZarrgaugeError
from zarrgauge.harness.measure.oracle import assert_close, assert_identical
from zarrgauge.objectstore.bucket import Bucket
from zarrgauge.objectstore.servers import CREDENTIALS, start_moto

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


def _chunk_mib(layout: Layout, itemsize: int = 4) -> float:
    return np.prod(layout.chunks) * itemsize / MIB


def test_object_storage_gets_larger_chunks_and_shards_of_about_one_mib_chunks(tmp_path):
    shape = (365, 1000, 2000)  # 2.7 GiB of float32: no proportional shrinking
    local, remote = ({c.real.role: c.real for c in candidates(shape, 4, "tyx", shape, store=store)}
                     for store in ("local", "s3-obstore"))
    # Even chunks along each axis take up to a few tens of percent off the target
    assert 0.5 < _chunk_mib(local["balanced"]) <= 1 and 4 < _chunk_mib(remote["balanced"]) <= 8
    assert 16 < _chunk_mib(remote["large"]) <= 32 and 0.5 < _chunk_mib(remote["sharded"]) <= 1
    assert 4 < np.prod(remote["sharded"].shards) * 4 / MIB <= 9 and _chunk_mib(local["sharded"]) <= 0.125
    np.save(tmp_path / SAMPLE_FILE, _series())
    write_spec(tmp_path, "mine", "tyx", [Layout("balanced", (8, 16, 16))], ["zstd"], "s3-obstore")
    assert [case.id for case in Selection.parse({"zarr_user_array": str(tmp_path)}, environ={}).array_cases()] == [
        "mine/chunks=8x16x16/zstd/v3/s3-obstore"]


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
    assert report.splitlines()[2].startswith("The balanced choice is **")
    assert "## The contenders" in report and "zarr.create_array(" in report and (out / "report.html").exists()


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
    (root / "broken.nc").write_bytes(b"neither HDF5 nor NetCDF-3")
    sources = {"missing": [str(root / "missing.zarr")], "not zarr": [str(root / "plain")],
               "corrupt npy": [str(root / "broken.npy")], "a group": [str(root / "group.zarr")],
               "no such member": [str(root / "group.zarr"), "--array", "b"], "strings": [str(root / "words.npy")]}
    if importlib.util.find_spec("h5py"):
        sources["corrupt netcdf"] = [str(root / "broken.nc")]
    return sources


def test_an_unreadable_source_is_one_line_and_its_own_exit_status(tmp_path, capsys):
    sources = _unreadable(tmp_path)
    before = _hashes(tmp_path)
    for name, args in sources.items():
        status, err = _advise(capsys, *args, "-o", str(tmp_path / "out"))
        assert status == EXIT_SOURCE, (name, err)
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, (name, err)
    assert "name one with --array: a" in _advise(capsys, str(tmp_path / "group.zarr"))[1]
    assert _hashes(tmp_path) == before and not (tmp_path / "out").exists()


def _write_netcdf3(path: Path, values: np.ndarray) -> None:
    from scipy.io import netcdf_file

    with netcdf_file(path, "w") as file:
        for name, length in zip(("depth", "lat", "lon"), values.shape):
            file.createDimension(name, length)
        file.createVariable("lat", "f4", ("lat",))[:] = np.arange(values.shape[1])
        file.createVariable("temperature", values.dtype, ("depth", "lat", "lon"))[:] = values


def _write_hdf5(path: Path, values: np.ndarray) -> None:
    h5py = pytest.importorskip("h5py", reason="h5py comes with make's engines extra")
    with h5py.File(path, "w") as file:
        scales = []
        for name, length in zip(("depth", "lat", "lon"), values.shape):
            scales.append(file.create_dataset(name, data=np.arange(length)))
            scales[-1].make_scale(name)
        dataset = file.create_dataset("group/temperature", data=values, chunks=(4, 8, 8), compression="gzip")
        for axis, scale in enumerate(scales):
            dataset.dims[axis].attach_scale(scale)


@pytest.mark.parametrize("kind, member", [("nc", "temperature"), ("h5", "group/temperature")])
def test_hdf5_and_netcdf_variables_are_sampled_with_their_dimension_names(tmp_path, kind, member):
    values, path = _series((64, 64, 64)), tmp_path / f"data.{kind}"
    (_write_netcdf3 if kind == "nc" else _write_hdf5)(path, values)
    before = _hashes(tmp_path)
    source = open_source(f"{path}:{member}", None, MIB)
    assert source.axes().letters == "zyx" and source.shape == values.shape  # not the default, tyx
    assert source.chunks == (None if kind == "nc" else (4, 8, 8))
    write_sample(source, values.nbytes // 4, tmp_path / SAMPLE_FILE, show=False)
    sample = np.load(tmp_path / SAMPLE_FILE)
    assert sample.dtype == np.dtype("int16") and sample.nbytes <= values.nbytes // 4
    assert sample[0, 0, 0] == values[0, 0, 0] and sample[-1, -1, -1] == values[-1, -1, -1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # scipy warns when a memory-mapped file cannot close
        source.close()
    with pytest.raises(ZarrgaugeError, match="name one of: .*temperature") as error:
        open_source(f"{path}:pressure", None, MIB)
    assert error.value.exit_status == EXIT_SOURCE
    assert {name: digest for name, digest in _hashes(tmp_path).items() if name != SAMPLE_FILE} == before


def _remote_hashes(bucket: Bucket) -> dict[str, str]:
    store = bucket.root_store()
    return {key: hashlib.sha256(bytes(obstore.get(store, key).bytes())).hexdigest() for key in bucket.keys()}


def test_a_zarr_array_at_an_s3_url_is_sampled_and_left_alone(tmp_path, monkeypatch):
    values = _series((48, 40, 40)).astype("float32")
    with start_moto() as server:
        bucket = Bucket.created(server.url)
        array = zarr.create_array(bucket.store("s3-obstore", "data.zarr"), shape=values.shape, dtype=values.dtype,
                                  chunks=(12, 20, 20), dimension_names=["time", "lat", "lon"])
        array[:] = values
        url, before = f"s3://{bucket.name}/{bucket.prefix}data.zarr", _remote_hashes(bucket)
        options = {"endpoint_url": server.url, "key": CREDENTIALS["access_key_id"],
                   "secret": CREDENTIALS["secret_access_key"]}
        source = open_source(url, None, MIB, options)
        assert source.axes().letters == "tyx" and source.chunks == (12, 20, 20) and url in source.description
        write_sample(source, values.nbytes // 8, tmp_path / SAMPLE_FILE, show=False)
        picked = [np.concatenate([np.arange(*span) for span in axis])
                  for axis in plan(values.shape, 4, values.nbytes // 8)]
        assert_identical(np.load(tmp_path / SAMPLE_FILE), values[np.ix_(*picked)])
        # The AWS_* variables botocore reads do as well as the options; without either, one line.
        monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", CREDENTIALS["access_key_id"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIALS["secret_access_key"])
        assert open_source(url, None, MIB).shape == values.shape
        with pytest.raises(ZarrgaugeError, match="does not open as zarr") as error:
            open_source(f"s3://{bucket.name}/{bucket.prefix}missing.zarr", None, MIB)
        assert error.value.exit_status == EXIT_SOURCE
        assert _remote_hashes(bucket) == before
        bucket.close()


def test_lossy_codecs_made_for_a_tolerance_keep_to_it_and_the_oracle_holds_them_to_it(tmp_path, capsys):
    values = _series((16, 32, 32)).astype("float32") / 7
    np.save(tmp_path / SAMPLE_FILE, values)
    made = lossy_candidates(values, 0.01)
    write_spec(tmp_path, "mine", "tyx", [Layout("balanced", (8, 16, 16))], [codec.name for codec, _ in made],
               lossy=made)
    rebuilt = {case.codec.name: case.codec for case in load_user_array(tmp_path).cases("quick")}
    assert set(rebuilt) == {"quantize-blosc", "scale-offset-zstd"}
    for codec in rebuilt.values():
        array = zarr.create_array(zarr.storage.MemoryStore(), shape=values.shape, dtype=values.dtype,
                                  chunks=(8, 16, 16), **codec.create_args(values.dtype, 3))
        array[:] = values
        assert 0 < codec.tolerance <= 0.01
        assert_close(array[:], values, codec.tolerance)
        with pytest.raises(AssertionError, match="beyond tolerance"):  # it is lossy: a tighter bound fails
            assert_close(array[:], values, codec.tolerance / 4)
    np.save(tmp_path / "counts.npy", np.arange(60, dtype="int32").reshape(6, 10))
    status, err = _advise(capsys, str(tmp_path / "counts.npy"), "--tolerance", "0.5", "-o", str(tmp_path / "out"))
    assert status == EXIT_USAGE and "--tolerance" in err and len(err.strip().splitlines()) == 1


def test_an_interrupted_advise_leaves_no_scratch_no_pytest_and_no_advice(tmp_path):
    """SIGTERM while the benchmarks time the sample: exit 130, nothing of ours left behind."""
    np.save(tmp_path / "frames.npy", _series((16, 24, 24)).astype("float32"))
    scratch_parent = tmp_path / "tmp"
    scratch_parent.mkdir()
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PYTEST_XDIST_")}
    command = [sys.executable, "-m", "zarrgauge.cli", "advise", str(tmp_path / "frames.npy"), "-q", "--rounds", "50",
               "-o", str(tmp_path / "advice")]
    run = subprocess.Popen(command, env={**environment, "TMPDIR": str(scratch_parent)}, stderr=subprocess.PIPE,
                           text=True)
    while not list(scratch_parent.glob("zarrgauge-advise-*/array.json")) and run.poll() is None:
        time.sleep(0.1)
    time.sleep(1.0)  # into the benchmark run
    children = _children(run.pid)
    assert children, "the benchmarks should be running in a pytest subprocess"
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=60)
    assert run.returncode == EXIT_INTERRUPTED, err
    assert list(scratch_parent.iterdir()) == [] and not (tmp_path / "advice").exists()
    assert not any(Path(f"/proc/{pid}").exists() for pid in children)


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in found.read_text().split()] if found.exists() else []
