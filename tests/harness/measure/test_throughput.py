"""The throughput family's harness on a small cube (the family's own is 256 MiB): chunk-by-chunk reads at
several in flight and the round trip, through zarr-python and another engine, warm and cold; a cold
round finds none of the store's pages in the page cache. Nothing here looks at how long anything took."""

import ctypes
import mmap
import os
from dataclasses import replace

import numpy as np
import pytest

from zarrgauge.catalogue.cases import ArrayCase
from zarrgauge.catalogue.codecs import CODECS
from zarrgauge.catalogue.data import Source
from zarrgauge.catalogue.families import FAMILIES
from zarrgauge.catalogue.layouts import Layout
from zarrgauge.engines.zarr_python import local_root
from zarrgauge.harness.data.array_cache import ArrayCache
from zarrgauge.harness.measure import timing
from zarrgauge.harness.measure.page_cache import evict, files_under
from zarrgauge.harness.measure.round_trip import time_round_trip
from zarrgauge.harness.measure.timing import cold_files, time_operation
from zarrgauge.testing.benchmark import RecordingBenchmark

CUBE = replace(FAMILIES["peer-cube"], shapes={"quick": (64, 64, 64), "full": (64, 64, 64)})
SHARDED = Layout("sharded", (16, 16, 16), (32, 32, 32))
OPERATIONS = frozenset({"read_each_chunk_1", "read_each_chunk_4", "read_each_inner_chunk_2", "round_trip"})


def _case(engine: str = "zarr-python", cache: str = "warm") -> ArrayCase:
    return ArrayCase(CUBE, SHARDED, CODECS["zarr-default"], 3, "local", "quick", OPERATIONS, engine=engine,
                     cache=cache)


def resident_pages(path) -> int:
    """Pages of the file in the page cache, by mincore(2) over a private mapping of it (untouched, its
    pages are the page cache's)."""
    size = os.path.getsize(path)
    pages = (ctypes.c_ubyte * -(-size // mmap.PAGESIZE))()
    with open(path, "rb") as file, mmap.mmap(file.fileno(), size, access=mmap.ACCESS_COPY) as mapped:
        start = ctypes.c_char.from_buffer(mapped)
        status = ctypes.CDLL(None, use_errno=True).mincore(ctypes.c_void_p(ctypes.addressof(start)),
                                                           ctypes.c_size_t(size), pages)
        del start  # the mapping cannot close while a ctypes object holds it
    if status != 0:
        raise OSError(ctypes.get_errno(), "mincore")
    return sum(page & 1 for page in pages)


@pytest.fixture
def cache(fresh_scratch):
    cache = ArrayCache(fresh_scratch)
    yield cache
    cache.clear()


def test_evicted_files_have_no_page_in_the_cache(cache):
    array = cache(_case())
    files = files_under([local_root(array)])
    array[...]  # read: its files are in the page cache now
    assert sum(map(resident_pages, files)) > 0
    evict(files)
    assert sum(map(resident_pages, files)) == 0


@pytest.mark.parametrize("engine", ["zarr-python", "tensorstore"])
@pytest.mark.parametrize("cache_state", ["warm", "cold"])
@pytest.mark.parametrize("operation", ["read_each_chunk_4", "read_each_inner_chunk_2"])
def test_chunk_by_chunk_reads_return_every_chunk(cache, engine, cache_state, operation):
    case = _case(engine, cache_state)
    bench = RecordingBenchmark()
    time_operation(bench, case, cache(case), operation)  # the oracle checks every chunk's values
    assert bench.extra_info["operation"] == operation
    assert ("floor_s" in bench.extra_info) == (cache_state == "warm")


def test_each_cold_round_starts_with_the_files_out_of_the_cache(cache, monkeypatch):
    case = _case(cache="cold")
    array = cache(case)
    files = cold_files(case, array, array)
    resident_after_eviction = []

    def evict_and_look(files) -> None:
        evict(files)
        resident_after_eviction.append(sum(map(resident_pages, files)))

    monkeypatch.setattr(timing, "evict", evict_and_look)
    time_operation(RecordingBenchmark(), case, array, "read_each_chunk_4")
    assert files and resident_after_eviction == [0] * timing.COLD_ROUNDS


@pytest.mark.parametrize("engine", ["zarr-python", "tensorstore"])
def test_the_round_trip_copies_the_array(cache, fresh_scratch, engine):
    case = _case(engine, "cold")
    bench = RecordingBenchmark()
    time_round_trip(bench, case, cache(case), fresh_scratch, min_rounds=2)  # checks the copy against the oracle
    assert bench.extra_info["operation"] == "round_trip" and bench.extra_info["case"] == case.id


def test_the_peer_cube_holds_the_peer_benchmarks_values():
    """(x + y*y/32 + z*z*z) % 65536 in integer arithmetic, at the full tier's size, where z**3 wraps."""
    shape = FAMILIES["peer-cube"].shapes["full"]
    y, x = np.ogrid[:shape[1], :shape[2]]
    for z in (0, 31, 41, 1023):
        expected = (x + (y * y) // 32 + z**3) % 65536
        np.testing.assert_array_equal(Source(FAMILIES["peer-cube"], shape).read((z,)), expected.astype("uint16"))
