"""Engines in another process (another Python's venv, node): a worker program takes a batch of
tasks as a JSON file and answers one JSON line per task, in order, on stdout.

A task: {"op": "write", "path", "metadata", "attributes", "defaults": whether to create the array from
the metadata's shape, dtype and chunks alone, "region": [[start, stop], ...], "dtype", "values": FILE}
or {"op": "read", "path", "dtype", "shape", "out": FILE, "properties": [names]}. Values travel as raw
little-endian C-order bytes (bool as one byte each), strings as a JSON list in C order. An answer:
{"status": "done"} (a read's with "properties": {name: value} for the names asked that its API has)
or {"status": "error", "message": "..."}. When the worker dies or hangs, the
task it was on is a crash and a new worker takes the rest, so one crash costs one cell.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from zarrgauge.catalogue.interop import STRING
from zarrgauge.engines.base import MESSAGE_CHARS, Engine, Result, Task

TASK_TIMEOUT_SECONDS = 60


def exchange_dtype(dtype: str) -> np.dtype:
    """The dtype values travel in: little-endian, bool as uint8."""
    dt = np.dtype(dtype)
    return np.dtype("u1") if dt.kind == "b" else dt.newbyteorder("<")


def _save(values: np.ndarray, dtype: str, path: Path) -> None:
    if dtype == STRING:
        path.write_text(json.dumps(values.ravel().tolist()))
    else:
        np.ascontiguousarray(values).astype(exchange_dtype(dtype)).tofile(path)


def _load(path: Path, dtype: str, shape: list[int]) -> np.ndarray:
    if dtype == STRING:
        return np.array(json.loads(path.read_text()), dtype=object).reshape(shape)
    raw = np.fromfile(path, dtype=exchange_dtype(dtype))
    return (raw.astype(bool) if np.dtype(dtype).kind == "b" else raw).reshape(shape)


def _task_json(task: Task, number: int, folder: Path) -> dict:
    case = task.case
    common = {"op": task.op, "path": str(task.path.resolve()), "dtype": case.dtype}
    if task.op == "write":
        values = folder / f"values-{number}.bin"
        _save(case.values(), case.dtype, values)
        region = [[s.start, s.stop] for s in case.written]
        return {**common, "metadata": case.metadata(), "attributes": case.attributes(), "defaults": case.defaults,
                "region": region, "values": str(values)}
    return {**common, "shape": list(case.expected().shape), "out": str(folder / f"out-{number}.bin"),
            "properties": list(case.properties())}


def _result(task: Task, answer: dict, spec: dict) -> Result:
    if answer.get("status") != "done":
        return Result("error", message=str(answer.get("message", answer))[:MESSAGE_CHARS])
    if task.op == "write":
        return Result("done")
    return Result("done", values=_load(Path(spec["out"]), task.case.dtype, spec["shape"]),
                  properties=answer.get("properties"))


class OutOfProcessEngine(Engine):
    def command(self) -> list[str]:
        """The worker's command line; the tasks file's path is appended."""
        raise NotImplementedError

    def run_batch(self, tasks: list[Task]) -> list[Result]:
        with tempfile.TemporaryDirectory(prefix="zarrgauge-batch-") as folder:
            specs = [_task_json(task, number, Path(folder)) for number, task in enumerate(tasks)]
            results: list[Result] = []
            while len(results) < len(tasks):
                results += self._run_worker(tasks[len(results):], specs[len(results):], Path(folder))
            return results

    def _run_worker(self, tasks: list[Task], specs: list[dict], folder: Path) -> list[Result]:
        """Results of the tasks a worker answered, then a crash for the one it died on."""
        batch = folder / f"tasks-{len(list(folder.glob('tasks-*')))}.json"
        batch.write_text(json.dumps(specs))
        try:
            done = subprocess.run([*self.command(), str(batch)], capture_output=True, text=True,
                                  timeout=TASK_TIMEOUT_SECONDS * len(tasks))
            stdout, stderr, status = done.stdout, done.stderr, f"exited with status {done.returncode}"
        except subprocess.TimeoutExpired as hung:
            stdout, stderr, status = _text(hung.stdout), _text(hung.stderr), "hung and was killed"
        answers = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
        results = [_result(task, answer, spec) for task, answer, spec in zip(tasks, answers, specs)]
        if len(results) < len(tasks):
            last = (stderr.strip().splitlines() or [""])[-1]
            results.append(Result("crash", message=f"the {self.name} worker {status}: {last}"[:MESSAGE_CHARS]))
        return results


def _text(output: bytes | str | None) -> str:
    return output.decode(errors="replace") if isinstance(output, bytes) else output or ""
