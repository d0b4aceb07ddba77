"""The tutorial's experiment hierarchy: creating it, and listing it back."""

import numpy as np
import zarr

from zarrgauge.catalogue import experiment
from zarrgauge.harness import oracle
from zarrgauge.harness.stores import discard, new_store


def _check_tree(root, tier):
    assert experiment.listed_tree(root) == experiment.expected_tree(tier)
    assert dict(root.attrs) == experiment.ROOT_ATTRS
    for name, attrs in experiment.GROUP_ATTRS.items():
        assert dict(root[name].attrs) == attrs
    oracle.assert_identical(root["raw_data/timestamps"][:], experiment.timestamps(tier))


def _info(benchmark, node_case, group):
    benchmark.group = group
    benchmark.extra_info.update(case=node_case.id, zarr_format=node_case.zarr_format, store=node_case.store,
                                tier=node_case.tier, nodes=len(experiment.expected_tree(node_case.tier)))


def test_create_hierarchy(benchmark, node_case, scratch):
    stores = []

    def fresh_store():
        stores.append(new_store(node_case.store, scratch))
        return (stores[-1], node_case.zarr_format, node_case.tier), {}

    _info(benchmark, node_case, "hierarchy create")
    root = benchmark.pedantic(experiment.build, setup=fresh_store, rounds=5)
    _check_tree(root, node_case.tier)
    for store in stores:
        discard(store)


def test_list_hierarchy(benchmark, node_case, scratch):
    store = new_store(node_case.store, scratch)
    experiment.build(store, node_case.zarr_format, node_case.tier)
    _info(benchmark, node_case, "hierarchy list")
    listed = benchmark(lambda: experiment.listed_tree(zarr.open_group(store, mode="r")))
    assert listed == experiment.expected_tree(node_case.tier)
    _check_tree(zarr.open_group(store, mode="r"), node_case.tier)
    assert np.dtype(zarr.open_group(store, mode="r")["raw_data/timestamps"].dtype) == np.dtype("M8[ns]")
    discard(store)
