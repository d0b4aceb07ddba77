"""The wire proxy: it counts each kind of request, adds its latency, holds its bandwidth, and keeps
the client's connection open though moto closes its own after every response."""

import http.client
import time

import pytest

from zarrgauge.harness.servers import start_moto, start_wire
from zarrgauge.harness.wire import PROFILES

KEY = "/wire-test/object"
BODY = bytes(range(256)) * 64  # 16 KiB


@pytest.fixture(scope="module")
def wire():
    with start_moto() as moto:
        proxy, control = start_wire(moto.url, "none")
        with proxy:
            port = int(proxy.url.rsplit(":", 1)[1])
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            # Unsigned requests, so the objects are public: moto answers anonymous reads of private ones with 403
            for path, body in (("/wire-test", None), (KEY, BODY), ("/wire-test/large", b"x" * 9_000_000)):
                connection.request("PUT", path, body, {"x-amz-acl": "public-read-write"})
                response = connection.getresponse()
                response.read()
                assert response.status == 200
            yield connection, control
            connection.close()


def ask(connection, method, path, headers=None) -> tuple[int, bytes]:
    connection.request(method, path, headers=headers or {})
    response = connection.getresponse()
    return response.status, response.read()


def test_each_kind_of_request_is_counted(wire):
    connection, control = wire
    control.reset()
    assert ask(connection, "GET", KEY) == (200, BODY)
    assert ask(connection, "GET", KEY, {"Range": "bytes=-100"}) == (206, BODY[-100:])
    assert ask(connection, "HEAD", KEY)[0] == 200
    assert ask(connection, "GET", "/wire-test?list-type=2")[0] == 200
    assert ask(connection, "GET", "/wire-test/missing")[0] == 404
    counts = control.counts()
    assert {kind: counts[f"wire_{kind}"] for kind in ("get", "get_range", "head", "list", "put", "delete")} == \
        {"get": 2, "get_range": 1, "head": 1, "list": 1, "put": 0, "delete": 0}
    assert counts["wire_404"] == 1 and counts["wire_bytes_down"] > len(BODY) + 100
    assert counts["wire_connections"] == 0  # the connection opened before the reset serves them all


def test_sequential_requests_take_at_least_their_latency(wire):
    connection, control = wire
    control.use("same-region")
    started = time.perf_counter()
    for _ in range(10):
        assert ask(connection, "HEAD", KEY)[0] == 200
    assert time.perf_counter() - started >= 10 * PROFILES["same-region"].latency
    control.use("none")


def test_bandwidth_bounds_a_download(wire):
    connection, control = wire
    control.use("same-region")
    started = time.perf_counter()
    assert len(ask(connection, "GET", "/wire-test/large")[1]) == 9_000_000
    assert time.perf_counter() - started >= 9_000_000 / PROFILES["same-region"].bandwidth
    control.use("none")
