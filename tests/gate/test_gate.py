"""Self-tests of the comparison and verdicts, on synthetic result pairs."""

import json
import statistics
import subprocess
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import mannwhitneyu

from zarrgauge.errors import ZarrgaugeError
from zarrgauge.gate import ab
from zarrgauge.gate.ab import merge
from zarrgauge.gate.compare import Thresholds, compare_runs, judge_metric
from zarrgauge.gate.output import HEADER, rows
from zarrgauge.gate.stats import round_prior
from zarrgauge.testing.results import bench, noisy, round_entry


def verdict(base_timings, head_timings, **head_info):
    """One benchmark, one run a side: judged against the process spread stored with the gate (9.9%)."""
    [result] = compare_runs([bench("t", base_timings)], [bench("t", head_timings, **head_info)])
    return result


@pytest.mark.parametrize("slowdown", [1.5, 3.0])
def test_clear_slowdown_is_a_regression(slowdown):
    result = verdict(noisy(1e-3, seed=1), noisy(1e-3 * slowdown, seed=2))
    assert result.verdict == "regression" and result.time.low > 1.1
    assert result.time.ratio == pytest.approx(slowdown, rel=0.1)


def test_clear_speedup_is_an_improvement():
    assert verdict(noisy(2e-3, seed=1), noisy(1e-3, seed=2)).verdict == "improvement"


@pytest.mark.parametrize("seed", range(20))
def test_pure_noise_is_never_flagged(seed):
    result = verdict(noisy(1e-3, spread=0.15, seed=seed), noisy(1e-3, spread=0.15, seed=seed + 100))
    assert result.verdict == "same"


def test_change_below_the_factor_passes():
    assert verdict(noisy(1e-3, spread=0.01, seed=1), noisy(1.05e-3, spread=0.01, seed=2)).verdict == "same"


def test_slowdown_below_the_absolute_floor_passes():
    result = verdict(noisy(1e-6, spread=0.01, seed=1), noisy(2e-6, spread=0.01, seed=2))
    assert result.time.ratio > 1.9 and result.verdict == "same"


def test_one_more_store_request_is_a_regression_even_when_faster():
    result = verdict(noisy(1e-3, seed=1), noisy(1e-3, seed=1), store_get=26)
    assert result.time_verdict == "same" and result.verdict == "regression"
    assert [(m.name, m.verdict) for m in result.metrics if m.verdict != "same"] == [("store_get", "regression")]


@pytest.mark.parametrize("name, base, head, expected", [
    ("compression_ratio", 3.0, 2.9, "regression"),
    ("compression_ratio", 3.0, 3.1, "improvement"),
    ("stored_bytes", 1000, 999, "improvement"),
    ("peak_traced_bytes", 1000, 1040, "same"),
    ("peak_traced_bytes", 1000, 1100, "regression"),
    ("instructions", 1_000_000, 1_003_000, "same"),  # within the 0.3% two runs of one build differ
    ("instructions", 1_000_000, 1_020_000, "regression"),
    ("instructions", 1_000_000, 980_000, "improvement"),
])
def test_metric_direction_and_tolerance(name, base, head, expected):
    assert judge_metric(name, base, head, Thresholds()).verdict == expected


def test_override_by_group_relaxes_the_factor():
    base, head = [bench("t", noisy(1e-3, seed=1))], [bench("t", noisy(1.3e-3, seed=2))]
    assert compare_runs(base, head)[0].verdict == "regression"
    assert compare_runs(base, head, overrides={"read_full *": {"factor": 1.5}})[0].verdict == "same"


def test_mismatched_and_disjoint_runs_cannot_be_compared():
    with pytest.raises(ZarrgaugeError, match="mismatched cases: .* tier='quick' in base, 'full' in head"):
        compare_runs([bench("t", noisy(1e-3))], [bench("t", noisy(1e-3), tier="full")])
    with pytest.raises(ZarrgaugeError, match="no benchmarks in common"):
        compare_runs([bench("a", noisy(1e-3))], [bench("b", noisy(1e-3))])
    with pytest.raises(ZarrgaugeError, match="no raw timings"):
        compare_runs([bench("t", [])], [bench("t", noisy(1e-3))])


def _with_rounds(name, base_rounds, head_rounds):
    """A benchmark as `zarrgauge ab` merges it: pooled timings, and each round's median."""
    base, head = bench(name, noisy(1e-3, seed=1)), bench(name, noisy(1e-3 * statistics.median(head_rounds), seed=2))
    base["stats"]["round_medians"], head["stats"]["round_medians"] = [1e-3 * r for r in base_rounds], \
        [1e-3 * r for r in head_rounds]
    return base, head


def _unchanged_with_rounds(count, rounds, spread=0.08):
    """Benchmarks whose rounds scatter about 1 as an A/A's do between processes."""
    rng = np.random.default_rng(7)
    return [_with_rounds(f"same{i}", [1.0] * rounds, list(rng.lognormal(0, spread, rounds))) for i in range(count)]


def test_rounds_that_scatter_are_not_a_regression_though_their_pooled_timings_differ():
    base, head = _with_rounds("t", [1, 1, 1], [1.6, 0.9, 1.4])
    [result] = compare_runs([base], [head])
    assert mannwhitneyu(head["stats"]["data"], base["stats"]["data"], alternative="greater").pvalue < 0.01
    assert result.time.test == "rounds" and result.verdict == "same"


def test_rounds_that_agree_are_a_regression_judged_with_the_typical_spread_of_the_comparison():
    base, head = _with_rounds("t", [1, 1, 1, 1], [1.3, 1.2, 1.4, 1.25])
    others = _unchanged_with_rounds(50, 4)
    results = compare_runs([base, *(b for b, _ in others)], [head, *(h for _, h in others)])
    assert [c.verdict for c in results] == ["regression"] + ["same"] * 50
    assert results[0].time.ratio == pytest.approx(1.285, rel=0.01) and 1 < results[0].time.low < 1.285


def test_one_slow_round_cannot_carry_the_verdict():
    """All rounds slower, but only one by more than the factor: a load burst, not a regression."""
    base, head = _with_rounds("t", [1, 1, 1, 1], [1.8, 1.02, 1.05, 1.03])
    others = _unchanged_with_rounds(50, 4)
    results = compare_runs([base, *(b for b, _ in others)], [head, *(h for _, h in others)])
    assert not any(c.verdict == "regression" for c in results)


def test_the_round_prior_recovers_the_spread_benchmarks_share():
    rng = np.random.default_rng(3)
    variances = [np.log(rng.lognormal(0, 0.1, 4)).var(ddof=1) for _ in range(2000)]
    prior = round_prior(variances, df=3)
    assert prior.variance == pytest.approx(0.01, rel=0.1) and prior.df > 50
    assert round_prior(variances[:4], df=3) is None


def test_false_discovery_rate_adjusts_p_values_as_benjamini_and_hochberg():
    from zarrgauge.gate.stats import benjamini_hochberg

    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert benjamini_hochberg([0.9, 0.95]) == pytest.approx([0.95, 0.95]) and benjamini_hochberg([]) == []


def _weak_slowdown():
    """1.3x slower, significant alone (p about 0.02 against the stored process spread) but not among a hundred
    comparisons."""
    return noisy(1e-3, n=10, spread=0.25, seed=5), noisy(1.3e-3, n=10, spread=0.25, seed=6)


def test_a_weak_slowdown_flagged_alone_is_not_flagged_among_many_unchanged_benchmarks():
    base, head = _weak_slowdown()
    alone = compare_runs([bench("weak", base)], [bench("weak", head)])[0]
    assert alone.time.p_slower < 0.05 and alone.verdict == "regression"
    others = [(bench(f"same{i}", noisy(1e-3, seed=i)), bench(f"same{i}", noisy(1e-3, seed=i + 500)))
              for i in range(99)]
    results = compare_runs([bench("weak", base), *(b for b, _ in others)],
                           [bench("weak", head), *(h for _, h in others)])
    weak = next(c for c in results if c.name.endswith("weak"))
    assert weak.time.q_slower > 0.05 and weak.verdict == "same"
    assert not any(c.verdict == "regression" for c in results)


def test_a_clear_slowdown_stays_flagged_among_many_unchanged_benchmarks():
    """Clear to one run a side among a hundred: beyond about 1.9x (the spread of processes is 9.9%)."""
    others = [(bench(f"same{i}", noisy(1e-3, seed=i)), bench(f"same{i}", noisy(1e-3, seed=i + 500)))
              for i in range(99)]
    base, head = noisy(1e-3, n=20, spread=0.02, seed=1), noisy(2.5e-3, n=20, spread=0.02, seed=2)
    results = compare_runs([bench("clear", base), *(b for b, _ in others)],
                           [bench("clear", head), *(h for _, h in others)])
    assert [c.name for c in results if c.verdict == "regression"] == [results[0].name]


def test_instruction_counts_stand_beside_the_time_verdict():
    """A 2% rise in instructions is a regression though the time did not change, in a column of its own."""
    [result] = compare_runs([bench("t", noisy(1e-3, seed=1), instructions=5_000_000)],
                            [bench("t", noisy(1e-3, seed=1), instructions=5_100_000)])
    assert result.time_verdict == "same" and result.verdict == "regression"
    [row] = rows([result])
    assert row[HEADER.index("instructions")] == "+2.00% regression"
    assert row[HEADER.index("deterministic metrics")] == "unchanged"


def test_runs_without_instruction_counts_show_none():
    [result] = compare_runs([bench("t", noisy(1e-3))], [bench("t", noisy(1e-3))])
    assert rows([result])[0][HEADER.index("instructions")] == "-"


def _merged(peaks: list[int]) -> dict:
    return merge([{"benchmarks": [round_entry("t", peak_traced_bytes=peak, store_get=25 + (n == 2))]}
                  for n, peak in enumerate(peaks)])


def test_ab_keeps_each_rounds_peak_memory_and_the_median_of_every_metric():
    [merged] = _merged([129_078, 104_233, 104_283, 112_924])["benchmarks"]
    assert merged["extra_info"]["peak_traced_bytes_rounds"] == [129_078, 104_233, 104_283, 112_924]
    assert merged["extra_info"]["peak_traced_bytes"] == 108_603.5 and merged["extra_info"]["store_get"] == 25
    assert merged["stats"]["data"] == [1e-3] * 12


@pytest.mark.parametrize("base_peaks, head_peaks, expected", [
    # low base rounds, as in an A/A trial's S3 hierarchy opening: medians 6.8% apart, rounds overlapping
    ([366_000, 391_000, 391_000, 370_000], [405_000, 387_000, 410_000, 408_000], "same"),
    # one head round that jumped: its median moves, its rounds overlap base's
    ([230_000, 231_000, 230_000, 231_000], [344_000, 344_000, 230_500, 231_500], "same"),
    ([230_000, 231_000, 230_000, 232_000], [254_000, 256_000, 253_000, 290_000], "regression"),
    ([254_000, 256_000, 253_000, 290_000], [230_000, 231_000, 230_000, 232_000], "improvement"),
])
def test_ab_peak_memory_changes_only_when_every_head_round_is_beyond_every_base_round(
        base_peaks, head_peaks, expected):
    [base], [head] = _merged(base_peaks)["benchmarks"], _merged(head_peaks)["benchmarks"]
    [result] = compare_runs([base], [head])
    assert [m.verdict for m in result.metrics if m.name == "peak_traced_bytes"] == [expected]


@pytest.fixture
def recorded_seeds(monkeypatch):
    """(results file, PYTHONHASHSEED) of each run `ab` starts, in order; each run writes one benchmark."""
    seen = []

    def run(command, env, **_):
        out = Path(next(arg for arg in command if arg.startswith("--benchmark-json=")).partition("=")[2])
        out.write_text(json.dumps({"benchmarks": [round_entry("t")]}))
        seen.append((out.stem, env.get("PYTHONHASHSEED")))
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(ab, "run_pytest", run)
    return seen


def test_both_sides_of_a_round_share_a_hash_seed_and_each_round_has_its_own(recorded_seeds, monkeypatch, tmp_path):
    """Set order (dask's task order with it) follows the hash seed: the xarray monthly mean's peak memory is
    2.88 MB under one seed, 3.01 MB under another, every time."""
    monkeypatch.delenv("PYTHONHASHSEED", raising=False)
    ab.run_ab(ab.Side("base", "current"), ab.Side("head", "current"), 3, [], tmp_path)
    assert recorded_seeds == [("base-1", "1"), ("head-1", "1"), ("head-2", "2"), ("base-2", "2"), ("base-3", "3"),
                              ("head-3", "3")]


def test_a_hash_seed_the_caller_set_holds_for_every_run(recorded_seeds, monkeypatch, tmp_path):
    monkeypatch.setenv("PYTHONHASHSEED", "7")
    ab.run_ab(ab.Side("base", "current"), ab.Side("head", "current"), 2, [], tmp_path)
    assert {seed for _, seed in recorded_seeds} == {"7"}


def test_rounds_are_judged_at_the_default_alpha_and_at_an_explicit_one():
    """A slowdown the rounds find at q between 0.01 and 0.05 is flagged by default, not at --alpha 0.01."""
    base, head = _with_rounds("t", [1, 1, 1, 1], [1.15, 1.05, 1.2, 1.1])
    others = _unchanged_with_rounds(50, 4)
    pairs = ([base, *(b for b, _ in others)], [head, *(h for _, h in others)])
    [judged, *_] = compare_runs(*pairs)
    assert judged.time.test == "rounds" and 0.01 < judged.time.q_slower < 0.05
    assert judged.verdict == "regression"
    assert compare_runs(*pairs, Thresholds(alpha=0.01))[0].verdict == "same"
