"""What every engine adapter offers, and the batch protocol the interoperability runner drives.

A task is one write (the case's values into its region of a new array at `path`) or one read
(the whole array at `path`). An in-process engine runs a batch one task at a time; an
out-of-process engine sends the whole batch to a worker and, when the worker dies, reports the
tasks it never answered as crashes, so one crash costs one batch.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zarrgauge.catalogue.engines import EngineSpec
from zarrgauge.catalogue.interop import InteropCase

MESSAGE_CHARS = 300


@dataclass(frozen=True)
class Task:
    op: str  # "write" or "read"
    path: Path
    case: InteropCase


@dataclass(frozen=True)
class Result:
    status: str  # "done", "error" or "crash"
    values: np.ndarray | None = None
    message: str = ""
    properties: dict | None = None  # of a read: the case's properties() as the reader says them


def error_result(error: BaseException) -> Result:
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return Result("error", message=text[:MESSAGE_CHARS])


class Engine:
    """An adapter. Subclasses name the Python package they need and implement write and read."""

    package = ""

    def __init__(self, spec: EngineSpec) -> None:
        self.spec = spec

    @property
    def name(self) -> str:
        return self.spec.name

    def missing(self) -> str | None:
        """Why this engine cannot run here, or None."""
        if importlib.util.find_spec(self.package) is None:
            return f"{self.package} is not installed ({self.spec.install_hint})"
        return None

    def version(self) -> str:
        return importlib.metadata.version(self.package)

    def write(self, path: Path, case: InteropCase) -> None:
        raise NotImplementedError

    def read(self, path: Path, case: InteropCase) -> np.ndarray:
        raise NotImplementedError

    def properties(self, path: Path, case: InteropCase) -> dict:
        """Which of the case's properties() this engine's API says, as it says them."""
        return {}

    def bench_array(self, array):
        """The stored zarr array as this engine reads and writes it, to time: indexed like numpy."""
        raise NotImplementedError(f"{self.name} is not benchmarked")

    def bench_info(self) -> dict:
        """What the results need to interpret this engine's times: version, threads."""
        return {"engine": self.name, "engine_version": self.version()}

    def stored_bytes(self, view) -> int | None:
        """Bytes the engine's copy takes when it is not the zarr array's (another format); else None."""
        return None

    def own_files(self, view) -> list[Path]:
        """The files of the engine's own copy, when it reads one (another format); else none."""
        return []

    def run_batch(self, tasks: list[Task]) -> list[Result]:
        return [self._run(task) for task in tasks]

    def _run(self, task: Task) -> Result:
        try:
            if task.op == "write":
                self.write(task.path, task.case)
                return Result("done")
            values = np.asarray(self.read(task.path, task.case))
            properties = self.properties(task.path, task.case) if task.case.properties() else None
            return Result("done", values=values, properties=properties)
        except Exception as error:  # every failure of the engine is a result of the matrix
            return error_result(error)
