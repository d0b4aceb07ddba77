"""Phases of a run's wall time: a phase inside another counts for the inner one only (on a clock the
test moves by hand)."""

from zarrgauge import phases
from zarrgauge.phases import phase


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_an_inner_phase_takes_its_time_from_the_outer_one(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(phases.time, "perf_counter", clock)
    phases.reset()
    with phase("outer"):
        clock.now += 2
        with phase("inner"):
            clock.now += 5
        clock.now += 1
    with phase("inner"):
        clock.now += 3
    assert phases.totals() == {"inner": 8, "outer": 3}  # largest first
    assert list(phases.totals()) == ["inner", "outer"]
    phases.reset()
    assert phases.totals() == {}


def test_listeners_hear_the_innermost_phase_at_every_change():
    phases.reset()
    heard: list[str | None] = []
    phases.on_change(heard.append)
    with phase("outer"):
        with phase("inner"):
            assert phases.current() == "inner"
        assert phases.current() == "outer"
    assert phases.current() is None
    assert heard == [None, "outer", "inner", "outer", None]
