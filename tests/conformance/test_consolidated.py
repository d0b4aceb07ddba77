"""Consolidated metadata: one document holding the metadata of a whole hierarchy.

`zarr.consolidate_metadata` writes `.zmetadata` (v2: {"zarr_consolidated_format": 1, "metadata":
{key: document}}) or a "consolidated_metadata" member of the root `zarr.json` (v3: {"kind":
"inline", "must_understand": false, "metadata": {path: document}}). Both are parsed here and held
against the documents they copy. Opening through the consolidated view (`zarr.open_consolidated`,
`open_group(use_consolidated=True)`) gives the same members, attributes and array values as the
hierarchy itself, without reading any child metadata from the store. After nodes are added without
consolidating again the view is stale in the documented way (the new nodes are missing from it and
from the default open, but not from `use_consolidated=False`); consolidating again brings them in.
"""

from __future__ import annotations

import numpy as np
import pytest
import zarr

from zarrgauge.catalogue.cases import ZARR_FORMATS
from zarrgauge.conformance.grid import stored_json, stored_keys
from zarrgauge.conformance.known_bugs import upstream_bug
from zarrgauge.harness.measure.oracle import assert_identical

pytestmark = pytest.mark.filterwarnings("ignore:Consolidated metadata is currently not part:UserWarning")

# Consolidating a v3 hierarchy rewrites the root zarr.json, which a zip store cannot replace.
REWRITABLE_STORES = pytest.mark.parametrize("store_kind", ["memory", "local"], indirect=True)
MEMORY_ONLY = pytest.mark.parametrize("store_kind", ["memory"], indirect=True)
ONLY_V2 = pytest.mark.parametrize("zarr_format", [2], indirect=True)
ONLY_V3 = pytest.mark.parametrize("zarr_format", [3], indirect=True)
OPENERS = pytest.mark.parametrize("open_consolidated", [
    pytest.param(lambda store: zarr.open_consolidated(store, mode="r"), id="open_consolidated"),
    pytest.param(lambda store: zarr.open_group(store, mode="r", use_consolidated=True),
                 id="open_group-use_consolidated"),
])

NON_FINITE_FILLS = upstream_bug("zarr-developers/zarr-python#2996", "3.0.7",
                                "consolidated metadata serialized NaN and infinite fill values differently "
                                "from the array metadata")
V2_NAN_FILL = upstream_bug("zarr-developers/zarr-python#2802", "3.0.7",
                           "a NaN fill_value was not serialized as \"NaN\" in v2 .zarray")
V2_GROUP_COPIES_DIFFER = upstream_bug(
    "unreported", None,
    "a v2 .zmetadata entry for a nested .zgroup carries a v3-only 'consolidated_metadata' member that the "
    ".zgroup document it copies does not have")

TREE = {"raw": "group", "raw/images": "array", "raw/meta": "group", "processed": "group",
        "processed/mean": "array", "labels": "array"}
ATTRS = {"": {"experiment": "EXP-1"}, "raw": {"instrument": "camera", "resolution": [4, 3]},
         "raw/meta": {"nested": {"a": [1, None]}}, "raw/images": {"units": "counts"}}
VALUES = {"raw/images": np.arange(12, dtype="uint16").reshape(4, 3),
          "processed/mean": np.array([1.5, -0.0, np.nan, np.inf], dtype="float32"),
          "labels": np.array([True, False, True])}


def build_tree(store, zarr_format: int) -> zarr.Group:
    root = zarr.open_group(store, mode="w", zarr_format=zarr_format, attributes=ATTRS[""])
    for path, kind in TREE.items():
        if kind == "group":
            root.create_group(path, attributes=ATTRS.get(path))
        else:
            values = VALUES[path]
            array = root.create_array(path, shape=values.shape, chunks=(2,) * values.ndim, dtype=values.dtype,
                                      attributes=ATTRS.get(path))
            array[...] = values
    return root


def listed(group: zarr.Group) -> dict[str, str]:
    return {name: "group" if isinstance(node, zarr.Group) else "array"
            for name, node in group.members(max_depth=None)}


def assert_same_hierarchy(group: zarr.Group, tree: dict[str, str]) -> None:
    """Members, attributes of every node and the values of every array, against the originals."""
    assert listed(group) == tree
    assert {path: group[path].attrs.asdict() if path else group.attrs.asdict() for path in ATTRS} == ATTRS
    for path, values in VALUES.items():
        assert_identical(group[path][...], values)


def node_documents(store, zarr_format: int) -> dict[str, dict]:
    """Every metadata document in the store except the consolidated one, by key (v2) or node path (v3)."""
    if zarr_format == 2:
        return {key: stored_json(store, key) for key in stored_keys(store)
                if key.rsplit("/", 1)[-1] in (".zgroup", ".zarray", ".zattrs")}
    return {key.removesuffix("zarr.json").rstrip("/"): stored_json(store, key)
            for key in stored_keys(store) if key.rsplit("/", 1)[-1] == "zarr.json"}


@REWRITABLE_STORES
@OPENERS
def test_consolidated_view_equals_the_hierarchy(store, zarr_format, open_consolidated):
    build_tree(store, zarr_format)
    zarr.consolidate_metadata(store)

    group = open_consolidated(store)

    assert group.metadata.consolidated_metadata is not None
    assert_same_hierarchy(group, TREE)
    assert_same_hierarchy(zarr.open_group(store, mode="r", use_consolidated=False), TREE)


def test_consolidated_open_reads_no_child_metadata(counting_store, zarr_format):
    build_tree(counting_store, zarr_format)
    zarr.consolidate_metadata(counting_store)

    group = zarr.open_consolidated(counting_store, mode="r")
    counting_store.reset()
    members = listed(group)
    nodes = {path: group[path] for path in TREE}

    assert members == TREE
    assert {path: node.attrs.asdict() for path, node in nodes.items() if path in ATTRS} == {
        path: attrs for path, attrs in ATTRS.items() if path}
    assert (counting_store.counts["get"], counting_store.counts["list"]) == (0, 0)


@ONLY_V2
@REWRITABLE_STORES
def test_v2_zmetadata_copies_every_array_and_attribute_document(store, zarr_format):
    build_tree(store, zarr_format)
    zarr.consolidate_metadata(store)

    consolidated = stored_json(store, ".zmetadata")
    documents = node_documents(store, 2)

    assert set(consolidated) == {"zarr_consolidated_format", "metadata"}
    assert consolidated["zarr_consolidated_format"] == 1
    assert set(consolidated["metadata"]) == set(documents)
    for key, document in documents.items():
        if not key.endswith(".zgroup"):
            assert consolidated["metadata"][key] == document, key


@ONLY_V2
@MEMORY_ONLY
@V2_GROUP_COPIES_DIFFER
def test_v2_zmetadata_copies_every_group_document(store, zarr_format):
    build_tree(store, zarr_format)
    zarr.consolidate_metadata(store)

    consolidated = stored_json(store, ".zmetadata")["metadata"]

    groups = {key: doc for key, doc in node_documents(store, 2).items() if key.endswith(".zgroup")}
    assert {key: consolidated[key] for key in groups} == groups


@ONLY_V3
@REWRITABLE_STORES
def test_v3_root_document_holds_every_node_document(store, zarr_format):
    build_tree(store, zarr_format)
    documents = node_documents(store, 3)
    zarr.consolidate_metadata(store)

    root = stored_json(store, "zarr.json")
    consolidated = root.pop("consolidated_metadata")

    assert root == documents[""]
    assert set(consolidated) == {"kind", "must_understand", "metadata"}
    assert (consolidated["kind"], consolidated["must_understand"]) == ("inline", False)
    assert set(consolidated["metadata"]) == set(TREE)
    for path, document in consolidated["metadata"].items():
        # A nested group's copy may carry its own (empty) consolidated_metadata member.
        document = {key: value for key, value in document.items() if key != "consolidated_metadata"}
        assert document == documents[path], path


@REWRITABLE_STORES
@OPENERS
def test_adding_nodes_leaves_the_consolidated_view_stale_until_consolidated_again(store, zarr_format,
                                                                                 open_consolidated):
    root = build_tree(store, zarr_format)
    zarr.consolidate_metadata(store)
    root.create_group("late")
    root.create_array("raw/late_array", shape=(2,), dtype="int8")
    grown = {**TREE, "late": "group", "raw/late_array": "array"}

    stale = open_consolidated(store)
    assert listed(stale) == TREE
    assert "late" not in stale
    with pytest.raises(KeyError):
        stale["late"]
    assert listed(zarr.open_group(store, mode="r")) == TREE
    assert listed(zarr.open_group(store, mode="r", use_consolidated=False)) == grown

    zarr.consolidate_metadata(store)

    assert_same_hierarchy(open_consolidated(store), grown)


@MEMORY_ONLY
@OPENERS
def test_requiring_consolidated_metadata_that_is_not_there_fails(store, zarr_format, open_consolidated):
    build_tree(store, zarr_format)

    with pytest.raises(ValueError):
        open_consolidated(store)


@REWRITABLE_STORES
def test_consolidating_a_subgroup_covers_only_that_subgroup(store, zarr_format):
    build_tree(store, zarr_format)

    zarr.consolidate_metadata(store, path="raw")

    raw = zarr.open_consolidated(store, path="raw", mode="r")
    assert raw.metadata.consolidated_metadata is not None
    assert listed(raw) == {"images": "array", "meta": "group"}
    assert_identical(raw["images"][...], VALUES["raw/images"])
    assert zarr.open_group(store, mode="r").metadata.consolidated_metadata is None


FILL_CASES = [
    pytest.param(zarr_format, fill, encoded, id=f"v{zarr_format}-{encoded}",
                 marks=NON_FINITE_FILLS if zarr_format == 3 else V2_NAN_FILL if encoded == "NaN" else ())
    for zarr_format in ZARR_FORMATS
    for fill, encoded in ((np.nan, "NaN"), (np.inf, "Infinity"), (-np.inf, "-Infinity"))
]


@MEMORY_ONLY
@pytest.mark.parametrize(("zarr_format", "fill", "encoded"), FILL_CASES)
def test_consolidated_fill_values_are_encoded_like_the_array_document(store, zarr_format, fill, encoded):
    root = zarr.open_group(store, mode="w", zarr_format=zarr_format)
    root.create_array("filled", shape=(3,), chunks=(2,), dtype="float64", fill_value=fill)
    zarr.consolidate_metadata(store)

    if zarr_format == 2:
        copy = stored_json(store, ".zmetadata")["metadata"]["filled/.zarray"]
    else:
        copy = stored_json(store, "zarr.json")["consolidated_metadata"]["metadata"]["filled"]

    assert copy["fill_value"] == encoded
    assert_identical(zarr.open_consolidated(store, mode="r")["filled"][:], np.full(3, fill))
