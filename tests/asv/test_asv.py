"""The asv suite (benchmarks/asv): generated from the catalogue, accepted by `asv check`, and run
once by asv itself; so the classes can neither drift from the catalogue nor break unseen."""

import importlib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from asv.util import load_json

from zarrgauge.asv.results import as_benchmarks, load_runs, pretty_names
from zarrgauge.catalogue.stores import LOCAL_STORES
from zarrgauge.pytest_process import REPO
from zarrgauge.testing.subprocesses import clean_environment

ROOT = REPO
SUITE = ROOT / "benchmarks" / "asv"
AREAS = ("reads", "volume", "batch", "seasonal", "writes", "hierarchy", "datasets")
# Every area module and wrapper, both formats and both stores, in a few seconds.
SAMPLE = ("blob-volume/chunks=2x4x32x32/zarr-default/v3/local,signal-1d/chunks=1000/zarr-default/v3/local,"
          "signal-1d/chunks=1000/zarr-default/v2/memory,basic-3d/chunks=100x100x1/zarr-default/v3/local,"
          "experiment/v2/memory")


@pytest.fixture
def suite(monkeypatch):
    """The generated classes of every area module, imported under another package name (`asv` is
    asv's own package here), with no selection from the environment."""
    for key in [key for key in os.environ if key.startswith("ZARRGAUGE_")]:
        monkeypatch.delenv(key)
    name = f"asv_suite_{id(monkeypatch)}"
    spec = importlib.util.spec_from_file_location(name, SUITE / "__init__.py", submodule_search_locations=[str(SUITE)])
    package = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, package)
    spec.loader.exec_module(package)
    classes = {}
    for area in AREAS:
        module = importlib.import_module(f"{name}.{area}")
        classes.update({f"{area}.{key}": value for key, value in vars(module).items()
                        if isinstance(value, type) and value.__module__ == module.__name__ and hasattr(value, "case")})
    yield classes
    for module in [m for m in sys.modules if m.startswith(name)]:
        monkeypatch.delitem(sys.modules, module)


def _pytest_benchmarks() -> set[tuple[str, str]]:
    """(operation, case id) of every pytest benchmark on the stores asv can run, from `pytest benchmarks --co`."""
    listing = subprocess.run([sys.executable, "-m", "pytest", "benchmarks", "--co", "-q", "-p", "no:cacheprovider",
                              f"--zarr-store={','.join(LOCAL_STORES)}"],
                             cwd=ROOT, env=clean_environment(), capture_output=True, text=True, check=True)
    items = [line.split("::", 1)[1] for line in listing.stdout.splitlines() if "::" in line]
    return {(item.split("[")[0].removeprefix("test_"), item.split("[", 1)[1][:-1]) for item in items}


def test_the_suite_times_exactly_what_pytest_times(suite):
    assert {(cls.operation, cls.case.id) for cls in suite.values()} == _pytest_benchmarks()


def test_each_class_has_its_own_version_the_same_in_every_process(suite):
    versions = {name: cls.version for name, cls in suite.items()}
    assert len(set(versions.values())) == len(versions)
    script = (f"import json, sys; sys.path.insert(0, {str(SUITE.parent)!r})\n"
              f"import importlib; mods = [importlib.import_module('asv.' + a) for a in {AREAS!r}]\n"
              "print(json.dumps({f'{m.__name__[4:]}.{k}': v.version for m in mods for k, v in vars(m).items()"
              " if isinstance(v, type) and v.__module__ == m.__name__ and hasattr(v, 'case')}))")
    other = subprocess.run([sys.executable, "-c", script], env={**clean_environment(), "PYTHONHASHSEED": "1"},
                           capture_output=True, text=True, check=True)
    assert json.loads(other.stdout) == versions


def test_the_dataset_classes_write_time_and_check_the_xarray_workloads(suite, tmp_path, monkeypatch):
    """In this process rather than under asv, whose run of them would add 10 s to the sample's."""
    monkeypatch.chdir(tmp_path)  # setup_cache writes into the working directory, as under asv
    case = "seasonal-series/chunks=8x64x64/zarr-default/v2/local"
    classes = {cls.operation: cls for name, cls in suite.items()
               if name.startswith("datasets.") and cls.case.id == case}
    assert set(classes) == {"xarray_open", "xarray_sel_pixel", "xarray_sel_day", "xarray_monthly_mean"}
    paths = next(iter(classes.values()))().setup_cache()
    for operation, cls in classes.items():
        benchmark = cls()
        benchmark.setup(paths)
        getattr(benchmark, f"time_{operation}")(paths)
        assert benchmark.track_store_requests(paths) > 0
        benchmark.teardown(paths)
        assert benchmark.checked, operation


def _config(tmp_path: Path) -> Path:
    """asv.conf.json with everything asv writes moved under tmp_path."""
    conf = load_json(str(ROOT / "asv.conf.json"), js_comments=True)
    conf.update(repo=str(ROOT), benchmark_dir=str(SUITE), env_dir=str(tmp_path / "env"),
                results_dir=str(tmp_path / "results"), html_dir=str(tmp_path / "html"))
    path = tmp_path / "asv.conf.json"
    path.write_text(json.dumps(conf))
    return path


def _asv(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """asv with its machine file (~/.asv-machine.json) in tmp_path, not the user's home."""
    environment = {**clean_environment(), "HOME": str(tmp_path), **env}
    command = [str(Path(sys.executable).with_name("asv")), *args, "--config", str(_config(tmp_path))]
    return subprocess.run(command, cwd=tmp_path, env=environment, capture_output=True, text=True, check=False)


def _head_commit() -> str:
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
    return head.stdout.strip()


def test_asv_checks_the_whole_suite_and_runs_a_sample_of_it(tmp_path, suite):
    assert _asv(tmp_path, "machine", "--yes", "--machine", "zarrgauge-test").returncode == 0
    check = _asv(tmp_path, "check", "--python=same")
    assert check.returncode == 0 and "No problems found" in check.stdout, check.stdout + check.stderr
    run = _asv(tmp_path, "run", "--python=same", "--quick", "--launch-method=forkserver", "--record-samples",
               "--show-stderr", "--machine", "zarrgauge-test", f"--set-commit-hash={_head_commit()}",
               ZARRGAUGE_CASE=SAMPLE)
    assert run.returncode == 0, run.stdout + run.stderr
    [results] = load_runs(tmp_path / "results", "zarrgauge-test")
    recorded = as_benchmarks(results, pretty_names(tmp_path / "results"), min_samples=1)
    entries = {entry["fullname"]: entry["extra_info"] for entry in recorded}
    sample = SAMPLE.split(",")
    assert set(entries) == {f"{cls.operation} {cls.case.id}" for cls in suite.values() if cls.case.id in sample}
    full_read = entries["read_full signal-1d/chunks=1000/zarr-default/v3/local"]
    assert full_read["store_requests"] == 10 and full_read["peakmem_bytes"] > 0  # 10 chunks, metadata already read
    write = entries["write signal-1d/chunks=1000/zarr-default/v2/memory"]
    assert 0 < write["stored_fraction"] <= 1.01 and write["stored_bytes"] > 0
