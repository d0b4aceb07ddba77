"""Shared look of the report's figures: time axes in engineering units, a colour per codec, words per operation."""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.ticker import EngFormatter, FuncFormatter

from zarrgauge.catalogue.codecs import CODECS
from zarrgauge.catalogue.datasets import DATASET_OPERATIONS
from zarrgauge.catalogue.operations import OPERATIONS, WRITES

DPI = 100
# Log scales once values span more than this factor; below it a linear scale reads better.
WIDE_RANGE = 20
LAYOUT_MARKERS = {"balanced": "o", "time": "^", "space": "v", "ragged": "D", "tiny": "x", "sharded": "s",
                  "plane": "P", "rows": ">", "single": "*", "custom": "p"}
_PALETTE = [f"C{i}" for i in range(10)] + ["#6b4c9a", "#2ca7a0", "#b8860b"]


def codec_colour(codec: str) -> str:
    names = list(CODECS)
    return _PALETTE[names.index(codec) % len(_PALETTE)] if codec in names else "grey"


def layout_marker(role: str) -> str:
    return LAYOUT_MARKERS.get(role, "o")


def describe(operation: str) -> str:
    if operation in OPERATIONS:
        return OPERATIONS[operation].description
    if operation in DATASET_OPERATIONS:
        return DATASET_OPERATIONS[operation].description
    return WRITES.get(operation, operation)


def format_seconds(seconds: float) -> str:
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def time_axis(ax: Axes, values, axis: str = "x") -> None:
    """Seconds labelled in s, ms, µs; on a log scale when they span a wide range. Call after plotting."""
    scale_axis(ax, values, axis, EngFormatter(unit="s"))


def scale_axis(ax: Axes, values, axis: str = "y", label=lambda value: f"{value:g}", log: bool | None = None) -> None:
    """A log scale when asked, or else when values span a wide range; under two decades the 2s and
    5s are labelled too, since a log axis may otherwise show a single tick. Call after plotting."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    if wide(values) if log is None else log:
        (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
        low, high = ax.get_xlim() if axis == "x" else ax.get_ylim()
        few_decades = math.log10(high / low) < 2
        target.set_minor_formatter(FuncFormatter(
            lambda value, _: label(value) if few_decades and _leading_digit(value) in (2, 5) else ""))
    target.set_major_formatter(FuncFormatter(lambda value, _: label(value)))


def _leading_digit(value: float) -> int:
    return round(value / 10 ** math.floor(math.log10(value) + 1e-9)) if value > 0 else 0


def format_factor(factor: float) -> str:
    return f"×{factor:.2g}" if factor < 10 else f"×{factor:.0f}"


def wide(values) -> bool:
    values = [v for v in values if v > 0]
    return bool(values) and max(values) / min(values) > WIDE_RANGE
