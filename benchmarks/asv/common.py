"""asv benchmark classes generated from the zarrgauge catalogue: one thin class per operation and case.

The grid is the catalogue's (`zarrgauge.catalogue`), selected as for pytest by the ZARRGAUGE_
environment variables: ZARRGAUGE_TIER (`quick`, the default, or `full`), ZARRGAUGE_CASE
(comma-separated case-id globs), ZARRGAUGE_FAMILY and the others (zarrgauge.catalogue.selection).

asv decides whether old results still compare by hashing a benchmark's own source, and these
wrappers do not change when a case does; so every class carries a `version` hashed from its
case definition and the code it runs.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import zarr
import zarr.storage
from zarr.core.buffer import default_buffer_prototype

from zarrgauge.catalogue.cases import SEED, ArrayCase, NodeCase
from zarrgauge.catalogue.selection import Selection
from zarrgauge.catalogue.stores import LOCAL_STORES
from zarrgauge.harness.data import arrays
from zarrgauge.harness.data.stores import Scratch
from zarrgauge.harness.measure.counting_store import REQUEST_KINDS, CountingStore
from zarrgauge.harness.measure.timing import deterministic_metrics

SELECTION = Selection.parse({})  # from the ZARRGAUGE_* environment variables, as pytest reads them
TIER = SELECTION.tier
# Remote stores need the S3 server that zarrgauge's pytest plugin runs; asv environments have none.
ARRAY_CASES: list[ArrayCase] = [case for case in SELECTION.array_cases() if case.store in LOCAL_STORES]
NODE_CASES: list[NodeCase] = [case for case in SELECTION.node_cases() if case.store in LOCAL_STORES]
# Filling the full tier writes tens of GB; asv's default limit for setup_cache is one minute.
FILL_TIMEOUT = {"quick": 900, "full": 48 * 3600}
RUN_TIMEOUT = {"quick": 120, "full": 1800}


def _fill_key(case: ArrayCase) -> str:
    """A memory-store case reads the same bytes as its local twin, so each is written once."""
    return replace(case, store="local").id


def fill_stores() -> dict[str, str]:
    """Write every selected case into asv's setup_cache directory (the working directory), which
    asv removes when the run ends; return the directory of each case."""
    paths: dict[str, str] = {}
    for case in ARRAY_CASES:
        key = _fill_key(case)
        if key not in paths:
            path = Path.cwd() / f"{len(paths):04d}.zarr"
            arrays.fill(case, arrays.create(case, zarr.storage.LocalStore(path)))
            paths[key] = str(path)
    return paths


def _in_memory(path: Path) -> zarr.storage.MemoryStore:
    buffer = default_buffer_prototype().buffer
    return zarr.storage.MemoryStore({file.relative_to(path).as_posix(): buffer.from_bytes(file.read_bytes())
                                     for file in path.rglob("*") if file.is_file()}, read_only=True)


def open_filled(case: ArrayCase, stores: dict[str, str]) -> zarr.Array:
    """The filled array of a case, read-only, behind a CountingStore; memory cases get a copy in memory."""
    path = Path(stores[_fill_key(case)])
    store = zarr.storage.LocalStore(path, read_only=True) if case.store == "local" else _in_memory(path)
    return zarr.open_array(CountingStore(store), mode="r", zarr_format=case.zarr_format)


def store_requests(store: CountingStore, run: Callable[[], object]) -> int:
    """Store requests of every kind in one serial run (see zarrgauge.harness.measure.timing.deterministic_metrics)."""
    metrics = deterministic_metrics(store, run)
    return sum(metrics[f"store_{kind}"] for kind in REQUEST_KINDS)


class Checked:
    """Keeps what the timed call produced and checks it with the oracle in teardown, after the
    measurement (asv takes peak memory before teardown), once per process."""

    # Samples per process, and asv runs two: the gate's statistics want a handful per side.
    repeat = (5, 10, 10.0)
    checked = False
    result = None

    def keep(self, result) -> None:
        self.result = result

    def check_result(self) -> None:
        if self.result is not None and not self.checked:
            self.check(self.result)
            self.checked = True
        self.result = None

    def check(self, result) -> None:
        raise NotImplementedError

    def scratch(self) -> Scratch:
        """Fresh stores go in a directory under asv's working directory, which asv removes."""
        if "_scratch" not in self.__dict__:
            self._scratch = Scratch(Path.cwd())
        return self._scratch


class OnCatalogueCase(Checked):
    """Benchmarks of array cases. All share this one setup_cache (asv keys it by source line), so
    each case is written once per run, however many operations time it."""

    def setup_cache(self):
        return fill_stores()

    setup_cache.timeout = FILL_TIMEOUT[TIER]


def _source(code) -> str:
    return inspect.getsource(code)


def case_definition(case: ArrayCase) -> dict:
    """Everything that decides what a case stores: data, shape, layout, codec, format, store."""
    return {
        "case": case.id, "tier": case.tier, "shape": case.source.shape, "dtype": case.family.dtype, "seed": SEED,
        "fill_value": case.family.fill_value, "data": _source(case.family.fill_row),
        "partial_region": _source(case.family.partial_region) if case.family.partial_region else None,
        "codec": case.codec.description, "codec_code": [_source(case.codec.v3), _source(case.codec.v2)],
        "tolerance": case.atol,
    }


def version(definition: dict, code: Iterable) -> str:
    text = json.dumps(definition, sort_keys=True, default=str) + "".join(_source(c) for c in code)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def class_name(operation: str, case_id: str) -> str:
    """A Python name per class, e.g. ReadFull_seasonal_series__chunks_8x64x64__zarr_default__v3__local."""
    words = "".join(word.capitalize() for word in operation.split("_"))
    slug = "__".join(part.translate(str.maketrans("-=,.", "____")) for part in case_id.split("/"))
    return f"{words}_{slug}" + ("" if TIER == "quick" else f"__{TIER}")


def _benchmark(body: Callable, pretty_name: str, unit: str | None = None) -> Callable:
    """One method per class, so that asv shows the case id (pretty_name) beside the Python name."""
    def benchmark(self, *cache):
        return body(self)

    benchmark.pretty_name = pretty_name
    if unit:
        benchmark.unit = unit
    return benchmark


def make_classes(module: str, cases: Iterable, operations: Iterable[str], base: type,
                 methods: Callable[[str], dict[str, tuple]], definition: Callable, code: Callable) -> dict[str, type]:
    """A class per (operation, case) for every case the catalogue times with that operation (node
    cases list no operations: all apply).

    `methods(operation)` maps method names to (body, unit); `definition(case)`, `code(operation)`
    and the source of `base` and its ancestors feed the version."""
    classes: dict[str, type] = {}
    for case in cases:
        for operation in operations:
            if operation not in getattr(case, "operations", operations):
                continue
            name = class_name(operation, case.id)
            if name in classes:
                raise ValueError(f"two cases map to the asv class name {name}")
            pretty = f"{operation} {case.id}" + ("" if TIER == "quick" else f" [{TIER}]")
            attributes = {method: _benchmark(body, pretty, unit) for method, (body, unit) in methods(operation).items()}
            attributes.update(__module__=module, case=case, operation=operation, timeout=RUN_TIMEOUT[TIER],
                              version=version({**definition(case), "operation": operation},
                                              [*code(operation), *base.__mro__[:-1]]))
            classes[name] = type(name, (base,), attributes)
    return classes


def array_case_classes(module: str, operations: Iterable[str], base: type, methods: Callable[[str], dict[str, tuple]],
                       code: Callable) -> dict[str, type]:
    """make_classes over the selected array cases, each versioned by its case definition."""
    return make_classes(module, ARRAY_CASES, operations, base, methods, case_definition, code)
