"""The candidates race, as autotuners race configurations: every choice (a layout with a codec) is timed
once at every pattern (the screen); the choices clearly dominated on every pattern are dropped (a
dominated choice cannot be any preference's), and of the rest the best third by the preference's
objective, at least KEEP, is timed at the full rounds, beside the few that may still be the best for
each other preference and the source's own layout, for the advice to compare side by side.

One cut, not a halving per stage with twice the rounds each time: here a stage costs per choice far
more than per round (each choice's array is written again, and its metrics pass and the read floors
run again), so rounds are cheap and stages are not. On the 21 MiB video of issue 28, 13 contenders at 2
rounds took 29 s and then 6 at 5 rounds 10 s, against a screen of 50 choices at 1 round of 124 s.

Each stage is one benchmark run (`run_stage`). The advice compares the last stage's choices; a choice's
records are those of the last stage that timed it, so the report's ties and Pareto fronts use every
choice, the dropped ones at the one round they had.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from zarrgauge.advise.access import PREFERENCES
from zarrgauge.advise.objective import Scored, choice_key, measure, objective, score
from zarrgauge.report.load import Record
from zarrgauge.report.ties import SIZE_MARGIN

SCREEN_ROUNDS = 1
KEEP = 4  # contenders timed at the full rounds, at least
KEPT_SHARE = 1 / 3  # of the choices not dominated, the share timed at the full rounds
# Racing this many choices or fewer costs more than timing all at the full rounds: the cut keeps a third
# and more beside it, whose writes and metrics passes the second stage pays again. Measured here: 10
# choices raced in 40 s against an estimated 33 s for all, 15 in 27 s against 23 s; 50 in 87 s against
# 98 s, 60 in 60 s against 64 s.
FEW = 30
# Clearly slower on one round: A/A medians of many rounds spread by 15% here (report/ties.py), single
# rounds more.
DROP_MARGIN = 1.3
MAX_TIME = 0.05  # pytest-benchmark's --benchmark-max-time after the screen: rounds of quick reads are cheap

# case ids (None: all), rounds, pytest-benchmark's max time, label: the records timed
StageRun = Callable[[list[str] | None, int, float, str], list[Record]]


@dataclass(frozen=True)
class Stage:
    choices: int
    rounds: int
    seconds: float


@dataclass(frozen=True)
class Race:
    records: list[Record]  # each choice's, from the last stage that timed it
    final: list[Record]  # the last stage's: the choices the advice compares, timed side by side
    stages: list[Stage]
    full_estimate: float  # seconds the screen's run would have taken at the full rounds for every choice

    @property
    def seconds(self) -> float:
        return sum(stage.seconds for stage in self.stages)

    def words(self) -> str:
        shown = ", then ".join(f"{s.choices} choices at {s.rounds} round{'s' * (s.rounds > 1)}" for s in self.stages)
        if len(self.stages) == 1:
            return f"Every choice was timed in one stage ({shown}): {format_duration(self.seconds)}."
        return (f"The race took {format_duration(self.seconds)} ({shown}); timing every choice at the full rounds "
                f"would have taken about {format_duration(self.full_estimate)}.")


def format_duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{seconds:.1f} s"


def case_id(record: Record) -> str:
    """The benchmark's case, from its name: test_read_time[<case id>]."""
    return record.name.partition("[")[2].removesuffix("]")


def dominates(a: Scored, b: Scored, margin: float = DROP_MARGIN) -> bool:
    """`a` stores no more than `b` and is faster by `margin` at every pattern."""
    return a.ratio * (1 + SIZE_MARGIN) >= b.ratio and all(a.seconds[op] * margin <= b.seconds[op] for op in b.seconds)


def contenders(scored: list[Scored], prefer: str) -> list[Scored]:
    """Those no choice dominates, the best KEPT_SHARE of them for `prefer` (at least KEEP)."""
    alive = [s for s in scored if not any(dominates(a, s) for a in scored if a is not s)]
    ranked = sorted(alive, key=objective(prefer))
    return ranked[:max(KEEP, math.ceil(len(ranked) * KEPT_SHARE))]


def near_best(scored: list[Scored], prefer: str) -> list[Scored]:
    """The choices that may still be `prefer`'s after one round: within DROP_MARGIN of the best by its
    measure (sizes are exact: within SIZE_MARGIN), at most KEEP."""
    ranked, by = sorted(scored, key=objective(prefer)), measure(prefer)
    margin = 1 + SIZE_MARGIN if prefer == "size" else DROP_MARGIN
    return [s for s in ranked[:KEEP] if by(s) <= by(ranked[0]) * margin]


def race(run_stage: StageRun, choices: int, weights: dict[str, float], prefer: str, store: str, rounds: int,
         say: Callable[[str], None], pinned: Callable[[list[Scored]], list[Scored]] = lambda scored: []) -> Race:
    """Screen every choice, then time at `rounds` the contenders, those near the best for each other
    preference and the `pinned` ones. At one round, or for at most FEW choices, one stage times all."""
    if rounds <= SCREEN_ROUNDS or choices <= FEW:
        start = time.perf_counter()
        timed = run_stage(None, rounds, MAX_TIME if rounds > SCREEN_ROUNDS else 0.0,
                          f"every choice, {rounds} round{'s' * (rounds > 1)}")
        stages = [Stage(choices, rounds, time.perf_counter() - start)]
        return Race(timed, timed, stages, stages[0].seconds)
    start = time.perf_counter()
    screen = run_stage(None, SCREEN_ROUNDS, 0.0, f"race 1: every choice, {SCREEN_ROUNDS} round")
    stages = [Stage(choices, SCREEN_ROUNDS, time.perf_counter() - start)]
    # What the full rounds would have added to the screen: the rounds, never the writes and metrics passes.
    estimate = stages[0].seconds + sum(max(rounds * r.median, MAX_TIME) - SCREEN_ROUNDS * r.median for r in screen)
    scored = score(screen, weights, store)
    if not scored:  # no choice timed at every pattern: the advice says so
        return Race(screen, screen, stages, estimate)
    kept = contenders(scored, prefer)
    others = [s for other in PREFERENCES if other != prefer for s in near_best(scored, other)]
    beside = {s.key: s for s in [*others, *pinned(scored)] if s not in kept}
    final = [*kept, *beside.values()]
    say(f"race 1: {len(kept)} of {len(scored)} choices contend, the others dominated on every pattern or "
        f"behind for {prefer}; {len(final) - len(kept)} more beside them to compare with")
    start = time.perf_counter()
    ids = list(dict.fromkeys(case_id(s.any) for s in final))
    timed = run_stage(ids, rounds, MAX_TIME, f"race 2: {len(ids)} choices, {rounds} rounds")
    stages.append(Stage(len(ids), rounds, time.perf_counter() - start))
    found = {(choice_key(r), r.operation): r for r in [*screen, *timed]}
    return Race(list(found.values()), timed, stages, estimate)
