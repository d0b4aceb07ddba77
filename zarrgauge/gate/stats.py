"""Statistics for timing comparisons: a bootstrap interval of the median ratio and one-sided
Mann-Whitney U tests. Both need the raw per-round timings, not summary statistics."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RESAMPLES = 2000


@dataclass(frozen=True)
class TimeChange:
    base_median: float
    head_median: float
    ratio: float  # head / base medians: above 1 is slower
    low: float
    high: float
    p_slower: float  # Mann-Whitney U, alternative: head slower than base
    p_faster: float
    round_ratios: tuple[float, ...] = ()  # per A/B round, when both runs came from `zarrgauge ab`
    # p adjusted for the false discovery rate over every benchmark of the comparison (Benjamini-Hochberg)
    q_slower: float | None = None
    q_faster: float | None = None

    @property
    def seconds_added(self) -> float:
        return self.head_median - self.base_median


def median_ratio_interval(base, head, confidence: float = 0.95, seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap interval of median(head) / median(base)."""
    rng = np.random.default_rng(seed)
    base, head = np.asarray(base, float), np.asarray(head, float)
    base_medians = np.median(base[rng.integers(0, base.size, (RESAMPLES, base.size))], axis=1)
    head_medians = np.median(head[rng.integers(0, head.size, (RESAMPLES, head.size))], axis=1)
    tail = (1 - confidence) / 2
    low, high = np.quantile(head_medians / base_medians, [tail, 1 - tail])
    return float(low), float(high)


def benjamini_hochberg(p_values) -> list[float]:
    """Each p-value adjusted so that flagging those below alpha keeps the expected share of false
    alarms among the flagged at alpha (Benjamini-Hochberg; valid for independent or positively
    dependent tests, as benchmarks of one run are)."""
    p = np.asarray(p_values, float)
    if not p.size:
        return []
    order = np.argsort(p)
    scaled = p[order] * p.size / np.arange(1, p.size + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    out = np.empty_like(p)
    out[order] = np.minimum(adjusted, 1.0)
    return [float(q) for q in out]


def time_change(base, head, confidence: float = 0.95, round_ratios: tuple[float, ...] = ()) -> TimeChange:
    # scipy.stats takes half a second to import: only comparisons pay for it, not --help or a bad file.
    from scipy.stats import mannwhitneyu

    base, head = np.asarray(base, float), np.asarray(head, float)
    low, high = median_ratio_interval(base, head, confidence)
    base_median, head_median = float(np.median(base)), float(np.median(head))
    return TimeChange(
        base_median, head_median, head_median / base_median, low, high,
        p_slower=float(mannwhitneyu(head, base, alternative="greater").pvalue),
        p_faster=float(mannwhitneyu(head, base, alternative="less").pvalue),
        round_ratios=round_ratios,
    )
