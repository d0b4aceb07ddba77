import pytest

from zarrgauge.harness.data.stores import Scratch
from zarrgauge.harness.session.session import SESSION
from zarrgauge.testing.subprocesses import QUICK_RUNS

pytest_plugins = ["pytester"]


@pytest.fixture
def fresh_scratch(tmp_path, pytestconfig):
    """Where one test's stores live; remote ones under a fresh prefix on the run's S3 or Azure server."""
    storage = pytestconfig.stash[SESSION].object_storage
    space = Scratch(tmp_path, storage.open_bucket, storage.open_container)
    yield space
    space.remove()


@pytest.fixture(autouse=True, scope="session")
def quick_runs():
    """Benchmark runs the tests start in their own process (ab, advise) leave the machine's limits
    unmeasured too, as those started through testing.subprocesses do."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in QUICK_RUNS.items():
            patch.setenv(key, value)
        yield
