"""Azure object storage: the Azurite server zarrgauge starts, the container prefixes a run writes
under, and a skip that says what to install where Azurite cannot run."""

import re
from contextlib import ExitStack

import obstore
import pytest
import zarr

from zarrgauge.catalogue.networks import DEFAULT_NETWORK
from zarrgauge.harness.data.stores import new_store
from zarrgauge.objectstore.azure import Container
from zarrgauge.objectstore.servers import ServerMissing, azurite_executable
from zarrgauge.objectstore.storage import ObjectStorage
from zarrgauge.testing.servers import gone, listening


def test_a_run_starts_azurite_on_loopback_empties_its_prefix_then_stops_it_without_a_trace(monkeypatch):
    close, left = Container.close, []

    def close_and_look(container):  # the run's own cleanup, then a look while Azurite still runs
        close(container)
        left.append(container.keys())

    monkeypatch.setattr(Container, "close", close_and_look)
    with ExitStack() as undo:
        container = ObjectStorage((DEFAULT_NETWORK,), None, undo).open_container()
        zarr.create_array(container.store("azure-obstore", "array"), shape=(4,), dtype="int8")[...] = 1
        port = int(container.server.rsplit(":", 1)[1])
        assert container.server.startswith("http://127.0.0.1:") and listening(port) and container.keys()
    assert left == [[]]
    assert gone("azurite-blob", port, seconds=2)


def test_removing_scratch_empties_its_container_prefix_and_nothing_else(fresh_scratch):
    zarr.create_array(new_store("azure-obstore", fresh_scratch), shape=(4,), chunks=(2,), dtype="int8")[...] = 1
    container = fresh_scratch.container
    neighbour = Container.created(container.server)
    obstore.put(neighbour.root_store(), neighbour.prefix + "users-object", b"mine")
    assert len(container.keys()) == 3  # metadata and two chunks
    fresh_scratch.remove()
    assert container.keys() == [] and neighbour.keys() == [neighbour.prefix + "users-object"]
    neighbour.close()


def test_without_node_the_azure_stores_skip_and_say_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with ExitStack() as undo, pytest.raises(pytest.skip.Exception, match="runs on Node.js: install node and npm"):
        ObjectStorage((DEFAULT_NETWORK,), None, undo).open_container()


def test_without_azurite_the_message_says_where_it_was_looked_for(monkeypatch, tmp_path):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "node").symlink_to("/bin/true")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setattr("sys.prefix", str(tmp_path))
    message = (f"no azurite-blob in {tmp_path}/node/node_modules/.bin or on PATH; "
               f"install it with `npm install --prefix {tmp_path}/node azurite@3`")
    with pytest.raises(ServerMissing, match=re.escape(message)):
        azurite_executable()
