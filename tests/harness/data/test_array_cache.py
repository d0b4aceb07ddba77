"""Filled arrays shared between the benchmarks of one case: filled once, large ones one at a time."""

import pytest

from zarrgauge import progress
from zarrgauge.catalogue import data
from zarrgauge.catalogue.selection import Selection
from zarrgauge.harness.data import array_cache
from zarrgauge.harness.data.array_cache import ArrayCache
from zarrgauge.harness.data.janitor import JANITOR
from zarrgauge.harness.data.stores import Scratch
from zarrgauge.harness.measure.counting_store import CountingStore

CASES = Selection(case_globs=("random-ints/chunks=100x100/none/v3/local", "random-ints/chunks=100x100/gzip/v3/local",
                              "random-ints/chunks=100x100/zarr-default/v2/memory")).array_cases()


@pytest.fixture
def cache(tmp_path):
    cache = ArrayCache(Scratch(tmp_path))
    yield cache
    cache.clear()


def test_each_case_is_filled_once_and_counted(cache):
    assert len(CASES) == 3
    first = [cache(case) for case in CASES]
    assert [cache(case) for case in CASES] == first
    assert all(isinstance(array.store, CountingStore) and array.store.counts["set"] > 0 for array in first)
    assert len(list(cache.scratch.path.iterdir())) == 2  # the memory case holds no directory


def test_clear_frees_every_store(cache):
    for case in CASES:
        cache(case)
    cache.clear()
    assert JANITOR.wait(timeout=30)  # finished stores are deleted off the clock
    assert list(cache.scratch.path.iterdir()) == []


def test_a_second_large_array_evicts_the_first(cache, monkeypatch):
    monkeypatch.setattr(data, "WHOLE_BYTES", 1000)  # every case is now too big for memory
    monkeypatch.setattr(array_cache, "WHOLE_BYTES", 1000)
    local = [case for case in CASES if case.store == "local"]
    bars = []
    with progress.shown_with(bars.append):  # large arrays are filled with a progress bar
        first = cache(local[0])
        cache(local[1])
        assert cache(local[0]) is not first
    assert "writing random-ints" in "".join(bars)
    assert len(list(cache.scratch.path.iterdir())) == 1
