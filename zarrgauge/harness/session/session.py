"""One pytest run's state, registered as a plugin by zarrgauge.harness.plugin: the selection, whether
benchmarks are timed, the scratch directory's parent, the object storage (servers started on first
use), the dask cluster, and the hooks that parametrize benchmarks with the selected cases.

A benchmark of array cases is a test named after the catalogue operation it times
(`test_read_time` times `read_time`): the session parametrizes its `case` with the selected cases
of that operation and fails it if it timed anything else.
"""

from __future__ import annotations

import os
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from zarrgauge import compat, phases, progress
from zarrgauge.catalogue.cases import NODE_OPERATIONS
from zarrgauge.catalogue.engines import DEFAULT_ENGINE
from zarrgauge.catalogue.executors import DEFAULT_EXECUTOR
from zarrgauge.catalogue.operations import TIMED_OPERATIONS
from zarrgauge.catalogue.selection import OPTIONS, Selection
from zarrgauge.errors import ZarrgaugeError, sigterm_as_interrupt, usage_error
from zarrgauge.harness.callgrind.benchmark import count_instructions
from zarrgauge.harness.callgrind.counter import InstructionCounter
from zarrgauge.harness.dask.cluster import DaskCluster, data_place
from zarrgauge.harness.measure.machine import machine_limits
from zarrgauge.harness.measure.timing import case_engine
from zarrgauge.harness.session import options
from zarrgauge.harness.session.disk import check_free_space
from zarrgauge.objectstore.storage import ObjectStorage
from zarrgauge.phases import phase

# pytest-benchmark's options that time benchmarks; without any of them each benchmark runs once, untimed
TIMING_OPTIONS = ("benchmark_only", "benchmark_enable", "benchmark_json", "benchmark_save",
                  "benchmark_autosave", "benchmark_compare", "benchmark_histogram")
SESSION = pytest.StashKey["Session"]()


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



class Session:
    """One pytest run: the selection, whether benchmarks are timed, the scratch directory's parent,
    the object storage (servers started on first use), and what to undo when the run ends: the
    bucket prefixes and servers, the dask cluster, the SIGTERM handler, where progress bars go."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.started = time.perf_counter()
        phases.reset()
        self.selection = Selection.parse({option.name: config.getoption(option.name) for option in OPTIONS})
        self.scratch_parent = options.scratch_parent(config)
        self.pinned_cpus = options.pin_cpus(config)
        self.timed = any(config.getoption(name, None) for name in TIMING_OPTIONS)
        dumps = options.given(config, options.INSTRUCTIONS)
        self.instructions = InstructionCounter(Path(dumps)) if dumps else None
        self.measures_machine = options.machine_limits_wanted(config)
        if not self.timed:
            config.option.benchmark_disable = True
        self._undo = ExitStack()
        self.object_storage = ObjectStorage(self.selection.networks, options.user_bucket_of(config), self._undo)
        self.object_storage.check()
        self.dask = DaskCluster(options.cluster_options(config), self._undo)
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
                node_cases = self.selection.node_cases(node_operation_of(metafunc.function))
            except ZarrgaugeError as error:
                raise pytest.Collector.CollectError(str(error)) from None
            metafunc.parametrize("node_case", node_cases, ids=[case.id for case in node_cases])

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        """Drop the placeholders pytest makes when a filter leaves a benchmark with no case."""
        empty = [item for item in items if _has_no_case(item)]
        if empty:
            config.hook.pytest_deselected(items=empty)
            items[:] = [item for item in items if not _has_no_case(item)]

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if self.selection.tier == "full" and not session.config.option.collectonly:
            check_free_space(session.items, self.scratch_parent)

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
        if (benchmark is not None and isinstance(item, pytest.Function) and callspec is not None
                and "case" in callspec.params):
            timed, named = benchmark.extra_info.get("operation"), operation_of(item.function)
            assert timed == named, f"{item.name} is named after {named!r} but timed {timed!r}"
        return result

    def pytest_report_header(self) -> str:
        versions = ", ".join(f"{name} {version}" for name, version in compat.versions().items())
        mode = "timed" if self.timed else "untimed (correctness only)"
        lines = [f"zarrgauge: tier {self.selection.tier}, benchmarks {mode}; {versions}"]
        if self.pinned_cpus:
            lines.append(f"zarrgauge: pinned to CPUs {','.join(map(str, self.pinned_cpus))} of {os.cpu_count()}")
        if self.dask_selected:
            lines.append(f"zarrgauge: the dask executor runs on {self.dask.options.describe()}; its data is on "
                         f"{self.dask_data}, where the workers read it")
        return "\n".join(lines)

    def pytest_benchmark_update_machine_info(self, machine_info: dict) -> None:
        machine_info["zarrgauge"] = {"tier": self.selection.tier, "networks": list(self.selection.networks),
                                     "under_valgrind": self.instructions is not None, **compat.versions()}
        if self.pinned_cpus:
            machine_info["zarrgauge"]["cpus"] = self.pinned_cpus
        if self.instructions is None and self.measures_machine:
            with phase("machine limits"):
                machine_info["zarrgauge"]["limits"] = machine_limits()

    @pytest.hookimpl(wrapper=True)
    def pytest_collection(self, session: pytest.Session):
        with phase("collection"):
            return (yield)

    def pytest_benchmark_update_json(self, output_json: dict) -> None:
        """The run's wall time by phase, beside the results: where make bench's budget goes."""
        output_json.setdefault("machine_info", {}).setdefault("zarrgauge", {})["phases"] = self.phases()

    def phases(self) -> dict[str, float]:
        """Seconds per phase so far, and `other`: pytest, fixtures and whatever no phase names."""
        spent = phases.totals()
        other = time.perf_counter() - self.started - sum(spent.values())
        return {name: round(seconds, 2) for name, seconds in {**spent, "other": other}.items()}

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.timed:
            return
        spent = self.phases()
        total = sum(spent.values())
        terminalreporter.section("zarrgauge: where the run's time went")
        for name, seconds in spent.items():
            terminalreporter.write_line(f"{name:>16}  {seconds:8.1f} s  {seconds / total:5.1%}")
        terminalreporter.write_line(f"{'total':>16}  {total:8.1f} s")


def _has_no_case(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("skip")
    return marker is not None and str(marker.kwargs.get("reason", "")).startswith("got empty parameter set")
