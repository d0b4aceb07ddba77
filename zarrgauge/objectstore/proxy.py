"""The network between the object-storage clients and their server: an HTTP/1.1 proxy in its own
process on 127.0.0.1 that delays each request, throttles each connection's bytes, and counts what
really crosses the wire, which a store-level delay cannot see (a client's extra HEAD requests, its
connection pool, bandwidth).

    python -m zarrgauge.objectstore.proxy UPSTREAM_HOST:PORT PROFILE

prints "PORTS <proxy> <control>" once it listens. The control port takes one line per
connection and answers one line of JSON: `counts`; `timings` (the median time to first byte);
`reset` (counts and timings only: a fault stays until `fault none`, so that a test may reset the
counts between setting a fault and the operation it faults); `profile NAME`; or
`fault KIND COUNT SKIP METHODS` (zarrgauge.objectstore.faults.Fault).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field

from zarrgauge.catalogue.networks import PROFILES, Profile
from zarrgauge.catalogue.stores import WIRE_REQUESTS
from zarrgauge.objectstore.faults import S3_ERRORS, STALL_SECONDS, Fault, s3_error

CHUNK = 64 * 2**10


@dataclass
class WireCounts:
    requests: Counter = field(default_factory=Counter)
    not_found: int = 0
    server_errors: int = 0
    bytes_up: int = 0
    bytes_down: int = 0
    connections: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0
    faults: int = 0  # requests that met an injected fault (counted above too, by kind)
    first_bytes: list[float] = field(default_factory=list)  # seconds from each request to its answer's head

    def as_dict(self) -> dict[str, int]:
        return {**{f"wire_{kind}": self.requests[kind] for kind in WIRE_REQUESTS},
                "wire_404": self.not_found, "wire_5xx": self.server_errors, "wire_bytes_up": self.bytes_up,
                "wire_bytes_down": self.bytes_down, "wire_connections": self.connections,
                "wire_peak_in_flight": self.peak_in_flight, "wire_faults": self.faults}

    def timings(self) -> dict[str, float | None]:
        """What depends on timing, apart from the counts: the median time to first byte, in ms,
        as the client sees it (the network's latency included)."""
        return {"first_byte_ms": round(statistics.median(self.first_bytes) * 1e3, 3) if self.first_bytes else None}


def request_kind(method: str, target: str, headers: dict[str, str]) -> str:
    """S3's and Azure's requests: S3 lists with `GET /bucket` (`list-type=2` in version 2), Azure with
    `comp=list`; Azure's ranges may come as `x-ms-range`."""
    path, _, query = target.partition("?")
    parameters = urllib.parse.parse_qs(query, keep_blank_values=True)
    if method == "GET" and ("list-type" in parameters or parameters.get("comp") == ["list"]
                            or path.strip("/").count("/") == 0):
        return "list"
    if method == "GET":
        return "get_range" if "range" in headers or "x-ms-range" in headers else "get"
    return method.lower()


def _headers(head: bytes) -> tuple[str, dict[str, str]]:
    first, *lines = head.decode("latin-1").split("\r\n")
    pairs = (line.split(":", 1) for line in lines if ":" in line)
    return first, {name.strip().lower(): value.strip() for name, value in pairs}


def _without_header(head: bytes, name: bytes) -> bytes:
    lines = head.split(b"\r\n")
    return b"\r\n".join(line for line in lines if not line.lower().startswith(name + b":"))


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str], to_eof: bool) -> bytes:
    """The raw body as sent (chunked bodies keep their framing)."""
    if "content-length" in headers:
        return await reader.readexactly(int(headers["content-length"]))
    if headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size_line = await reader.readline()
            parts.append(size_line)
            size = int(size_line.split(b";")[0], 16)
            parts.append(await reader.readexactly(size + 2) if size else await _trailers(reader))
            if not size:
                return b"".join(parts)
    return await reader.read() if to_eof else b""


async def _trailers(reader: asyncio.StreamReader) -> bytes:
    lines = []
    while (line := await reader.readline()) not in (b"\r\n", b""):
        lines.append(line)
    return b"".join(lines) + b"\r\n"


class _Upstream:
    """The server side of one client connection, opened again whenever the server closes it after
    a response (moto answers in HTTP/1.0) or while it is idle (Azurite, after 5 s): the client keeps
    its connection, as it would with S3, and never sees a request fail on a connection gone stale."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.connection is not None and self.connection[0].at_eof():
            self.close()
        if self.connection is None:
            self.connection = await asyncio.open_connection(self.host, self.port)
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            self.connection[1].close()
            self.connection = None


class Proxy:
    def __init__(self, upstream: tuple[str, int], profile: Profile) -> None:
        self.upstream, self.profile, self.counts = upstream, profile, WireCounts()
        self.fault = Fault()
        self.port = 0  # chosen by the system at the first `listen`, kept when the server comes back
        self.listener: asyncio.Server | None = None  # None while the server is down
        self.clients: set[asyncio.StreamWriter] = set()  # open client connections, to cut when it goes down

    async def listen(self) -> None:
        self.listener = await asyncio.start_server(self.relay, "127.0.0.1", self.port)
        self.port = self.listener.sockets[0].getsockname()[1]

    def go_down(self) -> None:
        """As if the server stopped: nothing listens on the port, every connection is cut."""
        if self.listener is not None:  # two requests may meet a `down` fault at once
            self.listener.close()
            self.listener = None
        for writer in self.clients:
            writer.transport.abort()

    async def set_fault(self, fault: Fault) -> None:
        """A fault replaces the one before, and a server that is down comes back up."""
        self.fault = fault
        if self.listener is None:
            await self.listen()
        if fault.kind == "down" and not fault.skip:
            self.go_down()

    async def _send(self, writer: asyncio.StreamWriter, data: bytes) -> None:
        for start in range(0, len(data), CHUNK):
            writer.write(data[start:start + CHUNK])
            await writer.drain()
            if self.profile.bandwidth:
                await asyncio.sleep(min(CHUNK, len(data) - start) / self.profile.bandwidth)

    async def relay(self, client: asyncio.StreamReader, to_client: asyncio.StreamWriter) -> None:
        self.counts.connections += 1
        self.clients.add(to_client)
        upstream = _Upstream(*self.upstream)
        try:
            while await self._exchange(client, to_client, upstream):
                pass
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self.clients.discard(to_client)
            upstream.close()
            to_client.close()

    async def _exchange(self, client: asyncio.StreamReader, to_client: asyncio.StreamWriter,
                        upstream: _Upstream) -> bool:
        """One request and its response; False when either side is done with the connection."""
        try:
            head = await client.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return False
        request_line, headers = _headers(head)
        method, target = request_line.split(" ")[:2]
        if headers.get("expect", "").lower() == "100-continue":
            # Answered here, and not passed on: the body has to arrive before the request is delayed
            to_client.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            head = _without_header(head, b"expect")
        body = await _read_body(client, headers, to_eof=False)
        counts = self.counts
        counts.requests[request_kind(method, target, headers)] += 1
        fault = self.fault.strike(method)
        counts.faults += fault is not None
        counts.in_flight += 1
        counts.peak_in_flight = max(counts.peak_in_flight, counts.in_flight)
        arrived = asyncio.get_running_loop().time()
        try:
            await asyncio.sleep(self.profile.latency)
            if fault is None:
                response = await self._ask_server(head + body, method, upstream, arrived)
            else:
                response = await self._faulted(fault, head + body, method, upstream, arrived)
            await self._send(to_client, response)
            counts.bytes_down += len(response)
        finally:
            counts.in_flight -= 1
        # A faulted answer is either whole (5xx), or the connection is closed after it
        whole = fault in (None, *S3_ERRORS)
        return whole and "close" not in headers.get("connection", "").lower() and response.startswith(b"HTTP/1.1")

    async def _ask_server(self, request: bytes, method: str, upstream: _Upstream, arrived: float) -> bytes:
        server, to_server = await upstream.open()
        await self._send(to_server, request)
        self.counts.bytes_up += len(request)
        response, keep_alive = await self._response(server, method, arrived)
        if not keep_alive:
            upstream.close()
        return response

    async def _faulted(self, fault: str, request: bytes, method: str, upstream: _Upstream, arrived: float) -> bytes:
        """What the client gets instead of the server's answer (the connection is closed after it
        unless it is a 5xx)."""
        if fault in S3_ERRORS:
            self.counts.server_errors += 1
            return s3_error(fault, method)
        if fault == "truncate":
            response = await self._ask_server(request, method, upstream, arrived)
            body_start = response.index(b"\r\n\r\n") + 4
            return response[:body_start + (len(response) - body_start) // 2]
        if fault == "stall":
            await asyncio.sleep(STALL_SECONDS)
        elif fault == "down":
            self.go_down()
        return b""  # a stall, a drop, or the server gone: no answer

    async def _response(self, server: asyncio.StreamReader, method: str, arrived: float) -> tuple[bytes, bool]:
        """The response to pass on, and whether the server keeps its connection open. A response of
        known length from a closing server is passed on as HTTP/1.1, so the client keeps its own."""
        head = await server.readuntil(b"\r\n\r\n")
        self.counts.first_bytes.append(asyncio.get_running_loop().time() - arrived)
        status_line, headers = _headers(head)
        status = int(status_line.split(" ")[1])
        self.counts.not_found += status == 404
        self.counts.server_errors += status >= 500
        closing = status_line.startswith("HTTP/1.0") or "close" in headers.get("connection", "").lower()
        bodiless = method == "HEAD" or status in (204, 304) or status < 200
        delimited = bodiless or "content-length" in headers or "chunked" in headers.get("transfer-encoding", "")
        body = b"" if bodiless else await _read_body(server, headers, to_eof=not delimited)
        if closing and delimited:
            head = b"HTTP/1.1" + _without_header(head, b"connection")[len(b"HTTP/1.x"):]
        return head + body, not closing

    async def control(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        command, *args = (await reader.readline()).decode().split()
        mistake = None
        if command == "reset":
            self.counts = WireCounts()
        elif command == "profile":
            self.profile = PROFILES[args[0]]
        elif command == "fault":
            try:
                await self.set_fault(Fault.parse(args))
            except ValueError as error:  # answered, so that the caller sees it
                mistake = f"fault {' '.join(args)}: {error}"
        reply = ({"error": mistake} if mistake else self.counts.timings() if command == "timings"
                 else self.counts.as_dict())
        writer.write((json.dumps(reply) + "\n").encode())
        await writer.drain()
        writer.close()


async def serve(upstream: str, profile: str) -> None:
    host, _, port = upstream.rpartition(":")
    proxy = Proxy((host, int(port)), PROFILES[profile])
    await proxy.listen()  # serves without serve_forever, which would end when a `down` fault closes it
    control = await asyncio.start_server(proxy.control, "127.0.0.1", 0)
    print("PORTS", proxy.port, control.sockets[0].getsockname()[1], flush=True)
    async with control:
        await control.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], sys.argv[2]))
