"""Probes: an engine's own indexing API asked, step by step, to read and write selections of an
array zarrgauge stored (the conformance half's engine areas, tests/conformance/test_engine_indexing.py).
probe_runs.py runs them.

A probe is an array's path and format and its steps; a step reads or writes one selection
(catalogue/engine_indexing.py's JSON form) in one mode, a write with an array of values or a scalar.
Its answer is the values read, "done" for a write, the error the engine raised, or a crash (the
worker died on it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zarrgauge.engines.base import MESSAGE_CHARS


@dataclass(frozen=True)
class Step:
    op: str  # "read" or "write"
    mode: str  # basic, orthogonal, coordinate, mask or translated
    selection: tuple
    values: np.ndarray | float | None = None  # a write's: an array, or a scalar to broadcast
    origin: tuple[int, ...] | None = None  # translated: the array's new origin


@dataclass(frozen=True)
class Probe:
    path: Path
    zarr_format: int
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Answer:
    status: str  # "done", "error" or "crash"
    values: np.ndarray | None = None
    message: str = ""


def error_answer(error: BaseException) -> Answer:
    return Answer("error", message=" ".join(f"{type(error).__name__}: {error}".split())[:MESSAGE_CHARS])


def python_item(item):
    """One selection item as numpy (and tensorstore, and zarr) takes it."""
    if item == "...":
        return Ellipsis
    if isinstance(item, dict) and "slice" in item:
        return slice(*item["slice"])
    if isinstance(item, dict):
        return np.array(item.get("ints", item.get("bools")), dtype=bool if "bools" in item else np.intp)
    return item


def python_selection(selection: tuple):
    items = tuple(python_item(item) for item in selection)
    return items[0] if len(items) == 1 else items
