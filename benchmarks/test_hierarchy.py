"""The tutorial's experiment hierarchy: creating it, listing it back, and opening it as far as its
first array, with and without consolidated metadata."""

import numpy as np
import pytest
import zarr

from zarrgauge.catalogue import experiment
from zarrgauge.harness.data.stores import counted, discard, new_store, wire_of
from zarrgauge.harness.measure import oracle
from zarrgauge.harness.measure.conditions import timed_conditions
from zarrgauge.harness.measure.metrics import node_case_info
from zarrgauge.harness.measure.timing import deterministic_metrics, records_metrics
from zarrgauge.objectstore.s3 import forget_listings

ROUNDS = 5
# zarr warns that consolidated metadata is not in the v3 specification yet; it is what users open.
CONSOLIDATED_WARNING = "ignore:Consolidated metadata is currently not part:UserWarning"


def _check_tree(root, tier):
    assert experiment.listed_tree(root) == experiment.expected_tree(tier)
    assert dict(root.attrs) == experiment.ROOT_ATTRS
    for name, attrs in experiment.GROUP_ATTRS.items():
        assert dict(root[name].attrs) == attrs
    oracle.assert_identical(root["raw_data/timestamps"][:], experiment.timestamps(tier))


def _info(benchmark, node_case, group):
    benchmark.group = group
    benchmark.extra_info.update(node_case_info(node_case), nodes=len(experiment.expected_tree(node_case.tier)))


def test_create_hierarchy(benchmark, node_case, scratch):
    stores = []

    def fresh_store():
        stores.append(new_store(node_case.store, scratch))
        return (stores[-1], node_case.zarr_format, node_case.tier), {}

    _info(benchmark, node_case, "hierarchy create")
    with timed_conditions(node_case, wire_of(node_case.store, scratch)):
        root = benchmark.pedantic(experiment.build, setup=fresh_store, rounds=ROUNDS)
    _check_tree(root, node_case.tier)
    for store in stores:
        discard(store)


def _timed_reads(benchmark, node_case, scratch, store, read):
    """Time `read` of `store`, a new reader each round (s3fs forgets its listings), then count its requests."""
    store = counted(store, node_case.store, scratch)
    with timed_conditions(node_case, store.wire):
        result = benchmark.pedantic(read, (store,), setup=lambda: forget_listings(store), rounds=ROUNDS)
    if records_metrics(benchmark):
        forget_listings(store)
        benchmark.extra_info.update(deterministic_metrics(store, lambda: read(store)))
    return result


def test_list_hierarchy(benchmark, node_case, scratch):
    store = new_store(node_case.store, scratch)
    experiment.build(store, node_case.zarr_format, node_case.tier)
    _info(benchmark, node_case, "hierarchy list")
    listed = _timed_reads(benchmark, node_case, scratch, store,
                          lambda store: experiment.listed_tree(zarr.open_group(store, mode="r")))
    assert listed == experiment.expected_tree(node_case.tier)
    _check_tree(zarr.open_group(store, mode="r"), node_case.tier)
    assert np.dtype(zarr.open_group(store, mode="r")["raw_data/timestamps"].dtype) == np.dtype("M8[ns]")
    discard(store)


def _time_opening(benchmark, node_case, scratch, consolidated: bool):
    """Time to the first array: open the root, then its first array, as a reader of the data set would."""
    store = new_store(node_case.store, scratch)
    experiment.build(store, node_case.zarr_format, node_case.tier)
    zarr.consolidate_metadata(store)
    _info(benchmark, node_case, "hierarchy open" + (" (consolidated)" if consolidated else ""))
    first = _timed_reads(benchmark, node_case, scratch, store, lambda store: experiment.first_array(
        zarr.open_group(store, mode="r", use_consolidated=consolidated)))
    node = experiment.array_nodes(node_case.tier)[0]
    assert (first.shape, first.dtype) == (node.shape, np.dtype(node.dtype))
    discard(store)


@pytest.mark.filterwarnings(CONSOLIDATED_WARNING)
def test_open_hierarchy(benchmark, node_case, scratch):
    _time_opening(benchmark, node_case, scratch, consolidated=False)


@pytest.mark.filterwarnings(CONSOLIDATED_WARNING)
def test_open_consolidated(benchmark, node_case, scratch):
    _time_opening(benchmark, node_case, scratch, consolidated=True)
