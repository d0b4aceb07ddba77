"""Pairing the benchmarks of two runs and judging each pair.

Time: a regression only when the ratio exceeds a factor, a one-sided test is significant, and
the absolute slowdown is above a floor; all three, so that neither noise nor nanosecond-scale
jitter on fast benchmarks trips the gate. The test: a t test on the rounds of `zarrgauge ab` (the
ratio is then the geometric mean of the rounds'); two plain runs, one process a side, are one round
judged with the process-to-process spread stored with the gate, or the pair's own when wider
(gate/stats.py and gate/spread.py say why). Significance is judged on p-values adjusted for the
false discovery rate over every benchmark of the comparison (Benjamini-Hochberg) at 0.05: tested
one by one, chance alone would flag about one in twenty unchanged benchmarks that the factor and
floor let through. All benchmarks together are judged as one more benchmark whose rounds are each
round's geometric mean of their ratios (stats.overall_change), so that a slowdown of every
benchmark that none proves alone still fails the gate.
Deterministic metrics: exact, except peak traced memory, which moves a few percent between
identical runs, both ways (judged on `ab`'s rounds where it has them: ROUNDWISE; one run a side, by how
many benchmarks moved: _confirmed_by_count), and instruction counts (`zarrgauge instructions`), which
move up to 0.3%: a change beyond 1% counts.
"""

from __future__ import annotations

import fnmatch
import math
from collections import Counter
from dataclasses import dataclass, field, replace

from zarrgauge.catalogue.stores import WIRE_REQUESTS
from zarrgauge.errors import ZarrgaugeError
from zarrgauge.gate.spread import stored_peak_jumps, stored_prior, stored_shift
from zarrgauge.gate.stats import (
    ONE_RUN,
    Observed,
    OneRunScatter,
    RoundPrior,
    TimeChange,
    benjamini_hochberg,
    judged_on_rounds,
    observed,
    overall_change,
    scatter_of_one_run,
    shift_bound,
    smallest_visible_ratio,
    widened,
)

# metric -> True when lower is better
METRICS = {
    "stored_bytes": True, "compression_ratio": False, "store_get": True, "store_get_partial": True,
    "store_set": True, "store_exists": True, "store_list": True, "store_delete": True,
    "bytes_read": True, "bytes_written": True, "peak_traced_bytes": True, "instructions": True,
    # requests that crossed the wire to the S3 server (zarrgauge.objectstore.proxy), remote stores only
    **{f"wire_{kind}": True for kind in (*WIRE_REQUESTS, "404")},
    # the dask executor's graph, and the requests its tasks make of the store (zarrgauge.harness.dask.runs)
    "dask_tasks": True, "dask_store_reads": True, "dask_bytes_read": True,
    # from asv results (zarrgauge.asv.results)
    "store_requests": True, "stored_fraction": True, "peakmem_bytes": True,
}
PEAK_TOLERANCE, INSTRUCTIONS_TOLERANCE = 0.05, 0.01
METRIC_TOLERANCE = {"peak_traced_bytes": PEAK_TOLERANCE, "peakmem_bytes": PEAK_TOLERANCE,
                    "instructions": INSTRUCTIONS_TOLERANCE}
# Peak memory jumps between identical processes, up (in a whole-tier A/A of 8 processes, 15 of 450 benchmarks
# somewhere: a write from 230 kB to 344 kB) and down (an S3 hierarchy opening at 366 kB in one round against
# 385 to 391 kB in the seven others), so that neither the median of four rounds nor the least of them is safe:
# from `ab`, a change counts only when, beyond the tolerance, every head round is also beyond every base round.
# Four rounds against four so separated by chance: 1 in 70 (docs/measurements.md, "A/A over the whole quick tier").
ROUNDWISE = ("peak_traced_bytes", "peakmem_bytes")
IDENTITY_KEYS = ("case", "tier", "nbytes", "shape", "dtype", "network")
UNCONFIRMED = "unconfirmed"  # one run a side: a move of peak memory a process's own jumps could make


@dataclass(frozen=True)
class Thresholds:
    factor: float = 1.10
    # The rounds' test is calibrated (its A/A p-values are uniform), so Benjamini-Hochberg at 0.05 keeps
    # the chance of any false alarm in a comparison of unchanged benchmarks at 5% at most.
    alpha: float = 0.05
    floor_seconds: float = 20e-6
    metric_tolerance: dict[str, float] = field(default_factory=lambda: dict(METRIC_TOLERANCE))


@dataclass(frozen=True)
class MetricChange:
    name: str
    base: float
    head: float
    verdict: str  # "same", "regression", "improvement" or UNCONFIRMED (counts as "same")


@dataclass(frozen=True)
class Comparison:
    name: str
    group: str
    time: TimeChange
    metrics: tuple[MetricChange, ...]
    time_verdict: str

    @property
    def verdict(self) -> str:
        verdicts = {self.time_verdict, *(m.verdict for m in self.metrics)}
        return next((v for v in ("regression", "improvement") if v in verdicts), "same")


def _timings(bench: dict, label: str) -> list[float]:
    data = bench.get("stats", {}).get("data")
    if not data or len(data) < 3:
        raise ZarrgaugeError(f"{label}: {bench['fullname']} has no raw timings; "
                            "run with --benchmark-json (or --benchmark-save-data) and at least 3 rounds")
    return data


def _check_same_case(base: dict, head: dict) -> None:
    for key in IDENTITY_KEYS:
        b, h = base.get("extra_info", {}).get(key), head.get("extra_info", {}).get(key)
        if b != h:
            raise ZarrgaugeError(f"mismatched cases: {base['fullname']} has {key}={b!r} in base, {h!r} in head")


def judge_time(change: TimeChange, limits: Thresholds) -> str:
    """On the adjusted p-values when the comparison has them (compare_runs), else the raw ones."""
    p_slower = change.p_slower if change.q_slower is None else change.q_slower
    p_faster = change.p_faster if change.q_faster is None else change.q_faster
    if change.ratio > limits.factor and p_slower < limits.alpha and change.seconds_added > limits.floor_seconds:
        return "regression"
    if (change.ratio < 1 / limits.factor and p_faster < limits.alpha
            and -change.seconds_added > limits.floor_seconds):
        return "improvement"
    return "same"


def _round_ratios(base: dict, head: dict) -> tuple[float, ...]:
    base_rounds, head_rounds = base["stats"].get("round_medians", []), head["stats"].get("round_medians", [])
    if len(base_rounds) != len(head_rounds):
        return ()
    return tuple(h / b for b, h in zip(base_rounds, head_rounds))


def rounds_key(name: str) -> str:
    return f"{name}_rounds"


def judge_metric(name: str, base: float, head: float, limits: Thresholds,
                 rounds: tuple[list[float], list[float]] = ([], [])) -> MetricChange:
    """`rounds`: each round's value of base and of head, when the runs come from `ab` (ROUNDWISE)."""
    tolerance = limits.metric_tolerance.get(name, 0.0) * abs(base)
    if abs(head - base) <= tolerance or not _rounds_apart(head > base, *rounds):
        return MetricChange(name, base, head, "same")
    worse = (head > base) == METRICS[name]
    return MetricChange(name, base, head, "regression" if worse else "improvement")


def _rounds_apart(higher: bool, base_rounds: list[float], head_rounds: list[float]) -> bool:
    """Every head round on the changed side of every base round (true when either side has none)."""
    if not base_rounds or not head_rounds:
        return True
    return min(head_rounds) > max(base_rounds) if higher else max(head_rounds) < min(base_rounds)


def thresholds_for(bench: dict, default: Thresholds, overrides: dict[str, dict]) -> Thresholds:
    """Overrides are keyed by glob patterns on the benchmark's group or full name."""
    for pattern, values in overrides.items():
        if fnmatch.fnmatchcase(bench.get("group") or "", pattern) or fnmatch.fnmatchcase(bench["fullname"], pattern):
            return replace(default, **values)
    return default


def _observed(base: dict, head: dict) -> Observed:
    _check_same_case(base, head)
    return observed(_timings(base, "base"), _timings(head, "head"), _round_ratios(base, head))


def _comparison(base: dict, head: dict, change: TimeChange, limits: Thresholds) -> Comparison:
    base_info, head_info = base.get("extra_info", {}), head.get("extra_info", {})
    metrics = tuple(judge_metric(name, base_info[name], head_info[name], limits,
                                 (base_info.get(rounds_key(name), []), head_info.get(rounds_key(name), [])))
                    for name in METRICS if name in base_info and name in head_info)
    return Comparison(base["fullname"], base.get("group") or "", change, metrics, judge_time(change, limits))


def with_false_discovery_rate(changes: list[TimeChange]) -> list[TimeChange]:
    """Each change with its p-values adjusted over all of them, both directions apart."""
    q_slower = benjamini_hochberg([change.p_slower for change in changes])
    q_faster = benjamini_hochberg([change.p_faster for change in changes])
    return [replace(change, q_slower=slower, q_faster=faster)
            for change, slower, faster in zip(changes, q_slower, q_faster)]


def compare_runs(base: list[dict], head: list[dict], default: Thresholds = Thresholds(),
                 overrides: dict[str, dict] | None = None) -> list[Comparison]:
    """Compare every benchmark present in both runs; raise ZarrgaugeError if there is none."""
    return judge_runs(base, head, default, overrides).comparisons


@dataclass(frozen=True)
class OneRunLimits:
    """What one run a side can see: the spread of a log ratio between two processes of the same code,
    as stored with the gate (a benchmark's, and a whole run's) and as these runs' benchmarks scatter (the
    wider is the one judged with), and the smallest ratio a lone slower benchmark among those compared, or
    all of them together, must show to be flagged; how many benchmarks' peak memory must move one way to
    count (_confirmed_by_count)."""

    stored_spread: float
    stored_shift: float  # of all benchmarks of a run together (shift_bound)
    observed: OneRunScatter | None  # None: too few benchmarks judged so to tell
    smallest_visible_ratio: float
    smallest_visible_together: float  # the same for all benchmarks together
    peak_moves_needed: int  # benchmarks whose peak memory must move one way for the move to count


@dataclass(frozen=True)
class Verdict:
    """A whole comparison: each benchmark's, all of them together (None for a single benchmark), and
    the limits of one run a side when some benchmark was judged so (else None)."""

    comparisons: list[Comparison]
    overall: TimeChange | None
    overall_verdict: str
    one_run: OneRunLimits | None

    @property
    def regressed(self) -> bool:
        return self.overall_verdict == "regression" or any(c.verdict == "regression" for c in self.comparisons)


def _pairs(base: list[dict], head: list[dict]) -> list[tuple[dict, dict]]:
    """Each benchmark of both runs, base and head; ZarrgaugeError if there is none."""
    head_by_name = {bench["fullname"]: bench for bench in head}
    pairs = [(bench, head_by_name[bench["fullname"]]) for bench in base if bench["fullname"] in head_by_name]
    if not pairs:
        raise ZarrgaugeError("no benchmarks in common between base and head")
    return pairs


def judge_runs(base: list[dict], head: list[dict], default: Thresholds = Thresholds(),
               overrides: dict[str, dict] | None = None) -> Verdict:
    """Every benchmark present in both runs judged, then all of them together by the default thresholds."""
    pairs = _pairs(base, head)
    observations = [_observed(b, h) for b, h in pairs]
    stored, scatter = stored_prior(), scatter_of_one_run(observations)

    def one_run_prior(change: Observed) -> RoundPrior:
        """Against how far the pair's benchmarks strayed the other way, jumps included, when wider than stored."""
        return widened(stored, scatter.against(change) if scatter else 0.0)

    changes = with_false_discovery_rate(judged_on_rounds(observations, one_run_prior))
    comparisons = _confirmed_by_count([_comparison(b, h, change, thresholds_for(b, default, overrides or {}))
                                       for (b, h), change in zip(pairs, changes)], stored_peak_jumps())
    overall = overall_change(changes, shift_bound(stored_shift(), scatter))
    one_run = _one_run_limits(stored, scatter, len(changes), default) if any(
        change.test == ONE_RUN for change in changes) else None
    return Verdict(comparisons, overall, judge_time(overall, default) if overall else "same", one_run)


def _confirmed_by_count(comparisons: list[Comparison], most_moved: int) -> list[Comparison]:
    """Peak memory of one run a side, which has no rounds to tell a process's jump from a change: a move
    beyond the tolerance counts only when more benchmarks made it, the same way, than ever did between
    two unchanged plain runs (`most_moved`, stored with the gate). A process's jumps hit a benchmark or
    two (58 pairs of plain runs of the reads here, memory unchanged: a remote read's peak 17% up or down
    within one process, a local read's 4.4 times higher in 4 of 87 processes, at most 3 benchmarks beyond
    5% one way in a pair); a change in the code moves every benchmark that runs it. Fewer moves are
    reported as UNCONFIRMED, for `zarrgauge ab` to judge."""
    moved = Counter((m.name, m.verdict) for c in comparisons for m in _one_run_peaks(c))
    return [replace(c, metrics=tuple(
        replace(m, verdict=UNCONFIRMED) if m in _one_run_peaks(c) and moved[m.name, m.verdict] <= most_moved else m
        for m in c.metrics)) for c in comparisons]


def _one_run_peaks(comparison: Comparison) -> list[MetricChange]:
    """The peaks that moved in a benchmark compared one run a side."""
    return [m for m in comparison.metrics if comparison.time.test == ONE_RUN and m.name in ROUNDWISE
            and m.verdict in ("regression", "improvement")]


def _one_run_limits(stored: RoundPrior, scatter: OneRunScatter | None, benchmarks: int,
                    limits: Thresholds) -> OneRunLimits:
    lone = smallest_visible_ratio(widened(stored, scatter.faster if scatter else 0.0), benchmarks, limits.alpha)
    together = smallest_visible_ratio(shift_bound(stored_shift(), scatter), 1, limits.alpha)
    return OneRunLimits(math.sqrt(stored.variance), stored_shift(), scatter, max(limits.factor, lone),
                        max(limits.factor, together), stored_peak_jumps() + 1)
