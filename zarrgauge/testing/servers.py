"""Whether a server the suite started is gone without a trace: no process, no listening port."""

from __future__ import annotations

import socket
import time
from pathlib import Path


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def server_processes(program: str, port: int) -> list[int]:
    """Processes whose command line runs `program` (a word ending in it: moto.server, azurite-blob)
    with this port."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(word.endswith(program.encode()) for word in words) and str(port).encode() in words:
            found.append(int(entry.name))
    return found


def gone(program: str, port: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not listening(port) and not server_processes(program, port):
            return True
        time.sleep(0.1)
    return False
