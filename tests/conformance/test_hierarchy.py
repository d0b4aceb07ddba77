"""Hierarchy: groups and arrays as a tree of nodes, and what that tree leaves in the store.

Nested creation (`create_group("a/b/c")`, an array at "a/b/c") writes a group document for every
parent; the listings (`members`, `keys`, `group_keys`, `array_keys`, `groups`, `arrays`, and
`members(max_depth=...)`) return exactly the nodes below a group, each one the right node; `in`
resolves nested paths and does not mistake chunk keys for nodes; the open modes r, r+, a, w and w-
keep, create, wipe or refuse exactly as documented; node names follow the spec (".", ".." rejected,
redundant slashes normalized, unicode allowed, v3's reserved "__" prefix and period-only names
refused); an array cannot have children; deleting a node removes every key below it and nothing
else; and the tutorial's experiment hierarchy survives a round trip.
"""

from __future__ import annotations

import numpy as np
import pytest
import zarr

from zarrgauge.catalogue import experiment
from zarrgauge.conformance.grid import reopened, stored_json, stored_keys, stored_value
from zarrgauge.conformance.known_bugs import upstream_bug
from zarrgauge.harness.measure.oracle import assert_identical

# Reopening in another mode, deleting and wiping all rewrite or remove keys, which a zip store
# cannot do; a zip file also keeps the one mode it was opened with.
REWRITABLE_STORES = pytest.mark.parametrize("store_kind", ["memory", "local"], indirect=True)
MEMORY_ONLY = pytest.mark.parametrize("store_kind", ["memory"], indirect=True)
ONLY_V3 = pytest.mark.parametrize("zarr_format", [3], indirect=True)

IMPLICIT_PARENTS = upstream_bug("zarr-developers/zarr-python#2794", "3.0.3",
                                "create_array with a nested name wrote no metadata for the parent groups")
R_PLUS_CREATES = upstream_bug("zarr-developers/zarr-python#3307", "3.1.2",
                              "mode='r+' created a missing group instead of failing")
A_DELETES = upstream_bug("zarr-developers/zarr-python#3062", "3.0.8",
                         "opening with mode='a' deleted the existing data")
UNNORMALIZED_PATHS = upstream_bug("zarr-developers/zarr-python#2850", "3.0.5",
                                  "node paths were not normalized, creating nodes under invalid keys")
RESERVED_NAMES_ACCEPTED = upstream_bug("unreported", None,
                                       "v3 node names starting with '__' or made only of periods are accepted")
SILENT_DELETE = upstream_bug("zarr-developers/zarr-python#2967", None,
                             "deleting a missing member of a group does nothing instead of raising KeyError")

# Every node below the root, with distinct values in each array so a listing that returns the wrong
# node shows.
TREE = {
    "a0": "array",
    "g1": "group",
    "g1/a1": "array",
    "g1/g2": "group",
    "g1/g2/a2": "array",
    "g1/g2/g3": "group",
    "g1/g2/g3/a3": "array",
}
VALUES = {path: np.arange(3, dtype="int32") + 100 * i for i, path in enumerate(TREE) if TREE[path] == "array"}
ROOT_ATTRS = {"title": "tree"}


def build_tree(store, zarr_format: int) -> zarr.Group:
    root = zarr.group(store=store, zarr_format=zarr_format, attributes=ROOT_ATTRS)
    for path, kind in TREE.items():
        if kind == "group":
            root.create_group(path)
        else:
            root.create_array(path, shape=(3,), chunks=(2,), dtype="int32")[:] = VALUES[path]
    return root


def kind_of(node) -> str:
    return "group" if isinstance(node, zarr.Group) else "array"


def listed(members) -> dict[str, str]:
    return {name: kind_of(node) for name, node in members}


def node_type_in_store(store, zarr_format: int, path: str) -> str | None:
    """What the metadata documents at `path` say is there: "group", "array" or None."""
    prefix = f"{path}/" if path else ""
    if zarr_format == 3:
        doc = stored_json(store, f"{prefix}zarr.json")
        return None if doc is None else doc["node_type"]
    if stored_json(store, f"{prefix}.zgroup") == {"zarr_format": 2}:
        return "group"
    return "array" if stored_json(store, f"{prefix}.zarray") is not None else None


def snapshot(store) -> dict[str, bytes]:
    return {key: stored_value(store, key) for key in stored_keys(store)}


def reopen_target(store):
    """Where a new open call finds the same hierarchy: the store object for memory, the path for local."""
    return store if isinstance(store, zarr.storage.MemoryStore) else str(store.root)


def assert_tree_values(root: zarr.Group) -> None:
    for path, values in VALUES.items():
        assert_identical(root[path][:], values)


@pytest.mark.parametrize("leaf", ["group", pytest.param("array", marks=IMPLICIT_PARENTS)])
def test_nested_creation_writes_every_parent(store, zarr_format, leaf):
    root = zarr.open_group(store, mode="w", zarr_format=zarr_format)
    if leaf == "group":
        root.create_group("a/b/c")
    else:
        root.create_array("a/b/c", shape=(3,), dtype="int16")

    paths = ("", "a", "a/b", "a/b/c")
    assert {path: node_type_in_store(store, zarr_format, path) for path in paths} == {
        "": "group", "a": "group", "a/b": "group", "a/b/c": leaf}
    assert listed(root.members(max_depth=None)) == {"a": "group", "a/b": "group", "a/b/c": leaf}


@pytest.mark.parametrize("store_kind", ["local"], indirect=True)
def test_local_store_files_on_disk_are_the_listed_keys(store, zarr_format):
    build_tree(store, zarr_format)

    on_disk = {path.relative_to(store.root).as_posix() for path in store.root.rglob("*") if path.is_file()}

    assert on_disk == stored_keys(store)
    assert all(node_type_in_store(store, zarr_format, path) == kind for path, kind in TREE.items())


def test_listings_name_exactly_the_children(store, zarr_format):
    build_tree(store, zarr_format)

    with reopened(store) as again:
        root = zarr.open_group(again, mode="r")
        assert sorted(root.keys()) == ["a0", "g1"]
        assert sorted(root.group_keys()) == ["g1"]
        assert sorted(root.array_keys()) == ["a0"]
        assert listed(root.groups()) == {"g1": "group"}
        assert listed(root.arrays()) == {"a0": "array"}
        assert listed(root.members()) == {"a0": "array", "g1": "group"}
        assert sorted(root["g1"].keys()) == ["a1", "g2"]
        assert listed(root["g1/g2"].members()) == {"a2": "array", "g3": "group"}


@pytest.mark.parametrize("max_depth", [0, 1, 2, None], ids=lambda d: f"depth-{d}")
def test_members_down_to_max_depth(store, zarr_format, max_depth):
    build_tree(store, zarr_format)
    expected = {path: kind for path, kind in TREE.items() if max_depth is None or path.count("/") <= max_depth}

    with reopened(store) as again:
        root = zarr.open_group(again, mode="r")
        members = root.members(max_depth=max_depth)
        assert listed(members) == expected
        assert root.nmembers(max_depth=max_depth) == len(expected)
        for path, node in members:
            if path in VALUES:
                assert_identical(node[:], VALUES[path])


def test_members_of_a_subgroup_are_named_relative_to_it(store, zarr_format):
    build_tree(store, zarr_format)

    with reopened(store) as again:
        g1 = zarr.open_group(again, path="g1", mode="r")
        assert listed(g1.members(max_depth=None)) == {
            "a1": "array", "g2": "group", "g2/a2": "array", "g2/g3": "group", "g2/g3/a3": "array"}
        assert_identical(dict(g1.members(max_depth=None))["g2/g3/a3"][:], VALUES["g1/g2/g3/a3"])


def test_contains_resolves_nested_paths_and_ignores_chunk_keys(store, zarr_format):
    root = build_tree(store, zarr_format)
    # "a0/0" (v2) and "a0/c" (v3) are chunk keys and "g2" exists only below g1: none is a member.
    expected = {"g1": True, "g1/g2/a2": True, "g1/g2/g3/a3": True, "a0": True,
                "g1/missing": False, "g2": False, "a0/0": False, "a0/c": False, "g1/g2/g3/a3/c": False}

    assert {path: path in root for path in expected} == expected
    assert ("g3/a3" in root["g1/g2"], "g1" in root["g1"]) == (True, False)


@REWRITABLE_STORES
def test_mode_r_rejects_every_write_and_keeps_the_data(store, zarr_format):
    build_tree(store, zarr_format)
    before = snapshot(store)

    root = zarr.open_group(reopen_target(store), mode="r")
    with pytest.raises(ValueError):
        root.create_group("new")
    with pytest.raises(ValueError):
        root.attrs["title"] = "changed"
    with pytest.raises(ValueError):
        root["a0"][0] = -1
    with pytest.raises(ValueError):
        del root["g1"]

    assert snapshot(store) == before
    assert_tree_values(root)


@REWRITABLE_STORES
@R_PLUS_CREATES
def test_mode_r_plus_requires_an_existing_group(store, zarr_format):
    with pytest.raises(FileNotFoundError):
        zarr.open_group(reopen_target(store), mode="r+", zarr_format=zarr_format)
    assert stored_keys(store) == set()


@REWRITABLE_STORES
def test_mode_r_plus_writes_into_the_existing_hierarchy(store, zarr_format):
    build_tree(store, zarr_format)

    root = zarr.open_group(reopen_target(store), mode="r+")
    root["a0"][1] = -7
    root.create_group("g1/new")

    with reopened(store) as again:
        root = zarr.open_group(again, mode="r")
        assert_identical(root["a0"][:], np.array([VALUES["a0"][0], -7, VALUES["a0"][2]], dtype="int32"))
        assert listed(root["g1"].members()) == {"a1": "array", "g2": "group", "new": "group"}
        assert_identical(root["g1/g2/g3/a3"][:], VALUES["g1/g2/g3/a3"])


@REWRITABLE_STORES
@A_DELETES
def test_mode_a_never_deletes_existing_data(store, zarr_format):
    build_tree(store, zarr_format)
    before = snapshot(store)

    root = zarr.open_group(reopen_target(store), mode="a")
    assert snapshot(store) == before
    root.create_group("g1/extra")

    after = snapshot(store)
    assert {key: after[key] for key in before} == before
    with reopened(store) as again:
        root = zarr.open_group(again, mode="r")
        assert_tree_values(root)
        assert dict(root.attrs) == ROOT_ATTRS
        assert listed(root.members(max_depth=None)) == {**TREE, "g1/extra": "group"}


@REWRITABLE_STORES
def test_mode_a_creates_a_missing_group(store, zarr_format):
    zarr.open_group(reopen_target(store), mode="a", zarr_format=zarr_format)

    assert node_type_in_store(store, zarr_format, "") == "group"


@REWRITABLE_STORES
def test_mode_w_wipes_the_whole_hierarchy(store, zarr_format):
    build_tree(store, zarr_format)

    root = zarr.open_group(reopen_target(store), mode="w", zarr_format=zarr_format)

    assert listed(root.members(max_depth=None)) == {}
    assert dict(root.attrs) == {}
    root_document = "zarr.json" if zarr_format == 3 else ".zgroup"
    assert stored_keys(store) - {".zattrs"} == {root_document}


@REWRITABLE_STORES
def test_mode_w_minus_refuses_an_existing_hierarchy(store, zarr_format):
    build_tree(store, zarr_format)
    before = snapshot(store)

    with pytest.raises((FileExistsError, zarr.errors.ContainsGroupError)):
        zarr.open_group(reopen_target(store), mode="w-", zarr_format=zarr_format)

    assert snapshot(store) == before


@REWRITABLE_STORES
def test_mode_w_minus_creates_a_new_group(store, zarr_format):
    root = zarr.open_group(reopen_target(store), mode="w-", zarr_format=zarr_format, attributes={"new": True})

    assert dict(root.attrs) == {"new": True}
    assert node_type_in_store(store, zarr_format, "") == "group"


@MEMORY_ONLY
@pytest.mark.parametrize("name", [".", "..", "a/./b", "a/../b", "../escape"])
@pytest.mark.parametrize("node", ["group", "array"])
def test_dot_segments_are_rejected(store, zarr_format, name, node):
    root = zarr.open_group(store, mode="w", zarr_format=zarr_format)
    before = snapshot(store)

    with pytest.raises(ValueError):
        if node == "group":
            root.create_group(name)
        else:
            root.create_array(name, shape=(1,), dtype="uint8")

    assert snapshot(store) == before


@MEMORY_ONLY
def test_the_empty_name_is_the_root_and_cannot_be_created_again(store, zarr_format):
    root = zarr.open_group(store, mode="w", zarr_format=zarr_format, attributes=ROOT_ATTRS)
    before = snapshot(store)

    with pytest.raises(zarr.errors.ContainsGroupError):
        root.create_group("")
    with pytest.raises(zarr.errors.ContainsGroupError):
        root.create_array("", shape=(1,), dtype="uint8")

    assert snapshot(store) == before


@MEMORY_ONLY
@UNNORMALIZED_PATHS
@pytest.mark.parametrize(("name", "path"), [("/lead", "lead"), ("trail/", "trail"), ("a//b", "a/b")])
def test_redundant_slashes_are_normalized(store, zarr_format, name, path):
    root = zarr.open_group(store, mode="w", zarr_format=zarr_format)

    assert root.create_group(name).path == path
    assert node_type_in_store(store, zarr_format, path) == "group"
    assert all(part for key in stored_keys(store) for part in key.split("/"))


def test_unicode_and_space_names_round_trip(store, zarr_format):
    root = zarr.open_group(store, mode="w", zarr_format=zarr_format)
    root.create_group("données")
    root.create_array("données/時間 1", shape=(3,), chunks=(2,), dtype="int32")[:] = VALUES["a0"]

    with reopened(store) as again:
        root = zarr.open_group(again, mode="r")
        assert listed(root.members(max_depth=None)) == {"données": "group", "données/時間 1": "array"}
        assert_identical(root["données/時間 1"][:], VALUES["a0"])


@MEMORY_ONLY
@ONLY_V3
@RESERVED_NAMES_ACCEPTED
@pytest.mark.parametrize("name", ["__zarr", "g/__private", "...", "g/...."])
def test_v3_reserved_prefix_and_period_only_names_are_rejected(store, zarr_format, name):
    root = zarr.open_group(store, mode="w", zarr_format=3)
    root.create_group("g")
    before = snapshot(store)

    with pytest.raises(ValueError):
        root.create_group(name)

    assert snapshot(store) == before


@MEMORY_ONLY
def test_an_array_cannot_have_children(store, zarr_format):
    root = zarr.open_group(store, mode="w", zarr_format=zarr_format)
    root.create_array("arr", shape=(2,), dtype="uint8")[:] = [1, 2]
    before = snapshot(store)

    with pytest.raises(ValueError):
        root.create_group("arr/child")
    with pytest.raises(ValueError):
        root.create_array("arr/child", shape=(1,), dtype="uint8")
    with pytest.raises(ValueError):
        zarr.create_array(store, name="arr/child/deeper", shape=(1,), dtype="uint8", zarr_format=zarr_format)
    with pytest.raises(zarr.errors.ContainsArrayError):
        root.create_group("arr")

    assert snapshot(store) == before
    assert listed(root.members(max_depth=None)) == {"arr": "array"}


@REWRITABLE_STORES
@pytest.mark.parametrize("deleted", ["g1/g2", "a0", "g1/a1"])
def test_deleting_a_node_removes_all_its_keys_and_nothing_else(store, zarr_format, deleted):
    root = build_tree(store, zarr_format)
    before = snapshot(store)

    del root[deleted]

    gone = {key for key in before if key.startswith(f"{deleted}/")}
    assert gone
    assert snapshot(store) == {key: value for key, value in before.items() if key not in gone}
    assert deleted not in root
    remaining = {path: kind for path, kind in TREE.items() if path != deleted and not path.startswith(f"{deleted}/")}
    with reopened(store) as again:
        assert listed(zarr.open_group(again, mode="r").members(max_depth=None)) == remaining


@MEMORY_ONLY
@SILENT_DELETE
def test_deleting_a_missing_member_raises_key_error(store, zarr_format):
    root = build_tree(store, zarr_format)
    before = snapshot(store)

    with pytest.raises(KeyError):
        del root["g1/missing"]

    assert snapshot(store) == before


@REWRITABLE_STORES
def test_tutorial_experiment_hierarchy_round_trip(store, zarr_format):
    experiment.build(store, zarr_format, "quick")

    with reopened(store) as again:
        root = zarr.open_group(again, mode="r")
        assert experiment.listed_tree(root) == experiment.expected_tree("quick")
        assert dict(root.attrs) == experiment.ROOT_ATTRS
        assert {name: dict(root[name].attrs) for name in experiment.GROUP_ATTRS} == experiment.GROUP_ATTRS
        for node in experiment.array_nodes("quick"):
            assert (root[node.path].shape, root[node.path].dtype) == (node.shape, np.dtype(node.dtype))
        assert_identical(root["raw_data/timestamps"][:], experiment.timestamps("quick"))
