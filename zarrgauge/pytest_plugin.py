"""pytest integration: options, case selection, benchmark mode and shared fixtures.

`pytest` runs every benchmark once, untimed, as a correctness check; timing turns on with
--benchmark-only, --benchmark-enable or any option that saves or compares timings.
"""

from __future__ import annotations

import fnmatch
import os
import signal

import pytest

from zarrgauge import compat, progress
from zarrgauge.catalogue import TIERS, ZARR_FORMATS, ArrayCase, NodeCase, array_cases, node_cases
from zarrgauge.codecs import CODECS
from zarrgauge.families import FAMILIES
from zarrgauge.layouts import Layout, parse_layout
from zarrgauge.stores import BENCHMARK_STORES, Scratch
from zarrgauge.store_cache import StoreCache

TIMING_OPTIONS = ("benchmark_only", "benchmark_enable", "benchmark_json", "benchmark_save",
                  "benchmark_autosave", "benchmark_compare", "benchmark_histogram")
FILTERS = {
    # option: (environment variable, allowed values, help)
    "zarr_tier": ("ZARRGAUGE_TIER", TIERS, "tier of sizes: quick (default, for CI) or full (the tutorial's sizes)"),
    "zarr_family": ("ZARRGAUGE_FAMILY", tuple(FAMILIES), "comma-separated data families to run"),
    "zarr_codec": ("ZARRGAUGE_CODEC", tuple(CODECS), "comma-separated codecs to run"),
    "zarr_format": ("ZARRGAUGE_FORMAT", tuple(str(f) for f in ZARR_FORMATS), "comma-separated zarr formats: 2, 3"),
    "zarr_store": ("ZARRGAUGE_STORE", BENCHMARK_STORES, "comma-separated stores: memory, local"),
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("zarrgauge")
    for option, (env, allowed, text) in FILTERS.items():
        group.addoption("--" + option.replace("_", "-"), dest=option, default=None, metavar="VALUES",
                        help=f"{text}; env {env}; one of: {', '.join(allowed)}")
    group.addoption("--zarr-case", dest="zarr_case", default=os.environ.get("ZARRGAUGE_CASE"), metavar="GLOBS",
                    help="comma-separated case ids or globs, e.g. 'seasonal-series/*/blosc-*/v3/*' (env ZARRGAUGE_CASE)")
    group.addoption("--zarr-chunks", dest="zarr_chunks", default=os.environ.get("ZARRGAUGE_CHUNKS"),
                    metavar="SPECS", help="extra chunk layouts to try, e.g. '30x250x500' or '10x100x100:30x500x500' "
                    "(chunks:shards), comma-separated; added to every family of that rank (env ZARRGAUGE_CHUNKS)")
    group.addoption("--zarr-scratch", dest="zarr_scratch", default=os.environ.get("ZARRGAUGE_SCRATCH"),
                    metavar="DIR", help="parent directory for scratch stores (env ZARRGAUGE_SCRATCH; default: system temp)")


def _selected(config: pytest.Config, option: str) -> tuple[str, ...]:
    env, allowed, _ = FILTERS[option]
    raw = config.getoption(option) or os.environ.get(env) or ""
    values = tuple(v.strip() for v in raw.split(",") if v.strip())
    unknown = [v for v in values if v not in allowed]
    if unknown:
        flag = "--" + option.replace("_", "-")
        raise pytest.UsageError(f"{flag} (or {env}): unknown value {unknown[0]!r}; choose from: {', '.join(allowed)}")
    return values


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "operation(name): the catalogue operation a benchmark times")
    selection = {option: _selected(config, option) for option in FILTERS}
    tiers = selection["zarr_tier"] or ("quick",)
    if len(tiers) > 1:
        raise pytest.UsageError("--zarr-tier: give one tier, quick or full")
    config.zarrgauge_tier = tiers[0]
    config.zarrgauge_selection = selection
    config.zarrgauge_layouts = _custom_layouts(config, tiers[0])
    config.zarrgauge_case_globs = _case_globs(config, tiers[0])
    if not any(config.getoption(name, None) for name in TIMING_OPTIONS):
        config.option.benchmark_disable = True
    signal.signal(signal.SIGTERM, _interrupt)
    progress.set_output(lambda text: _write_past_capture(config, text))


def _write_past_capture(config: pytest.Config, text: str) -> None:
    capture = config.pluginmanager.getplugin("capturemanager")
    reporter = config.pluginmanager.getplugin("terminalreporter")
    with capture.global_and_fixture_disabled():
        reporter.write(text, flush=True)


def _custom_layouts(config: pytest.Config, tier: str) -> tuple[Layout, ...]:
    specs = [spec.strip() for spec in (config.getoption("zarr_chunks") or "").split(",") if spec.strip()]
    try:
        layouts = tuple(parse_layout(spec) for spec in specs)
    except ValueError as error:
        raise pytest.UsageError(f"--zarr-chunks (or ZARRGAUGE_CHUNKS): {error}") from None
    ranks = {len(family.shapes[tier]) for family in FAMILIES.values()}
    for layout in layouts:
        if len(layout.chunks) not in ranks:
            raise pytest.UsageError(f"--zarr-chunks (or ZARRGAUGE_CHUNKS): {layout.id} has rank {len(layout.chunks)}; "
                                    f"the families have ranks {sorted(ranks)}")
    return layouts


def _case_globs(config: pytest.Config, tier: str) -> tuple[str, ...]:
    globs = tuple(g.strip() for g in (config.getoption("zarr_case") or "").split(",") if g.strip())
    ids = [case.id for case in array_cases(tier, config.zarrgauge_layouts)] + [case.id for case in node_cases(tier)]
    for glob in globs:
        if not fnmatch.filter(ids, glob):
            raise pytest.UsageError(f"--zarr-case (or ZARRGAUGE_CASE): no {tier} case matches {glob!r}; "
                                    "list the cases with: pytest benchmarks --co -q")
    return globs


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def _wanted(config: pytest.Config, case: ArrayCase | NodeCase) -> bool:
    sel = config.zarrgauge_selection
    checks = [("zarr_format", str(case.zarr_format)), ("zarr_store", case.store)]
    if isinstance(case, ArrayCase):
        checks += [("zarr_family", case.family.name), ("zarr_codec", case.codec.name)]
    globs = config.zarrgauge_case_globs
    if globs and not any(fnmatch.fnmatchcase(case.id, glob) for glob in globs):
        return False
    return all(not sel[option] or value in sel[option] for option, value in checks)


def selected_array_cases(config: pytest.Config, operation: str) -> list[ArrayCase]:
    cases = array_cases(config.zarrgauge_tier, config.zarrgauge_layouts)
    return [c for c in cases if operation in c.operations and _wanted(config, c)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    config = metafunc.config
    marker = metafunc.definition.get_closest_marker("operation")
    if "case" in metafunc.fixturenames and marker is not None:
        cases = selected_array_cases(config, marker.args[0])
        metafunc.parametrize("case", cases, ids=[c.id for c in cases])
    if "node_case" in metafunc.fixturenames:
        family_filter = config.zarrgauge_selection["zarr_family"]
        cases = [] if family_filter else [c for c in node_cases(config.zarrgauge_tier) if _wanted(config, c)]
        metafunc.parametrize("node_case", cases, ids=[c.id for c in cases])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drop the placeholders pytest makes when a filter leaves a benchmark with no case."""
    empty = [item for item in items if _has_no_case(item)]
    if empty:
        config.hook.pytest_deselected(items=empty)
        items[:] = [item for item in items if not _has_no_case(item)]


def _has_no_case(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("skip")
    return marker is not None and str(marker.kwargs.get("reason", "")).startswith("got empty parameter set")


def pytest_report_header(config: pytest.Config) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in compat.versions().items())
    mode = "untimed (correctness only)" if config.option.benchmark_disable else "timed"
    return f"zarrgauge: tier {config.zarrgauge_tier}, benchmarks {mode}; {versions}"


def pytest_benchmark_update_machine_info(config: pytest.Config, machine_info: dict) -> None:
    machine_info["zarrgauge"] = {"tier": config.zarrgauge_tier, **compat.versions()}


@pytest.fixture(scope="session")
def scratch(pytestconfig: pytest.Config):
    space = Scratch(pytestconfig.getoption("zarr_scratch"))
    yield space
    space.remove()


@pytest.fixture(scope="session")
def stored(scratch: Scratch):
    """Filled arrays per case, built once and shared by every read benchmark of the case."""
    cache = StoreCache(scratch)
    yield cache
    cache.clear()


@pytest.fixture
def tier(pytestconfig: pytest.Config) -> str:
    return pytestconfig.zarrgauge_tier
