"""Statistics for timing comparisons.

The samples of one process share its hash seed, memory layout and the load of its minutes, so they
are not independent of each other: in a whole-quick-tier A/A the medians of one benchmark moved 9%
between processes (median over benchmarks; 4% to 20%) against a standard error of 1.6% within one,
and a test on the pooled samples took that for significance. The unit of evidence is therefore the
process: each A/B round of `zarrgauge ab` is one observation, its log ratio of medians, tested with a t
statistic whose variance is moderated towards the comparison's typical one (empirical Bayes, as limma
does for gene expression), since three or four rounds alone estimate a variance poorly. Two plain runs,
one process a side, are one round with no spread of their own to measure: they are judged with the
spread the whole-tier A/A trials measured between processes (gate/spread.py), the same test's prior, or
with how far the pair's benchmarks strayed the other way when wider (OneRunScatter). All benchmarks
together: one more benchmark, each round's ratio the geometric mean of theirs."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

RESAMPLES = 2000  # bootstrap resamples (the report's ties)
ROUNDS, ONE_RUN, OVERALL = "rounds", "one run a side", "all benchmarks"  # TimeChange.test


@dataclass(frozen=True)
class TimeChange:
    base_median: float  # of all the side's timings; all benchmarks together: the sum of their medians
    head_median: float
    ratio: float  # head / base: the geometric mean of the round ratios; above 1 is slower
    low: float  # 95% interval of the ratio
    high: float
    p_slower: float  # one-sided t test, alternative: head slower than base
    p_faster: float
    round_ratios: tuple[float, ...] = ()  # head / base medians of each A/B round (one run a side: one)
    test: str = ROUNDS  # or ONE_RUN: judged with the stored process spread; OVERALL: across benchmarks
    # p adjusted for the false discovery rate over every benchmark of the comparison (Benjamini-Hochberg)
    q_slower: float | None = None
    q_faster: float | None = None

    @property
    def seconds_added(self) -> float:
        return self.head_median - self.base_median


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


@dataclass(frozen=True)
class Observed:
    """What a benchmark's time change is judged from: the medians of each side's timings, and the
    ratio head/base of each A/B round's medians; one process a side is one round, the medians' ratio."""

    base_median: float
    head_median: float
    round_ratios: tuple[float, ...]


def observed(base, head, round_ratios: tuple[float, ...] = ()) -> Observed:
    base_median, head_median = float(np.median(base)), float(np.median(head))
    return Observed(base_median, head_median, round_ratios or (head_median / base_median,))


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


def rounds_test(change: Observed, prior: RoundPrior | None, confidence: float = 0.95) -> TimeChange:
    """The change judged on its rounds: ratio, interval and p-values of the mean log round ratio. One
    round has no spread of its own: the prior's is all there is."""
    logs = np.log(change.round_ratios)
    df: float = logs.size - 1  # infinite with a prior of known spread
    own = float(logs.var(ddof=1)) if df else 0.0
    variance = own
    if prior is not None and math.isinf(prior.df):
        df, variance = math.inf, prior.variance
    elif prior is not None:
        df, variance = df + prior.df, (prior.df * prior.variance + df * own) / (prior.df + df)
    # The prior lends a benchmark whose few rounds agree by chance the spread others show; it
    # never vouches for one whose own rounds scatter more (a load burst in one of them).
    variance = max(variance, own)
    judged = t_judged(float(logs.mean()), math.sqrt(variance / logs.size), df, confidence)
    return TimeChange(change.base_median, change.head_median, *judged, round_ratios=change.round_ratios,
                      test=ROUNDS if logs.size > 1 else ONE_RUN)


def t_judged(mean: float, error: float, df: float, confidence: float) -> tuple[float, float, float, float, float]:
    """Ratio, interval (low, high) and one-sided p-values (slower, faster) of a mean log ratio with this
    standard error, in TimeChange's order."""
    # scipy.stats takes half a second to import: only comparisons pay for it, not --help or a bad file.
    from scipy.stats import t as student

    statistic = mean / error if error else math.copysign(math.inf, mean) if mean else 0.0
    half = float(student.ppf((1 + confidence) / 2, df)) * error
    return (math.exp(mean), math.exp(mean - half), math.exp(mean + half),
            float(student.sf(statistic, df)), float(student.cdf(statistic, df)))


def judged_on_rounds(changes: list[Observed], one_run_prior: Callable[[Observed], RoundPrior]) -> list[TimeChange]:
    """Every change judged on its rounds: with two or more, the prior fitted over all the changes with
    as many (the common case: one `zarrgauge ab` run); with one (one run a side), `one_run_prior`'s."""
    by_rounds: dict[int, list[Observed]] = {}
    for change in changes:
        by_rounds.setdefault(len(change.round_ratios), []).append(change)
    fitted = {rounds: prior_of_rounds([c.round_ratios for c in group]) for rounds, group in by_rounds.items()
              if rounds > 1}
    return [rounds_test(c, fitted[len(c.round_ratios)] if len(c.round_ratios) > 1 else one_run_prior(c))
            for c in changes]


MAD_TO_SD = 1.4826  # the median absolute deviation of normal values times this is their standard deviation


@dataclass(frozen=True)
class OneRunScatter:
    """How far the log ratios of the benchmarks compared one run a side stray from their median: on each
    side, mirrored (the root mean square of the deviations that way, counted both ways), and the bulk (a
    robust standard deviation, MAD_TO_SD times the median absolute deviation). With a core taken by other
    work a few benchmarks jump 2x slower and faster between two processes while the bulk stays within 3%
    (a plain A/A of the reads here at load 3.5: 14 of 254 slower, 6 faster). A process's jumps go both
    ways, a regression one way: a slower benchmark is judged against how far others strayed faster."""

    median: float
    faster: float
    slower: float
    bulk: float

    def against(self, change: Observed) -> float:
        """The spread a benchmark's change is judged against: that of the other side of the median."""
        return self.faster if math.log(change.round_ratios[0]) > self.median else self.slower


def scatter_of_one_run(changes: list[Observed]) -> OneRunScatter | None:
    """None for too few benchmarks judged one run a side to tell."""
    logs = np.log([c.round_ratios[0] for c in changes if len(c.round_ratios) == 1])
    if logs.size < MIN_BENCHMARKS_FOR_PRIOR:
        return None
    median = float(np.median(logs))
    deviations = logs - median
    faster, slower = (math.sqrt(2 * float(np.sum(side**2)) / logs.size)
                      for side in (deviations[deviations < 0], deviations[deviations > 0]))
    return OneRunScatter(median, faster, slower, MAD_TO_SD * float(np.median(np.abs(deviations))))


def widened(prior: RoundPrior, spread: float) -> RoundPrior:
    """The prior, or this spread when wider (a loaded machine moves processes further apart than stored)."""
    return RoundPrior(max(prior.variance, spread**2), prior.df)


def overall_change(changes: list[TimeChange], shift: RoundPrior) -> TimeChange | None:
    """All benchmarks together, judged as one more benchmark whose rounds are each round's geometric mean
    of the benchmarks' ratios, its medians their sums (for the floor); None for fewer than two. The
    benchmarks of one process share its shift, so the rounds are the evidence, not the benchmarks (two
    plain A/A runs here: 1.307 [1.209, 1.413] across benchmarks). One run a side cannot measure that
    shift: it is judged with `shift`, the spread of shifts between other runs (shift_bound)."""
    if len(changes) < 2:
        return None
    same_rounds = len({len(c.round_ratios) for c in changes}) == 1
    logs = np.log([c.round_ratios if same_rounds else (c.ratio,) for c in changes])  # benchmarks x rounds
    rounds = tuple(float(ratio) for ratio in np.exp(logs.mean(axis=0)))
    together = Observed(sum(c.base_median for c in changes), sum(c.head_median for c in changes), rounds)
    return replace(rounds_test(together, shift if len(rounds) == 1 else None), test=OVERALL)


def shift_bound(shift: float, scatter: OneRunScatter | None) -> RoundPrior:
    """The spread of a whole process's shift, one run a side: the one measured between unchanged plain runs
    (stored with the gate), or this pair's bulk when wider (the shift moves every benchmark; a jump of a few
    is theirs alone, and a loaded pair's bulk is wide). Known from many runs and every benchmark: no heavy
    tails."""
    return RoundPrior(max(shift, scatter.bulk if scatter else 0.0) ** 2, math.inf)


def smallest_visible_ratio(prior: RoundPrior, benchmarks: int, alpha: float) -> float:
    """The ratio one run a side needs for a lone slower benchmark among `benchmarks` to be significant
    after the false discovery rate adjustment (its p times their number below alpha)."""
    from scipy.stats import t as student

    return math.exp(math.sqrt(prior.variance) * float(student.isf(alpha / benchmarks, prior.df)))
