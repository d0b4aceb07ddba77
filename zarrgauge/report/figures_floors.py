"""Where a read's time goes: its floors (fetch, decode, copy; zarrgauge.harness.measure.floors) and what zarr
adds to them, as shares of the read's median time."""

from __future__ import annotations

import math

from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from zarrgauge.report.load import Record, operations
from zarrgauge.report.style import DPI, describe, format_seconds

PANEL_COLUMNS = 2
PARTS = ("fetch", "decode", "copy", "zarr overhead")
PART_COLOURS = dict(zip(PARTS, ("tab:blue", "tab:orange", "tab:green", "lightgrey")))


def floor_records(records: list[Record], family: str) -> list[Record]:
    return [r for r in records if r.family == family and r.floors is not None]


def shares(record: Record) -> tuple[float, ...]:
    """Each floor's share of the median, then zarr's overhead: the rest, none when the floors add up
    to more (noise, or a floor the read itself beats)."""
    parts = [seconds / record.median for seconds in record.floors]
    return (*parts, max(0.0, 1 - sum(parts)))


def bar_label(record: Record) -> str:
    return record.label if record.store == "local" else f"{record.label} · {record.store}"


def floors_figure(records: list[Record], family: str, tier: str) -> Figure:
    """A panel per read pattern, a stacked bar per case whose floors were measured."""
    mine = floor_records(records, family)
    ops = operations(mine, family)
    bars = [len([r for r in mine if r.operation == op]) for op in ops]
    columns = min(PANEL_COLUMNS, len(ops))
    rows = math.ceil(len(ops) / columns)
    height = sum(0.3 * max(bars[row * columns:(row + 1) * columns]) + 1.4 for row in range(rows)) + 1.8
    fig = Figure(figsize=(7.5 * columns, height), dpi=DPI, layout="constrained")
    fig.suptitle(f"{family}: where the read time goes ({tier} tier)\nshares of zarr's median time; the floors are "
                 "timed alone in the same run; right of each bar: zarr's median and the efficiency", fontsize=11)
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax, op in zip(axes, ops):
        _floors_panel(ax, [r for r in mine if r.operation == op], op)
    for ax in axes[len(ops):]:
        ax.set_visible(False)
    fig.legend(handles=axes[0].containers, labels=list(PARTS), loc="outside lower center", ncols=len(PARTS),
               fontsize=9)
    return fig


def _floors_panel(ax, points: list[Record], operation: str) -> None:
    rows = range(len(points))
    left = [0.0] * len(points)
    for part, values in zip(PARTS, zip(*map(shares, points))):
        ax.barh(rows, values, left=left, color=PART_COLOURS[part], label=part)
        left = [a + b for a, b in zip(left, values)]
    for row, (point, end) in enumerate(zip(points, left)):
        efficiency = sum(point.floors) / point.median
        ax.annotate(f"{format_seconds(point.median)}, {efficiency:.0%}", (end, row), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=7.5)
    ax.axvline(1, color="black", lw=0.8)
    ax.set_yticks(rows, [bar_label(p) for p in points], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, max(1.0, *left) * 1.25)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_title(f"{operation}: {describe(operation)}", fontsize=10)
    ax.set_xlabel("share of zarr's median time")
    ax.grid(True, axis="x", alpha=0.3)
