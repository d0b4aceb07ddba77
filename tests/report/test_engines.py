"""The report's engines section: speed-ups over zarr-python with intervals, an engine named only
when its interval clears 1, and other engines' records kept out of every other section."""

import json

import numpy as np
import pytest

from zarrgauge.report.engines import compared, engine_advice, engines_section, fastest
from zarrgauge.report.load import Record, load_run


def record(engine: str, seconds: float, spread: float = 0.02, operation: str = "read_time") -> Record:
    samples = tuple(np.random.default_rng(len(engine)).normal(seconds, seconds * spread, 30))
    return Record(f"test_{operation}[{engine}]", "seasonal-series", operation, "balanced", (8, 64, 64), None,
                  "zarr-default", 3, "local", "quick", float(np.median(samples)), 2.0, 0, 0, engine=engine,
                  samples=samples)


def test_a_clearly_faster_engine_is_named_with_its_speed_up():
    found = {"zarr-python": record("zarr-python", 4e-3), "tensorstore": record("tensorstore", 1e-3),
             "zarrs": record("zarrs", 2e-3)}
    name, speed = fastest(found)
    factor, low, high = speed.factor, speed.low, speed.high
    assert name == "tensorstore" and low < factor < high and 3.5 < factor < 4.5
    assert "**tensorstore** for read_time" in engine_advice(list(found.values()), "seasonal-series")


def test_overlapping_times_name_no_engine():
    found = {"zarr-python": record("zarr-python", 1e-3, 0.3), "zarrs": record("zarrs", 0.98e-3, 0.3)}
    assert fastest(found) is None
    assert engine_advice(list(found.values()), "seasonal-series") is None


def test_places_need_zarr_python_and_another_engine():
    alone = [record("zarrs", 1e-3, operation="read_full"), record("zarr-python", 1e-3, operation="write")]
    assert compared(alone) == {}


@pytest.fixture
def results_with_an_engine(tmp_path):
    def bench(engine: str, seconds: float) -> dict:
        info = {"case": f"seasonal-series/x/{engine}", "family": "seasonal-series", "operation": "read_time",
                "layout": "balanced", "chunks": [8, 64, 64], "shards": None, "codec": "zarr-default", "zarr_format": 3,
                "store": "local", "tier": "quick", "compression_ratio": 2.0}
        if engine != "zarr-python":
            info["engine"] = engine
        return {"name": engine, "fullname": f"test_read_time[{engine}]", "group": "g", "params": None,
                "extra_info": info, "stats": {"median": seconds, "data": [seconds] * 5, "rounds": 5}}

    on_dask = bench("zarr-python", 90e-3)
    on_dask["extra_info"]["executor"] = "dask"
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"machine_info": {}, "commit_info": {}, "datetime": "", "version": "5.1.0",
                                "benchmarks": [bench("zarr-python", 4e-3), bench("zarrs", 1e-3), on_dask]}))
    return path


def test_other_engines_stay_out_of_the_zarr_python_sections_and_other_executors_out_of_both(results_with_an_engine):
    run = load_run(str(results_with_an_engine))
    assert [(r.engine, r.median) for r in run.records] == [("zarr-python", 4e-3)]
    assert sorted(r.engine for r in run.engine_records) == ["zarr-python", "zarrs"]
    table = next(block for block in engines_section(run) if hasattr(block, "rows"))
    assert table.header[-1] == "zarrs" and "×4" in table.rows[0][-1]


def test_the_hdf5_baseline_is_shown_but_never_picked():
    found = {"zarr-python": record("zarr-python", 4e-3), "h5py": record("h5py", 1e-3),
             "zarrs": record("zarrs", 2e-3)}
    assert fastest(found)[0] == "zarrs"
    assert fastest({"zarr-python": record("zarr-python", 4e-3), "h5py": record("h5py", 1e-3)}) is None
