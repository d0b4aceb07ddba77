"""Where a read's time goes: the machine floor (the least time any engine could take on these stored
bytes here; zarrgauge.harness.measure.floors), split by its steps, and what the engine adds to it, as
shares of the engine's median time."""

from __future__ import annotations

import math

from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from zarrgauge.catalogue.engines import DEFAULT_ENGINE
from zarrgauge.report.load import Record, operations
from zarrgauge.report.style import DPI, describe, format_seconds

PANEL_COLUMNS = 2
PARTS = ("fetch", "decode", "copy", "engine overhead")
PART_COLOURS = dict(zip(PARTS, ("tab:blue", "tab:orange", "tab:green", "lightgrey")))


def floor_records(records: list[Record], family: str) -> list[Record]:
    return [r for r in records if r.family == family and r.floors is not None]


def shares(record: Record) -> tuple[float, ...]:
    """The machine floor's share of the median, split between fetch, decode and copy as their times on
    one core are, then the engine's overhead: the rest, none when the floor is the larger (noise, or an
    engine that beats the floor, which the floor tests look for)."""
    floors = record.floors
    assert floors is not None, "a record of floor_records"
    floor_share = floors.machine / record.median
    parts = [floor_share * seconds / (sum(floors.steps_1core) or 1.0) for seconds in floors.steps_1core]
    return (*parts, max(0.0, 1 - floor_share))


def efficiency(record: Record) -> float:
    assert record.floors is not None, "a record of floor_records"
    return record.floors.machine / record.median


def bar_label(record: Record) -> str:
    where = "" if record.store == "local" else f" · {record.store}"
    engine = "" if record.engine == DEFAULT_ENGINE else f" · {record.engine}"
    return f"{record.label}{where}{engine}"


def floors_figure(records: list[Record], family: str, tier: str) -> Figure:
    """A panel per read pattern, a stacked bar per case whose floors were measured."""
    mine = floor_records(records, family)
    ops = operations(mine, family)
    bars = [len([r for r in mine if r.operation == op]) for op in ops]
    columns = min(PANEL_COLUMNS, len(ops))
    rows = math.ceil(len(ops) / columns)
    height = sum(0.3 * max(bars[row * columns:(row + 1) * columns]) + 1.4 for row in range(rows)) + 1.8
    fig = Figure(figsize=(7.5 * columns, height), dpi=DPI, layout="constrained")
    fig.suptitle(f"{family}: where the read time goes ({tier} tier)\nshares of each engine's median time; the machine "
                 "floor is timed in the same run; right of each bar: the median and the efficiency", fontsize=11)
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
        ax.annotate(f"{format_seconds(point.median)}, {efficiency(point):.0%}", (end, row), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=7.5)
    ax.axvline(1, color="black", lw=0.8)
    ax.set_yticks(rows, [bar_label(p) for p in points], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, max(1.0, *left) * 1.25)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_title(f"{operation}: {describe(operation)}", fontsize=10)
    ax.set_xlabel("share of the engine's median time")
    ax.grid(True, axis="x", alpha=0.3)
