"""Synthetic pytest-benchmark entries for zarrgauge's own tests of the gate and the command line."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

CASE = {"case": "random-ints/chunks=100x100/none/v3/local", "tier": "quick", "nbytes": 1000, "shape": [500, 500],
        "dtype": "int32"}


def bench(name: str, timings: Iterable[float], **info: object) -> dict:
    """A read_full benchmark entry named `name` with these raw timings; `info` overrides its extra_info."""
    return {"fullname": f"benchmarks/test_read_full.py::{name}", "group": "read_full random-ints",
            "stats": {"data": list(timings)}, "extra_info": {**CASE, "store_get": 25, "stored_bytes": 1000, **info}}


def round_entry(name: str, **info: object) -> dict:
    """One round's entry of `ab`, three timings of 1 ms and the median pytest-benchmark writes."""
    entry = bench(name, [1e-3] * 3, **info)
    entry["stats"]["median"] = 1e-3
    return entry


def noisy(median: float, n: int = 30, spread: float = 0.05, seed: int = 0) -> np.ndarray:
    """Timings with multiplicative noise and a few slow outliers, like a shared runner."""
    rng = np.random.default_rng(seed)
    values = median * rng.lognormal(0, spread, n)
    values[rng.integers(0, n, 2)] *= 1.5
    return values
