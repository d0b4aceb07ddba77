"""The user's access patterns, `--access time=0.7,space=0.3`, as the catalogue's timed operations
with weights; and the preferences (`--prefer`) the choice can follow."""

from __future__ import annotations

from zarrgauge.catalogue.families import Family
from zarrgauge.catalogue.operations import OPERATIONS
from zarrgauge.errors import usage_error

PATTERNS = {"time": "read_time", "space": "read_space", "pixel": "read_pixel", "channel": "read_channel",
            "chunks": "read_chunks", "full": "read_full", "write": "write"}
READS = ("time", "space", "pixel", "channel", "chunks", "full")  # the default: each of these the axes allow
# What the choice weighs, read time against stored size: objective.py says how each chooses.
PREFERENCES = ("balanced", "speed", "size")


def _applies(operation: str, axes: str) -> bool:
    if operation not in OPERATIONS:  # the write applies to every array
        return True
    # A family of these axes and no rows: `applies` reads the axes alone.
    return OPERATIONS[operation].applies(Family("axes", "", "f8", {}, None, axes))  # type: ignore[arg-type]


def parse_access(text: str | None, axes: str) -> dict[str, float]:
    """Operation -> weight, the weights adding up to 1; every read pattern the axes allow when not given."""
    if not text:
        weights = {PATTERNS[name]: 1.0 for name in READS if _applies(PATTERNS[name], axes)}
    else:
        weights = {}
        for item in (part.strip() for part in text.split(",") if part.strip()):
            name, _, weight = item.partition("=")
            weights[_operation(name.strip(), axes)] = _weight(item, weight)
    total = sum(weights.values())
    return {operation: weight / total for operation, weight in weights.items()}


def _operation(name: str, axes: str) -> str:
    if name not in PATTERNS:
        raise usage_error(f"--access: unknown pattern {name!r}; choose from: {', '.join(PATTERNS)}")
    if not _applies(PATTERNS[name], axes):
        raise usage_error(f"--access: {name} needs axes {_needs(name)}, and the array's axes are {axes!r}; "
                          "name them with --axes, e.g. --axes tyx")
    return PATTERNS[name]


def _needs(name: str) -> str:
    return {"time": "with t", "space": "t, y and x", "pixel": "c, y and x", "channel": "c, y and x",
            "chunks": "two or more"}.get(name, "")


def _weight(item: str, text: str) -> float:
    if not text:
        return 1.0
    try:
        weight = float(text)
    except ValueError:
        weight = -1.0
    if not weight > 0:
        raise usage_error(f"--access: {item!r}: a weight is a positive number, e.g. time=0.7,space=0.3")
    return weight
