"""Figures comparing runs: each benchmark's time ratio against the base run, with its interval."""

from __future__ import annotations

import re

from matplotlib.figure import Figure

from zarrgauge.gate.compare import Comparison, Thresholds
from zarrgauge.report.style import DPI, scale_axis


def case_name(comparison: Comparison) -> str:
    """The benchmark's case id (its pytest parameter), else its test name."""
    found = re.search(r"\[(.*)\]$", comparison.name)
    test = comparison.name.rsplit("::", 1)[-1].split("[")[0].removeprefix("test_")
    return f"{found.group(1)}" if found else test


def topic(comparison: Comparison) -> str:
    """What a figure gathers: the operation, the first word of the benchmark's group."""
    return (comparison.group or comparison.name.rsplit("::", 1)[-1]).split()[0]


def topics(comparisons_by_head: dict[str, list[Comparison]]) -> list[str]:
    return list(dict.fromkeys(topic(c) for comparisons in comparisons_by_head.values() for c in comparisons))


def ratio_figure(comparisons_by_head: dict[str, list[Comparison]], base_label: str, operation: str) -> Figure:
    """Horizontal bars from 1 to each head's median time ratio, with its 95% bootstrap interval."""
    picked = {head: {c.name: c for c in comparisons if topic(c) == operation}
              for head, comparisons in comparisons_by_head.items()}
    names = list(dict.fromkeys(name for by_name in picked.values() for name in by_name))
    heads = list(picked)
    height = 0.8 / len(heads)
    fig = Figure(figsize=(12, 0.3 * len(names) * max(1, len(heads) * 0.7) + 2.2), dpi=DPI, layout="constrained")
    ax = fig.subplots()
    ratios = [1.0]
    for k, head in enumerate(heads):
        shown = [(i, picked[head][name]) for i, name in enumerate(names) if name in picked[head]]
        ys = [i + (k - (len(heads) - 1) / 2) * height for i, _ in shown]
        values = [c.time.ratio for _, c in shown]
        errors = [[c.time.ratio - c.time.low for _, c in shown], [c.time.high - c.time.ratio for _, c in shown]]
        ax.barh(ys, [v - 1 for v in values], height, left=1, color=f"C{k}", label=head,
                xerr=errors, error_kw={"elinewidth": 1, "capsize": 2, "ecolor": "black"})
        ratios += [c.time.low for _, c in shown] + [c.time.high for _, c in shown]
    factor = Thresholds().factor
    ax.axvline(1, color="black", lw=1)
    for limit in (factor, 1 / factor):
        ax.axvline(limit, color="grey", lw=0.8, ls="--")
    labels = {name: case_name(c) for by_name in picked.values() for name, c in by_name.items()}
    ax.set_yticks(range(len(names)), [labels[n] for n in names], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(f"time ratio against {base_label} (median; whiskers: 95% bootstrap interval; "
                  f"dashed: the gate's factor {factor})")
    ax.set_title(f"{operation}: time of each benchmark relative to the base run (right of 1 = slower)")
    ax.legend(title="run", fontsize=8, loc="best")
    ax.grid(True, axis="x", which="both", alpha=0.3)
    scale_axis(ax, ratios, "x", label=lambda value: f"{value:g}x")
    return fig
