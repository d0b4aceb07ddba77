"""Fixtures shared by every conformance module: formats, stores, and fresh stores per test
(in the scratch space of tests/conftest.py)."""

import pytest
import zarr

from zarrgauge.catalogue.cases import ZARR_FORMATS
from zarrgauge.catalogue.stores import STORE_KINDS
from zarrgauge.harness.data.stores import discard, new_store
from zarrgauge.harness.measure.counting_store import CountingStore


@pytest.fixture(params=ZARR_FORMATS, ids=lambda f: f"v{f}")
def zarr_format(request) -> int:
    return request.param


@pytest.fixture(params=STORE_KINDS)
def store_kind(request) -> str:
    return request.param


@pytest.fixture
def make_store(fresh_scratch, store_kind):
    """Factory of fresh, empty stores of the parametrized kind; all are closed and removed after the test."""
    made = []

    def make():
        made.append(new_store(store_kind, fresh_scratch))
        return made[-1]

    yield make
    for store in made:
        discard(store)


@pytest.fixture
def store(make_store):
    return make_store()


@pytest.fixture
def counting_store():
    """A memory store behind a request counter: `counting_store.counts` after each operation."""
    return CountingStore(zarr.storage.MemoryStore())


def pytest_configure(config):
    """Hypothesis profiles: 'ci' (default) is bounded and derandomized (state machines take 12 steps);
    'long' searches for real.
    Choose with --hypothesis-profile=long."""
    from hypothesis import HealthCheck, settings

    settings.register_profile("ci", max_examples=40, stateful_step_count=12, derandomize=True, deadline=None,
                              database=None,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.register_profile("long", max_examples=2000, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow])
    if not config.getoption("hypothesis_profile", None):
        settings.load_profile("ci")
