"""Servers the remote stores talk to, each a real one in its own process on 127.0.0.1.

A server dies with zarrgauge: it is stopped when the run ends (also after a failure, Ctrl-C or
SIGTERM, which the plugin turns into Ctrl-C), and the kernel stops it should zarrgauge itself be
killed outright (PR_SET_PDEATHSIG), so no process and no listening port outlive a run.
"""

from __future__ import annotations

import ctypes
import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import typing
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from zarrgauge.errors import ZarrgaugeError
from zarrgauge.objectstore.location import Credentials

READY_SECONDS = 20.0
STOP_SECONDS = 5.0
PR_SET_PDEATHSIG = 1
# Dummy credentials, passed explicitly so that no client goes looking for real ones.
CREDENTIALS: Credentials = {"access_key_id": "zarrgauge", "secret_access_key": "zarrgauge", "region": "us-east-1"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:
    """Runs in the child before exec: ask the kernel for SIGTERM when the parent dies."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Server:
    """A started server process and the URL it answers on."""

    name: str
    process: subprocess.Popen
    url: str

    log: typing.IO[bytes]  # the server's stderr, read only to explain a failed start

    def stop(self) -> None:
        self.log.close()
        if self.process.stdout is not None:
            self.process.stdout.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _tail(log: typing.IO[bytes]) -> str:
    log.seek(0)
    return " ".join(log.read().decode(errors="replace").split())[-300:]


def _wait_until_ready(server: Server) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ZarrgaugeError(f"{server.name} exited at start with status {server.process.returncode}: "
                                 f"{_tail(server.log)}")
        try:
            urllib.request.urlopen(server.url, timeout=1).close()
            return
        except urllib.error.HTTPError as answer:  # any answer will do: Azurite's to `/` is 400
            answer.close()
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)
    server.stop()
    raise ZarrgaugeError(f"{server.name} did not answer on {server.url} within {READY_SECONDS:.0f} s")


def _started(name: str, command: list[str], port: int) -> Server:
    log = tempfile.TemporaryFile()  # a pipe nobody reads would fill with the server's log and stall it
    # A session of its own: Ctrl-C in a terminal signals the whole foreground group, and the server
    # must outlive zarrgauge's cleanup, which empties the bucket or container and then stops it.
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                               preexec_fn=_die_with_parent, start_new_session=True)
    server = Server(name, process, f"http://127.0.0.1:{port}", log)
    _wait_until_ready(server)
    return server


def start_moto() -> Server:
    """moto's S3 server (`python -m moto.server`), as a process of its own: in-process it would
    share the client's interpreter lock and serve a third fewer requests."""
    port = free_port()
    return _started("moto S3 server", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], port)


class ServerMissing(ZarrgaugeError):
    """A server that cannot run on this machine; the message says what to install."""


def azurite_executable() -> str:
    """Azurite's blob server as `make venv` installs it (under the venv), else one on PATH."""
    install = f"npm install --prefix {Path(sys.prefix, 'node')} azurite@3"
    if shutil.which("node") is None:
        raise ServerMissing(f"the Azure stores need Azurite, which runs on Node.js: install node and npm, then "
                            f"`{install}` (make venv does it when npm is on PATH)")
    installed = Path(sys.prefix, "node", "node_modules", ".bin", "azurite-blob")
    found = str(installed) if installed.exists() else shutil.which("azurite-blob")
    if found is None:
        raise ServerMissing(f"the Azure stores need Azurite: no azurite-blob in {installed.parent} or on PATH; "
                            f"install it with `{install}`")
    return found


def start_azurite() -> Server:
    """Azurite's blob service (Azure Storage's emulator, from npm), keeping its blobs in memory.
    Its telemetry is off; the API version check and strict header checks too, as obstore may be
    newer than the emulator."""
    executable = azurite_executable()
    port = free_port()
    command = [executable, "--blobHost", "127.0.0.1", "--blobPort", str(port), "--inMemoryPersistence",
               "--disableTelemetry", "--silent", "--skipApiVersionCheck", "--loose"]
    return _started("Azurite blob server", command, port)


class Wire:
    """The control side of a running wire proxy: what crossed it, and how slow it is."""

    def __init__(self, control_port: int, profile: str) -> None:
        self.control_port, self.profile = control_port, profile

    def _ask(self, command: str) -> dict[str, typing.Any]:
        with socket.create_connection(("127.0.0.1", self.control_port), timeout=10) as connection:
            connection.sendall(command.encode() + b"\n")
            with connection.makefile() as reply:
                return json.loads(reply.readline())

    def counts(self) -> dict[str, int]:
        return self._ask("counts")

    def timings(self) -> dict[str, float | None]:
        """The median time to first byte since the last reset (`first_byte_ms`)."""
        return self._ask("timings")

    def reset(self) -> None:
        self._ask("reset")

    def use(self, profile: str) -> None:
        self._ask(f"profile {profile}")
        self.profile = profile

    def fault(self, kind: str, count: int = 0, skip: int = 0, methods: str = "*") -> None:
        """From now on, of the requests whose HTTP method is in `methods` ("GET,HEAD", "*"), let
        `skip` through and fault the next `count` (0: every one): see zarrgauge.objectstore.faults.Fault.
        `fault("none")` clears it; `reset` does not."""
        reply = self._ask(f"fault {kind} {count} {skip} {methods}")
        if "error" in reply:
            raise ZarrgaugeError(f"the wire proxy refused a fault: {reply['error']}")


def start_wire(upstream: str, profile: str) -> tuple[Server, Wire]:
    """The wire proxy (zarrgauge.objectstore.proxy) in front of the plain-HTTP server at URL `upstream`,
    with a network profile."""
    upstream_address = upstream.removeprefix("http://").rstrip("/")
    command = [sys.executable, "-m", "zarrgauge.objectstore.proxy", upstream_address, profile]
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log,
                               preexec_fn=_die_with_parent, start_new_session=True)
    assert process.stdout is not None  # stdout=PIPE
    first_line = process.stdout.readline().split()
    if first_line[:1] != [b"PORTS"]:
        process.kill()
        raise ZarrgaugeError(f"the wire proxy did not start: {_tail(log)}")
    proxy_port, control_port = map(int, first_line[1:])
    return Server("wire proxy", process, f"http://127.0.0.1:{proxy_port}", log), Wire(control_port, profile)
