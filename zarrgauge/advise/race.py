"""The candidates race, as autotuners do (successive halving): every choice (a layout with a codec) is
timed once at every pattern (the screen); the choices clearly dominated on every pattern are dropped,
and of the rest the best third by the preference's objective goes on, with twice the rounds, until at
most KEEP contenders are timed at the full rounds. A dominated choice cannot be any preference's
choice, so dropping it loses nothing.

Each stage is one benchmark run (`run_stage`). The advice compares the choices of the last stage, timed
side by side; a choice's records are those of the last stage that timed it, so the report's ties and
Pareto fronts use every choice, the dropped ones at the rounds they had.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from zarrgauge.advise.objective import ChoiceKey, Scored, choice_key, objective, picks, score
from zarrgauge.report.load import Record
from zarrgauge.report.ties import SIZE_MARGIN

SCREEN_ROUNDS = 1
KEEP = 4  # contenders left for the full rounds
KEPT_SHARE = 1 / 3  # of the contenders not dominated, the share each stage keeps
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


def contenders(scored: list[Scored], among: set[ChoiceKey], prefer: str) -> list[Scored]:
    """Of the choices `among` (the last stage's), those no choice dominates, the best KEPT_SHARE of them
    for `prefer` (at least KEEP)."""
    alive = [s for s in scored if s.key in among and not any(dominates(a, s) for a in scored if a is not s)]
    ranked = sorted(alive, key=objective(prefer))
    return ranked[:max(KEEP, math.ceil(len(ranked) * KEPT_SHARE))]


def race(run_stage: StageRun, weights: dict[str, float], prefer: str, store: str, rounds: int,
         say: Callable[[str], None], pinned: Callable[[list[Scored]], list[Scored]] = lambda scored: []) -> Race:
    """Screen every choice, then cut to the contenders at `rounds` (a stage timed at `rounds` is the last,
    joined by every other preference's choice so far and the `pinned` ones, for the advice to compare
    with under the same conditions: a machine's load changes from one stage to the next)."""
    found: dict[tuple[ChoiceKey, str], Record] = {}
    stages: list[Stage] = []
    ids: list[str] | None = None  # all
    stage_rounds, max_time = min(SCREEN_ROUNDS, rounds), 0.0
    while True:
        label = f"race {len(stages) + 1}: " + (f"{len(ids)} contenders" if ids else "every choice")
        start = time.perf_counter()
        timed = run_stage(ids, stage_rounds, max_time, f"{label}, {stage_rounds} round{'s' * (stage_rounds > 1)}")
        among = {choice_key(r) for r in timed}
        stages.append(Stage(len(among), stage_rounds, time.perf_counter() - start))
        found.update({(choice_key(r), r.operation): r for r in timed})
        if len(stages) == 1:  # the screen timed every choice: what the full rounds would add to it
            estimate = stages[0].seconds + sum(max(rounds * r.median, MAX_TIME) - stage_rounds * r.median
                                               for r in timed if stage_rounds < rounds)
        if stage_rounds >= rounds:
            return Race(list(found.values()), timed, stages, estimate)
        scored = score(list(found.values()), weights, store)
        kept = contenders(scored, among, prefer)
        say(f"{label}: {len(kept)} of {len(among)} choices go on, the others dominated on every pattern "
            f"or behind for {prefer}")
        stage_rounds, max_time = (rounds if len(kept) <= KEEP else min(rounds, stage_rounds * 2)), MAX_TIME
        if stage_rounds == rounds:
            kept += [s for s in [*picks(scored).values(), *pinned(scored)] if s not in kept]
        ids = list(dict.fromkeys(case_id(s.any) for s in kept))
