"""Figures and tables of the remote clients against the network and against zarr's concurrency."""

from __future__ import annotations

import math
from collections.abc import Sequence

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from zarrgauge.catalogue.networks import PROFILES
from zarrgauge.catalogue.stores import REMOTE_STORES
from zarrgauge.report.load import Record, operations
from zarrgauge.report.style import DPI, format_seconds, scale_axis, time_axis

PANEL_COLUMNS = 3
CLIENT_COLOURS = dict(zip(REMOTE_STORES, ("C0", "C3", "C1", "C2")))


def _clients(records: list[Record]) -> list[str]:
    return [store for store in REMOTE_STORES if any(r.store == store for r in records)]


def _panels(count: int, title: str, height: float = 3.6) -> tuple[Figure, list]:
    columns = min(PANEL_COLUMNS, count)
    rows = math.ceil(count / columns)
    fig = Figure(figsize=(4.6 * columns, height * rows + 1.4), dpi=DPI, layout="constrained")
    fig.suptitle(title, fontsize=11)
    axes = list(fig.subplots(rows, columns, squeeze=False).ravel())
    for ax in axes[count:]:
        ax.set_visible(False)
    return fig, axes[:count]


def _client_legend(fig: Figure, clients: list[str], extra: Sequence[Line2D] = ()) -> None:
    handles = [Line2D([], [], color=CLIENT_COLOURS[c], marker="o", label=c) for c in clients] + list(extra)
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=9)


def network_figure(remote: list[Record], family: str) -> Figure:
    """A panel per operation: median time against the network, a line per client and layout."""
    mine = [r for r in remote if r.family == family]
    names = [name for name in PROFILES if any(r.network == name for r in mine)]
    ops = operations(mine, family)
    fig, axes = _panels(len(ops), f"{family}: median time against the network (solid: balanced layout, "
                                  "dashed: the others)")
    for ax, operation in zip(axes, ops):
        lines = [r for r in mine if r.operation == operation]
        for store, layout in dict.fromkeys((r.store, r.layout_label) for r in lines):
            points = {r.network: r.median for r in lines if (r.store, r.layout_label) == (store, layout)}
            shown = [name for name in names if name in points]
            ax.plot([names.index(name) for name in shown], [points[name] for name in shown], marker="o",
                    color=CLIENT_COLOURS[store], ls="-" if layout.startswith("balanced") else "--")
        ax.set_xticks(range(len(names)), names)
        ax.set_title(operation, fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
        time_axis(ax, [r.median for r in lines], "y")
    _client_legend(fig, _clients(mine))
    return fig


def _swept(records: list[Record]) -> list[Record]:
    return [r for r in records if r.swept and r.store in REMOTE_STORES and r.concurrency]


def concurrency_rows(records: list[Record]) -> tuple[list[str], list[list[str]]]:
    """A row per client and network; a column per concurrency: median time and peak in flight."""
    swept = _swept(records)
    values = sorted({r.concurrency for r in swept if r.concurrency is not None})
    by_point = {(r.store, r.network, r.concurrency): r for r in swept}
    rows = []
    for store in _clients(swept):
        for network in (name for name in PROFILES if any((r.store, r.network) == (store, name) for r in swept)):
            cells = [by_point.get((store, network, n)) for n in values]
            rows.append([store, network, *(f"{format_seconds(r.median)} ({r.peak_in_flight} in flight)" if r else ""
                                           for r in cells)])
    return ["client", "network", *(f"concurrency {n}" for n in values)], rows


def concurrency_figure(records: list[Record]) -> Figure:
    """A panel per network: median time against async.concurrency, a line per client."""
    swept = _swept(records)
    names = [name for name in PROFILES if any(r.network == name for r in swept)]
    fig, axes = _panels(len(names), "The many-chunk read against zarr's async.concurrency")
    for ax, network in zip(axes, names):
        here = [r for r in swept if r.network == network]
        for store in _clients(here):
            points = sorted((r.concurrency, r.median) for r in here if r.store == store)
            ax.plot(*zip(*points), marker="o", color=CLIENT_COLOURS[store])
        ax.set_title(f"network {network}", fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
        ax.set_xlabel("async.concurrency")
        scale_axis(ax, [r.concurrency for r in here], "x", log=True)
        time_axis(ax, [r.median for r in here], "y")
    _client_legend(fig, _clients(swept))
    return fig
