"""pytest integration: options, case selection, benchmark mode and shared fixtures.

`pytest` runs every benchmark once, untimed, as a correctness check; timing turns on with
--benchmark-only, --benchmark-enable or any option that saves or compares timings.

A benchmark of array cases is a test named after the catalogue operation it times
(`test_read_time` times `read_time`): the plugin parametrizes its `case` with the selected cases
of that operation, hands it the name as the `operation` fixture, and fails it if it timed
anything else.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import ExitStack
from pathlib import Path

import pytest

from zarrgauge import compat
from zarrgauge.catalogue.cases import NODE_OPERATIONS, ArrayCase
from zarrgauge.catalogue.engines import DEFAULT_ENGINE
from zarrgauge.catalogue.executors import DEFAULT_EXECUTOR
from zarrgauge.catalogue.operations import TIMED_OPERATIONS
from zarrgauge.catalogue.selection import OPTIONS, Selection
from zarrgauge.errors import ZarrgaugeError, sigterm_as_interrupt, usage_error
from zarrgauge.harness import progress
from zarrgauge.harness.array_cache import ArrayCache
from zarrgauge.harness.bucket import user_bucket
from zarrgauge.harness.callgrind import InstructionCounter
from zarrgauge.harness.counted_benchmark import count_instructions
from zarrgauge.harness.dask_cluster import (
    DEFAULT_THREADS,
    DEFAULT_WORKERS,
    ClusterOptions,
    DaskCluster,
    data_place,
)
from zarrgauge.harness.datasets import DatasetCache, missing_support
from zarrgauge.harness.object_storage import ObjectStorage
from zarrgauge.harness.stores import Scratch
from zarrgauge.harness.timing import case_engine

TIMING_OPTIONS = ("benchmark_only", "benchmark_enable", "benchmark_json", "benchmark_save",
                  "benchmark_autosave", "benchmark_compare", "benchmark_histogram")
SCRATCH_ENV = "ZARRGAUGE_SCRATCH"
S3_ENDPOINT_ENV, S3_BUCKET_ENV = "ZARRGAUGE_S3_ENDPOINT", "ZARRGAUGE_S3_BUCKET"
DASK_SCHEDULER_ENV, DASK_WORKERS_ENV, DASK_THREADS_ENV = ("ZARRGAUGE_DASK_SCHEDULER", "ZARRGAUGE_DASK_WORKERS",
                                                          "ZARRGAUGE_DASK_THREADS")
SESSION = pytest.StashKey["Session"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("zarrgauge")
    for option in OPTIONS:
        choices = f"; one of: {', '.join(option.choices)}" if option.choices else ""
        group.addoption(option.flag, dest=option.name, default=None, metavar=option.metavar,
                        help=f"{option.help} (env {option.env}){choices}")
    group.addoption("--zarr-scratch", dest="zarr_scratch", default=None, metavar="DIR",
                    help=f"existing directory to hold scratch stores (env {SCRATCH_ENV}; default: system temp)")
    group.addoption("--zarr-instructions", dest="zarr_instructions", default=None, metavar="DIR",
                    help="count each benchmark's instructions into extra_info['instructions'], under valgrind, "
                         "whose dumps go to DIR; set by `zarrgauge instructions`, which runs pytest so")
    group.addoption("--zarr-s3-endpoint", dest="zarr_s3_endpoint", default=None, metavar="URL",
                    help=f"your own S3 server instead of the moto server zarrgauge starts (env {S3_ENDPOINT_ENV}); "
                         "credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
    group.addoption("--zarr-s3-bucket", dest="zarr_s3_bucket", default=None, metavar="NAME[/PREFIX]",
                    help=f"the bucket (and prefix) on that server (env {S3_BUCKET_ENV}); zarrgauge writes and "
                         "deletes only below a fresh prefix of its own there")
    group.addoption("--dask-scheduler", dest="dask_scheduler", default=None, metavar="tcp://HOST:PORT",
                    help=f"run the dask executor's cases on this running cluster instead of a LocalCluster of "
                         f"zarrgauge's (env {DASK_SCHEDULER_ENV}); its workers must read the local store "
                         "(--zarr-scratch), so the cluster must be on this machine")
    group.addoption("--dask-workers", dest="dask_workers", default=None, metavar="N",
                    help=f"worker processes of zarrgauge's LocalCluster (env {DASK_WORKERS_ENV}; "
                         f"default {DEFAULT_WORKERS})")
    group.addoption("--dask-threads", dest="dask_threads", default=None, metavar="N",
                    help=f"threads per worker of zarrgauge's LocalCluster (env {DASK_THREADS_ENV}; "
                         f"default {DEFAULT_THREADS})")


def pytest_configure(config: pytest.Config) -> None:
    try:
        session = Session(config)
    except ZarrgaugeError as error:
        raise pytest.UsageError(str(error)) from None
    config.stash[SESSION] = session
    config.pluginmanager.register(session, "zarrgauge-session")


def _named_operation(function, fixture: str, operations: tuple[str, ...], kind: str) -> str:
    name = function.__name__.removeprefix("test_")
    if name not in operations:
        raise usage_error(f"{function.__name__} takes a `{fixture}` but {name!r} is no {kind}; "
                          f"name it test_OPERATION, one of: {', '.join(operations)}")
    return name


def operation_of(function) -> str:
    """The operation a benchmark of array cases times, from its name: test_read_time -> read_time."""
    return _named_operation(function, "case", TIMED_OPERATIONS, "catalogue operation")


def node_operation_of(function) -> str:
    """The hierarchy or attribute operation a benchmark of node cases times, from its name."""
    return _named_operation(function, "node_case", NODE_OPERATIONS, "node operation")


def _user_bucket(config: pytest.Config):
    return user_bucket(config.getoption("zarr_s3_endpoint") or os.environ.get(S3_ENDPOINT_ENV),
                       config.getoption("zarr_s3_bucket") or os.environ.get(S3_BUCKET_ENV))


def _positive(config: pytest.Config, name: str, env: str, default: int) -> int:
    given = config.getoption(name) or os.environ.get(env)
    if given is None:
        return default
    if not given.isdigit() or int(given) < 1:
        raise usage_error(f"--{name.replace('_', '-')} (or {env}): {given!r} is not a positive whole number")
    return int(given)


def _cluster_options(config: pytest.Config) -> ClusterOptions:
    return ClusterOptions(_positive(config, "dask_workers", DASK_WORKERS_ENV, DEFAULT_WORKERS),
                          _positive(config, "dask_threads", DASK_THREADS_ENV, DEFAULT_THREADS),
                          config.getoption("dask_scheduler") or os.environ.get(DASK_SCHEDULER_ENV))


def _scratch_parent(config: pytest.Config) -> Path | None:
    given = config.getoption("zarr_scratch") or os.environ.get(SCRATCH_ENV)
    if not given:
        return None
    path = Path(given)
    problem = ("does not exist" if not path.exists() else "is not a directory" if not path.is_dir()
               else "is not writable" if not os.access(path, os.W_OK | os.X_OK) else None)
    if problem:
        raise usage_error(f"--zarr-scratch (or {SCRATCH_ENV}): {path} {problem}; "
                          "name an existing directory you can write to")
    return path


class Session:
    """One pytest run: the selection, whether benchmarks are timed, the scratch directory's parent,
    the object storage (servers started on first use), and what to undo when the run ends: the
    bucket prefixes and servers, the dask cluster, the SIGTERM handler, where progress bars go."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.selection = Selection.parse({option.name: config.getoption(option.name) for option in OPTIONS})
        self.scratch_parent = _scratch_parent(config)
        self.timed = any(config.getoption(name, None) for name in TIMING_OPTIONS)
        dumps = config.getoption("zarr_instructions")
        self.instructions = InstructionCounter(Path(dumps)) if dumps else None
        if not self.timed:
            config.option.benchmark_disable = True
        self._undo = ExitStack()
        self.object_storage = ObjectStorage(self.selection.networks, _user_bucket(config), self._undo)
        self.object_storage.check()
        self.dask = DaskCluster(_cluster_options(config), self._undo)
        if self.dask_selected:
            self.dask_data = data_place(self.selection.dask_stores, self.dask.options.scheduler,
                                        self.object_storage.user, self.scratch_parent or Path(tempfile.gettempdir()))
            self.dask.check()
        self._undo.enter_context(sigterm_as_interrupt())
        self._undo.enter_context(progress.shown_with(self._write_past_capture))

    @property
    def dask_selected(self) -> bool:
        return any(executor != DEFAULT_EXECUTOR for executor in self.selection.executors)

    def _write_past_capture(self, text: str) -> None:
        capture = self.config.pluginmanager.getplugin("capturemanager")
        reporter = self.config.pluginmanager.getplugin("terminalreporter")
        with capture.global_and_fixture_disabled():
            reporter.write(text, flush=True)

    def pytest_unconfigure(self) -> None:
        self._undo.close()

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "case" in metafunc.fixturenames:
            try:
                cases = self.selection.array_cases(operation_of(metafunc.function))
            except ZarrgaugeError as error:  # the benchmark's author's to fix: one line, at collection
                raise pytest.Collector.CollectError(str(error)) from None
            metafunc.parametrize("case", cases, ids=[case.id for case in cases])
        if "node_case" in metafunc.fixturenames:
            try:
                cases = self.selection.node_cases(node_operation_of(metafunc.function))
            except ZarrgaugeError as error:
                raise pytest.Collector.CollectError(str(error)) from None
            metafunc.parametrize("node_case", cases, ids=[case.id for case in cases])

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        """Drop the placeholders pytest makes when a filter leaves a benchmark with no case."""
        empty = [item for item in items if _has_no_case(item)]
        if empty:
            config.hook.pytest_deselected(items=empty)
            items[:] = [item for item in items if not _has_no_case(item)]

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if self.selection.tier == "full" and not session.config.option.collectonly:
            _check_free_space(session.items, self.scratch_parent)

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """A case of an engine that is not installed here is skipped, with the reason."""
        case = getattr(getattr(item, "callspec", None), "params", {}).get("case")
        if case is not None and case.engine != DEFAULT_ENGINE:
            missing = case_engine(case.engine).missing()
            if missing:
                pytest.skip(f"engine {case.engine}: {missing}")

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        benchmark, callspec = getattr(item, "funcargs", {}).get("benchmark"), getattr(item, "callspec", None)
        if benchmark is not None and self.instructions is not None:
            count_instructions(benchmark, self.instructions)
        result = yield
        if benchmark is not None and callspec is not None and "case" in callspec.params:
            timed, named = benchmark.extra_info.get("operation"), operation_of(item.function)
            assert timed == named, f"{item.name} is named after {named!r} but timed {timed!r}"
        return result

    def pytest_report_header(self) -> str:
        versions = ", ".join(f"{name} {version}" for name, version in compat.versions().items())
        mode = "timed" if self.timed else "untimed (correctness only)"
        lines = [f"zarrgauge: tier {self.selection.tier}, benchmarks {mode}; {versions}"]
        if self.dask_selected:
            lines.append(f"zarrgauge: the dask executor runs on {self.dask.options.describe()}; its data is on "
                         f"{self.dask_data}, where the workers read it")
        return "\n".join(lines)

    def pytest_benchmark_update_machine_info(self, machine_info: dict) -> None:
        machine_info["zarrgauge"] = {"tier": self.selection.tier, "networks": list(self.selection.networks),
                                     "under_valgrind": self.instructions is not None, **compat.versions()}


def _has_no_case(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("skip")
    return marker is not None and str(marker.kwargs.get("reason", "")).startswith("got empty parameter set")


def _cases(items: list[pytest.Item], datasets: bool = False) -> list[ArrayCase]:
    """The cases of the items that time arrays, or those that time datasets (the xarray workloads)."""
    params = (getattr(item, "callspec", None) for item in items
              if ("filled_dataset" in getattr(item, "fixturenames", ())) == datasets)
    return list({spec.params["case"].id: spec.params["case"] for spec in params
                 if spec is not None and "case" in spec.params}.values())


def disk_needed(cases: list[ArrayCase], dataset_cases: list[ArrayCase] = ()) -> int:
    """Bytes a run may hold on disk at once, counting data as incompressible: every small
    on-disk array stays filled for the session, and a large one is cached while a copy is written;
    beside them, the dataset of each case an xarray workload times, small ones kept, one large one
    at a time. Memory and remote stores (the S3 server keeps its objects in memory) take no disk."""
    on_disk = [case for case in cases if case.store == "local"]
    datasets = [case for case in dataset_cases if case.store == "local"]
    small = sum(case.source.nbytes for case in on_disk + datasets if case.source.fits_in_memory)
    large = max((case.source.nbytes for case in on_disk if not case.source.fits_in_memory), default=0)
    large_dataset = max((case.source.nbytes for case in datasets if not case.source.fits_in_memory), default=0)
    return small + 2 * large + large_dataset


def _check_free_space(items: list[pytest.Item], parent: Path | None) -> None:
    where = parent or Path(tempfile.gettempdir())
    needed, free = disk_needed(_cases(items), _cases(items, datasets=True)), shutil.disk_usage(where).free
    if needed > free:
        pytest.exit(f"zarrgauge: the selected full-tier cases may write up to {needed / 2**30:.1f} GiB under {where}, "
                    f"which has {free / 2**30:.1f} GiB free; free some space, pass --zarr-scratch=DIR on a larger "
                    "disk, or select fewer cases (--zarr-case, --zarr-family)", returncode=pytest.ExitCode.USAGE_ERROR)


@pytest.fixture(scope="session")
def scratch(pytestconfig: pytest.Config):
    session = pytestconfig.stash[SESSION]
    storage = session.object_storage
    space = Scratch(session.scratch_parent, storage.open_bucket, storage.open_container)
    yield space
    space.remove()


@pytest.fixture(scope="session")
def array_cache(scratch: Scratch, pytestconfig: pytest.Config):
    """Filled arrays per case, built once and shared by every read benchmark of the case; the large ones
    written on the dask cluster when the dask executor is selected."""
    session = pytestconfig.stash[SESSION]
    cache = ArrayCache(scratch, session.dask if session.dask_selected else None)
    yield cache
    cache.clear()


@pytest.fixture
def filled_array(case: ArrayCase, array_cache: ArrayCache):
    return array_cache(case)


@pytest.fixture(scope="session")
def dataset_cache(scratch: Scratch):
    """The cases' CF datasets for the xarray workloads, each written and checked once."""
    cache = DatasetCache(scratch)
    yield cache
    cache.clear()


@pytest.fixture
def filled_dataset(case: ArrayCase, dataset_cache: DatasetCache):
    """The case's dataset; skipped, with the reason, when this xarray cannot write it."""
    missing = missing_support(case)
    if missing:
        pytest.skip(f"the xarray path: {missing}")
    return dataset_cache(case)


@pytest.fixture
def cluster(pytestconfig: pytest.Config) -> DaskCluster:
    """The run's dask cluster, started by the first case that computes on it."""
    return pytestconfig.stash[SESSION].dask


@pytest.fixture
def operation(request: pytest.FixtureRequest) -> str:
    return operation_of(request.function)


@pytest.fixture
def min_rounds(pytestconfig: pytest.Config) -> int:
    """pytest-benchmark's --benchmark-min-rounds, which the writes (timed round by round) follow too:
    the one option that buys a sharper answer for every benchmark."""
    return int(pytestconfig.getoption("benchmark_min_rounds", None) or 0)


@pytest.fixture
def tier(pytestconfig: pytest.Config) -> str:
    return pytestconfig.stash[SESSION].selection.tier
