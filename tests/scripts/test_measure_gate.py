"""scripts/measure-gate: kept trials judged again by the gate's rules of now (--judge-again), the process
spread stored from the quick-tier trials and a whole run's shift and peak moves from the plain ones
(--store-spread), its usage errors. The trials themselves, 8 to 40
minutes each, are measurements, not tests."""

import importlib.machinery
import importlib.util
import json
import math
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from zarrgauge.errors import EXIT_CANNOT_COMPARE, EXIT_USAGE
from zarrgauge.gate import spread
from zarrgauge.pytest_process import REPO
from zarrgauge.testing.results import bench, noisy, round_entry

_loader = importlib.machinery.SourceFileLoader(
    "measure_gate", str(REPO / "scripts" / "measure-gate"))
measure_gate = importlib.util.module_from_spec(importlib.util.spec_from_loader(_loader.name, _loader))
_loader.exec_module(measure_gate)

# Peak memory of an A/A trial's S3 hierarchy opening: one low base round moved the least of the rounds
BASE_PEAKS, HEAD_PEAKS = [366_000, 391_000, 391_000, 370_000], [405_000, 387_000, 410_000, 408_000]


def keep_rounds(kept: Path, label: str, peaks: list[int]) -> None:
    kept.mkdir(parents=True, exist_ok=True)
    for number, peak in enumerate(peaks, 1):
        entry = round_entry("t", peak_traced_bytes=peak)
        (kept / f"{label}-{number}.json").write_text(json.dumps({"benchmarks": [entry]}))


def test_a_kept_trial_is_judged_again_and_one_without_rounds_as_before(tmp_path, capsys):
    out = tmp_path / "gate-measure.json"
    judged_then = {"flagged": True, "flagged_benchmarks": ["t"], "benchmarks": 1, "regressions": 1,
                   "median_ratio": 1.0, "seconds": 2400.0, "load_average": 1.1}
    results = {"quick-tier": {"A/A": [dict(judged_then), dict(judged_then)]}}
    kept = tmp_path / "gate-measure" / "trial-1" / "quick-tier-0"
    keep_rounds(kept, "base", BASE_PEAKS)
    keep_rounds(kept, "head", HEAD_PEAKS)
    measure_gate.judged_again(results, out)
    again, unkept = results["quick-tier"]["A/A"]
    assert again == {**judged_then, "flagged": False, "flagged_by": [], "flagged_benchmarks": [], "regressions": 0,
                     "improvements": 0, "overall": None, "round_spread": None, "round_prior_df": None,
                     "one_run_spread": None, "one_run_bulk_spread": None}
    assert unkept == judged_then
    assert "trial 2, quick-tier, A/A: no runs kept" in capsys.readouterr().out


def keep_plain(kept: Path, ratios: dict[str, float], peaks: dict[str, list[int]] | None = None) -> None:
    """Plain runs A, B and A2 of ten benchmarks, each run's medians the base's times its ratio, and each
    benchmark's peak memory (1 MB unless `peaks` gives a run's)."""
    kept.mkdir(parents=True)
    for label, ratio in ratios.items():
        run_peaks = (peaks or {}).get(label, [1_000_000] * 10)
        benchmarks = [bench(f"b{i}", noisy(1e-3 * ratio, seed=i), peak_traced_bytes=peak)
                      for i, peak in enumerate(run_peaks)]
        (kept / f"{label}.json").write_text(json.dumps({"benchmarks": benchmarks}))


def test_a_plain_trial_is_judged_again_from_its_three_runs(tmp_path):
    out = tmp_path / "gate-measure.json"
    keep_plain(tmp_path / "gate-measure" / "trial-1" / "plain", {"A": 1.0, "B": 1.25, "A2": 1.03})
    results = {"plain": {"A/A": [{"flagged": True, "seconds": 300.0}], "+25%": [{"flagged": False, "seconds": 300.0}]}}
    measure_gate.judged_again(results, out)
    [same], [slower] = results["plain"]["A/A"], results["plain"]["+25%"]
    assert not same["flagged"] and same["overall"]["ratio"] == pytest.approx(1.03, rel=0.01)
    assert same["one_run_spread"] < 0.01  # every benchmark 3% slower: no scatter at all
    assert slower["flagged_by"] == ["all together", "time"] and slower["seconds"] == 300.0


def test_the_round_prior_is_the_one_the_log_round_ratios_were_drawn_with():
    logs = np.random.default_rng(0).normal(0.0, 0.1, size=(200, 4))
    prior = measure_gate.fitted_round_prior([tuple(np.exp(row)) for row in logs])
    assert math.sqrt(prior.variance) == pytest.approx(0.1, rel=0.1)


def test_no_round_prior_from_too_few_benchmarks_or_rounds():
    assert measure_gate.fitted_round_prior([(1.1, 0.9)] * 4) is None
    assert measure_gate.fitted_round_prior([(1.1,)] * 10) is None


def run_main(monkeypatch, *args: str) -> None:
    monkeypatch.setattr(sys, "argv", ["measure-gate", *args])
    measure_gate.main()


def test_the_quick_tier_trials_spread_is_stored_with_the_gate(tmp_path, monkeypatch):
    monkeypatch.setattr(spread, "SPREAD_FILE", tmp_path / "process_spread.json")
    judged = {"flagged": False, "regressions": 0, "benchmarks": 495, "median_ratio": 1.0, "seconds": 2100.0}
    trials = [{**judged, "round_spread": s, "round_prior_df": df, "load_average": load}
              for s, df, load in ((0.09, 5.0, 1.1), (0.12, 9.0, 1.7), (0.10, 6.0, 1.3), (0.2, None, 3.0))]
    out = tmp_path / "gate-measure-quick.json"
    out.write_text(json.dumps({"quick-tier": {"A/A": trials}}))
    run_main(monkeypatch, "--paths", "quick-tier", "--trials", "4", "--out", str(out), "--resume", "--store-spread")
    stored = json.loads((tmp_path / "process_spread.json").read_text())
    assert (stored["spread"], stored["df"]) == (0.10, 6.0)  # the median of the three trials with a weight
    assert "3 whole-quick-tier A/A trials (9.0% to 12.0%" in stored["provenance"]["spread"]
    assert spread.stored_prior().variance == pytest.approx(0.01)


def test_the_plain_trials_shift_and_most_peak_moves_are_stored_with_the_gate(tmp_path, monkeypatch):
    """A whole run's shift: a robust spread of the A/A pairs' all-together log ratios, which a loaded trial
    (1.6) hardly moves; peak moves: the most benchmarks beyond the tolerance one way in any pair."""
    monkeypatch.setattr(spread, "SPREAD_FILE", tmp_path / "process_spread.json")
    shifts = [1.0, 1.05, 0.95, 1.02, 0.98, 1.6]
    jumped = {"A2": [4_400_000] * 2 + [1_000_000] * 8, "B": [500_000] * 3 + [1_000_000] * 7}
    judged = {"flagged": False, "regressions": 0, "benchmarks": 10, "median_ratio": 1.0, "seconds": 200.0,
              "load_average": 1.5}
    for number, shift in enumerate(shifts, 1):
        keep_plain(tmp_path / "gate-measure" / f"trial-{number}" / "plain", {"A": 1.0, "B": 1.25, "A2": shift},
                   jumped if number == 2 else None)
    out = tmp_path / "gate-measure.json"
    overall = [{"ratio": ratio, "low": ratio, "high": ratio, "verdict": "same"} for ratio in shifts]
    out.write_text(json.dumps({"plain": {"A/A": [{**judged, "overall": together} for together in overall],
                                         "+25%": [judged] * len(shifts)}}))
    run_main(monkeypatch, "--paths", "plain", "--trials", "6", "--out", str(out), "--resume", "--store-spread")
    logs = np.log(shifts)
    expected = 1.4826 * np.median(np.abs(logs - np.median(logs)))
    assert spread.stored_shift() == pytest.approx(expected) and 0.03 < expected < 0.06
    assert spread.stored_peak_jumps() == 3  # three fell in one A/B pair; two rose in an A/A pair
    stored = json.loads((tmp_path / "process_spread.json").read_text())
    assert "6 A/A pairs (ratios 0.950 to 1.600)" in stored["shift_one_run"]["provenance"]["spread"]
    assert "one of 12 pairs of plain runs" in stored["peak_one_run"]["provenance"]["most_moved"]


@pytest.mark.parametrize("args, status, says", [
    (["--paths", "plain,nonsense"], EXIT_USAGE, "unknown path nonsense"),
    (["--paths", "time", "--store-spread"], EXIT_USAGE, "give --paths quick-tier or plain"),
    (["--paths", "quick-tier", "--trials", "0", "--store-spread"], EXIT_CANNOT_COMPARE, "no quick-tier trial"),
    (["--paths", "plain", "--trials", "0", "--store-spread"], EXIT_CANNOT_COMPARE, "too few plain trials"),
    (["--paths", "plain", "--cpus", "4096"], EXIT_USAGE, "--cpus: '4096' names CPUs this process may not use"),
], ids=["unknown-path", "store-without-trials-to-store", "nothing-to-store", "no-plain-trials", "cpus-not-here"])
def test_bad_input_exits_with_one_line(tmp_path, monkeypatch, capsys, args, status, says):
    monkeypatch.setattr(spread, "SPREAD_FILE", tmp_path / "process_spread.json")
    with pytest.raises(SystemExit) as stopped:
        run_main(monkeypatch, *args, "--out", str(tmp_path / "gate-measure.json"))
    error = capsys.readouterr().err
    assert stopped.value.code == status and says in error and len(error.strip().splitlines()) == 1
    assert not (tmp_path / "process_spread.json").exists()


def test_the_cpus_given_reach_every_pytest_process_of_the_trials(tmp_path, monkeypatch):
    monkeypatch.setattr(spread, "SPREAD_FILE", tmp_path / "process_spread.json")
    monkeypatch.setenv("ZARRGAUGE_CPUS", "not set by the script")  # restored, not leaked, after the test
    first = str(min(os.sched_getaffinity(0)))
    with pytest.raises(SystemExit):  # no trials to store: it stops once the CPUs are set
        run_main(monkeypatch, "--paths", "plain", "--trials", "0", "--store-spread", "--cpus", first,
                 "--out", str(tmp_path / "gate-measure.json"))
    assert os.environ["ZARRGAUGE_CPUS"] == first
