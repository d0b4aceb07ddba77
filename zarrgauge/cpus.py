"""Which CPUs a run may use (`--zarr-cpus`, as asv's --cpu-affinity and pyperf's --affinity), and how many
it has. zarr-python's synchronous calls hand each read to its event-loop thread and its store's worker
threads and wait for them: on a small virtual machine a hand-over to a thread on another core, which has
to be woken, costs more than one on the same core, and the scheduler places the threads differently from
one process to the next, so a read's median moves by a third between unchanged runs (measurements: "Why
two runs disagree"). Pinned to one core, that spread is gone; pinned, a run measures that core only, so
the floors, the machine's limits and the engines count the CPUs the run may use, not the machine's."""

from __future__ import annotations

import os
import re
from pathlib import Path

from zarrgauge.errors import usage_error


def usable() -> int:
    """The CPUs this process may run on."""
    return len(os.sched_getaffinity(0))


def parse(text: str, source: str) -> set[int]:
    """A CPU list as taskset writes it ("0", "0,2", "0-3"); a usage error naming `source` otherwise."""
    parts = [re.fullmatch(r"(\d+)(?:-(\d+))?", part.strip()) for part in text.split(",")]
    chosen = {cpu for part in parts if part for cpu in range(int(part[1]), int(part[2] or part[1]) + 1)}
    if not all(parts) or not chosen:
        raise usage_error(f"{source}: {text!r} is no CPU list; write e.g. 0, 0,1 or 0-3")
    available = os.sched_getaffinity(0)
    if not chosen <= available:
        raise usage_error(f"{source}: {text!r} names CPUs this process may not use; it may use "
                          f"{','.join(map(str, sorted(available)))}")
    return chosen


def pin(chosen: set[int]) -> None:
    """Every thread of this process on `chosen`; threads and processes started later inherit it."""
    for task in Path("/proc/self/task").iterdir():
        try:
            os.sched_setaffinity(int(task.name), chosen)
        except ProcessLookupError:  # the thread ended since the listing
            pass
