"""What the advice weighs: read time and stored bytes, the two things a user pays for, and which choice
each preference (`--prefer`) takes from them.

Every choice (a layout with a codec) timed at each weighted pattern gets two numbers, both against
the best choice, so that 1 is the best and k is k times worse:
- time: the sum over patterns of weight x its median / the fastest median at that pattern;
- size: the smallest stored size / its own (from the compression ratios on the sample).
On object storage each pattern's median is charged the first-byte latency its requests would meet
(`charged`): the benchmarks run against a server on this machine, where a request costs little.

balanced (the default) takes the least time x size: storing k times more must read k times faster.
speed takes the least time, size the smallest; each preference's ties (`SPEED_MARGIN`, `SIZE_MARGIN`)
go as RULES say.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from zarrgauge.advise.access import PREFERENCES
from zarrgauge.catalogue.layouts import Layout
from zarrgauge.catalogue.networks import PROFILES
from zarrgauge.catalogue.stores import LOCAL_STORES
from zarrgauge.report.load import Record
from zarrgauge.report.recommend import SAME
from zarrgauge.report.ties import SIZE_MARGIN, SPEED_MARGIN

RULES = {
    "balanced": "the least weighted read time x stored size, each against the best choice: storing k times "
                f"more must read k times faster; among choices within {SPEED_MARGIN - 1:.0%} of the least, "
                "the smallest",
    "speed": f"the least weighted read time; among choices within {SPEED_MARGIN - 1:.0%} of it, the smallest",
    "size": f"the smallest stored size; among choices within {SIZE_MARGIN:.0%} of it, the fastest",
}
NAMES = {"balanced": "the balanced choice", "speed": "the fastest", "size": "the smallest"}
TITLES = {"balanced": "balanced choice", "speed": "fastest choice", "size": "smallest choice"}
# A request's first byte from object storage in the same region as the reader (catalogue/networks.py),
# and how many zarr sends at once (its async.concurrency default): a read waits one latency per batch.
FIRST_BYTE = PROFILES["same-region"].latency
CONCURRENCY = 10

ChoiceKey = tuple  # layout role, chunks, shards, codec


def choice_key(record: Record) -> ChoiceKey:
    return record.layout, record.chunks, record.shards, record.codec


def charged(record: Record, store: str) -> float:
    """A pattern's median seconds; on object storage plus one first-byte latency per batch of requests."""
    if store in LOCAL_STORES:
        return record.median
    return record.median + math.ceil(record.requests / CONCURRENCY) * FIRST_BYTE


@dataclass(frozen=True)
class Scored:
    records: dict[str, Record]  # by operation
    time: float  # weighted read time against the fastest at each pattern; 1 is the fastest everywhere
    size: float  # stored size against the smallest choice's; 1 is the smallest
    seconds: dict[str, float]  # by operation, as charged

    @property
    def any(self) -> Record:
        return next(iter(self.records.values()))

    @property
    def key(self) -> ChoiceKey:
        return choice_key(self.any)

    @property
    def ratio(self) -> float:
        return self.any.compression_ratio

    @property
    def cost(self) -> float:
        return self.time * self.size

    @property
    def timed_layout(self) -> Layout:
        return Layout(self.any.layout, self.any.chunks, self.any.shards)


def score(records: list[Record], weights: dict[str, float], store: str) -> list[Scored]:
    """Every choice timed at each weighted pattern, fastest first."""
    by_choice: dict[ChoiceKey, dict[str, Record]] = defaultdict(dict)
    for r in records:
        if r.operation in weights:
            by_choice[choice_key(r)][r.operation] = r
    complete = [found for found in by_choice.values() if set(found) == set(weights)]
    if not complete:
        return []
    seconds = [{op: charged(r, store) for op, r in found.items()} for found in complete]
    fastest = {op: min(each[op] for each in seconds) for op in weights}
    smallest = max(next(iter(found.values())).compression_ratio for found in complete)
    scored = [Scored(found, sum(w * each[op] / fastest[op] for op, w in weights.items()),
                     smallest / next(iter(found.values())).compression_ratio, each)
              for found, each in zip(complete, seconds)]
    return sorted(scored, key=lambda s: (s.time, s.size))


def choose(scored: list[Scored], prefer: str) -> Scored:
    """The choice `prefer` takes (RULES)."""
    if prefer == "size":
        tied = [s for s in scored if s.size <= 1 + SIZE_MARGIN]
        return min(tied, key=lambda s: (s.time, s.size))
    measure = (lambda s: s.time) if prefer == "speed" else (lambda s: s.cost)
    least = min(map(measure, scored))
    tied = [s for s in scored if measure(s) <= least * SPEED_MARGIN]
    return min(tied, key=lambda s: (s.size, measure(s)))


def picks(scored: list[Scored]) -> dict[str, Scored]:
    return {prefer: choose(scored, prefer) for prefer in PREFERENCES}


def measure(prefer: str) -> Callable[[Scored], float]:
    """What `prefer` minimises."""
    return {"balanced": lambda s: s.cost, "speed": lambda s: s.time, "size": lambda s: s.size}[prefer]


def objective(prefer: str) -> Callable[[Scored], tuple[float, float]]:
    """A sort key: the better for `prefer`, the smaller."""
    first = measure(prefer)
    return lambda s: (first(s), s.time)


def _times(factor: float) -> str:
    return f"{factor:.2g}x"


def trade(choice: Scored, other: Scored, name: str, label: Callable[[Scored], str]) -> str:
    """What `choice` gives and gets against `other`: '1.4x faster reads than the balanced choice (`…`)
    for 13x the storage'."""
    faster = other.time / choice.time
    if faster >= 1 + SAME:
        speed = f"{_times(faster)} faster reads than {name} (`{label(other)}`)"
    elif faster <= 1 / (1 + SAME):
        speed = f"{_times(1 / faster)} slower reads than {name} (`{label(other)}`)"
    else:
        speed = f"reads as fast as {name} (`{label(other)}`)"
    smaller = other.size / choice.size
    if smaller >= 1 + SAME:
        return f"{speed} for {_times(smaller)} less storage"
    if smaller <= 1 / (1 + SAME):
        return f"{speed} for {_times(1 / smaller)} the storage"
    return f"{speed} for the same storage"


def trade_sentence(prefer: str, found: dict[str, Scored], label: Callable[[Scored], str]) -> str:
    """The advice's first sentence: the choice `prefer` takes, and what it trades against each other
    preference's choice."""
    choice, others = found[prefer], [other for other in PREFERENCES if other != prefer]
    same = [NAMES[other] for other in others if found[other] is choice]
    trades = [trade(choice, found[other], NAMES[other], label) for other in others if found[other] is not choice]
    clauses = [f"it is also {' and '.join(same)}" + ("" if trades else ": nothing is traded")] if same else []
    return f"The {TITLES[prefer]} is **{label(choice)}**: {'; '.join(clauses + trades)}."
