"""The janitor deletes finished stores only while nothing is measured, and never lets them pile up."""

from pathlib import Path

from zarrgauge.harness.data import janitor
from zarrgauge.harness.data.janitor import Janitor
from zarrgauge.phases import phase


def finished_store(parent: Path, name: str) -> Path:
    """A directory tree as a zarr v3 array leaves on disk."""
    root = parent / name
    for row in range(3):
        (root / "c" / str(row)).mkdir(parents=True)
        for column in range(4):
            (root / "c" / str(row) / str(column)).write_bytes(b"chunk")
    (root / "zarr.json").write_text("{}")
    return root


def test_a_store_discarded_outside_any_phase_is_deleted(tmp_path):
    cleaner = Janitor()
    store = finished_store(tmp_path, "a.zarr")
    cleaner.discard(store)
    assert cleaner.wait(timeout=30) and not store.exists()


def test_nothing_is_deleted_while_a_measured_phase_runs(tmp_path):
    cleaner = Janitor()
    stores = [finished_store(tmp_path, f"{n}.zarr") for n in range(2)]
    with phase("timed rounds"):
        for store in stores:
            cleaner.discard(store)
        assert not cleaner.wait(timeout=0.5)  # what it would have done in that time: everything
        assert all((store / "zarr.json").exists() and (store / "c" / "2" / "3").exists() for store in stores)
    with phase("oracle check"):  # a quiet one
        assert cleaner.wait(timeout=30)
    assert not any(store.exists() for store in stores)


def test_past_the_limit_a_store_is_deleted_at_once(tmp_path, monkeypatch):
    monkeypatch.setattr(janitor, "MAX_PENDING", 1)
    cleaner = Janitor()
    waiting, over = finished_store(tmp_path, "waiting.zarr"), finished_store(tmp_path, "over.zarr")
    with phase("metrics pass"):
        cleaner.discard(waiting)
        cleaner.discard(over)
        assert not over.exists() and waiting.exists()
    assert cleaner.wait(timeout=30) and not waiting.exists()
