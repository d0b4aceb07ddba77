"""Results files as tidy records: one per timed array case and operation."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zarrgauge.catalogue.cases import CONCURRENCY_MARK, DEFAULT_CACHE
from zarrgauge.catalogue.datasets import DEFAULT_OPEN_CHUNKS
from zarrgauge.catalogue.engines import DEFAULT_ENGINE
from zarrgauge.catalogue.executors import DEFAULT_EXECUTOR
from zarrgauge.catalogue.families import FAMILIES
from zarrgauge.catalogue.layouts import format_shape
from zarrgauge.catalogue.networks import DEFAULT_NETWORK
from zarrgauge.catalogue.operations import TIMED_OPERATIONS
from zarrgauge.catalogue.stores import WIRE_REQUESTS
from zarrgauge.errors import ZarrgaugeError
from zarrgauge.gate.results import load_results


@dataclass(frozen=True)
class Floors:
    """A read's floors of the machine, in seconds (zarrgauge.harness.measure.floors): each step on one
    core, and the least time the whole read could take on all of them."""

    fetch_1core: float
    decode_1core: float
    copy_1core: float
    machine: float

    @property
    def steps_1core(self) -> tuple[float, float, float]:
        return self.fetch_1core, self.decode_1core, self.copy_1core


@dataclass(frozen=True)
class Record:
    name: str
    family: str
    operation: str
    layout: str  # role, e.g. "balanced"; "custom" for --zarr-chunks layouts
    chunks: tuple[int, ...]
    shards: tuple[int, ...] | None
    codec: str
    zarr_format: int
    store: str
    tier: str
    median: float  # seconds
    compression_ratio: float
    requests: int  # store requests of every kind in one serial run (0 in results from before they were kept)
    wire_requests: int  # of that run, the HTTP requests that reached the S3 server (remote stores only)
    network: str = DEFAULT_NETWORK  # between client and server, for remote stores
    concurrency: int | None = None  # zarr's async.concurrency while timed (None in older results)
    peak_in_flight: int | None = None  # requests in flight at the wire while timed, at most (remote stores)
    swept: bool = False  # a case of the concurrency sweep
    engine: str = DEFAULT_ENGINE
    samples: tuple[float, ...] = field(default=(), compare=False, repr=False)  # every round's seconds
    floors: Floors | None = None  # None when not measured, or measured the old way (zarr's own machinery)
    executor: str = DEFAULT_EXECUTOR
    open_chunks: str = DEFAULT_OPEN_CHUNKS  # how xarray split a dataset case into dask blocks
    cache: str = DEFAULT_CACHE  # cold: the store's files were dropped from the page cache before each round
    chunk_bytes: int = 0  # of one (inner) chunk, decoded: with the cache, the regime an engine comparison holds in

    @property
    def layout_label(self) -> str:
        shape = format_shape(self.chunks) + (f" in {format_shape(self.shards)}" if self.shards else "")
        return f"{self.layout} {shape}"

    @property
    def codec_label(self) -> str:
        return self.codec if self.zarr_format == 3 else f"{self.codec} (v2)"

    @property
    def label(self) -> str:
        return f"{self.layout_label} · {self.codec_label}"




def _catalogue_order(names: set[str], order) -> list[str]:
    order = list(order)
    return sorted(names, key=lambda name: (order.index(name) if name in order else len(order), name))


def families(records: list[Record]) -> list[str]:
    return _catalogue_order({r.family for r in records}, FAMILIES)


def operations(records: list[Record], family: str) -> list[str]:
    return _catalogue_order({r.operation for r in records if r.family == family}, TIMED_OPERATIONS)


@dataclass(frozen=True)
class Run:
    """One results file: its label, tier, raw benchmarks (for the gate's comparison) and records:
    zarr-python's in `records`, which every section but the engines' reads, and every engine's."""

    path: Path
    label: str
    tier: str
    benchmarks: list[dict]
    records: list[Record]
    engine_records: list[Record] = field(default_factory=list)
    limits: dict | None = None  # the machine's limits measured by the run (harness/measure/machine.py)


def wire_requests(info: dict) -> int:
    """The HTTP requests of every kind that reached the server, from a benchmark's extra_info."""
    return sum(info.get(f"wire_{kind}", 0) for kind in WIRE_REQUESTS)


def _record(bench: dict) -> Record | None:
    info = bench.get("extra_info", {})
    if "family" not in info or "operation" not in info or "median" not in bench.get("stats", {}):
        return None
    return Record(
        bench["fullname"], info["family"], info["operation"], info["layout"], tuple(info["chunks"]),
        tuple(info["shards"]) if info.get("shards") else None, info["codec"], info["zarr_format"], info["store"],
        info["tier"], bench["stats"]["median"], info["compression_ratio"],
        sum(value for key, value in info.items() if key.startswith("store_")),
        wire_requests(info), info.get("network", DEFAULT_NETWORK),
        info.get("concurrency"), info.get("timed_peak_in_flight"), CONCURRENCY_MARK in info["case"],
        info.get("engine", DEFAULT_ENGINE), tuple(bench["stats"].get("data", ())), _floors(info),
        info.get("executor", DEFAULT_EXECUTOR), info.get("open_chunks", DEFAULT_OPEN_CHUNKS),
        info.get("cache", DEFAULT_CACHE), _chunk_bytes(info))


def _chunk_bytes(info: dict) -> int:
    """A decoded (inner) chunk's bytes; 0 where the results do not say the dtype."""
    return math.prod(info["chunks"]) * np.dtype(info["dtype"]).itemsize if "dtype" in info else 0


def _floors(info: dict) -> Floors | None:
    keys = ("floor_fetch_1core_s", "floor_decode_1core_s", "floor_copy_1core_s", "floor_s")
    return Floors(*(info[key] for key in keys)) if all(key in info for key in keys) else None


def _label(path: Path, machine_info: dict) -> str:
    zarr_version = machine_info.get("zarrgauge", {}).get("zarr")
    return f"{path.stem} (zarr {zarr_version})" if zarr_version else path.stem


def load_run(path: str) -> Run:
    """A zarrgauge results file; ZarrgaugeError with a one-line reason for anything else."""
    results = load_results(path, "results")
    benchmarks = results["benchmarks"]
    try:
        records = [record for record in map(_record, benchmarks) if record is not None]
    except (KeyError, TypeError, AttributeError) as error:
        raise ZarrgaugeError(f"results file {path} has a malformed zarrgauge benchmark (missing {error})") from None
    if not any("case" in bench.get("extra_info", {}) for bench in benchmarks):
        raise ZarrgaugeError(f"results file {path} holds no zarrgauge benchmarks (no extra_info 'case'); "
                            "record it with: make bench")
    machine_info = results["machine_info"]
    machine_info = machine_info if isinstance(machine_info, dict) else {}
    tier = machine_info.get("zarrgauge", {}).get("tier") or (records[0].tier if records else "quick")
    # The dask executor's and the datasets opened in shards are the same places run another way: they have
    # sections of their own (make bench-dask-scaling, docs/dask.md), not a place beside zarr-python's in these.
    plain = [record for record in records
             if (record.executor, record.open_chunks) == (DEFAULT_EXECUTOR, DEFAULT_OPEN_CHUNKS)]
    # zarr-python's sections compare layouts and codecs at one regime: warm, as every catalogue family is read
    own = [record for record in plain if record.engine == DEFAULT_ENGINE and record.cache == DEFAULT_CACHE]
    limits = machine_info.get("zarrgauge", {}).get("limits")
    return Run(Path(path), _label(Path(path), machine_info), tier, benchmarks, own, plain, limits)
