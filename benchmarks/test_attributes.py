"""Attributes: writing a record of 100 nested entries to a group, and reading it back."""

import zarr

from zarrgauge.catalogue import experiment
from zarrgauge.harness.data.stores import discard, new_store, wire_of
from zarrgauge.harness.measure.conditions import timed_conditions
from zarrgauge.harness.measure.metrics import node_case_info

PAYLOAD = experiment.attribute_payload()


def _info(benchmark, node_case, group):
    benchmark.group = group
    benchmark.extra_info.update(node_case_info(node_case), attributes=len(PAYLOAD))


def test_write_attributes(benchmark, node_case, scratch):
    stores = []

    def fresh_group():
        stores.append(new_store(node_case.store, scratch))
        return (zarr.open_group(stores[-1], mode="w", zarr_format=node_case.zarr_format),), {}

    _info(benchmark, node_case, "attributes write")
    with timed_conditions(node_case, wire_of(node_case.store, scratch)):
        benchmark.pedantic(lambda group: group.attrs.update(PAYLOAD), setup=fresh_group, rounds=5)
    assert dict(zarr.open_group(stores[-1], mode="r").attrs) == PAYLOAD
    for store in stores:
        discard(store)


def test_read_attributes(benchmark, node_case, scratch):
    store = new_store(node_case.store, scratch)
    zarr.open_group(store, mode="w", zarr_format=node_case.zarr_format).attrs.update(PAYLOAD)
    _info(benchmark, node_case, "attributes read")
    with timed_conditions(node_case, wire_of(node_case.store, scratch)):
        read = benchmark(lambda: dict(zarr.open_group(store, mode="r").attrs))
    assert read == PAYLOAD
    discard(store)
