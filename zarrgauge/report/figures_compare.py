"""Figures comparing runs: each benchmark's time ratio against the base run, with its interval."""

from __future__ import annotations

import re

from matplotlib.figure import Figure

from zarrgauge.catalogue.families import FAMILIES
from zarrgauge.catalogue.operations import TIMED_OPERATIONS
from zarrgauge.gate.compare import Comparison, Thresholds
from zarrgauge.report.style import DPI, scale_axis

RATIO_SPAN = (0.5, 2.0)


def group_of(comparison: Comparison) -> str:
    """pytest-benchmark's group: an operation on one family, e.g. 'read_full seasonal-series'."""
    return comparison.group or comparison.name.rsplit("::", 1)[-1].split("[")[0]


def case_name(comparison: Comparison) -> str:
    """The benchmark's case id (its pytest parameter), else its test name."""
    found = re.search(r"\[(.*)\]$", comparison.name)
    return found.group(1) if found else comparison.name.rsplit("::", 1)[-1]


def groups(comparisons_by_head: dict[str, list[Comparison]]) -> list[str]:
    """Array groups in catalogue order (operation, then family), then the hierarchy and attribute groups."""
    found = {group_of(c) for comparisons in comparisons_by_head.values() for c in comparisons}
    order = [f"{op} {family}" for op in TIMED_OPERATIONS for family in FAMILIES]
    return sorted(found, key=lambda group: (order.index(group) if group in order else len(order), group))


def _row_label(comparison: Comparison) -> str:
    """The case id without the family, which the figure's title already names."""
    family = group_of(comparison).partition(" ")[2]
    return case_name(comparison).removeprefix(family + "/") if family else case_name(comparison)


def ratio_figure(comparisons_by_head: dict[str, list[Comparison]], base_label: str, group: str) -> Figure:
    """Horizontal bars from 1 to each head's median time ratio, with the gate's 95% interval (one run a side:
    the spread between processes stored with the gate)."""
    picked = {head: {c.name: c for c in comparisons if group_of(c) == group}
              for head, comparisons in comparisons_by_head.items()}
    names = list(dict.fromkeys(name for by_name in picked.values() for name in by_name))
    heads = list(picked)
    height = 0.8 / len(heads)
    fig = Figure(figsize=(11, 0.32 * len(names) * max(1, len(heads) * 0.7) + 1.8), dpi=DPI, layout="constrained")
    ax = fig.subplots()
    ratios = [1.0]
    for k, head in enumerate(heads):
        shown = [(i, picked[head][name]) for i, name in enumerate(names) if name in picked[head]]
        ys = [i + (k - (len(heads) - 1) / 2) * height for i, _ in shown]
        values = [c.time.ratio for _, c in shown]
        errors = [[c.time.ratio - c.time.low for _, c in shown], [c.time.high - c.time.ratio for _, c in shown]]
        ax.barh(ys, [v - 1 for v in values], height, left=1, color=f"C{k}", alpha=0.8, label=head,
                xerr=errors, error_kw={"elinewidth": 1, "capsize": 2, "ecolor": "black"})
        ax.plot(values, ys, ls="", marker="o", ms=4, color=f"C{k}", markeredgecolor="black")
        ratios += [c.time.low for _, c in shown] + [c.time.high for _, c in shown]
    factor = Thresholds().factor
    ax.axvline(1, color="black", lw=1)
    for limit in (factor, 1 / factor):
        ax.axvline(limit, color="grey", lw=0.8, ls="--")
    labels = {name: _row_label(c) for by_name in picked.values() for name, c in by_name.items()}
    ax.set_yticks(range(len(names)), [labels[n] for n in names], fontsize=8)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xlabel("time ratio, run / base median "
                  f"(whiskers: the gate's 95% interval; dashed: its factor {factor})")
    ax.set_title(f"{group}: time against {base_label} (right of 1 = slower)", fontsize=11)
    ax.legend(title="run", fontsize=8, loc="best")
    ax.grid(True, axis="x", which="both", alpha=0.3)
    # ratios are symmetric on a log scale: 2x slower sits as far from 1 as 2x faster; showing at
    # least 0.5x to 2x keeps labelled ticks on the axis and small changes looking small
    ax.set_xlim(min(RATIO_SPAN[0], min(ratios) / 1.1), max(RATIO_SPAN[1], max(ratios) * 1.1))
    scale_axis(ax, ratios, "x", label=lambda value: f"{value:g}x", log=True)
    return fig
