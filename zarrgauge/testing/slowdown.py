"""A pytest plugin that makes zarr's read path slower by a known fraction, to prove the gate.

Load it with `-p zarrgauge.testing.slowdown` and set ZARRGAUGE_SLOWDOWN=0.2 for reads that take
about 20% longer: after each read the wrapper busy-waits for that fraction of the time the read
took, so the slowdown scales with the work like a real regression would.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
import zarr

T = TypeVar("T")

# The selection methods are where every read ends up (__getitem__, .oindex, .vindex and .blocks
# dispatch to them), so wrapping only these slows each read exactly once.
READ_METHODS = ("get_basic_selection", "get_orthogonal_selection", "get_coordinate_selection",
                "get_mask_selection", "get_block_selection")


def _slowed(read: Callable[..., T], fraction: float) -> Callable[..., T]:
    @functools.wraps(read)
    def slowed_read(*args: Any, **kwargs: Any) -> T:
        started = time.perf_counter()
        result = read(*args, **kwargs)
        until = time.perf_counter() + fraction * (time.perf_counter() - started)
        while time.perf_counter() < until:
            pass
        return result

    return slowed_read


def pytest_configure(config: pytest.Config) -> None:
    fraction = float(os.environ.get("ZARRGAUGE_SLOWDOWN", "0"))
    if fraction > 0:
        for name in READ_METHODS:
            setattr(zarr.Array, name, _slowed(getattr(zarr.Array, name), fraction))
