"""Running the matrix: all writes of an engine in one batch, then all reads of an engine in one
batch, in a scratch directory of our own that is removed afterwards."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from zarrgauge import progress
from zarrgauge.catalogue.interop import STRING, InteropCase
from zarrgauge.engines import Engine
from zarrgauge.engines.base import Result, Task
from zarrgauge.harness.measure import oracle
from zarrgauge.interop.corrupt import corrupt
from zarrgauge.interop.respell import respell

OUTCOMES = ("ok", "mismatch", "error", "unsupported", "crash")
ROLES = {"write": "writer", "read": "reader"}


@dataclass(frozen=True)
class Cell:
    case: InteropCase
    writer: str
    reader: str
    outcome: str
    message: str = ""


@contextmanager
def scratch_directory() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="zarrgauge-interop-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _copy_path(root: Path, writer: str, case: InteropCase) -> Path:
    return root / writer / case.id.replace("/", "_")


def _unsupported(engine: Engine, role: str, case: InteropCase) -> str | None:
    reason = engine.spec.unsupported(case.features, role)
    return None if reason is None else f"{ROLES[role]} {engine.name}: {reason}"


def mismatch(actual: np.ndarray | None, case: InteropCase, region: tuple[slice, ...] = ()) -> str | None:
    """How what a reader returned differs from the case's values, bit for bit (within `region` only, when
    given); None if it does not. Byte order is the reader's business: values are compared in native order."""
    actual = np.asarray(actual)
    if case.dtype == STRING and actual.dtype.kind in "TUO":
        actual = actual.astype(object)  # numpy's StringDType, fixed-width unicode and objects hold the same strings
    elif actual.dtype.byteorder not in "=|":
        actual = actual.astype(actual.dtype.newbyteorder("="))
    try:
        oracle.assert_identical(actual[region], case.expected()[region])
    except AssertionError as error:
        return str(error)
    return None


def written_fill(case: InteropCase, path: Path) -> object:
    """The fill value in the document a writer wrote, in its JSON form (None for null)."""
    document = json.loads((path / ("zarr.json" if case.zarr_format == 3 else ".zarray")).read_text())
    return document.get("fill_value")


def _difference(actual: np.ndarray | None, case: InteropCase, path: Path) -> str | None:
    """A defaults case is checked against the fill value its writer chose; where that is v2's null, which
    leaves never-written elements undefined, against the written region only."""
    if not case.defaults:
        return mismatch(actual, case)
    fill = written_fill(case, path)
    if fill is None:
        return mismatch(actual, case, case.written)
    return mismatch(actual, replace(case, fill_value=fill))


def _property_difference(case: InteropCase, said: dict) -> str | None:
    """How the attributes or dimension names a reader gave differ from the case's, where it gave them."""
    for name, expected in case.properties().items():
        if name in said and said[name] != expected:
            return f"{name}: got {said[name]!r}, expected {expected!r}"
    return None


def _read_cell(case: InteropCase, writer: str, reader: str, result: Result, path: Path) -> Cell:
    if result.status == "crash":
        return Cell(case, writer, reader, "crash", result.message)
    if case.corruption:
        if result.status == "error":
            return Cell(case, writer, reader, "ok", f"refused: {result.message}")
        return Cell(case, writer, reader, "mismatch", "returned values from corrupted data without an error")
    if result.status == "error":
        return Cell(case, writer, reader, "error", f"read: {result.message}")
    difference = _difference(result.values, case, path) or _property_difference(case, result.properties or {})
    return Cell(case, writer, reader, "ok" if difference is None else "mismatch", difference or "")


def _write_all(writer: Engine, cases: list[InteropCase], root: Path) -> dict[str, Result]:
    todo = [case for case in cases if _unsupported(writer, "write", case) is None]
    results = writer.run_batch([Task("write", _copy_path(root, writer.name, case), case) for case in todo])
    for case, result in zip(todo, results):
        if result.status == "done":
            respell(_copy_path(root, writer.name, case), case)
        if result.status == "done" and case.corruption:
            corrupt(_copy_path(root, writer.name, case), case)
    return {case.id: result for case, result in zip(todo, results)}


def _read_all(reader: Engine, pending: list[tuple[InteropCase, str]], root: Path) -> list[Cell]:
    tasks = [Task("read", _copy_path(root, writer, case), case) for case, writer in pending]
    results = reader.run_batch(tasks)
    return [_read_cell(case, writer, reader.name, result, task.path)
            for (case, writer), result, task in zip(pending, results, tasks)]


def _cells_without_read(case: InteropCase, writer: Engine, reader: Engine, written: dict[str, Result]) -> Cell | None:
    """The cell when the reader has nothing to read: unsupported on either side, or a failed write."""
    reason = _unsupported(writer, "write", case) or _unsupported(reader, "read", case)
    if reason:
        return Cell(case, writer.name, reader.name, "unsupported", reason)
    result = written[case.id]
    if result.status != "done":
        return Cell(case, writer.name, reader.name, result.status, f"write: {result.message}")
    return None


def run_matrix(cases: list[InteropCase], writers: list[Engine], readers: list[Engine], root: Path,
               show: bool = True) -> list[Cell]:
    """Every (case, writer, reader) cell: each writer writes its cases once, each reader reads them all."""
    cells, written = [], {}
    with progress.bar("interop: writing", len(writers), "engine", show=show) as bar:
        for writer in writers:
            written[writer.name] = _write_all(writer, cases, root)
            bar.update()
    with progress.bar("interop: reading", len(readers), "engine", show=show) as bar:
        for reader in readers:
            pending = []
            for writer in writers:
                for case in cases:
                    cell = _cells_without_read(case, writer, reader, written[writer.name])
                    if cell is None:
                        pending.append((case, writer.name))
                    else:
                        cells.append(cell)
            cells += _read_all(reader, pending, root)
            bar.update()
    return cells
