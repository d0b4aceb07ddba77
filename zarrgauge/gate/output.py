"""Rendering comparisons: a terminal table, markdown for CI summaries, and JSON."""

from __future__ import annotations

import json

from zarrgauge.gate.compare import Comparison

SYMBOL = {"regression": "REGRESSION", "improvement": "improved", "same": ""}


def _short(name: str) -> str:
    return name.split("::", 1)[-1]


def _time(comparison: Comparison) -> str:
    t = comparison.time
    return f"{t.ratio:.3f} [{t.low:.3f}, {t.high:.3f}]"


def _metrics(comparison: Comparison) -> str:
    changed = [m for m in comparison.metrics if m.base != m.head and m.name != "instructions"]
    return ", ".join(f"{m.name} {m.base:g}->{m.head:g}" for m in changed) or "unchanged"


def _instructions(comparison: Comparison) -> str:
    """The change in instruction count, beside the time's, when both runs counted them."""
    counted = next((m for m in comparison.metrics if m.name == "instructions"), None)
    if counted is None:
        return "-"
    change = f"{(counted.head / counted.base - 1) * 100:+.2f}%" if counted.base else f"{counted.head:g}"
    return change if counted.verdict == "same" else f"{change} {counted.verdict}"


def rows(comparisons: list[Comparison]) -> list[tuple[str, ...]]:
    """Regressions first, then improvements, then the rest; by ratio within each."""
    order = {"regression": 0, "improvement": 1, "same": 2}
    ranked = sorted(comparisons, key=lambda c: (order[c.verdict], -c.time.ratio))
    return [(_short(c.name), _time(c), _p(c), _instructions(c), _metrics(c), SYMBOL[c.verdict]) for c in ranked]


def _p(comparison: Comparison) -> str:
    t = comparison.time
    return f"{t.p_slower:.3g}" if t.q_slower is None else f"{t.p_slower:.3g} ({t.q_slower:.3g})"


HEADER = ("benchmark", "time ratio [95% CI]", "p slower (FDR-adjusted)", "instructions", "deterministic metrics",
          "verdict")


def summary_line(comparisons: list[Comparison]) -> str:
    counts = {v: sum(c.verdict == v for c in comparisons) for v in ("regression", "improvement", "same")}
    return (f"{len(comparisons)} benchmarks compared: {counts['regression']} regressions, "
            f"{counts['improvement']} improvements, {counts['same']} unchanged")


def terminal(comparisons: list[Comparison]) -> str:
    table = [HEADER, *rows(comparisons)]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in table]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join([*lines, "", summary_line(comparisons)])


def markdown(comparisons: list[Comparison]) -> str:
    def line(cells):
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    body = [line(HEADER), "|" + "---|" * len(HEADER), *(line(row) for row in rows(comparisons))]
    return "\n".join(["## zarrgauge gate", "", summary_line(comparisons), "", *body]) + "\n"


def as_json(comparisons: list[Comparison]) -> str:
    return json.dumps([{
        "benchmark": c.name, "group": c.group, "verdict": c.verdict, "time_verdict": c.time_verdict,
        "time": {"ratio": c.time.ratio, "low": c.time.low, "high": c.time.high, "test": c.time.test,
                 "p_slower": c.time.p_slower, "p_faster": c.time.p_faster,
                 "q_slower": c.time.q_slower, "q_faster": c.time.q_faster,
                 "base_median": c.time.base_median, "head_median": c.time.head_median},
        "metrics": [{"name": m.name, "base": m.base, "head": m.head, "verdict": m.verdict} for m in c.metrics],
    } for c in comparisons], indent=2)
