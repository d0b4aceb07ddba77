"""Figures of one run: compression ratio against read time with the Pareto front, and layout x operation."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from zarrgauge.catalogue.cases import DEFAULT_CODEC
from zarrgauge.catalogue.operations import WRITES
from zarrgauge.report import ties
from zarrgauge.report.load import Record, operations
from zarrgauge.report.pareto import CHOICE_STORE, choices, zarr_default
from zarrgauge.report.style import (
    DPI,
    codec_colour,
    describe,
    format_factor,
    format_seconds,
    layout_marker,
    scale_axis,
    time_axis,
)

PANEL_COLUMNS = 2
MIN_RATIO_SPAN = 0.1  # the y axis of a panel spans at least 10% of its ratios


def read_operations(records: list[Record], family: str) -> list[str]:
    """Read patterns with at least two choices to set against each other."""
    return [op for op in operations(records, family)
            if op not in WRITES and len(choices(records, family, op)) > 1]


def pareto_figure(records: list[Record], family: str, tier: str) -> Figure:
    """One panel per read pattern: every layout and codec timed, the front drawn and labelled."""
    ops = read_operations(records, family)
    columns = min(PANEL_COLUMNS, len(ops))
    rows = math.ceil(len(ops) / columns)
    fig = Figure(figsize=(6.2 * columns, 4.8 * rows + 1.6), dpi=DPI, layout="constrained")
    fig.suptitle(f"{family}: compression ratio against read time ({tier} tier, {CHOICE_STORE} store)\n"
                 "black line, labelled points: the Pareto front (no other choice is clearly faster and as small, or "
                 "clearly smaller and as fast); green rings: tied for the fastest", fontsize=12)
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    shown: list[Record] = []
    for ax, op in zip(axes, ops):
        shown += _pareto_panel(ax, choices(records, family, op), op)
    for ax in axes[len(ops):]:
        ax.set_visible(False)
    _choice_legend(fig, shown)
    return fig


def _pareto_panel(ax, points: list[Record], operation: str) -> list[Record]:
    for point in points:
        ax.scatter(point.median, point.compression_ratio, s=46, marker=layout_marker(point.layout),
                   color=codec_colour(point.codec), label=point.label, zorder=3)
    front = ties.front(points)
    ax.plot([p.median for p in front], [p.compression_ratio for p in front], color="black", lw=1.2,
            marker="o", mfc="none", ms=13, label="Pareto front", zorder=2)
    fastest = ties.speed_ties(points)
    ax.scatter([p.median for p in fastest], [p.compression_ratio for p in fastest], s=330, facecolors="none",
               edgecolors="tab:green", linewidths=1.6, label="tied for the fastest", zorder=2)
    default = zarr_default(points)
    middle = math.sqrt(min(p.median for p in points) * max(p.median for p in points))
    for i, point in enumerate(front):
        text = point.label + (" (zarr default)" if point is default else "")
        left = point.median > middle  # labels of the slower points go to their left, inside the axes
        ax.annotate(text, (point.median, point.compression_ratio), xytext=(-8 if left else 8, 10 - 12 * (i % 3)),
                    textcoords="offset points", fontsize=7.5, ha="right" if left else "left")
    ax.set_title(f"{operation}: {describe(operation)}", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    _at_least_span(ax, [p.compression_ratio for p in points])
    time_axis(ax, [p.median for p in points])
    scale_axis(ax, [p.compression_ratio for p in points], "y")
    ax.set_xlabel("median time per run" + (" (log scale)" if ax.get_xscale() == "log" else ""))
    ax.set_ylabel("compression ratio (raw / stored bytes)" + (" (log scale)" if ax.get_yscale() == "log" else ""))
    return points


def _at_least_span(ax, ratios: list[float]) -> None:
    """Ratios a few tenths of a percent apart should not fill the axis as if they differed much."""
    middle = (max(ratios) + min(ratios)) / 2
    if max(ratios) - min(ratios) < MIN_RATIO_SPAN * middle:
        ax.set_ylim(middle * (1 - MIN_RATIO_SPAN / 2), middle * (1 + MIN_RATIO_SPAN / 2))


def _choice_legend(fig: Figure, points: list[Record]) -> None:
    codecs = dict.fromkeys(p.codec for p in points)
    layouts = dict.fromkeys(p.layout for p in points)
    handles = [Line2D([], [], ls="", marker="s", ms=9, color=codec_colour(c), label=c) for c in codecs]
    handles += [Line2D([], [], ls="", marker=layout_marker(r), ms=8, color="dimgray", label=f"layout {r}")
                for r in layouts]
    fig.legend(handles=handles, loc="outside lower center", ncols=min(8, len(handles)), fontsize=9,
               title="colour: codec · marker: chunk layout")


def layout_grid(records: list[Record], family: str) -> tuple[list[str], list[str], np.ndarray]:
    """Median seconds per (layout, operation) of zarr's default codec, v3, on the local store."""
    picked = [r for r in records if r.family == family and r.codec == DEFAULT_CODEC and r.zarr_format == 3
              and r.store == CHOICE_STORE]
    layouts = list(dict.fromkeys(r.layout_label for r in picked))
    ops = operations(picked, family)
    times = np.full((len(layouts), len(ops)), np.nan)
    for r in picked:
        times[layouts.index(r.layout_label), ops.index(r.operation)] = r.median
    return layouts, ops, times


def layout_heatmap(records: list[Record], family: str, tier: str) -> Figure:
    """Colour: slowdown against the best layout of each operation; text: the median time."""
    layouts, ops, times = layout_grid(records, family)
    slowdown = times / np.nanmin(times, axis=0)
    fig = Figure(figsize=(1.7 * len(ops) + 3.5, 0.62 * len(layouts) + 2.2), dpi=DPI, layout="constrained")
    ax = fig.subplots()
    norm = LogNorm(1, max(2.0, float(np.nanmax(slowdown))))
    image = ax.imshow(np.ma.masked_invalid(slowdown), cmap="YlOrRd", norm=norm, aspect="auto")
    for (i, j), seconds in np.ndenumerate(times):
        text = "not timed" if np.isnan(seconds) else f"{format_seconds(seconds)}\n{format_factor(slowdown[i, j])}"
        dark = not np.isnan(seconds) and norm(slowdown[i, j]) > 0.6
        ax.text(j, i, text, ha="center", va="center", fontsize=8, color="white" if dark else "black")
    ax.set_xticks(range(len(ops)), ops, rotation=30, ha="right")
    ax.set_yticks(range(len(layouts)), layouts)
    ax.set_xlabel("access pattern")
    ax.set_ylabel("chunk layout (chunks in shards)")
    ax.set_title(f"{family}: median time per layout and access pattern\n"
                 f"(zarr-default codec, v3, {CHOICE_STORE} store, {tier} tier; ×N = slowdown against the best layout)",
                 fontsize=10)
    fig.colorbar(image, ax=ax, label="slowdown against the best layout (×, log scale)")
    return fig
