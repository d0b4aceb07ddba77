"""The catalogue: every benchmark and conformance case, declared once.

A case is family x layout x codec x zarr_format x store at one tier. Rather than the full
cross product, the grid is the union of sweeps, each varying one thing around a family's
defaults and timing the operations that the varied thing affects:

- codecs:  every codec the family's dtype supports; write and full read.
- layouts: every chunk layout of the family; every operation that applies.
- formats: zarr v2 and v3 on the memory and local stores; write and full read.
- remote:  the default layouts of the series, the camera frames and the volume, and the series'
           sharded layout, on every object-storage client and every selected network; every read
           pattern and the write (arrays that fit in memory only: the S3 server keeps objects in memory).
- concurrency (only when values are selected): the series' many-chunk full read on every client
           and network, at each `async.concurrency`.
- engines (only when other engines are selected): every family's default layout and sharded
           layout, v3 on the local store, read by each engine (the same stored bytes zarr-python
           reads) and written by it.
- executors (only when dask is selected): the processing workloads (catalogue/executors.py) of every
           family's default and sharded layouts, v3 on the local store, run as dask tasks.
- datasets: the xarray workloads (catalogue/datasets.py) on the series' default layout in both formats and
           its sharded layout, on the local store: cases the layout and format sweeps already hold.
- throughput (only when a throughput family is named): the peer benchmark's arrays, read whole, chunk by chunk
           and copied, through zarr-python and every selected engine, with the store's files in the page
           cache (warm) and dropped from it before each round (cold).

A remote case's id names its network unless it is `none`, and its concurrency when it sets one,
and any case names its engine and its executor unless it is zarr-python, so the ids of a run at the defaults
never change.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import chain, product
from typing import Literal

from zarrgauge.catalogue.codecs import CODECS, COMMON_CODECS, CodecSpec
from zarrgauge.catalogue.data import Source
from zarrgauge.catalogue.datasets import (
    DATASET_FAMILY,
    DATASET_LAYOUTS,
    DATASET_OPERATIONS,
    DATASET_STORE,
    DEFAULT_OPEN_CHUNKS,
)
from zarrgauge.catalogue.engines import DEFAULT_ENGINE
from zarrgauge.catalogue.executors import DASK_LAYOUTS, DASK_OPERATIONS, DASK_STORES, DEFAULT_EXECUTOR
from zarrgauge.catalogue.families import FAMILIES, Family
from zarrgauge.catalogue.layouts import Layout, default_layout, family_layouts
from zarrgauge.catalogue.networks import DEFAULT_NETWORK
from zarrgauge.catalogue.operations import OPERATIONS
from zarrgauge.catalogue.stores import LOCAL_STORES, ON_DISK_ONLY, REMOTE_STORES

TIERS = ("quick", "full")
ZarrFormat = Literal[2, 3]
ZARR_FORMATS: tuple[ZarrFormat, ...] = (2, 3)
DEFAULT_CODEC = "zarr-default"
SEED = 20240101

CODEC_SWEEP_FAMILIES = ("seasonal-series", "random-ints", "random-walk", "camera-frames", "blob-volume")
V2_CODEC_SWEEP_FAMILIES = ("random-ints", "random-walk", "blob-volume")
FAMILY_CODECS = {"random-walk": ("delta-zstd",), "seasonal-series": ("fso-zstd",), "blob-volume": ("fso-zstd",)}
STORAGE_OPERATIONS = ("write", "read_full")
# Layout roles per family; sharded against unsharded partial reads on the series alone, which
# keeps the quick tier's remote cases within make bench's four minutes (the S3 server is the bottleneck).
REMOTE_LAYOUTS = {"seasonal-series": ("balanced", "sharded"), "camera-frames": ("balanced",),
                  "blob-volume": ("balanced",)}
REMOTE_OPERATIONS = ("read_full", "read_time", "read_space", "read_chunks", "write")
# Hierarchy and attribute workloads, each a benchmark named test_<operation>; on object storage,
# what the reader of a remote data set does: open it and list it.
NODE_OPERATIONS = ("create_hierarchy", "list_hierarchy", "open_hierarchy", "open_consolidated", "write_attributes",
                   "read_attributes")
REMOTE_NODE_OPERATIONS = ("list_hierarchy", "open_hierarchy", "open_consolidated")
CONCURRENCY_FAMILY, CONCURRENCY_LAYOUT, CONCURRENCY_OPERATION = "seasonal-series", "balanced", "read_full"
CONCURRENCY_MARK = "/concurrency="  # in the id of every case of the concurrency sweep
ENGINE_MARK = "/engine="  # in the id of every case another engine than zarr-python runs
ENGINE_LAYOUTS = ("balanced", "sharded")
ENGINE_OPERATIONS = ("read_full", "read_time", "read_space", "read_chunks", "write")
EXECUTOR_MARK = "/executor="  # in the id of every case another executor than zarr-python runs
OPEN_CHUNKS_MARK = "/open-chunks="  # in the id of every dataset case xarray opens with chunks= of its own
CACHES = ("warm", "cold")  # whether a read finds the store's files in the page cache, or on the disk alone
DEFAULT_CACHE = CACHES[0]
CACHE_MARK = "/cache="  # in the id of every cold case
# The throughput sweep: the peer benchmark's arrays (uncompressed, zstd level 0, zstd in shards of inner chunks)
# and operations, through every selected engine, warm and cold.
THROUGHPUT_ARRAYS = (("balanced", "none"), ("balanced", DEFAULT_CODEC), ("sharded", DEFAULT_CODEC))
THROUGHPUT_OPERATIONS = ("read_full", "round_trip")


def _remote_suffix(network: str, concurrency: int | None) -> str:
    suffix = "" if network == DEFAULT_NETWORK else f"@{network}"
    return suffix if concurrency is None else f"{suffix}{CONCURRENCY_MARK}{concurrency}"


@dataclass(frozen=True)
class ArrayCase:
    family: Family
    layout: Layout
    codec: CodecSpec
    zarr_format: ZarrFormat
    store: str
    tier: str
    operations: frozenset[str] = field(compare=False)
    network: str = DEFAULT_NETWORK  # between client and server, for remote stores
    concurrency: int | None = None  # zarr's async.concurrency while timed; None: zarr's default
    engine: str = DEFAULT_ENGINE  # the implementation that reads and writes (catalogue/engines.py)
    executor: str = DEFAULT_EXECUTOR  # what runs the workload (catalogue/executors.py)
    open_chunks: str = DEFAULT_OPEN_CHUNKS  # the dask blocks xarray opens a dataset case in (catalogue/datasets.py)
    cache: str = DEFAULT_CACHE  # cold: the store's files are dropped from the page cache before each timed round

    @property
    def stored_id(self) -> str:
        """What the case stores: cases that differ only in network, concurrency, engine, executor or open chunks
        share one array."""
        return f"{self.family.name}/{self.layout.id}/{self.codec.name}/v{self.zarr_format}/{self.store}"

    @property
    def id(self) -> str:
        engine = "" if self.engine == DEFAULT_ENGINE else f"{ENGINE_MARK}{self.engine}"
        executor = "" if self.executor == DEFAULT_EXECUTOR else f"{EXECUTOR_MARK}{self.executor}"
        opened = "" if self.open_chunks == DEFAULT_OPEN_CHUNKS else f"{OPEN_CHUNKS_MARK}{self.open_chunks}"
        cache = "" if self.cache == DEFAULT_CACHE else f"{CACHE_MARK}{self.cache}"
        return self.stored_id + _remote_suffix(self.network, self.concurrency) + engine + executor + opened + cache

    @property
    def source(self) -> Source:
        return Source(self.family, self.family.shapes[self.tier], SEED)

    @property
    def atol(self) -> float:
        return self.codec.tolerance

    def group(self, operation: str) -> str:
        return f"{operation} {self.family.name}"


@dataclass(frozen=True)
class NodeCase:
    """Hierarchy and attribute workloads: no data grid, only format and store."""

    zarr_format: ZarrFormat
    store: str
    tier: str
    network: str = DEFAULT_NETWORK
    operations: frozenset[str] = field(default=frozenset(NODE_OPERATIONS), compare=False)

    @property
    def id(self) -> str:
        return f"experiment/v{self.zarr_format}/{self.store}" + _remote_suffix(self.network, None)


def _throughput_sweeps(family: Family, tier: str, engines: tuple[str, ...]):
    """ArrayCases of a throughput family: its arrays (THROUGHPUT_ARRAYS), v3 on the local store, read whole,
    chunk by chunk (inner chunk by inner chunk when sharded) and copied, through zarr-python and every
    selected engine, each warm and cold."""
    layouts = {layout.role: layout for layout in family_layouts(family.name, tier)}
    for (role, codec), engine, cache in product(THROUGHPUT_ARRAYS, (DEFAULT_ENGINE, *engines), CACHES):
        layout = layouts[role]
        ops = {*THROUGHPUT_OPERATIONS, *(name for name in OPERATIONS if name.startswith("read_each_chunk")
                                         or (layout.shards is not None and name.startswith("read_each_inner")))}
        yield ArrayCase(family, layout, CODECS[codec], 3, "local", tier, frozenset(ops), engine=engine, cache=cache)


def family_operations(family: Family, source: Source) -> set[str]:
    ops = {name for name, op in OPERATIONS.items() if op.applies(family)} | {"write"}
    if family.partial_region is not None:
        ops.add("partial_write")
    if not source.fits_in_memory:
        ops -= {"read_full", "threshold_mask", "batch_moving_average", "whole_moving_average", "seasonal_stats"}
    return ops


def _family_codecs(family: Family) -> list[str]:
    names = list(COMMON_CODECS) + list(FAMILY_CODECS.get(family.name, ()))
    return [name for name in names if CODECS[name].supports(family.dtype)]


def _sweeps(family: Family, tier: str, custom: tuple[Layout, ...]):
    """(layout, codec, zarr_format, store, operations) for each local sweep point of one family."""
    base = default_layout(family.name, tier)
    source = Source(family, family.shapes[tier], SEED)
    all_ops = family_operations(family, source)
    storage_ops = all_ops & set(STORAGE_OPERATIONS)
    stores = LOCAL_STORES if source.fits_in_memory else ON_DISK_ONLY
    extra = tuple(layout for layout in custom if layout.fits(source.shape))
    for layout in family_layouts(family.name, tier) + extra:
        yield layout, DEFAULT_CODEC, 3, "local", all_ops
    if family.name in CODEC_SWEEP_FAMILIES:
        formats = ZARR_FORMATS if family.name in V2_CODEC_SWEEP_FAMILIES else (3,)
        for codec in _family_codecs(family):
            for zarr_format in formats:
                yield base, codec, zarr_format, "local", storage_ops
    for zarr_format in ZARR_FORMATS:
        for store in stores:
            yield base, DEFAULT_CODEC, zarr_format, store, storage_ops


def _dataset_sweeps(family: Family, tier: str):
    """(layout, codec, zarr_format, store, operations) of the xarray workloads: every format each layout fits."""
    if family.name != DATASET_FAMILY:
        return
    for layout in (layout for layout in family_layouts(family.name, tier) if layout.role in DATASET_LAYOUTS):
        for zarr_format in ZARR_FORMATS if layout.shards is None else (3,):
            yield layout, DEFAULT_CODEC, zarr_format, DATASET_STORE, set(DATASET_OPERATIONS)


def _open_chunk_sweeps(family: Family, tier: str):
    """ArrayCases of the xarray workloads on sharded datasets opened with chunks= the shards."""
    if family.name != DATASET_FAMILY:
        return
    for layout in family_layouts(family.name, tier):
        if layout.role in DATASET_LAYOUTS and layout.shards is not None:
            yield ArrayCase(family, layout, CODECS[DEFAULT_CODEC], 3, DATASET_STORE, tier,
                            frozenset(DATASET_OPERATIONS), open_chunks="shards")


def _remote_sweeps(family: Family, tier: str, networks: tuple[str, ...], concurrencies: tuple[int, ...]):
    """ArrayCases of the remote and concurrency sweeps of one family."""
    source = Source(family, family.shapes[tier], SEED)
    if family.name not in REMOTE_LAYOUTS or not source.fits_in_memory:
        return
    ops = frozenset(family_operations(family, source) & set(REMOTE_OPERATIONS))
    roles = REMOTE_LAYOUTS[family.name]
    codec = CODECS[DEFAULT_CODEC]
    for layout in (layout for layout in family_layouts(family.name, tier) if layout.role in roles):
        for store in REMOTE_STORES:
            for network in networks:
                yield ArrayCase(family, layout, codec, 3, store, tier, ops, network)
                if family.name == CONCURRENCY_FAMILY and layout.role == CONCURRENCY_LAYOUT:
                    for concurrency in concurrencies:
                        yield ArrayCase(family, layout, codec, 3, store, tier, frozenset({CONCURRENCY_OPERATION}),
                                        network, concurrency)


def _engine_sweeps(family: Family, tier: str, engines: tuple[str, ...]):
    """ArrayCases of the engine sweep of one family: the engines other than zarr-python."""
    source = Source(family, family.shapes[tier], SEED)
    if not source.fits_in_memory:
        return
    ops = frozenset(family_operations(family, source) & set(ENGINE_OPERATIONS))
    codec = CODECS[DEFAULT_CODEC]
    for layout in (layout for layout in family_layouts(family.name, tier) if layout.role in ENGINE_LAYOUTS):
        for engine in engines:
            if engine != DEFAULT_ENGINE:
                yield ArrayCase(family, layout, codec, 3, "local", tier, ops, engine=engine)


def _executor_sweeps(family: Family, tier: str, executors: tuple[str, ...], custom: tuple[Layout, ...],
                     roles: tuple[str, ...], stores: tuple[str, ...]):
    """ArrayCases of the executor sweep of one family: its processing workloads through the other executors,
    on the layouts of `roles` (the custom ones included) and on `stores`."""
    source = Source(family, family.shapes[tier], SEED)
    ops = frozenset(family_operations(family, source) & set(DASK_OPERATIONS))
    if not source.fits_in_memory or not ops:
        return
    codec = CODECS[DEFAULT_CODEC]
    layouts = family_layouts(family.name, tier) + tuple(layout for layout in custom if layout.fits(source.shape))
    for layout in (layout for layout in layouts if layout.role in roles):
        for executor, store in product(executors, stores):
            if executor != DEFAULT_EXECUTOR:
                yield ArrayCase(family, layout, codec, 3, store, tier, ops, executor=executor)


def array_cases(tier: str = "quick", custom: tuple[Layout, ...] = (), networks: tuple[str, ...] = (DEFAULT_NETWORK,),
                concurrencies: tuple[int, ...] = (), engines: tuple[str, ...] = (),
                executors: tuple[str, ...] = (), executor_layouts: tuple[str, ...] = DASK_LAYOUTS,
                executor_stores: tuple[str, ...] = DASK_STORES[:1]) -> list[ArrayCase]:
    """Every array case of a tier, deduplicated, with the union of the operations its sweeps time.

    `custom` layouts join the layout sweep of every family of the same rank; remote cases are
    swept over `networks`, the concurrency sweep takes `concurrencies`, the engine sweep `engines`,
    and the executor sweep `executors` on the layouts whose roles are `executor_layouts` and on
    `executor_stores`."""
    merged: dict[str, ArrayCase] = {}
    for family in FAMILIES.values():
        if family.throughput:
            merged.update((case.id, case) for case in _throughput_sweeps(family, tier, engines))
            continue
        for layout, codec, zarr_format, store, ops in chain(_sweeps(family, tier, custom),
                                                             _dataset_sweeps(family, tier)):
            case = ArrayCase(family, layout, CODECS[codec], zarr_format, store, tier, frozenset(ops))
            if case.id in merged:
                case = replace(case, operations=merged[case.id].operations | case.operations)
            merged[case.id] = case
        merged.update((case.id, case) for case in _remote_sweeps(family, tier, networks, concurrencies))
        merged.update((case.id, case) for case in _engine_sweeps(family, tier, engines))
        merged.update((case.id, case) for case in _open_chunk_sweeps(family, tier))
        merged.update((case.id, case) for case in _executor_sweeps(family, tier, executors, custom,
                                                                                executor_layouts, executor_stores))
    return list(merged.values())


def node_cases(tier: str = "quick", networks: tuple[str, ...] = (DEFAULT_NETWORK,)) -> list[NodeCase]:
    """Both formats on the local stores; zarr v3 on every object-storage client and network, opened and listed."""
    local = [NodeCase(fmt, store, tier) for fmt in ZARR_FORMATS for store in LOCAL_STORES]
    remote_ops = frozenset(REMOTE_NODE_OPERATIONS)
    return local + [NodeCase(3, store, tier, network, remote_ops) for store in REMOTE_STORES for network in networks]
