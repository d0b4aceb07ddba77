"""zarrita.js: zarrita (JavaScript) with @zarrita/storage's FileSystemStore, under node, in a worker
(workers/zarrita_worker.mjs) that speaks outofprocess.py's protocol.

The packages live in VENV/node/node_modules (scripts/install-engine-zarrita VENV puts them there).
The worker is given that folder and imports them by absolute file URL, since ESM has no NODE_PATH.
"""

from __future__ import annotations

import functools
import json
import shutil
import sys
from pathlib import Path

from zarrgauge.engines.outofprocess import OutOfProcessEngine

WORKER = Path(__file__).resolve().parent / "workers" / "zarrita_worker.mjs"
PACKAGES = ("zarrita", "@zarrita/storage")


def node_modules() -> Path:
    return Path(sys.prefix, "node", "node_modules")


@functools.cache
def _package_version(manifest: Path) -> str:
    return json.loads(manifest.read_text())["version"]


class Zarrita(OutOfProcessEngine):
    def missing(self) -> str | None:
        if shutil.which("node") is None:
            return f"zarrita.js runs on Node.js: no node on PATH ({self.spec.install_hint})"
        absent = [name for name in PACKAGES if not (node_modules() / name / "package.json").is_file()]
        if absent:
            return (f"{' and '.join(absent)} not installed in {node_modules()}: "
                    f"run `scripts/install-engine-zarrita {sys.prefix}`")
        return None

    def version(self) -> str:
        return _package_version(node_modules() / "zarrita" / "package.json")

    def command(self) -> list[str]:
        return [shutil.which("node") or "node", str(WORKER), str(node_modules())]
