"""Object storage: round trips, partial writes, hierarchies, consolidated metadata and deletes on
every client over a real server (an S3 server, or Azurite for Azure), and request-count contracts
held at the wire.

The contracts count the HTTP requests that reached the server (zarrgauge's wire proxy sees them),
not the requests zarr made of the store: a client may add its own.
"""

import numpy as np
import pytest
import zarr

from zarrgauge.catalogue.stores import REMOTE_STORES, WIRE_REQUESTS
from zarrgauge.conformance.grid import reference_array, stored_keys
from zarrgauge.conformance.known_bugs import upstream_bug
from zarrgauge.harness.data.stores import new_store
from zarrgauge.harness.measure.oracle import assert_identical

pytestmark = pytest.mark.parametrize("store_kind", REMOTE_STORES, indirect=True)

HEAD_BEFORE_GET = upstream_bug(
    "fsspec/s3fs#1027", None, "with its default max_concurrency, s3fs sends a HEAD before every whole-object GET "
    "(and HEADs and LISTs where a GET of a missing key would do)")
# An inner chunk of a shard costs its index, then the chunk, each a ranged GET. S3 reads the index
# with a suffix range (the shard's last bytes); Azure's API has none: obstore asks for the shard's
# size first, with a HEAD.
INNER_CHUNK_REQUESTS = {"azure-obstore": {"head": 1, "get_range": 2}}


def client_bug(store_kind: str, bug):
    """`bug` applies to s3fs with its defaults only."""
    return [bug] if store_kind == "s3-fsspec" else []


def test_values_round_trip_bit_exact(store, zarr_format):
    values = reference_array((13, 17), "float64")  # NaN, infinities and -0.0 included
    array = zarr.create_array(store, shape=values.shape, chunks=(5, 6), dtype=values.dtype, zarr_format=zarr_format)
    array[...] = values
    assert_identical(zarr.open_array(store, mode="r")[...], values)


def test_sharded_values_round_trip_and_read_in_part(store):
    values = reference_array((12, 20), "int32")
    array = zarr.create_array(store, shape=values.shape, chunks=(3, 5), shards=(6, 10), dtype=values.dtype)
    array[...] = values
    reopened = zarr.open_array(store, mode="r")
    assert_identical(reopened[...], values)
    assert_identical(reopened[4:9, 3:14], values[4:9, 3:14])


def test_a_partial_write_keeps_every_other_value(store, zarr_format):
    values = reference_array((10, 10), "float32")
    array = zarr.create_array(store, shape=values.shape, chunks=(4, 4), dtype=values.dtype, zarr_format=zarr_format)
    array[...] = values
    array[3:6, 2:9] = -1
    values[3:6, 2:9] = -1
    assert_identical(zarr.open_array(store, mode="r")[...], values)


@pytest.mark.filterwarnings("ignore:Consolidated metadata is currently not part:UserWarning")
def test_a_hierarchy_lists_and_consolidates(store, zarr_format):
    root = zarr.open_group(store, mode="w", zarr_format=zarr_format)
    root.create_group("raw").create_array("frames", shape=(4, 3), dtype="uint16")
    root.create_array("mask", shape=(3,), dtype="bool")
    expected = {"raw": "group", "raw/frames": "array", "mask": "array"}
    listed = {path: type(node).__name__.lower() for path, node in root.members(max_depth=None)}
    assert listed == expected
    zarr.consolidate_metadata(store)
    consolidated = zarr.open_consolidated(store, zarr_format=zarr_format)
    assert {path: type(node).__name__.lower() for path, node in consolidated.members(max_depth=None)} == expected


def test_deleting_an_array_removes_its_objects_and_nothing_else(store, zarr_format):
    root = zarr.open_group(store, mode="w", zarr_format=zarr_format)
    for name in ("gone", "kept"):
        root.create_array(name, shape=(4,), chunks=(2,), dtype="int8")[...] = 1
    del root["gone"]
    keys = stored_keys(store)
    assert not any(key.startswith("gone/") for key in keys) and any(key.startswith("kept/") for key in keys)
    assert_identical(zarr.open_array(store, path="kept", mode="r")[...], np.ones(4, "int8"))


@pytest.fixture
def wire(store_kind, fresh_scratch):
    return fresh_scratch.prefix_for(store_kind).wire


def requests(wire) -> dict[str, int]:
    """The requests that reached the server since the last reset, by kind, zeros left out."""
    counts = wire.counts()
    return {kind: count for kind in WIRE_REQUESTS if (count := counts[f"wire_{kind}"])}


def written(kind: str, scratch, **layout) -> zarr.Array:
    array = zarr.create_array(new_store(kind, scratch), shape=(20, 20), dtype="float64", **layout)
    array[...] = 1
    return zarr.open_array(array.store, mode="r")


def test_a_whole_chunk_costs_one_get(request, store_kind, fresh_scratch, wire):
    for mark in client_bug(store_kind, HEAD_BEFORE_GET):
        request.applymarker(mark)
    array = written(store_kind, fresh_scratch, chunks=(10, 10))
    wire.reset()
    array[:10, :10]
    assert requests(wire) == {"get": 1}


def test_an_inner_chunk_of_a_shard_costs_the_index_and_one_ranged_get(store_kind, fresh_scratch, wire):
    """On Azure, a HEAD first (INNER_CHUNK_REQUESTS)."""
    array = written(store_kind, fresh_scratch, chunks=(5, 5), shards=(10, 10))
    wire.reset()
    array[:5, :5]
    assert requests(wire) == INNER_CHUNK_REQUESTS.get(store_kind, {"get_range": 2})


def test_opening_an_array_costs_three_gets(request, store_kind, fresh_scratch, wire, zarr_format):
    """The array's metadata, and probes for the other format's metadata that answer 404."""
    for mark in client_bug(store_kind, HEAD_BEFORE_GET):
        request.applymarker(mark)
    store = written(store_kind, fresh_scratch, chunks=(10, 10), zarr_format=zarr_format).store
    wire.reset()
    zarr.open_array(store, mode="r")
    assert requests(wire) == {"get": 3}
