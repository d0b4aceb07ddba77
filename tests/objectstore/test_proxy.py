"""The wire proxy: it counts each kind of request (S3's and Azure's), adds its latency, holds its
bandwidth, keeps the client's connection open though moto closes its own after every response, and
injects the faults its control port sets, as a raw HTTP client sees them."""

import http.client
import socket
import socketserver
import threading
import time

import pytest

from zarrgauge.errors import ZarrgaugeError
from zarrgauge.objectstore.proxy import PROFILES, request_kind
from zarrgauge.objectstore.servers import start_moto, start_wire

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


BLOB = "/devstoreaccount1/zarrgauge/prefix/c/0/0"


@pytest.mark.parametrize(("method", "target", "headers", "kind"), [
    ("GET", "/devstoreaccount1/zarrgauge?restype=container&comp=list&prefix=p%2F", {}, "list"),
    ("GET", "/devstoreaccount1/zarrgauge?restype=container&comp=list&prefix=p%2F&delimiter=%2F", {}, "list"),
    ("GET", "/devstoreaccount1?comp=list", {}, "list"),
    ("GET", "/devstoreaccount1/zarrgauge?restype=container", {}, "get"),  # the container's properties
    ("GET", BLOB, {}, "get"),
    ("GET", BLOB, {"range": "bytes=96-163"}, "get_range"),
    ("GET", BLOB, {"x-ms-range": "bytes=0-23"}, "get_range"),
    ("HEAD", BLOB, {}, "head"),
    ("PUT", BLOB, {"x-ms-blob-type": "BlockBlob"}, "put"),
    ("DELETE", BLOB, {}, "delete"),
])
def test_azure_requests_are_told_apart(method, target, headers, kind):
    assert request_kind(method, target, headers) == kind


def test_sequential_requests_take_at_least_their_latency(wire):
    connection, control = wire
    control.use("same-region")
    started = time.perf_counter()
    for _ in range(10):
        assert ask(connection, "HEAD", KEY)[0] == 200
    assert time.perf_counter() - started >= 10 * PROFILES["same-region"].latency
    control.use("none")


def test_time_to_first_byte_includes_the_latency(wire):
    connection, control = wire
    control.reset()
    assert control.timings() == {"first_byte_ms": None}
    control.use("same-region")
    for _ in range(3):
        assert ask(connection, "HEAD", KEY)[0] == 200
    control.use("none")
    assert control.timings()["first_byte_ms"] >= PROFILES["same-region"].latency * 1e3


def test_bandwidth_bounds_a_download(wire):
    connection, control = wire
    control.use("same-region")
    started = time.perf_counter()
    assert len(ask(connection, "GET", "/wire-test/large")[1]) == 9_000_000
    assert time.perf_counter() - started >= 9_000_000 / PROFILES["same-region"].bandwidth
    control.use("none")


class _ClosesWhenIdle(socketserver.BaseRequestHandler):
    """Answers one request as if it kept the connection, then closes it, as a server does with a
    connection idle past its keep-alive timeout."""

    def handle(self) -> None:
        self.request.recv(65536)
        self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")


def test_a_server_closing_an_idle_connection_goes_unseen_by_the_client():
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), _ClosesWhenIdle) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        proxy, control = start_wire(f"http://127.0.0.1:{server.server_address[1]}", "none")
        with proxy:
            connection = fresh(int(proxy.url.rsplit(":", 1)[1]))
            for _ in range(2):
                assert ask(connection, "GET", KEY) == (200, b"ok")
                time.sleep(0.1)  # idle: the server's close arrives
            counts = control.counts()
            assert (counts["wire_get"], counts["wire_connections"]) == (2, 1)
            connection.close()
        server.shutdown()


@pytest.fixture
def faults(wire):
    """The proxy's port and control, counts reset; the fault is cleared after the test, pass or fail."""
    connection, control = wire
    control.reset()
    yield connection.port, control
    control.fault("none")


def fresh(port: int, timeout: float = 10) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)


@pytest.mark.parametrize(("kind", "status", "code"), [("500", 500, b"InternalError"), ("503", 503, b"SlowDown")])
def test_a_5xx_fault_answers_like_s3_after_skip_for_count_requests_of_its_methods(faults, kind, status, code):
    port, control = faults
    connection = fresh(port)
    control.fault(kind, count=2, skip=1, methods="GET")
    assert ask(connection, "HEAD", KEY)[0] == 200  # not a GET: neither skipped nor faulted
    assert ask(connection, "GET", KEY) == (200, BODY)  # the one skipped
    for _ in range(2):
        answer, body = ask(connection, "GET", KEY)
        assert answer == status and b"<Code>" + code + b"</Code>" in body
    assert ask(connection, "GET", KEY) == (200, BODY)  # the count is spent
    counts = control.counts()
    assert (counts["wire_faults"], counts["wire_5xx"], counts["wire_get"], counts["wire_connections"]) == (2, 2, 4, 1)
    connection.close()


def test_a_fault_of_count_zero_meets_every_request_until_cleared(faults):
    port, control = faults
    connection = fresh(port)
    control.fault("503", methods="GET,HEAD")
    control.reset()  # the counts only
    assert [ask(connection, method, KEY)[0] for method in ("GET", "HEAD", "GET")] == [503, 503, 503]
    control.fault("none")
    assert ask(connection, "GET", KEY) == (200, BODY)
    connection.close()


def test_a_truncated_body_is_half_of_its_content_length(faults):
    port, control = faults
    connection = fresh(port)
    control.fault("truncate", count=1)
    connection.request("GET", KEY)
    response = connection.getresponse()
    assert response.status == 200 and response.getheader("Content-Length") == str(len(BODY))
    with pytest.raises(http.client.IncompleteRead) as short:
        response.read()
    assert short.value.partial == BODY[:len(BODY) // 2]
    connection.close()


def test_a_dropped_request_is_closed_unanswered(faults):
    port, control = faults
    connection = fresh(port)
    control.fault("drop", count=1)
    with pytest.raises(http.client.RemoteDisconnected):
        ask(connection, "GET", KEY)
    assert ask(fresh(port), "GET", KEY) == (200, BODY)


def test_a_stalled_request_gets_no_answer_while_others_do(faults):
    port, control = faults
    control.fault("stall", count=1)
    stalled = fresh(port, timeout=0.3)
    with pytest.raises(TimeoutError):
        ask(stalled, "GET", KEY)
    assert ask(fresh(port), "GET", KEY) == (200, BODY)
    stalled.close()


def test_a_server_that_is_down_refuses_connections_until_cleared(faults):
    port, control = faults
    connection = fresh(port)
    assert ask(connection, "GET", KEY) == (200, BODY)
    control.fault("down")
    assert cut(connection)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2)
    control.fault("none")
    assert ask(fresh(port), "GET", KEY) == (200, BODY)


def cut(connection: http.client.HTTPConnection) -> bool:
    """Whether the proxy closed this open connection by itself, no request pending."""
    connection.sock.settimeout(2)
    try:
        return connection.sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_a_server_goes_down_after_skip_requests(faults):
    port, control = faults
    connection = fresh(port)
    control.fault("down", skip=1, methods="GET")
    assert ask(connection, "GET", KEY) == (200, BODY)
    with pytest.raises((ConnectionError, http.client.HTTPException)):
        ask(connection, "GET", KEY)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2)
    assert control.counts()["wire_faults"] == 1
    control.fault("none")
    assert ask(fresh(port), "GET", KEY) == (200, BODY)


def test_an_unknown_fault_is_refused(faults):
    _, control = faults
    with pytest.raises(ZarrgaugeError, match="unknown fault 'flood'"):
        control.fault("flood")
