"""Rendering comparisons: a terminal table, markdown for CI summaries, and JSON."""

from __future__ import annotations

import json

from zarrgauge.gate.compare import UNCONFIRMED, Comparison, OneRunLimits, Verdict
from zarrgauge.gate.stats import TimeChange

SYMBOL = {"regression": "REGRESSION", "improvement": "improved", "same": ""}


def _short(name: str) -> str:
    return name.split("::", 1)[-1]


def _ratio(t: TimeChange) -> str:
    return f"{t.ratio:.3f} [{t.low:.3f}, {t.high:.3f}]"


def _metrics(comparison: Comparison) -> str:
    changed = [m for m in comparison.metrics if m.base != m.head and m.name != "instructions"]
    return ", ".join(f"{m.name} {m.base:g}->{m.head:g}{' (unconfirmed)' * (m.verdict == UNCONFIRMED)}"
                     for m in changed) or "unchanged"


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
    return [(_short(c.name), _ratio(c.time), _p(c), _instructions(c), _metrics(c), SYMBOL[c.verdict]) for c in ranked]


def _p(comparison: Comparison) -> str:
    t = comparison.time
    return f"{t.p_slower:.3g}" if t.q_slower is None else f"{t.p_slower:.3g} ({t.q_slower:.3g})"


HEADER = ("benchmark", "time ratio [95% CI]", "p slower (FDR-adjusted)", "instructions", "deterministic metrics",
          "verdict")


def visibility_line(limits: OneRunLimits) -> str:
    """What a comparison of one run a side can see, said before its table."""
    scatter = "" if limits.observed is None else f", {limits.observed.faster:.1%} faster between these two"
    scatter += f", a whole run's {limits.stored_shift:.1%}"
    return (f"one run a side: a benchmark must be about {_slower(limits.smallest_visible_ratio)} to be seen, "
            f"all of them together about {_slower(limits.smallest_visible_together)} (its time moves "
            f"{limits.stored_spread:.1%} from one process to another{scatter}); peak memory counts when it "
            f"moves beyond the tolerance one way in {limits.peak_moves_needed} benchmarks or more; "
            "use `zarrgauge ab`, both runs on one CPU (--zarr-cpus) or instruction counts for less")


def _slower(ratio: float) -> str:
    return f"{(ratio - 1) * 100:.0f}% slower" if ratio < 2 else f"{ratio:.3g} times as slow"


def overall_line(overall: TimeChange, verdict: str) -> str:
    named = f" {SYMBOL[verdict]}" if verdict != "same" else ""
    rounds = len(overall.round_ratios)
    evidence = f"on its {rounds} rounds" if rounds > 1 else "with one run a side"
    return (f"all together {_ratio(overall)} p slower {overall.p_slower:.3g}{named} (geometric mean of the time "
            f"ratios, judged as one more benchmark {evidence})")


def summary_line(verdict: Verdict) -> str:
    comparisons = verdict.comparisons
    counts = {v: sum(c.verdict == v for c in comparisons) for v in ("regression", "improvement", "same")}
    line = (f"{len(comparisons)} benchmarks compared: {counts['regression']} regressions, "
            f"{counts['improvement']} improvements, {counts['same']} unchanged")
    return line if verdict.overall is None else f"{line}; {overall_line(verdict.overall, verdict.overall_verdict)}"


def _preamble(verdict: Verdict) -> list[str]:
    return [] if verdict.one_run is None else [visibility_line(verdict.one_run), ""]


def terminal(verdict: Verdict) -> str:
    table = [HEADER, *rows(verdict.comparisons)]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in table]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join([*_preamble(verdict), *lines, "", summary_line(verdict)])


def markdown(verdict: Verdict) -> str:
    def line(cells):
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    body = [line(HEADER), "|" + "---|" * len(HEADER), *(line(row) for row in rows(verdict.comparisons))]
    return "\n".join(["## zarrgauge gate", "", *_preamble(verdict), summary_line(verdict), "", *body]) + "\n"


def _time_json(t: TimeChange) -> dict:
    return {"ratio": t.ratio, "low": t.low, "high": t.high, "test": t.test, "p_slower": t.p_slower,
            "p_faster": t.p_faster, "q_slower": t.q_slower, "q_faster": t.q_faster,
            "base_median": t.base_median, "head_median": t.head_median}


def as_json(verdict: Verdict) -> str:
    """The verdicts of every benchmark; all of them together (medians: their sums); what one run a side can see."""
    limits = verdict.one_run
    return json.dumps({
        "regressed": verdict.regressed,
        "benchmarks": [{
            "benchmark": c.name, "group": c.group, "verdict": c.verdict, "time_verdict": c.time_verdict,
            "time": _time_json(c.time),
            "metrics": [{"name": m.name, "base": m.base, "head": m.head, "verdict": m.verdict} for m in c.metrics],
        } for c in verdict.comparisons],
        "overall": None if verdict.overall is None else {**_time_json(verdict.overall),
                                                         "verdict": verdict.overall_verdict},
        "one_run_a_side": None if limits is None else {
            "stored_spread": limits.stored_spread,
            "stored_shift": limits.stored_shift,
            "observed_faster_spread": limits.observed.faster if limits.observed else None,
            "observed_slower_spread": limits.observed.slower if limits.observed else None,
            "observed_bulk_spread": limits.observed.bulk if limits.observed else None,
            "smallest_visible_ratio": limits.smallest_visible_ratio,
            "smallest_visible_together": limits.smallest_visible_together,
            "peak_moves_needed": limits.peak_moves_needed},
    }, indent=2)
