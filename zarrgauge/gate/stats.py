"""Statistics for timing comparisons.

One run against another (two pytest-benchmark JSONs): a bootstrap interval of the median ratio
and one-sided Mann-Whitney U tests on the raw timings. Runs from `zarrgauge ab`, several
processes per side: the samples of one process share its hash seed, memory layout and the load of
its minutes, so they are not independent of each other. In a whole-quick-tier A/A the medians of
one benchmark moved 9% between processes (median over benchmarks; 4% to 20%) against a standard
error of 1.6% within one: the pooled test took that for significance. There each A/B round is one
observation, its log ratio of medians, tested with a t statistic whose variance is moderated
towards the comparison's typical one (empirical Bayes, as limma does for gene expression), since
three or four rounds alone estimate a variance poorly."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

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
    test: str = "Mann-Whitney"  # or "rounds": the p-values and interval are then those of the rounds
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


@dataclass(frozen=True)
class RoundPrior:
    """The typical variance of a benchmark's log round ratio in one comparison, and how many
    rounds' worth of evidence it counts for (degrees of freedom; infinite: every benchmark has it)."""

    variance: float
    df: float


MIN_BENCHMARKS_FOR_PRIOR = 5


def round_prior(variances, df: int) -> RoundPrior | None:
    """Fitted to the benchmarks' sample variances as a scaled inverse chi-square (limma's fitFDist,
    by moments of the log variances); None with too few benchmarks to tell."""
    from scipy.special import digamma, polygamma

    logs = np.log([v for v in variances if v > 0])
    if logs.size < MIN_BENCHMARKS_FOR_PRIOR:
        return None
    centred = logs - digamma(df / 2) + math.log(df / 2)
    excess = centred.var(ddof=1) - polygamma(1, df / 2)
    if excess <= 0:
        return RoundPrior(float(np.exp(centred.mean())), math.inf)
    prior_df = 2 * _trigamma_inverse(excess)
    return RoundPrior(float(np.exp(centred.mean() + digamma(prior_df / 2) - math.log(prior_df / 2))), prior_df)


def prior_of_rounds(round_ratios: list[tuple[float, ...]]) -> RoundPrior | None:
    """The prior fitted to benchmarks' round ratios, each with the same number of rounds (two or more)."""
    return round_prior([np.log(ratios).var(ddof=1) for ratios in round_ratios], len(round_ratios[0]) - 1)


def _trigamma_inverse(x: float) -> float:
    """y with trigamma(y) = x, by Newton's method from limma's starting point."""
    from scipy.special import polygamma

    y = 0.5 + 1 / x
    for _ in range(50):
        trigamma = polygamma(1, y)
        step = trigamma * (1 - trigamma / x) / polygamma(2, y)
        y += step
        if -step / y < 1e-8:
            break
    return float(y)


def rounds_test(change: TimeChange, prior: RoundPrior | None, confidence: float = 0.95) -> TimeChange:
    """The change judged on its rounds: ratio, interval and p-values of the mean log round ratio."""
    from scipy.stats import t as student

    logs = np.log(change.round_ratios)
    df, own = logs.size - 1, float(logs.var(ddof=1))
    variance = own
    if prior is not None and math.isinf(prior.df):
        df, variance = math.inf, prior.variance
    elif prior is not None:
        df, variance = df + prior.df, (prior.df * prior.variance + df * own) / (prior.df + df)
    # The prior lends a benchmark whose few rounds agree by chance the spread others show; it
    # never vouches for one whose own rounds scatter more (a load burst in one of them).
    variance = max(variance, own)
    mean, error = float(logs.mean()), math.sqrt(variance / logs.size)
    statistic = mean / error if error else math.copysign(math.inf, mean) if mean else 0.0
    half = float(student.ppf((1 + confidence) / 2, df)) * error
    return replace(change, ratio=math.exp(mean), low=math.exp(mean - half), high=math.exp(mean + half),
                   p_slower=float(student.sf(statistic, df)), p_faster=float(student.cdf(statistic, df)),
                   test="rounds")


def blocked_by_rounds(changes: list[TimeChange]) -> list[TimeChange]:
    """Every change with two rounds or more judged on its rounds, with the prior fitted over all of
    them that have the same number of rounds (the common case: one `zarrgauge ab` run)."""
    by_rounds: dict[int, list[TimeChange]] = {}
    for change in changes:
        if len(change.round_ratios) >= 2:
            by_rounds.setdefault(len(change.round_ratios), []).append(change)
    priors = {rounds: prior_of_rounds([c.round_ratios for c in group]) for rounds, group in by_rounds.items()}
    return [rounds_test(c, priors[len(c.round_ratios)]) if len(c.round_ratios) >= 2 else c for c in changes]
