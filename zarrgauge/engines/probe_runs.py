"""Running probes (probes.py) through an engine: tensorstore in this process, zarr 2 and zarrita.js in
workers of their own (workers/zarr2_probe_worker.py, workers/zarrita_probe_worker.mjs) that take a batch
of probes as a JSON file and answer one JSON line per probe, the list of its steps' answers. Values travel
as raw little-endian float64 in C order; a read's answer gives its shape. A worker that dies leaves the
probe it was on a crash, and a new worker takes the rest, as in outofprocess.py."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from zarrgauge.engines.base import MESSAGE_CHARS
from zarrgauge.engines.outofprocess import TASK_TIMEOUT_SECONDS
from zarrgauge.engines.probes import Answer, Probe, Step
from zarrgauge.engines.zarr2 import environment as zarr2_environment
from zarrgauge.engines.zarrita import node_modules

WORKERS = Path(__file__).resolve().parent / "workers"
EXCHANGE = np.dtype("<f8")  # the probes' arrays are float64: -0.0, NaN and infinities show any misplaced bit


def run_probes(engine: str, probes: list[Probe]) -> list[list[Answer]]:
    """Every probe's answers, in order, through the named engine (tensorstore, zarr2 or zarrita.js)."""
    if engine == "tensorstore":
        from zarrgauge.engines.tensorstore_probes import run_probe

        return [run_probe(probe) for probe in probes]
    return _out_of_process(COMMANDS[engine](), probes)


def _zarr2_command() -> list[str]:
    return [str(zarr2_environment() / "bin" / "python"), str(WORKERS / "zarr2_probe_worker.py")]


def _zarrita_command() -> list[str]:
    return [shutil.which("node") or "node", str(WORKERS / "zarrita_probe_worker.mjs"), str(node_modules())]


COMMANDS = {"zarr2": _zarr2_command, "zarrita.js": _zarrita_command}


def _step_json(step: Step, name: str, folder: Path) -> dict:
    spec = {"op": step.op, "mode": step.mode, "selection": list(step.selection)}
    if step.op == "read":
        return {**spec, "out": str(folder / f"out-{name}.bin")}
    if isinstance(step.values, np.ndarray):
        np.ascontiguousarray(step.values, dtype=EXCHANGE).tofile(folder / f"values-{name}.bin")
        return {**spec, "values": str(folder / f"values-{name}.bin"), "shape": list(step.values.shape)}
    return {**spec, "scalar": step.values}


def _probe_json(probe: Probe, number: int, folder: Path) -> dict:
    steps = [_step_json(step, f"{number}-{i}", folder) for i, step in enumerate(probe.steps)]
    return {"path": str(probe.path.resolve()), "format": probe.zarr_format, "steps": steps}


def _answer(spec: dict, answer: dict) -> Answer:
    if answer.get("status") != "done":
        return Answer("error", message=str(answer.get("message", answer))[:MESSAGE_CHARS])
    if spec["op"] == "write":
        return Answer("done")
    return Answer("done", values=np.fromfile(spec["out"], dtype=EXCHANGE).reshape(answer["shape"]))


def _out_of_process(command: list[str], probes: list[Probe]) -> list[list[Answer]]:
    with tempfile.TemporaryDirectory(prefix="zarrgauge-probes-") as name:
        folder = Path(name)
        specs = [_probe_json(probe, number, folder) for number, probe in enumerate(probes)]
        answers: list[list[Answer]] = []
        while len(answers) < len(probes):
            answers += _run_worker(command, specs[len(answers):], folder / f"batch-{len(answers)}.json")
        return answers


def _run_worker(command: list[str], specs: list[dict], batch: Path) -> list[list[Answer]]:
    """The answers of the probes a worker finished, then a crash for each step of the one it died on."""
    batch.write_text(json.dumps(specs))
    steps = sum(len(spec["steps"]) for spec in specs)
    try:
        done = subprocess.run([*command, str(batch)], capture_output=True, text=True,
                              timeout=TASK_TIMEOUT_SECONDS + steps)
        stdout, stderr, status = done.stdout, done.stderr, f"exited with status {done.returncode}"
    except subprocess.TimeoutExpired as hung:
        stdout, stderr, status = _text(hung.stdout), _text(hung.stderr), "hung and was killed"
    lines = [json.loads(line) for line in stdout.splitlines() if line.startswith("[")]
    answers = [[_answer(step, answer) for step, answer in zip(spec["steps"], line)] for spec, line in zip(specs, lines)]
    if len(answers) < len(specs):
        last = (stderr.strip().splitlines() or [""])[-1]
        crash = Answer("crash", message=f"the worker {status}: {last}"[:MESSAGE_CHARS])
        answers.append([crash] * len(specs[len(answers)]["steps"]))
    return answers


def _text(output: bytes | str | None) -> str:
    return output.decode(errors="replace") if isinstance(output, bytes) else output or ""
