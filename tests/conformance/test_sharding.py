"""Sharding (zarr v3 only): inner chunks packed into one stored object per shard, with an index.

Round trips over the catalogue's shard layouts, with the index at either end of the shard and
with codecs inside the shards; partial reads, and partial writes compared with a numpy model
after every write; a write to one inner chunk must leave every other byte of the store alone;
inner chunks never written, and inner chunks the index marks missing, read the fill value; the
stored metadata declares the sharding codec with the inner chunk shape; inner chunks are stored in
the write order asked for (Morton order by default).
"""

import numcodecs
import numpy as np
import pytest
import zarr
from hypothesis import given
from hypothesis import strategies as st
from zarr.codecs import ShardingCodec
from zarr.core.buffer import default_buffer_prototype
from zarr.core.sync import sync

from zarrgauge.conformance.grid import (
    LOSSLESS_CODECS,
    codec,
    reference_array,
    sharded_layouts,
    stored_json,
    stored_keys,
    stored_value,
)
from zarrgauge.harness.measure.oracle import assert_identical

SHAPE = (13, 10)
DTYPE = "float64"
FILL = -2.5
LAYOUTS = sharded_layouts(SHAPE)  # name -> (inner chunk shape, shard shape)
MISSING = 2**64 - 1  # the index's (offset, nbytes) for an inner chunk that is not stored

# A zip archive cannot replace an entry, and a partial write rewrites the whole shard object.
REWRITABLE_STORES = ("memory", "local", pytest.param(
    "zip", marks=pytest.mark.skip(reason="zip entries cannot be replaced: rewriting a shard is undefined there")))


@pytest.fixture(params=list(LAYOUTS))
def layout(request) -> tuple[tuple[int, ...], tuple[int, ...]]:
    return LAYOUTS[request.param]


@pytest.fixture(params=["end", "start"], ids=lambda where: f"index-at-{where}")
def index_location(request) -> str:
    return request.param


def create(store, layout, index_location="end") -> zarr.Array:
    """An empty sharded array, inner chunks stored uncompressed so their size in the index is known."""
    inner, shard = layout
    return zarr.create_array(store, shape=SHAPE, chunks=shard, dtype=DTYPE, fill_value=FILL, zarr_format=3,
                             serializer=ShardingCodec(chunk_shape=inner, index_location=index_location),
                             filters=None, compressors=None)


def reopen(store) -> zarr.Array:
    """The array as a new reader sees it: nothing cached from the writer."""
    return zarr.open_array(store)


def stored_objects(store) -> dict[str, bytes]:
    """Every key in the store with its bytes."""
    return {key: stored_value(store, key) for key in stored_keys(store)}


def overwrite(store, key: str, data: bytes) -> None:
    sync(store.set(key, default_buffer_prototype().buffer.from_bytes(data)))


def inner_chunk_region(layout, coords: tuple[int, ...]) -> tuple[slice, ...]:
    inner, _ = layout
    return tuple(slice(c * n, (c + 1) * n) for c, n in zip(coords, inner))


def inner_chunks_per_shard(layout) -> tuple[int, ...]:
    inner, shard = layout
    return tuple(s // i for s, i in zip(shard, inner))


def index_span(shard_size: int, layout, index_location: str) -> slice:
    """Where the index lies in a shard: an (offset, nbytes) uint64 pair per inner chunk in C order,
    then a crc32c checksum of those pairs."""
    size = 16 * int(np.prod(inner_chunks_per_shard(layout))) + 4
    return slice(0, size) if index_location == "start" else slice(shard_size - size, shard_size)


def read_index(shard: bytes, layout, index_location: str) -> np.ndarray:
    """The index entries, shaped (*inner chunks per shard, 2), after checking their checksum."""
    index = shard[index_span(len(shard), layout, index_location)]
    assert bytes(numcodecs.CRC32C().encode(index[:-4])) == index, "shard index checksum does not match"
    return np.frombuffer(index[:-4], dtype="<u8").reshape(*inner_chunks_per_shard(layout), 2)


def with_index(shard: bytes, entries: np.ndarray, layout, index_location: str) -> bytes:
    """The shard with its index replaced by `entries` and a matching checksum."""
    span = index_span(len(shard), layout, index_location)
    index = bytes(numcodecs.CRC32C().encode(entries.astype("<u8").tobytes()))
    return shard[: span.start] + index + shard[span.stop:]


def test_sharded_round_trip(store, layout, index_location):
    values = reference_array(SHAPE, DTYPE, seed=0)
    array = create(store, layout, index_location)
    array[...] = values
    assert_identical(array[...], values)
    assert_identical(reopen(store)[...], values)


@pytest.mark.parametrize(("codec_name", "dtype"), [
    (name, DTYPE if codec(name).supports(DTYPE) else "int32") for name in LOSSLESS_CODECS])
def test_sharded_round_trip_with_codecs_inside_the_shards(store, codec_name, dtype):
    inner, shard = LAYOUTS["ragged"]
    args = codec(codec_name).create_args(np.dtype(dtype), 3)
    values = reference_array(SHAPE, dtype, seed=1)
    array = zarr.create_array(store, shape=SHAPE, chunks=inner, shards=shard, dtype=dtype, fill_value=0,
                              zarr_format=3, **args)
    array[...] = values
    assert_identical(reopen(store)[...], values)
    document = stored_json(store, "zarr.json")
    assert [c["name"] for c in document["codecs"]] == ["sharding_indexed"], "codecs must run inside the shards"
    inside = [c["name"] for c in document["codecs"][0]["configuration"]["codecs"]]
    requested = [c.to_dict()["name"] for c in (args.get("filters") or []) + (args.get("compressors") or [])]
    assert [name for name in inside if name in requested] == requested


PARTIAL_READS = {
    "element": ("basic", (5, 7)),
    "inside-inner-chunk": ("basic", np.s_[3:5, 2:4]),
    "across-inner-chunks": ("basic", np.s_[2:5, 1:6]),
    "across-shards": ("basic", np.s_[4:11, 2:9]),
    "strided": ("basic", np.s_[::4, 1::3]),
    "ragged-corner": ("basic", np.s_[12:, 8:]),
    "row": ("basic", np.s_[7]),
    "column": ("basic", np.s_[:, 5]),
    "orthogonal": ("oindex", ([0, 5, 6, 12], [1, 4, 9])),
    "points": ("vindex", ([0, 6, 12, 7, 7], [9, 0, 4, 4, 3])),
}


def test_partial_reads_match_numpy(store, layout):
    values = reference_array(SHAPE, DTYPE, seed=2)
    create(store, layout)[...] = values
    array = reopen(store)
    for name, (kind, selection) in PARTIAL_READS.items():
        if kind == "basic":
            got, want = array[selection], values[selection]
        elif kind == "oindex":
            got, want = array.oindex[selection], values[np.ix_(*selection)]
        else:
            got, want = array.vindex[selection], values[selection]
        try:
            assert_identical(got, want)
        except AssertionError as error:
            raise AssertionError(f"read {name!r}: {error}") from None


PARTIAL_WRITES = {
    "element": (0, 0),
    "across-inner-chunks": np.s_[2:5, 1:4],
    "across-shards": np.s_[4:9, 3:8],
    "ragged-last-row": np.s_[12, :],
    "strided": np.s_[1:13:4, 0:10:3],
    "last-column": np.s_[:, 9],
    "whole-inner-chunks-to-fill": np.s_[0:6, 0:6],
    "overwrite-across-shards": np.s_[5:13, 2:7],
}


@pytest.mark.parametrize("store_kind", REWRITABLE_STORES)
def test_partial_writes_match_numpy_after_every_write(store, layout, index_location):
    array = create(store, layout, index_location)
    expected = np.full(SHAPE, FILL)
    for seed, (name, selection) in enumerate(PARTIAL_WRITES.items()):
        # Writing the fill value over whole inner chunks leaves them empty: they must still read fill.
        value = FILL if name.endswith("-to-fill") else reference_array(expected[selection].shape, DTYPE, seed)
        array[selection] = value
        expected[selection] = value
        assert_identical(array[...], expected)
    assert_identical(reopen(store)[...], expected)


def slices(n: int):
    return st.tuples(st.integers(0, n - 1), st.integers(1, n), st.integers(1, 3)).map(
        lambda t: slice(t[0], max(t[0] + 1, t[1]), t[2]))


@given(layout_name=st.sampled_from(list(LAYOUTS)),
       writes=st.lists(st.tuples(*(slices(n) for n in SHAPE)), min_size=1, max_size=4))
def test_random_partial_writes_match_numpy(layout_name, writes):
    store = zarr.storage.MemoryStore()
    array = create(store, LAYOUTS[layout_name])
    expected = np.full(SHAPE, FILL)
    for seed, selection in enumerate(writes):
        value = reference_array(expected[selection].shape, DTYPE, seed)
        array[selection] = value
        expected[selection] = value
        assert_identical(array[...], expected)


@pytest.mark.parametrize("store_kind", REWRITABLE_STORES)
def test_writing_one_inner_chunk_changes_only_its_shard_and_keeps_its_neighbours(store, layout):
    values = reference_array(SHAPE, DTYPE, seed=3)
    array = create(store, layout)
    array[...] = values
    before = stored_objects(store)
    region = inner_chunk_region(layout, (1, 1))  # inside shard (0, 0), with neighbours on every side
    new = reference_array(values[region].shape, DTYPE, seed=4)
    array[region] = new
    after = stored_objects(store)
    assert {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)} == {"c/0/0"}
    expected = values.copy()
    expected[region] = new
    assert_identical(reopen(store)[...], expected)


def test_unwritten_inner_chunks_read_fill_and_the_index_marks_them_missing(store, layout, index_location):
    inner, _ = layout
    array = create(store, layout, index_location)
    region = inner_chunk_region(layout, (1, 0))
    values = reference_array(inner, DTYPE, seed=5)
    array[region] = values
    expected = np.full(SHAPE, FILL)
    expected[region] = values
    assert_identical(array[...], expected)
    assert_identical(reopen(store)[...], expected)

    objects = stored_objects(store)
    assert sorted(objects) == ["c/0/0", "zarr.json"]
    index = read_index(objects["c/0/0"], layout, index_location)
    written = np.zeros(inner_chunks_per_shard(layout), dtype=bool)
    written[1, 0] = True
    assert (index[~written] == MISSING).all()
    assert index[1, 0, 1] == values.nbytes  # uncompressed: the inner chunk's bytes exactly


@pytest.mark.parametrize("store_kind", REWRITABLE_STORES)
def test_inner_chunk_the_index_marks_missing_reads_fill_and_its_neighbours_stay_intact(store, layout,
                                                                                        index_location):
    inner, _ = layout
    values = reference_array(SHAPE, DTYPE, seed=6)
    create(store, layout, index_location)[...] = values
    shard = stored_value(store, "c/0/0")
    entries = read_index(shard, layout, index_location).copy()
    entries[1, 0] = MISSING  # the inner chunk's bytes stay in the shard; only the index forgets them
    overwrite(store, "c/0/0", with_index(shard, entries, layout, index_location))

    region = inner_chunk_region(layout, (1, 0))
    expected = values.copy()
    expected[region] = FILL
    array = reopen(store)
    assert_identical(array[region], np.full(inner, FILL))
    assert_identical(array[...], expected)


def morton_order(grid: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Inner chunk coordinates in Morton (Z) order: a code takes bit 0 of every axis (axis 0 lowest), then bit 1,
    and so on; an axis needing fewer bits for its extent gives none once they are used up."""
    bits = [(n - 1).bit_length() for n in grid]

    def code(coords: tuple[int, ...]) -> int:
        places = [(bit, axis) for bit in range(max(bits)) for axis in range(len(grid)) if bit < bits[axis]]
        return sum(((coords[axis] >> bit) & 1) << place for place, (bit, axis) in enumerate(places))

    return sorted(np.ndindex(*grid), key=code)


# The documented write orders, each the inner chunks' order it promises; "morton" is the default (None).
WRITE_ORDERS = {
    None: morton_order,
    "lexicographic": lambda grid: list(np.ndindex(*grid)),
    "colexicographic": lambda grid: [coords[::-1] for coords in np.ndindex(*grid[::-1])],
}


# Grids of inner chunks per shard: one where the Morton codes of the next power-of-two cube are few enough to
# enumerate, and one where they are over four times the inner chunks, which zarr orders by sorting codes instead.
@pytest.mark.parametrize("grid", [(3, 6), (5, 5, 5)], ids=["3x6", "5x5x5"])
@pytest.mark.parametrize("write_order", list(WRITE_ORDERS), ids=lambda order: order or "default")
def test_inner_chunks_are_stored_in_the_write_order(grid, write_order):
    """ShardingCodec's subchunk_write_order ('morton' unless told otherwise) is the order of the inner
    chunks in the shard: the index's offsets, ascending, must visit them in that order."""
    store = zarr.storage.MemoryStore()
    layout = ((1,) * len(grid), grid)
    order = {} if write_order is None else {"subchunk_write_order": write_order}
    array = zarr.create_array(store, shape=grid, chunks=grid, dtype="float64", fill_value=FILL, zarr_format=3,
                              serializer=ShardingCodec(chunk_shape=layout[0], **order), filters=None,
                              compressors=None)
    array[...] = reference_array(grid, DTYPE, seed=7)
    entries = read_index(stored_value(store, "c/" + "/".join("0" * len(grid))), layout, "end")
    assert (entries != MISSING).all(), "every inner chunk holds a value other than the fill"
    by_offset = sorted(np.ndindex(*grid), key=lambda coords: entries[coords][0])
    assert by_offset == WRITE_ORDERS[write_order](grid)

def test_metadata_declares_the_sharding_codec_with_the_inner_chunk_shape(store, layout):
    inner, shard = layout
    zarr.create_array(store, shape=SHAPE, chunks=inner, shards=shard, dtype=DTYPE, fill_value=FILL, zarr_format=3)
    document = stored_json(store, "zarr.json")
    assert document["chunk_grid"] == {"name": "regular", "configuration": {"chunk_shape": list(shard)}}
    [sharding] = document["codecs"]
    assert sharding["name"] == "sharding_indexed"
    assert sharding["configuration"]["chunk_shape"] == list(inner)
    array = reopen(store)
    assert (array.chunks, array.shards) == (inner, shard)


@pytest.mark.parametrize(("zarr_format", "inner", "shard"), [
    (2, (3, 2), (6, 4)),
    (3, (3, 2), (5, 4)),
    (3, (3, 2), (2, 2)),
    (3, (3, 2), (6,)),
], ids=["format-2", "not-a-multiple", "smaller-than-inner", "other-ndim"])
def test_impossible_shard_layouts_are_refused_and_nothing_is_stored(store, zarr_format, inner, shard):
    with pytest.raises(ValueError):
        zarr.create_array(store, shape=SHAPE, chunks=inner, shards=shard, dtype=DTYPE, zarr_format=zarr_format)
    assert stored_keys(store) == set()
