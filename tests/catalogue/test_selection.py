"""Selection: one parser for pytest's options and asv's environment variables."""

import pytest

from zarrgauge.catalogue.executors import DASK_OPERATIONS
from zarrgauge.catalogue.families import FAMILIES
from zarrgauge.catalogue.selection import Selection
from zarrgauge.catalogue.stores import BENCHMARK_STORES, OPT_IN_STORES
from zarrgauge.errors import EXIT_USAGE, ZarrgaugeError


def test_an_option_wins_over_its_environment_variable():
    selection = Selection.parse({"zarr_family": "basic-2d"}, {"ZARRGAUGE_FAMILY": "signal-1d", "ZARRGAUGE_FORMAT": "2"})
    assert selection.families == ("basic-2d",) and selection.formats == ("2",)
    assert {case.family.name for case in selection.array_cases()} == {"basic-2d"}
    assert {case.zarr_format for case in selection.array_cases()} == {2}


def test_asv_reads_the_environment_alone():
    selection = Selection.parse({}, {"ZARRGAUGE_TIER": "full", "ZARRGAUGE_CASE": "experiment/v3/*"})
    assert selection.tier == "full" and selection.array_cases() == []
    default_stores = [store for store in BENCHMARK_STORES if store not in OPT_IN_STORES]
    assert [case.id for case in selection.node_cases()] == [f"experiment/v3/{store}" for store in default_stores]


def test_an_opt_in_store_runs_only_when_named():
    default, named = Selection.parse({}, {}), Selection.parse({"zarr_store": "azure-obstore,local"}, {})
    assert not {case.store for case in default.array_cases() + default.node_cases()} & set(OPT_IN_STORES)
    assert {case.store for case in named.array_cases() + named.node_cases()} == {"azure-obstore", "local"}


def test_networks_and_concurrencies_come_from_options_or_the_environment():
    selection = Selection.parse({"zarr_network": "cross-region", "zarr_store": "s3-obstore"},
                                {"ZARRGAUGE_CONCURRENCY": "8,1,8"})
    assert selection.networks == ("cross-region",) and selection.concurrencies == (8, 1)
    assert {case.network for case in selection.array_cases()} == {"cross-region"}
    assert {case.concurrency for case in selection.array_cases("read_full")} == {None, 1, 8}
    assert [case.id for case in selection.node_cases()] == ["experiment/v3/s3-obstore@cross-region"]


def test_other_engines_add_cases_that_name_them_and_keep_zarr_python_ids():
    default = {case.id for case in Selection.parse({}, {}).array_cases()}
    both = Selection.parse({"zarr_engine": "zarr-python,tensorstore"}, {})
    added = [case for case in both.array_cases() if case.id not in default]
    assert added and all(case.id.endswith("/engine=tensorstore") and case.store == "local" for case in added)
    assert {case.layout.role for case in added} == {"balanced", "sharded"}
    assert {case.stored_id for case in added} <= {case.stored_id for case in both.array_cases()
                                                  if case.engine == "zarr-python"}
    alone = Selection.parse({"zarr_engine": "zarrs"}, {})
    assert {case.engine for case in alone.array_cases()} == {"zarrs"} and alone.node_cases() == []


def test_the_dask_executor_adds_the_processing_workloads_and_keeps_zarr_python_ids():
    default = {case.id for case in Selection.parse({}, {}).array_cases()}
    both = Selection.parse({}, {"ZARRGAUGE_EXECUTOR": "zarr-python,dask"})
    added = [case for case in both.array_cases() if case.id not in default]
    assert added and all(case.id.endswith("/executor=dask") and case.store == "local" for case in added)
    assert set().union(*(case.operations for case in added)) == set(DASK_OPERATIONS)
    assert {case.layout.role for case in added} == {"balanced", "sharded"}
    alone = Selection.parse({"zarr_executor": "dask"}, {})
    assert {case.executor for case in alone.array_cases()} == {"dask"} and alone.node_cases() == []


def test_the_dask_executor_takes_the_named_layouts_and_the_users_chunks():
    """The scaling sweep names every layout; --zarr-chunks adds the user's own."""
    sweep = Selection.parse({"zarr_executor": "dask", "zarr_layout": "time,tiny"}, {}).array_cases()
    assert {case.layout.role for case in sweep} == {"time", "tiny"}
    custom = Selection.parse({"zarr_executor": "dask", "zarr_chunks": "12x32x32"}, {}).array_cases()
    assert {case.layout.role for case in custom} == {"balanced", "sharded", "custom"}
    assert {case.family.name for case in custom if case.layout.role == "custom"} == {"seasonal-series",
                                                                                    "camera-frames"}


def test_the_dask_executor_s_data_goes_to_s3_only_when_named():
    def stores(**given):
        return {case.store for case in Selection.parse({"zarr_executor": "dask", **given}, {}).array_cases()}

    assert stores() == {"local"}
    assert stores(zarr_store="s3-obstore") == {"s3-obstore"}
    assert stores(zarr_store="local,s3-obstore,s3-fsspec") == {"local", "s3-obstore"}


def test_a_sharded_case_id_copied_from_the_case_list_selects_its_case():
    sharded = "seasonal-series/chunks=4x32x64,shards=16x64x128/zarr-default/v3/local"
    given = {"zarr_case": f"{sharded},random-ints/chunks=100x100/zarr-default/v3/*"}
    selected = {case.id for case in Selection.parse(given, {}).array_cases()}
    assert sharded in selected and "random-ints/chunks=100x100/zarr-default/v3/local" in selected
    assert all(case_id.startswith(("seasonal-series/chunks=4x32x64,shards", "random-ints")) for case_id in selected)


def test_a_family_filter_leaves_no_node_cases():
    assert Selection(families=("basic-2d",)).node_cases() == []


def test_only_cases_that_time_the_operation_are_given():
    cases = Selection(families=("signal-1d",)).array_cases("batch_moving_average")
    assert cases and all("batch_moving_average" in case.operations for case in cases)
    assert Selection(families=("basic-2d",)).array_cases("read_time") == []


def test_custom_chunks_join_only_families_of_their_rank():
    selection = Selection.parse({"zarr_chunks": "12x32x32"}, {})
    custom = [case for case in selection.array_cases() if case.layout.role == "custom"]
    assert {case.family.name for case in custom} == {"seasonal-series", "camera-frames", "basic-3d"}


def test_a_layout_filter_keeps_those_layouts_of_every_family():
    selection = Selection.parse({"zarr_layout": "balanced,custom", "zarr_chunks": "12x32x32"}, {})
    cases = selection.array_cases()
    assert {case.layout.role for case in cases} == {"balanced", "custom"}
    catalogue = {name for name, family in FAMILIES.items() if not family.throughput}
    assert {case.family.name for case in cases if case.layout.role == "balanced"} == catalogue
    assert selection.node_cases()  # hierarchies have no layout: a layout filter keeps them


def test_a_throughput_family_runs_only_when_named():
    assert not any(case.family.throughput for case in Selection.parse({}, {}).array_cases())
    named = Selection.parse({"zarr_family": "peer-cube"}, {}).array_cases("read_each_chunk_4")
    assert named and {case.family.name for case in named} == {"peer-cube"}


@pytest.mark.parametrize("given, message", [
    ({"zarr_layout": "square"}, "unknown value 'square'; choose from: balanced, plane"),
    ({"zarr_tier": "quick,full"}, "give one tier"),
    ({"zarr_store": "zip"}, "unknown value 'zip'; choose from: memory, local"),
    ({"zarr_case": "nothing/*"}, r"no quick case matches 'nothing/\*'"),
    ({"zarr_network": "moon"}, "--zarr-network .* unknown value 'moon'; choose from: none, same-region"),
    ({"zarr_engine": "zarrita.js"}, "--zarr-engine .* unknown value 'zarrita.js'; choose from: zarr-python"),
    ({"zarr_executor": "spark"}, "--zarr-executor .* unknown value 'spark'; choose from: zarr-python, dask"),
    ({"zarr_concurrency": "8,0"}, r"--zarr-concurrency .* '0' is not a positive whole number; write e.g. 1,10,64"),
    ({"zarr_format": "4"}, r"--zarr-format \(or ZARRGAUGE_FORMAT\): unknown value '4'"),
    ({"zarr_family": "seasonal-series,nope"}, "--zarr-family .* unknown value 'nope'"),
    ({"zarr_chunks": "30x0x5"}, r"--zarr-chunks \(or ZARRGAUGE_CHUNKS\): malformed shape '30x0x5'"),
    ({"zarr_chunks": "4x4:6x8"}, r"--zarr-chunks .*: chunks=4x4,shards=6x8: each shard"),
    ({"zarr_chunks": "1x2x3x4x5"}, r"--zarr-chunks .*: chunks=1x2x3x4x5 has rank 5"),
    ({"zarr_family": "basic-2d", "zarr_chunks": "10x10x10"},
     r"--zarr-chunks .*: chunks=10x10x10 has rank 3, which no selected family has"),
])
def test_bad_values_are_usage_errors(given, message):
    with pytest.raises(ZarrgaugeError, match=message) as raised:
        Selection.parse(given, {})
    assert raised.value.exit_status == EXIT_USAGE
