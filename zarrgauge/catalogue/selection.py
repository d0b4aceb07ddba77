"""Which cases a run takes: tier, families, codecs, formats, stores, networks, engines, executors, concurrencies,
case-id globs, extra chunk layouts and the user's own array (zarrgauge advise), parsed and validated
here for both runners (pytest's options, asv's environment).

Every value comes from an option or, when the option is not given, from its ZARRGAUGE_
environment variable; a bad value is a usage error that names the option and what to write.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from zarrgauge.catalogue.cases import TIERS, ZARR_FORMATS, ArrayCase, NodeCase, array_cases, node_cases
from zarrgauge.catalogue.codecs import CODECS
from zarrgauge.catalogue.engines import DEFAULT_ENGINE, engine_names
from zarrgauge.catalogue.executors import DASK_LAYOUTS, DASK_OPERATIONS, DASK_STORES, DEFAULT_EXECUTOR, EXECUTORS
from zarrgauge.catalogue.families import FAMILIES, Family
from zarrgauge.catalogue.layouts import LAYOUT_ROLES, Layout, parse_layout
from zarrgauge.catalogue.networks import CONCURRENCY_SWEEP, DEFAULT_NETWORK, PROFILES
from zarrgauge.catalogue.options import Option
from zarrgauge.catalogue.stores import BENCHMARK_STORES, OPT_IN_STORES
from zarrgauge.catalogue.user import UserArray, load_user_array
from zarrgauge.errors import usage_error

CHOICE_OPTIONS = (
    Option("zarr_tier", "ZARRGAUGE_TIER", "tier of sizes: quick (default, for CI) or full (the tutorial's sizes)",
           TIERS),
    Option("zarr_family", "ZARRGAUGE_FAMILY", "comma-separated data families to run (default: all but "
           f"{', '.join(name for name, family in FAMILIES.items() if family.throughput)}, which run only when named)",
           tuple(FAMILIES)),
    Option("zarr_codec", "ZARRGAUGE_CODEC", "comma-separated codecs to run", tuple(CODECS)),
    Option("zarr_layout", "ZARRGAUGE_LAYOUT", "comma-separated chunk layouts by the access pattern they favour "
           "(balanced is each family's default; custom, those of --zarr-chunks)", LAYOUT_ROLES),
    Option("zarr_format", "ZARRGAUGE_FORMAT", "comma-separated zarr formats: 2, 3",
           tuple(str(f) for f in ZARR_FORMATS)),
    Option("zarr_store", "ZARRGAUGE_STORE", f"comma-separated stores (default: all but {', '.join(OPT_IN_STORES)}, "
           "which run only when named)", BENCHMARK_STORES),
    Option("zarr_network", "ZARRGAUGE_NETWORK", "comma-separated networks between the object-storage clients "
           f"and their server, each a latency and bandwidth (default {DEFAULT_NETWORK})", tuple(PROFILES)),
    Option("zarr_engine", "ZARRGAUGE_ENGINE", "comma-separated engines that read and write: each other engine "
           f"runs the default and sharded layouts of every family, v3, local store (default {DEFAULT_ENGINE})",
           engine_names(benchmarked=True)),
    Option("zarr_executor", "ZARRGAUGE_EXECUTOR", "comma-separated executors of the processing workloads "
           f"({', '.join(DASK_OPERATIONS)}): dask runs them as chunk-aligned tasks on a dask.distributed cluster, "
           f"v3, the default and sharded layouts unless --zarr-layout names others, the local store unless "
           f"--zarr-store names {DASK_STORES[1]} (default {DEFAULT_EXECUTOR})", tuple(EXECUTORS)),
)
CASE_OPTION = Option("zarr_case", "ZARRGAUGE_CASE",
                     "comma-separated case ids or globs, e.g. 'seasonal-series/*/blosc-*/v3/*'", metavar="GLOBS")
CHUNKS_OPTION = Option("zarr_chunks", "ZARRGAUGE_CHUNKS",
                       "extra chunk layouts to try, e.g. '30x250x500' or '10x100x100:30x500x500' (chunks:shards), "
                       "comma-separated; added to every selected family of that rank", metavar="SPECS")
CONCURRENCY_OPTION = Option("zarr_concurrency", "ZARRGAUGE_CONCURRENCY",
                            "add the concurrency sweep: the series' many-chunk read on every object-storage client "
                            "at each of these async.concurrency values, e.g. "
                            f"{','.join(map(str, CONCURRENCY_SWEEP))}", metavar="NUMBERS")
USER_ARRAY_OPTION = Option("zarr_user_array", "ZARRGAUGE_USER_ARRAY",
                           "time a sample of your own array instead of the catalogue's families: a directory "
                           "that `zarrgauge advise` writes (sample.npy and array.json)", metavar="DIR")
OPTIONS = (*CHOICE_OPTIONS, CASE_OPTION, CHUNKS_OPTION, CONCURRENCY_OPTION, USER_ARRAY_OPTION)


def _items(text: str | None) -> tuple[str, ...]:
    return tuple(item.strip() for item in (text or "").split(",") if item.strip())


def _case_globs(text: str | None) -> tuple[str, ...]:
    """Comma-separated ids or globs, where a sharded layout's own comma ('chunks=...,shards=...') stays
    inside its id, so that an id copied from the case list selects its case."""
    globs: list[str] = []
    for item in _items(text):
        if item.startswith("shards=") and globs:
            globs[-1] += "," + item
        else:
            globs.append(item)
    return tuple(globs)


@dataclass(frozen=True)
class Selection:
    """What the user asked for; an empty filter takes everything, but for the opt-in stores."""

    tier: str = "quick"
    families: tuple[str, ...] = ()
    codecs: tuple[str, ...] = ()
    layout_roles: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    stores: tuple[str, ...] = ()
    case_globs: tuple[str, ...] = ()
    layouts: tuple[Layout, ...] = ()  # extra layouts from --zarr-chunks
    networks: tuple[str, ...] = (DEFAULT_NETWORK,)
    concurrencies: tuple[int, ...] = ()  # the concurrency sweep's values; none: no sweep
    engines: tuple[str, ...] = (DEFAULT_ENGINE,)
    user: UserArray | None = None  # the user's array, whose cases replace the catalogue's
    executors: tuple[str, ...] = (DEFAULT_EXECUTOR,)

    @classmethod
    def parse(cls, given: Mapping[str, str | None], environ: Mapping[str, str] = os.environ) -> Selection:
        """From option values by dest (None or missing: not given), falling back to `environ`."""
        raw = {option.name: option.value(given.get(option.name), environ) for option in OPTIONS}
        chosen = {option.name: _choices(option, raw[option.name]) for option in CHOICE_OPTIONS}
        if len(chosen["zarr_tier"]) > 1:
            raise usage_error(f"{CHOICE_OPTIONS[0].source}: give one tier, quick or full")
        selection = cls((chosen["zarr_tier"] or ("quick",))[0], chosen["zarr_family"], chosen["zarr_codec"],
                        chosen["zarr_layout"], chosen["zarr_format"], chosen["zarr_store"],
                        networks=chosen["zarr_network"] or (DEFAULT_NETWORK,),
                        engines=chosen["zarr_engine"] or (DEFAULT_ENGINE,),
                        executors=chosen["zarr_executor"] or (DEFAULT_EXECUTOR,),
                        concurrencies=_concurrencies(_items(raw["zarr_concurrency"])))
        selection = _with_user_array(selection, raw["zarr_user_array"])
        selection = _with_layouts(selection, _items(raw["zarr_chunks"]))
        return _with_globs(selection, _case_globs(raw["zarr_case"]))

    @property
    def families_in_play(self) -> list[Family]:
        if self.user is not None:
            return [self.user.family]
        return [family for name, family in FAMILIES.items() if not self.families or name in self.families]

    def wants(self, case: ArrayCase | NodeCase) -> bool:
        if self.case_globs and not any(fnmatch.fnmatchcase(case.id, glob) for glob in self.case_globs):
            return False
        if not self.stores and case.store in OPT_IN_STORES:
            return False
        if not self.families and isinstance(case, ArrayCase) and case.family.throughput:
            return False  # large: run only when named
        checks = [(self.formats, str(case.zarr_format)), (self.stores, case.store)]
        if isinstance(case, ArrayCase):
            checks += [(self.families, case.family.name), (self.codecs, case.codec.name),
                       (self.layout_roles, case.layout.role), (self.engines, case.engine),
                       (self.executors, case.executor)]
        return all(not wanted or value in wanted for wanted, value in checks)

    def array_cases(self, operation: str | None = None) -> list[ArrayCase]:
        """The selected array cases, only those that time `operation` when one is named."""
        return [case for case in self.unfiltered_array_cases()
                if (operation is None or operation in case.operations) and self.wants(case)]

    def unfiltered_array_cases(self) -> list[ArrayCase]:
        if self.user is not None:
            return self.user.cases(self.tier, self.layouts)
        return array_cases(self.tier, self.layouts, self.networks, self.concurrencies, self.engines, self.executors,
                           self.layout_roles or DASK_LAYOUTS, self.dask_stores)

    @property
    def dask_stores(self) -> tuple[str, ...]:
        """Where the dask executor's data goes: the named stores it can use, else the local store."""
        return tuple(store for store in DASK_STORES if store in self.stores) or DASK_STORES[:1]

    def node_cases(self, operation: str | None = None) -> list[NodeCase]:
        """Hierarchy and attribute cases, those that time `operation` when one is named; they belong
        to no data family, so a family filter leaves none; zarr-python alone runs them."""
        if (self.families or self.user is not None or DEFAULT_ENGINE not in self.engines
                or DEFAULT_EXECUTOR not in self.executors):
            return []
        return [case for case in node_cases(self.tier, self.networks) if self.wants(case)
                and (operation is None or operation in case.operations)]


def _choices(option: Option, text: str | None) -> tuple[str, ...]:
    values = _items(text)
    unknown = [value for value in values if value not in option.choices]
    if unknown:
        raise usage_error(f"{option.source}: unknown value {unknown[0]!r}; choose from: {', '.join(option.choices)}")
    return values


def _concurrencies(values: tuple[str, ...]) -> tuple[int, ...]:
    bad = [value for value in values if not value.isdigit() or int(value) < 1]
    if bad:
        raise usage_error(f"{CONCURRENCY_OPTION.source}: {bad[0]!r} is not a positive whole number; "
                          f"write e.g. {','.join(map(str, CONCURRENCY_SWEEP))}")
    return tuple(dict.fromkeys(int(value) for value in values))


def _with_user_array(selection: Selection, directory: str | None) -> Selection:
    if not directory:
        return selection
    try:
        return replace(selection, user=load_user_array(Path(directory)))
    except ValueError as error:
        raise usage_error(f"{USER_ARRAY_OPTION.source}: {error}") from None


def _with_layouts(selection: Selection, specs: tuple[str, ...]) -> Selection:
    try:
        layouts = tuple(parse_layout(spec) for spec in specs)
    except ValueError as error:
        raise usage_error(f"{CHUNKS_OPTION.source}: {error}") from None
    ranks = sorted({len(family.shapes[selection.tier]) for family in selection.families_in_play})
    for layout in layouts:
        if len(layout.chunks) not in ranks:
            raise usage_error(f"{CHUNKS_OPTION.source}: {layout.id} has rank {len(layout.chunks)}, which no selected "
                              f"family has; the selected families have ranks {ranks}")
    return replace(selection, layouts=layouts)


def _with_globs(selection: Selection, globs: tuple[str, ...]) -> Selection:
    ids = [case.id for case in selection.unfiltered_array_cases()]
    ids += [case.id for case in node_cases(selection.tier, selection.networks)]
    for glob in globs:
        if not fnmatch.filter(ids, glob):
            raise usage_error(f"{CASE_OPTION.source}: no {selection.tier} case matches {glob!r}; "
                              "list the cases with: pytest benchmarks --co -q")
    return replace(selection, case_globs=globs)
