import pytest

from zarrgauge.harness.data.stores import Scratch
from zarrgauge.harness.session.session import SESSION

pytest_plugins = ["pytester"]


@pytest.fixture
def fresh_scratch(tmp_path, pytestconfig):
    """Where one test's stores live; remote ones under a fresh prefix on the run's S3 or Azure server."""
    storage = pytestconfig.stash[SESSION].object_storage
    space = Scratch(tmp_path, storage.open_bucket, storage.open_container)
    yield space
    space.remove()
