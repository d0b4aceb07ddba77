"""zarr-python 2.18 (v2 only), in a virtual environment of its own beside zarrgauge's,
<zarrgauge venv>/engines/zarr2 (scripts/install-engine-zarr2 builds it; make interop calls that).
Its worker, workers/zarr2_worker.py, runs under that environment's Python."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from zarrgauge.engines.outofprocess import OutOfProcessEngine

WORKER = Path(__file__).resolve().parent / "workers" / "zarr2_worker.py"


def environment() -> Path:
    return Path(sys.prefix) / "engines" / "zarr2"


class Zarr2(OutOfProcessEngine):
    _version: str | None = None

    def python(self) -> Path:
        return environment() / "bin" / "python"

    def missing(self) -> str | None:
        if not (environment() / ".installed").is_file() or not self.python().exists():
            return (f"zarr 2's environment {environment()} is not built (make interop, or "
                    f"scripts/install-engine-zarr2 {sys.prefix}, builds it)")
        return None

    def version(self) -> str:
        if self._version is None:
            done = subprocess.run([*self.command(), "--version"], capture_output=True, text=True, timeout=60)
            self._version = done.stdout.strip() or "?"
        return self._version

    def command(self) -> list[str]:
        return [str(self.python()), str(WORKER)]
