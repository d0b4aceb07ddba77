"""Attributes: user JSON on groups and arrays, in memory, in the stored document and after reopening.

Every JSON type (string, integer, float, boolean, null, list, object, nested), unicode keys and
values, integers beyond 64 bits, set at creation and read back from a reopened store on every store
kind, in both formats, on groups and on arrays. Then the mutations, on stores that can rewrite a
document (memory, local): `attrs[k] = v`, `attrs.update`, `update_attributes`, `attrs.put`,
`del attrs[k]` change exactly what they should, both in `attrs.asdict()` and in the JSON written to
`zarr.json` ("attributes") or `.zattrs`. Comparisons are made on JSON text, so true is not 1, 1 is
not 1.0 and -0.0 is not 0.0.

Non-finite floats: both formats write them as the bare tokens NaN, Infinity and -Infinity (Python's
JSON dialect, which strict RFC 8259 parsers reject) and read them back as floats. The v3 spec's
"NaN"/"Infinity" strings are defined for fill values only; attributes are plain user JSON with no
encoding for them, so this module asserts the observed round trip and documents the token form.
"""

from __future__ import annotations

import json
import math

import pytest
import zarr

from zarrgauge.conformance.grid import reopened, stored_json, stored_value
from zarrgauge.conformance.known_bugs import upstream_bug

# Attribute changes rewrite a metadata document, which a zip store cannot replace.
REWRITABLE_STORES = pytest.mark.parametrize("store_kind", ["memory", "local"], indirect=True)
MEMORY_ONLY = pytest.mark.parametrize("store_kind", ["memory"], indirect=True)
NODES = pytest.mark.parametrize("node_kind", ["group", "array"])

UPDATE_ERASES = upstream_bug("zarr-developers/zarr-python#2867", "3.0.5",
                             "update_attributes erased the attributes it was not given")
DEL_KEEPS = upstream_bug("zarr-developers/zarr-python#2903", "3.0.6",
                         "del attrs[key] left the key in place", introduced_in="3.0.5")
REJECTED_WRITE_STICKS = upstream_bug(
    "unreported", None,
    "a value json cannot encode raises TypeError but stays in the node's attributes, and every later "
    "attribute write on that node fails")

EVERY_JSON_TYPE = {
    "string": "a string",
    "empty string": "",
    "int": 42,
    "negative int": -7,
    "zero": 0,
    "int64 min": -(2**63),
    "beyond 2**53": 2**53 + 1,
    "beyond uint64": 2**64 + 1,
    "float": 0.1,
    "tiny float": 5e-324,
    "huge float": 1.7976931348623157e308,
    "float that is whole": 3.0,
    "true": True,
    "false": False,
    "null": None,
    "list": [1, "two", 3.5, None, True, [], {}],
    "empty list": [],
    "object": {"x": 1, "y": [1, 2]},
    "empty object": {},
    "nested": {"a": {"b": {"c": [{"d": [0, {"e": None}]}]}}},
    "ключ ü 鍵 🙂": "значение ü 値 🙂",
    "quotes \" and \\ and \n": "tab\t and \u0000 nul",
}


def as_json(value) -> str:
    """Canonical JSON text: distinguishes types JSON distinguishes, and the sign of zero."""
    return json.dumps(value, sort_keys=True)


def new_node(store, zarr_format: int, node_kind: str, attributes: dict | None = None):
    """A root group, or an array "node" below it, with `attributes`."""
    root = zarr.open_group(store, mode="w", zarr_format=zarr_format,
                           attributes=attributes if node_kind == "group" else None)
    if node_kind == "group":
        return root
    return root.create_array("node", shape=(2,), dtype="int8", attributes=attributes)


def attributes_key(zarr_format: int, node_kind: str) -> str:
    """Where the node's attributes are stored: in zarr.json (v3) or in .zattrs (v2)."""
    prefix = "" if node_kind == "group" else "node/"
    return f"{prefix}zarr.json" if zarr_format == 3 else f"{prefix}.zattrs"


def stored_attributes(store, zarr_format: int, node_kind: str):
    """The attributes as the store holds them: "attributes" in zarr.json, or the whole .zattrs."""
    doc = stored_json(store, attributes_key(zarr_format, node_kind))
    if zarr_format == 3:
        return doc["attributes"]
    return {} if doc is None else doc


def reopened_attributes(store, node_kind: str) -> dict:
    with reopened(store) as again:
        if node_kind == "group":
            return zarr.open_group(again, mode="r").attrs.asdict()
        return zarr.open_array(again, path="node", mode="r").attrs.asdict()


def assert_attributes(store, zarr_format: int, node_kind: str, node, expected: dict) -> None:
    """In memory, in the stored document and after reopening, the attributes are `expected`."""
    assert as_json(node.attrs.asdict()) == as_json(expected)
    assert as_json(stored_attributes(store, zarr_format, node_kind)) == as_json(expected)
    assert as_json(reopened_attributes(store, node_kind)) == as_json(expected)


@NODES
def test_every_json_type_round_trips(store, zarr_format, node_kind):
    node = new_node(store, zarr_format, node_kind, EVERY_JSON_TYPE)

    assert_attributes(store, zarr_format, node_kind, node, EVERY_JSON_TYPE)


@REWRITABLE_STORES
@NODES
def test_setitem_sets_one_key_and_keeps_the_others(store, zarr_format, node_kind):
    node = new_node(store, zarr_format, node_kind, {"keep": [1, 2], "change": "old"})

    node.attrs["change"] = {"new": 2**64 + 1}
    node.attrs["added"] = None

    expected = {"keep": [1, 2], "change": {"new": 2**64 + 1}, "added": None}
    assert_attributes(store, zarr_format, node_kind, node, expected)


@REWRITABLE_STORES
@NODES
def test_update_merges_into_the_existing_attributes(store, zarr_format, node_kind):
    node = new_node(store, zarr_format, node_kind, {"keep": True, "change": 1})

    node.attrs.update({"change": 1.0, "ключ": "значение"})

    assert_attributes(store, zarr_format, node_kind, node, {"keep": True, "change": 1.0, "ключ": "значение"})


@REWRITABLE_STORES
@NODES
@UPDATE_ERASES
def test_update_attributes_merges_into_the_existing_attributes(store, zarr_format, node_kind):
    node = new_node(store, zarr_format, node_kind, {"keep": "yes", "change": [1]})

    node = node.update_attributes({"change": [2], "added": {}})

    assert_attributes(store, zarr_format, node_kind, node, {"keep": "yes", "change": [2], "added": {}})


@REWRITABLE_STORES
@NODES
def test_put_replaces_every_attribute(store, zarr_format, node_kind):
    node = new_node(store, zarr_format, node_kind, {"old": 1, "also old": 2})

    node.attrs.put({"new": "only"})

    assert_attributes(store, zarr_format, node_kind, node, {"new": "only"})


@REWRITABLE_STORES
@NODES
@DEL_KEEPS
def test_delitem_removes_exactly_that_key(store, zarr_format, node_kind):
    node = new_node(store, zarr_format, node_kind, {"gone": 1, "kept": 2, "nested": {"gone": 3}})

    del node.attrs["gone"]

    assert_attributes(store, zarr_format, node_kind, node, {"kept": 2, "nested": {"gone": 3}})


@REWRITABLE_STORES
@NODES
def test_deleting_a_missing_key_raises_and_changes_nothing(store, zarr_format, node_kind):
    node = new_node(store, zarr_format, node_kind, {"kept": 2})
    before = stored_value(store, attributes_key(zarr_format, node_kind))

    with pytest.raises(KeyError):
        del node.attrs["missing"]

    assert stored_value(store, attributes_key(zarr_format, node_kind)) == before
    assert_attributes(store, zarr_format, node_kind, node, {"kept": 2})


@MEMORY_ONLY
@NODES
@REJECTED_WRITE_STICKS
def test_a_rejected_value_leaves_the_attributes_unchanged(store, zarr_format, node_kind):
    node = new_node(store, zarr_format, node_kind, {"kept": 1})

    with pytest.raises(TypeError):
        node.attrs["bad"] = {1, 2}

    assert node.attrs.asdict() == {"kept": 1}
    assert_attributes(store, zarr_format, node_kind, node, {"kept": 1})
    node.attrs["later"] = "still writable"
    assert_attributes(store, zarr_format, node_kind, node, {"kept": 1, "later": "still writable"})


NON_FINITE = {"nan": math.nan, "inf": math.inf, "minus inf": -math.inf, "minus zero": -0.0}


@NODES
def test_non_finite_floats_and_negative_zero_round_trip(store, zarr_format, node_kind):
    new_node(store, zarr_format, node_kind, NON_FINITE)

    values = reopened_attributes(store, node_kind)

    assert math.isnan(values["nan"])
    assert (values["inf"], values["minus inf"]) == (math.inf, -math.inf)
    assert math.copysign(1.0, values["minus zero"]) == -1.0
    assert all(isinstance(value, float) for value in values.values())


@MEMORY_ONLY
@NODES
def test_non_finite_floats_are_written_as_bare_json_tokens(store, zarr_format, node_kind):
    new_node(store, zarr_format, node_kind, NON_FINITE)
    raw = stored_value(store, attributes_key(zarr_format, node_kind))

    # Python's json dialect, not strings: unlike fill values, attributes have no spec encoding.
    tokens = []
    json.loads(raw, parse_constant=tokens.append)
    assert sorted(tokens) == ["-Infinity", "Infinity", "NaN"]
    assert b"-0.0" in raw
