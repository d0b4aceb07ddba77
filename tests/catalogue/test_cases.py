"""Self-tests of the catalogue: the grid is complete, consistent and addressable by id."""

import math

import numpy as np
import pytest

from zarrgauge.catalogue.cases import NODE_OPERATIONS, REMOTE_NODE_OPERATIONS, TIERS, array_cases, node_cases
from zarrgauge.catalogue.codecs import CODECS, get_codec
from zarrgauge.catalogue.families import FAMILIES, get_family
from zarrgauge.catalogue.layouts import LAYOUTS, Layout, default_layout, parse_shape
from zarrgauge.catalogue.stores import BENCHMARK_STORES, REMOTE_STORES


@pytest.fixture(scope="module", params=TIERS)
def cases(request):
    return array_cases(request.param)


def test_case_ids_are_unique_and_readable(cases):
    ids = [case.id for case in cases]
    assert len(ids) == len(set(ids))
    assert "seasonal-series/chunks=8x64x64/blosc-zstd9/v3/local" in ids or cases[0].tier == "full"
    for case in cases:
        family, layout, codec, fmt, store, *marks = case.id.split("/")
        assert (family, codec, fmt, store) == (case.family.name, case.codec.name, f"v{case.zarr_format}", case.store)
        assert layout.startswith("chunks=")
        # the sweeps at the defaults mark no other case; a throughput family's run only when it is named
        assert marks in ([], ["open-chunks=shards"]) or (case.family.throughput and marks == ["cache=cold"]), case.id


def test_every_family_codec_and_format_appears(cases):
    assert {c.family.name for c in cases} == set(FAMILIES)
    assert {c.codec.name for c in cases} == set(CODECS)
    assert {c.zarr_format for c in cases} == {2, 3}
    assert {c.store for c in cases} == set(BENCHMARK_STORES)


def test_every_codec_in_both_formats(cases):
    formats = {(c.codec.name, c.zarr_format) for c in cases}
    assert {name for name, fmt in formats if fmt == 2} == set(CODECS)


def test_sharding_is_v3_only_and_covers_volume_and_series(cases):
    sharded = [c for c in cases if c.layout.shards]
    assert {c.family.name for c in sharded} >= {"blob-volume", "seasonal-series"}
    assert all(c.zarr_format == 3 for c in sharded)


def test_codecs_only_where_the_dtype_allows(cases):
    for case in cases:
        assert case.codec.supports(case.family.dtype), case.id
    assert any(c.codec.name == "delta-zstd" and c.family.name == "random-walk" for c in cases)


CATALOGUE_FAMILIES = [name for name, family in FAMILIES.items() if not family.throughput]


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("family", CATALOGUE_FAMILIES)
def test_layouts_fit_their_family(family, tier):
    shape = FAMILIES[family].shapes[tier]
    layouts = LAYOUTS[family][tier]
    roles = [layout.role for layout in layouts]
    assert len(roles) == len(set(roles))
    assert default_layout(family, tier).role == "balanced"
    assert "ragged" in roles and "tiny" in roles
    for layout in layouts:
        assert layout.fits(shape)
        assert all(c <= s for c, s in zip(layout.chunks, shape)), layout.id
    ragged = next(layout for layout in layouts if layout.role == "ragged")
    assert any(s % c for s, c in zip(shape, ragged.chunks)), "a ragged layout needs a partial edge chunk"
    tiny = next(layout for layout in layouts if layout.role == "tiny")
    assert max(layout.nchunks(shape) for layout in layouts) == tiny.nchunks(shape)


@pytest.mark.parametrize("tier", TIERS)
def test_the_throughput_family_has_the_peer_benchmarks_chunk_counts(tier):
    """4 x 4 x 4 chunks (shards), each of 4 x 4 x 4 inner chunks when sharded, as zarrs/zarr_benchmarks."""
    shape = FAMILIES["peer-cube"].shapes[tier]
    layouts = {layout.role: layout for layout in LAYOUTS["peer-cube"][tier]}
    assert set(layouts) == {"balanced", "sharded"}
    assert layouts["balanced"].nchunks(shape) == layouts["sharded"].nshards(shape) == 4**3
    assert layouts["sharded"].nchunks(shape) == 4**3 * 4**3


def test_the_throughput_sweep_reads_and_copies_each_array_warm_and_cold():
    cases = [case for case in array_cases("quick", engines=("tensorstore",)) if case.family.throughput]
    arrays = {(case.layout.role, case.codec.name) for case in cases}
    assert arrays == {("balanced", "none"), ("balanced", "zarr-default"), ("sharded", "zarr-default")}
    assert {(case.engine, case.cache) for case in cases} == {(e, c) for e in ("zarr-python", "tensorstore")
                                                             for c in ("warm", "cold")}
    for case in cases:
        inner = {op for op in case.operations if op.startswith("read_each_inner_chunk")}
        assert {"read_full", "round_trip", "read_each_chunk_1", "read_each_chunk_8"} <= case.operations
        assert len(inner) == (4 if case.layout.shards else 0)


def test_time_and_space_layouts_favour_their_reads():
    for family in ("seasonal-series", "camera-frames"):
        shape = FAMILIES[family].shapes["full"]
        layouts = {layout.role: layout for layout in LAYOUTS[family]["full"]}
        assert layouts["time"].chunks[0] == shape[0]
        assert layouts["space"].chunks[1:] == shape[1:]


def test_operations_follow_the_family_axes():
    ops = {c.family.name: set() for c in array_cases("quick")}
    for case in array_cases("quick"):
        ops[case.family.name] |= case.operations
    assert {"read_time", "read_space"} <= ops["seasonal-series"]
    assert {"max_projection", "zstack_crop", "threshold_mask"} <= ops["blob-volume"]
    assert "max_projection" not in ops["seasonal-series"]
    assert {"batch_moving_average", "whole_moving_average"} <= ops["signal-1d"]
    assert "partial_write" in ops["basic-2d"] and "partial_write" not in ops["random-ints"]


def test_full_series_is_never_read_whole():
    series = [c for c in array_cases("full") if c.family.name == "seasonal-series"]
    assert series and all("read_full" not in c.operations and c.store == "local" for c in series)
    shape = FAMILIES["seasonal-series"].shapes["full"]
    assert shape == (365, 1000, 2000) and math.prod(shape) * 4 > 2.9e9


def test_node_cases_cover_formats_and_stores():
    expected = {(2, "memory"), (2, "local"), (3, "memory"), (3, "local"), *((3, kind) for kind in REMOTE_STORES)}
    assert {(c.zarr_format, c.store) for c in node_cases()} == expected


def test_remote_node_cases_open_and_list_only():
    remote = [case for case in node_cases() if case.store in REMOTE_STORES]
    assert remote and {case.operations for case in remote} == {frozenset(REMOTE_NODE_OPERATIONS)}
    assert {case.operations for case in node_cases() if case not in remote} == {frozenset(NODE_OPERATIONS)}


def test_remote_cases_are_swept_over_networks_and_concurrencies_under_their_own_ids():
    default = array_cases("quick")
    swept = array_cases("quick", networks=("none", "same-region"), concurrencies=(1, 64))
    assert len({case.id for case in swept}) == len(swept)
    assert {case.id for case in default} <= {case.id for case in swept}
    assert not any("@" in case.id or "concurrency" in case.id for case in default)
    remote = [case for case in default if case.store in REMOTE_STORES]
    slow = {case.stored_id for case in swept if case.network == "same-region" and case.concurrency is None}
    assert slow == {case.stored_id for case in remote}
    concurrent = [case for case in swept if case.concurrency is not None]
    assert {(case.store, case.network, case.concurrency) for case in concurrent} == {
        (store, network, n) for store in REMOTE_STORES for network in ("none", "same-region") for n in (1, 64)}
    assert {case.operations for case in concurrent} == {frozenset({"read_full"})}
    assert {case.stored_id for case in concurrent} <= {case.stored_id for case in remote}


@pytest.mark.parametrize("text", ["", "30x", "x30", "30x0x5", "30*250", "-1x2", "1.5x2"])
def test_malformed_shape_is_rejected(text):
    with pytest.raises(ValueError, match="malformed shape"):
        parse_shape(text)


def test_shape_parses():
    assert parse_shape("30x250x500") == (30, 250, 500)


def test_shards_must_be_multiples_of_chunks():
    with pytest.raises(ValueError, match="multiple"):
        Layout("bad", (4, 4), (6, 8))


@pytest.mark.parametrize("lookup, name", [(get_codec, "lz5"), (get_family, "nope")])
def test_unknown_names_say_what_exists(lookup, name):
    with pytest.raises(ValueError, match="choose from"):
        lookup(name)


def test_lossy_codec_states_a_tolerance():
    assert not get_codec("fso-zstd").lossless and get_codec("fso-zstd").tolerance > 0
    assert all(spec.lossless for name, spec in CODECS.items() if name != "fso-zstd")
    assert not get_codec("delta-zstd").supports(np.dtype("f4"))


def test_remote_cases_are_the_default_codec_in_format_3_on_every_client(cases):
    remote = [c for c in cases if c.store in REMOTE_STORES]
    assert {(c.codec.name, c.zarr_format) for c in remote} == {("zarr-default", 3)}
    assert {c.family.name for c in remote} <= {"seasonal-series", "camera-frames", "blob-volume"}
    assert all(c.source.fits_in_memory for c in remote)
    per_client = {store: {c.id.rsplit("/", 1)[0] for c in remote if c.store == store} for store in REMOTE_STORES}
    assert len({frozenset(ids) for ids in per_client.values()}) == 1  # the same cases on every client


def test_remote_cases_time_the_read_patterns_and_the_write():
    remote = [c for c in array_cases("quick") if c.store in REMOTE_STORES]
    assert set().union(*(c.operations for c in remote)) == {"read_full", "read_time", "read_space", "read_chunks",
                                                            "write"}
    assert {c.layout.role for c in remote if c.family.name == "seasonal-series"} == {"balanced", "sharded"}
