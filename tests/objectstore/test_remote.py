"""Object storage: the S3 server zarrgauge starts, the client stores over it, and what they leave behind."""

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import obstore
import pytest
import zarr

from zarrgauge.catalogue.stores import AZURE_STORES, REMOTE_STORES
from zarrgauge.harness.data.stores import Scratch, discard, new_store
from zarrgauge.harness.measure.oracle import assert_identical
from zarrgauge.objectstore.bucket import Bucket
from zarrgauge.objectstore.servers import start_moto
from zarrgauge.testing.servers import gone, listening, server_processes


@pytest.fixture(scope="module")
def server():
    with start_moto() as running:
        yield running


def test_the_server_listens_on_loopback_and_stops_without_a_trace():
    with start_moto() as server:
        port = int(server.url.rsplit(":", 1)[1])
        assert server.url.startswith("http://127.0.0.1:") and listening(port)
    assert gone("moto.server", port, seconds=1)


@pytest.mark.parametrize("kind", [kind for kind in REMOTE_STORES if kind not in AZURE_STORES])
def test_each_client_round_trips_and_discards_its_objects(server, tmp_path, kind):
    scratch = Scratch(tmp_path, lambda: Bucket.created(server.url))
    store = new_store(kind, scratch)
    values = np.arange(30 * 40, dtype="float64").reshape(30, 40) / 7
    zarr.create_array(store, shape=values.shape, chunks=(8, 16), dtype=values.dtype)[...] = values
    assert_identical(zarr.open_array(store, mode="r")[...], values)
    assert len(scratch.bucket.keys()) == 1 + 4 * 3  # metadata and every chunk
    discard(store)
    assert scratch.bucket.keys() == []
    scratch.remove()


def test_removing_scratch_empties_its_prefix_and_nothing_else(server, tmp_path):
    neighbour = Bucket.created(server.url)
    obstore.put(neighbour.root_store(), neighbour.prefix + "users-object", b"mine")
    scratch = Scratch(tmp_path, lambda: Bucket.created(server.url))
    zarr.create_array(new_store("s3-obstore", scratch), shape=(4,), dtype="int8")[...] = 1
    bucket = scratch.bucket
    scratch.remove()
    assert bucket.keys() == [] and neighbour.keys() == [neighbour.prefix + "users-object"]
    neighbour.close()


def test_a_server_dies_with_a_process_killed_outright():
    code = textwrap.dedent("""
        import time
        from zarrgauge.objectstore.servers import start_moto
        server = start_moto()
        print(server.url, flush=True)
        time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    port = int(parent.stdout.readline().rsplit(":", 1)[1])
    assert server_processes("moto.server", port)
    parent.kill()
    parent.communicate()
    assert gone("moto.server", port)


HOLD_REMOTE = textwrap.dedent("""
    import time
    import zarr
    from zarrgauge.harness.data.stores import new_store

    def test_hold_a_remote_store(scratch):
        store = new_store("s3-obstore", scratch)
        zarr.create_array(store, shape=(4,), dtype="int8")[...] = 1
        print("PORT", scratch.bucket.endpoint.rsplit(":", 1)[1], flush=True)
        time.sleep(60)
""")


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_run_empties_its_bucket_then_stops_its_server(tmp_path, how):
    """The signal goes to the whole process group, as Ctrl-C in a terminal or `timeout` sends it."""
    (tmp_path / "test_hold.py").write_text(HOLD_REMOTE)
    run = subprocess.Popen([sys.executable, "-m", "pytest", "-p", "zarrgauge.harness.plugin", "-p", "no:cacheprovider",
                            "-s", "test_hold.py"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True)
    port = next(int(line.split("PORT ")[1]) for line in run.stdout if "PORT " in line)
    assert listening(port)
    os.killpg(run.pid, how)
    rest = run.communicate(timeout=60)[0]
    assert gone("moto.server", port)
    assert "Traceback" not in rest and "Error" not in rest, rest
