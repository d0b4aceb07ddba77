"""The tutorial's experiment hierarchy and attributes: create and list the tree, write and read
100 attribute records; every write into a fresh store."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import zarr
import zarr.storage

# asv hashes the benchmark code below, which spells the module `hierarchy`, into each version:
# another name would start every history afresh.
from zarrgauge.catalogue import experiment as hierarchy
from zarrgauge.catalogue.cases import NodeCase
from zarrgauge.harness.data.stores import discard, new_store

from .common import NODE_CASES, Checked, make_classes

PAYLOAD = hierarchy.attribute_payload()


@dataclass(frozen=True)
class NodeOperation:
    prepare: Callable  # (store, case) -> what run takes; untimed
    run: Callable  # (prepared, case) -> result; timed
    check: Callable  # (result, store, case) -> whether zarr did it right


def _built(store, case: NodeCase):
    hierarchy.build(store, case.zarr_format, case.tier)
    return store


def _listed(store, case: NodeCase) -> dict[str, str]:
    return hierarchy.listed_tree(zarr.open_group(store, mode="r"))


def _consolidated(store, case: NodeCase):
    _built(store, case)
    zarr.consolidate_metadata(store)
    return store


def _first_array_per_node(store, case: NodeCase) -> zarr.Array:
    return hierarchy.first_array(zarr.open_group(store, mode="r", use_consolidated=False))


def _first_array_consolidated(store, case: NodeCase) -> zarr.Array:
    return hierarchy.first_array(zarr.open_group(store, mode="r", use_consolidated=True))


def _is_first_array(array, store, case: NodeCase) -> bool:
    node = hierarchy.array_nodes(case.tier)[0]
    return array.shape == node.shape and array.dtype == node.dtype


def _with_payload(store, case: NodeCase):
    zarr.open_group(store, mode="w", zarr_format=case.zarr_format).attrs.update(PAYLOAD)
    return store


def _write_payload(group: zarr.Group, case: NodeCase) -> zarr.Group:
    group.attrs.update(PAYLOAD)
    return group


def _stored_payload(result, store, case: NodeCase) -> bool:
    return dict(zarr.open_group(store, mode="r").attrs) == PAYLOAD


NODE_OPERATIONS = {
    "create_hierarchy": NodeOperation(
        lambda store, case: store, lambda store, case: hierarchy.build(store, case.zarr_format, case.tier),
        lambda root, store, case: hierarchy.listed_tree(root) == hierarchy.expected_tree(case.tier)),
    "list_hierarchy": NodeOperation(
        _built, _listed, lambda tree, store, case: tree == hierarchy.expected_tree(case.tier)),
    "open_hierarchy": NodeOperation(_consolidated, _first_array_per_node, _is_first_array),
    "open_consolidated": NodeOperation(_consolidated, _first_array_consolidated, _is_first_array),
    "write_attributes": NodeOperation(
        lambda store, case: zarr.open_group(store, mode="w", zarr_format=case.zarr_format), _write_payload,
        _stored_payload),
    "read_attributes": NodeOperation(
        _with_payload, lambda store, case: dict(zarr.open_group(store, mode="r").attrs),
        lambda attrs, store, case: attrs == PAYLOAD),
}


@functools.cache
def _missing_feature(zarr_format: int) -> str | None:
    """zarr 3.0 cannot store datetime64 in format 3, and the tree holds timestamps."""
    try:
        zarr.create_array(zarr.storage.MemoryStore(), shape=(1,), dtype="M8[ns]", zarr_format=zarr_format)
    except (KeyError, TypeError, ValueError) as error:
        return f"zarr {zarr.__version__} cannot store datetime64[ns] in format {zarr_format} ({error!r})"
    return None


class OnNodes(Checked):
    number = 1
    store = None  # asv tears down after a skipped setup too

    def setup(self):
        if self.operation.endswith("_hierarchy") and (reason := _missing_feature(self.case.zarr_format)):
            raise NotImplementedError(reason)  # asv reports a skip, not a failure
        self.store = new_store(self.case.store, self.scratch())
        self.prepared = NODE_OPERATIONS[self.operation].prepare(self.store, self.case)

    def teardown(self):
        self.check_result()
        if self.store is not None:
            discard(self.store)
            self.store = None

    def run(self):
        self.keep(NODE_OPERATIONS[self.operation].run(self.prepared, self.case))

    def check(self, result):
        assert NODE_OPERATIONS[self.operation].check(result, self.store, self.case), \
            f"{self.operation} {self.case.id}: zarr's result differs from what was written"


def _definition(case: NodeCase) -> dict:
    return {"case": case.id, "tier": case.tier, "frames": hierarchy.FRAMES[case.tier], "attributes": len(PAYLOAD)}


def _code(operation: str) -> tuple:
    op = NODE_OPERATIONS[operation]
    return op.prepare, op.run, op.check, hierarchy.build, hierarchy.attribute_payload


globals().update(make_classes(__name__, NODE_CASES, tuple(NODE_OPERATIONS), OnNodes,
                              lambda operation: {f"time_{operation}": (OnNodes.run, None)}, _definition, _code))
