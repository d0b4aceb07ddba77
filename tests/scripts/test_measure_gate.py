"""scripts/measure-gate --judge-again: kept trials judged by the gate's rules of now (the trials themselves,
40 minutes each, are measurements, not tests)."""

import importlib.machinery
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from zarrgauge.pytest_process import REPO
from zarrgauge.testing.results import round_entry

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
    assert again == {**judged_then, "flagged": False, "flagged_benchmarks": [], "regressions": 0, "round_spread": None}
    assert unkept == judged_then
    assert "trial 2, quick-tier, A/A: no rounds kept" in capsys.readouterr().out


def test_the_round_spread_is_the_spread_the_log_round_ratios_were_drawn_with():
    logs = np.random.default_rng(0).normal(0.0, 0.1, size=(200, 4))
    assert measure_gate.round_spread([tuple(np.exp(row)) for row in logs]) == pytest.approx(0.1, rel=0.1)


def test_no_round_spread_from_too_few_benchmarks_or_rounds():
    assert measure_gate.round_spread([(1.1, 0.9)] * 4) is None
    assert measure_gate.round_spread([(1.1,)] * 10) is None
