"""The pytest plugin (conftest.py loads it): zarrgauge's options, the run's session, and the fixtures
benchmarks and tests share.

`pytest` runs every benchmark once, untimed, as a correctness check; timing turns on with
--benchmark-only, --benchmark-enable or any option that saves or compares timings.
"""

from __future__ import annotations

import pytest

from zarrgauge.catalogue.cases import ArrayCase
from zarrgauge.catalogue.selection import OPTIONS
from zarrgauge.errors import ZarrgaugeError
from zarrgauge.harness.dask.cluster import DaskCluster
from zarrgauge.harness.data.array_cache import ArrayCache
from zarrgauge.harness.data.datasets import DatasetCache, missing_support
from zarrgauge.harness.data.stores import Scratch
from zarrgauge.harness.session.options import RUN_OPTIONS
from zarrgauge.harness.session.session import SESSION, Session, operation_of


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("zarrgauge")
    for option in (*OPTIONS, *RUN_OPTIONS):
        group.addoption(option.flag, dest=option.name, default=None, metavar=option.metavar, help=option.full_help)


def pytest_configure(config: pytest.Config) -> None:
    try:
        session = Session(config)
    except ZarrgaugeError as error:
        raise pytest.UsageError(str(error)) from None
    config.stash[SESSION] = session
    config.pluginmanager.register(session, "zarrgauge-session")


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
