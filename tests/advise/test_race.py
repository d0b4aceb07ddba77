"""The race: every choice screened once, the dominated dropped, the best third of the rest timed at the
full rounds beside every preference's choice; its estimate of the full race."""

import pytest

from zarrgauge.advise.objective import picks, score
from zarrgauge.advise.race import FEW, MAX_TIME, case_id, contenders, dominates, race
from zarrgauge.report.load import Record

PATTERNS = ("read_time", "read_full")
WEIGHTS = dict.fromkeys(PATTERNS, 0.5)
# name: medians at each pattern, compression ratio
CHOICES = {f"c{i}": ((1e-3 * (1 + i / 10), 1e-2 * (1 + i / 10)), 1.0 + i / 4) for i in range(12)}
CHOICES["slow-and-big"] = ((5e-3, 5e-2), 1.0)  # c0 is faster everywhere and as small
CHOICES["slow-and-bigger"] = ((3e-3, 3e-2), 2.0)  # c4 (ratio 2) is faster everywhere
CHOICES["slow-and-smallest"] = ((5e-3, 5e-2), 3.76)  # c11 is 2.4x faster, and within 1% as small
DOMINATED = {"slow-and-big", "slow-and-bigger", "slow-and-smallest"}


def _records(name: str, rounds: int) -> list[Record]:
    medians, ratio = CHOICES[name]
    return [Record(f"test_{op}[fam/{name}/zstd]", "fam", op, name, (8,), None, "zstd", 3, "local", "quick", median,
                   ratio, 1, 0, samples=(median,) * rounds) for op, median in zip(PATTERNS, medians)]


class Stages:
    """A benchmark run per stage, from the table above; what each stage was asked for."""

    def __init__(self) -> None:
        self.asked: list[tuple[set[str], int, float]] = []

    def __call__(self, cases: list[str] | None, rounds: int, max_time: float, label: str) -> list[Record]:
        names = [case.split("/")[1] for case in cases] if cases else list(CHOICES)
        self.asked.append((set(names), rounds, max_time))
        return [record for name in names for record in _records(name, rounds)]


def test_the_race_screens_every_choice_then_times_the_contenders_at_the_full_rounds():
    stages, said = Stages(), []
    result = race(stages, FEW + 1, WEIGHTS, "size", "local", 5, said.append, lambda scored: [scored[-1]])
    (screened, first_rounds, first_time), (final, last_rounds, last_time) = stages.asked
    assert screened == set(CHOICES) and (first_rounds, first_time) == (1, 0)
    assert (last_rounds, last_time) == (5, MAX_TIME) and len(said) == 1
    assert not final & DOMINATED - {"slow-and-big"}  # only pinned, as the last choice by speed
    # The four smallest contend for size (and are the best four by time x size); the fastest four are within
    # 1.3x of c0, so any may be the fastest once timed again; slow-and-big is pinned.
    assert final == {"c11", "c10", "c9", "c8", "c0", "c1", "c2", "c3", "slow-and-big"}
    everything = picks(score([r for name in CHOICES for r in _records(name, 1)], WEIGHTS, "local"))
    assert {p: s.any.layout for p, s in picks(score(result.final, WEIGHTS, "local")).items()} == {
        p: s.any.layout for p, s in everything.items()}
    assert {r.layout for r in result.records} == set(CHOICES) and [s.rounds for s in result.stages] == [1, 5]
    assert all(len(r.samples) == 5 for r in result.records if r.layout in final)


def test_the_full_race_is_estimated_from_the_screen():
    result = race(Stages(), FEW + 1, WEIGHTS, "balanced", "local", 5, lambda text: None)
    extra = sum(max(5 * median, MAX_TIME) - median for medians, _ in CHOICES.values() for median in medians)
    assert result.full_estimate == pytest.approx(result.stages[0].seconds + extra)
    assert "would have taken about" in result.words()


@pytest.mark.parametrize("rounds, choices, max_time", [(1, len(CHOICES), 0.0), (5, FEW, MAX_TIME)])
def test_one_round_or_few_choices_is_one_stage_of_every_choice(rounds, choices, max_time):
    stages = Stages()
    result = race(stages, choices, WEIGHTS, "speed", "local", rounds, lambda text: None)
    assert stages.asked == [(set(CHOICES), rounds, max_time)]
    assert result.full_estimate == result.stages[0].seconds and len(result.final) == 2 * len(CHOICES)
    assert result.words().startswith(f"Every choice was timed in one stage ({choices} choices at {rounds} round")


def test_dominated_means_no_larger_and_clearly_slower_at_every_pattern():
    scored = {s.any.layout: s for s in score([r for name in CHOICES for r in _records(name, 1)], WEIGHTS, "local")}
    assert dominates(scored["c0"], scored["slow-and-big"]) and dominates(scored["c4"], scored["slow-and-bigger"])
    assert not dominates(scored["c0"], scored["slow-and-bigger"])  # c0 stores twice as much
    assert not dominates(scored["c0"], scored["c1"])  # faster, but by less than the margin
    assert dominates(scored["c11"], scored["slow-and-smallest"])  # within 1% stores as little
    kept = contenders(list(scored.values()), "size")
    assert [s.any.layout for s in kept] == ["c11", "c10", "c9", "c8"]  # the smallest, slow-and-smallest dropped


def test_a_case_id_is_read_from_the_benchmark_name():
    [record, _] = _records("c3", 1)
    assert case_id(record) == "fam/c3/zstd"
