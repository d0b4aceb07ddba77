"""The machine floors under a read (zarrgauge.harness.measure.floors, floor_plan, decoders) on tiny arrays,
sharded or not, in memory and on disk, in every codec of the catalogue and both formats: the plan fetches
exactly the bytes each needed chunk is stored in (an inner chunk's range in its shard, after the index),
decodes them with the codecs' own calls and places them, giving the read's very values. Nothing here looks
at how long anything took."""

from collections import Counter

import numpy as np
import pytest
import zarr

from zarrgauge.catalogue.codecs import CODECS
from zarrgauge.harness.measure import floor_plan
from zarrgauge.harness.measure.counting_store import CountingStore
from zarrgauge.harness.measure.decoders import UnknownCodec
from zarrgauge.harness.measure.floor_plan import plan_read
from zarrgauge.harness.measure.floors import FLOOR_KEYS, floor_metrics, machine_reader, read_serially
from zarrgauge.testing.benchmark import RecordingBenchmark

SHAPE, CHUNKS, SHARDS = (16, 64), (4, 16), (8, 32)
# A window across shard and chunk edges, one row (an int drops an axis) and the same window again:
# each selection is read on its own, so its chunks count once per selection.
SELECTIONS = [(slice(3, 13), slice(10, 50)), (9, slice(None)), (slice(3, 13), slice(10, 50))]
VALUES = np.arange(1, np.prod(SHAPE) + 1, dtype="f8").reshape(SHAPE)  # no chunk is all fill value
EXPECTED = [VALUES[s] for s in SELECTIONS]


def _array(kind: str, tmp_path, shards=None, codec: str = "zarr-default", zarr_format: int = 3,
           dtype: str = "f8", values: np.ndarray = VALUES) -> zarr.Array:
    store = zarr.storage.MemoryStore() if kind == "memory" else zarr.storage.LocalStore(tmp_path / "a.zarr")
    array = zarr.create_array(CountingStore(store), shape=values.shape, chunks=CHUNKS, shards=shards, dtype=dtype,
                              zarr_format=zarr_format, fill_value=0, **CODECS[codec].create_args(dtype, zarr_format))
    array[:] = values
    return array


@pytest.fixture(params=[("memory", None), ("local", None), ("memory", SHARDS), ("local", SHARDS)],
                ids=["memory", "local", "memory-sharded", "local-sharded"])
def array(request, tmp_path):
    return _array(*request.param[:1], tmp_path, request.param[1])


def _read_by_plan(array, selections=SELECTIONS, spread: bool = False, whole_objects: bool = False) -> list:
    plan = plan_read(array, selections, whole_objects)
    result = plan.new_result()
    machine_reader(plan, result)() if spread else read_serially(plan, result)
    return [part.reshape(np.shape(want)) for part, want in zip(result, [array[s] for s in selections])]


def _assert_read(got: list[np.ndarray], expected: list[np.ndarray]) -> None:
    for part, want in zip(got, expected):
        np.testing.assert_array_equal(part, want)


@pytest.mark.parametrize("spread", [False, True], ids=["one-thread", "all-cores"])
def test_the_floor_plan_reads_the_selections_values(array, spread):
    _assert_read(_read_by_plan(array, spread=spread), EXPECTED)


def test_the_plan_fetches_only_the_chunks_the_read_needs(array):
    plan = plan_read(array, SELECTIONS)
    keys = Counter(plan.reads[chunk.stored.read].key for chunk in plan.chunks)
    assert sum(keys.values()) == 2 * 16 + 4  # 4 x 4 chunks of the window, twice, and the 4 of row 9
    if array.shards is None:
        assert plan.indexes == [] and len(plan.reads) == 2 * 16 + 4
    else:  # by their ranges in the four shards, after each shard's index
        assert sorted(plan.reads[piece.read].key for piece in plan.indexes) == sorted(keys)
        assert len(plan.reads) == 2 * 16 + 4 + 4
        assert all(chunk.stored.length < 4 * 16 * 8 for chunk in plan.chunks)  # an inner chunk, not a shard


def test_the_whole_object_plan_reads_each_object_once(array):
    plan = plan_read(array, SELECTIONS, whole_objects=True)
    assert len({where.key for where in plan.reads}) == len(plan.reads) == (4 if array.shards else 16)
    _assert_read(_read_by_plan(array, whole_objects=True), EXPECTED)


@pytest.mark.parametrize("codec", sorted(CODECS))
@pytest.mark.parametrize("zarr_format", [2, 3])
def test_every_codec_of_the_catalogue_decodes_without_zarr(tmp_path, codec, zarr_format):
    dtype = "i4" if CODECS[codec].supports("i4") else "f4"
    values = (VALUES % 1000).astype(dtype)
    array = _array("local", tmp_path, codec=codec, zarr_format=zarr_format, dtype=dtype, values=values)
    expected = [array[s] for s in SELECTIONS]  # a lossy codec's values are what zarr reads back
    _assert_read(_read_by_plan(array), expected)


def test_an_inner_chunk_never_written_reads_as_the_fill_value(tmp_path):
    array = _array("local", tmp_path, SHARDS)
    array[0:4, 16:32] = 0  # all fill value: zarr drops the inner chunk from its shard
    plan = plan_read(array, [(slice(0, 4), slice(0, 64))])
    assert sum(chunk.stored is None for chunk in plan.chunks) == 1
    _assert_read(_read_by_plan(array, [(slice(0, 4), slice(0, 64))]), [array[0:4, :]])


def test_a_broken_shard_index_is_caught_by_its_checksum(tmp_path):
    array = _array("local", tmp_path, SHARDS)
    shard = tmp_path / "a.zarr" / "c" / "0" / "0"
    stored = bytearray(shard.read_bytes())
    stored[-10] ^= 0xFF
    shard.write_bytes(bytes(stored))
    with pytest.raises(RuntimeError, match="(?i)checksum"):
        plan_read(array, SELECTIONS)


def test_a_codec_without_a_floor_gives_no_floor_metrics(tmp_path, monkeypatch):
    def unknown(*args):
        raise UnknownCodec("made up")

    monkeypatch.setattr(floor_plan, "_decoder", unknown)
    array = _array("memory", tmp_path)
    bench = RecordingBenchmark()
    bench(lambda: array[:])
    assert floor_metrics(bench, array, [(slice(None),)]) == {}


def test_floor_metrics_give_each_floor_the_efficiency_and_the_overhead(array):
    bench = RecordingBenchmark()
    bench(lambda: [array[s] for s in SELECTIONS])
    metrics = floor_metrics(bench, array, SELECTIONS)
    assert set(metrics) == {*FLOOR_KEYS, "efficiency", "overhead_s"}
    median = bench.stats.stats.median
    assert metrics["overhead_s"] == pytest.approx(median - metrics["floor_s"])
    assert metrics["efficiency"] == round(metrics["floor_s"] / median, 4)
    assert all(metrics[key] > 0 for key in FLOOR_KEYS)
