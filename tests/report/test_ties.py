"""Ties: choices whose samples overlap are tied, clearly separated ones are ordered; sizes within 1%
are tied; zarr's default wins a tie; recommendation.json carries the advice."""

import json

import numpy as np

from zarrgauge.report.load import Record
from zarrgauge.report.recommend import _recommendation, as_json
from zarrgauge.report.ties import SPEED_MARGIN, clearly_faster, front, size_ties, speed_ties


def choice(name: str, seconds: float, spread: float = 0.03, ratio: float = 2.0, layout: str = "balanced",
           codec: str = "zarr-default", seed: int = 0) -> Record:
    samples = tuple(np.random.default_rng(seed).normal(seconds, seconds * spread, 40))
    return Record(name, "seasonal-series", "read_time", layout, (8, 64, 64), None, codec, 3, "local", "quick",
                  float(np.median(samples)), ratio, 0, 0, samples=samples)


def test_overlapping_samples_are_tied_whichever_median_is_lower():
    a, b = choice("a", 1.00e-3, 0.2, seed=1), choice("b", 1.03e-3, 0.2, seed=2)
    assert not clearly_faster(a, b) and not clearly_faster(b, a)
    assert {r.name for r in speed_ties([a, b])} == {"a", "b"}
    assert {r.name for r in front([a, b])} == {"a", "b"}


def test_clearly_separated_samples_are_ordered():
    fast, slow = choice("fast", 1e-3, seed=1), choice("slow", 2e-3, seed=2)
    assert clearly_faster(fast, slow) and not clearly_faster(slow, fast)
    assert [r.name for r in speed_ties([slow, fast])] == ["fast"]
    assert [r.name for r in front([slow, fast])] == ["fast"]


def test_a_real_but_small_difference_stays_within_the_margin():
    """5% faster with tight samples: beyond doubt within this run, but not beyond the run-to-run margin."""
    a, b = choice("a", 1.00e-3, 0.005, seed=1), choice("b", 1.05e-3, 0.005, seed=2)
    assert 1.0 < b.median / a.median < SPEED_MARGIN
    assert not clearly_faster(a, b)


def test_sizes_within_one_percent_are_tied():
    best, near, worse = choice("best", 1e-3, ratio=2.0), choice("near", 1e-3, ratio=1.99), choice("w", 1e-3, ratio=1.9)
    assert {r.name for r in size_ties([best, near, worse])} == {"best", "near"}


def test_zarr_default_wins_a_tie_and_the_json_says_so():
    default = choice("default", 1.02e-3, 0.2, seed=3)
    other = choice("other", 1.00e-3, 0.2, ratio=2.5, layout="time", seed=4)
    rec = _recommendation("seasonal-series", "read_time", [default, other])
    assert rec.speed_pick.record is default and rec.size_pick.record is other
    [advice] = json.loads(json.dumps(as_json([rec], "quick")))["recommendations"]
    assert advice["speed"]["pick"] == default.label
    assert set(advice["speed"]["tied"]) == {default.label, other.label}
    assert advice["size"]["pick"] == other.label and advice["separable"] is False
    assert advice["default"] == {"label": default.label, "on_front": False, "tied_for_speed": True,
                                 "tied_for_size": False}
    assert advice["front"][0]["speedup_vs_default"]["low"] < 1 < advice["front"][0]["speedup_vs_default"]["high"]
