"""Recommendations: per family and access pattern, the choices that cannot be beaten (the Pareto
front of time against compression ratio) and the choices tied for the fastest and for the smallest,
told apart from one run's samples (zarrgauge/report/ties.py), against zarr's default."""

from __future__ import annotations

from dataclasses import dataclass

from zarrgauge.report.load import Record, families, operations
from zarrgauge.report.pareto import choices, zarr_default
from zarrgauge.report.style import describe, format_seconds
from zarrgauge.report.ties import (
    CONFIDENCE,
    SIZE_MARGIN,
    SPEED_MARGIN,
    SpeedUp,
    front,
    pick,
    size_ties,
    speed_ties,
    speedup,
)

# Within this fraction a ratio reads as "about the same".
SAME = 0.05
SHARPER = ("more rounds (`--benchmark-min-rounds=30`), the full tier (`--zarr-tier=full`), or a slower store "
           "(`--zarr-store=s3-obstore --zarr-network=same-region`)")


@dataclass(frozen=True)
class Choice:
    record: Record
    speed: SpeedUp | None  # against zarr's default: above 1 is faster
    ratio_gain: float | None  # this compression ratio / zarr default's: above 1 is smaller on disk

    @property
    def speedup(self) -> float | None:
        return None if self.speed is None else self.speed.factor


@dataclass(frozen=True)
class Recommendation:
    family: str
    operation: str
    front: tuple[Choice, ...]  # fastest first
    speed_ties: tuple[Choice, ...]  # tied for the fastest, fastest first
    size_ties: tuple[Choice, ...]  # tied for the smallest, fastest first
    speed_pick: Choice  # zarr's default when it is tied for the fastest, else the smallest of the tied
    size_pick: Choice  # zarr's default when it is tied for the smallest, else the fastest of the tied
    default: Record | None
    measured: int  # how many choices were timed

    @property
    def default_on_front(self) -> bool:
        return any(choice.record is self.default for choice in self.front)

    def tied_for(self, choice: Choice) -> list[str]:
        return [name for name, tied in (("speed", self.speed_ties), ("size", self.size_ties)) if choice in tied]


def recommend(records: list[Record]) -> list[Recommendation]:
    found = []
    for family in families(records):
        for op in operations(records, family):
            points = choices(records, family, op)
            if len(points) >= 2:
                found.append(_recommendation(family, op, points))
    return found


def _recommendation(family: str, operation: str, points: list[Record]) -> Recommendation:
    default = zarr_default(points)
    fast, small = speed_ties(points), size_ties(points)
    speed_pick = pick(fast, default, lambda r: -r.compression_ratio)
    size_pick = pick(small, default, lambda r: r.median)

    def chosen(records: list[Record]) -> tuple[Choice, ...]:
        return tuple(_choice(r, default) for r in records)

    return Recommendation(family, operation, chosen(front(points)), chosen(fast), chosen(small),
                          _choice(speed_pick, default), _choice(size_pick, default), default, len(points))


def _choice(record: Record, default: Record | None) -> Choice:
    if default is None:
        return Choice(record, None, None)
    return Choice(record, speedup(default, record), record.compression_ratio / default.compression_ratio)


def _against_default(factor: float | None, measure: str, same: str, better: str, worse: str) -> str:
    """`factor` (above 1: better than zarr's default) in words; `better` and `worse` format a factor."""
    if factor is None:
        return f"{measure} against zarr's default not measured"
    if abs(factor - 1) < SAME:
        return same
    return better.format(factor) if factor > 1 else worse.format(1 / factor)


def speed_words(speedup: float | None) -> str:
    return _against_default(speedup, "speed", "as fast as zarr's default", "{:.2g}x faster", "{:.2g}x slower")


def ratio_words(gain: float | None) -> str:
    return _against_default(gain, "compression", "compresses as well", "compresses {:.2g}x better",
                            "compresses {:.2g}x worse")


def _described(choice: Choice, default: Record | None) -> str:
    if choice.record is default:
        return f"zarr's default, `{choice.record.label}`"
    return f"`{choice.record.label}` ({speed_words(choice.speedup)}, {ratio_words(choice.ratio_gain)})"


def _ties_words(tied: tuple[Choice, ...], goal: str) -> str:
    if len(tied) == 1:
        return ""
    others = ", ".join(f"`{c.record.label}`" for c in tied)
    return f" — or any of the {len(tied)} tied for the {goal}: {others}"


def sentence(rec: Recommendation) -> str:
    """The recommendation in plain words, with every figure relative to zarr's default."""
    head = f"**{rec.operation}** ({describe(rec.operation)}, {rec.measured} choices timed): "
    if rec.speed_pick == rec.size_pick and len(rec.speed_ties) == len(rec.size_ties) == 1:
        advice = f"one choice is both the fastest and the smallest: {_described(rec.speed_pick, rec.default)}."
    else:
        advice = (f"for speed take {_described(rec.speed_pick, rec.default)}{_ties_words(rec.speed_ties, 'fastest')}; "
                  f"for size take {_described(rec.size_pick, rec.default)}{_ties_words(rec.size_ties, 'smallest')}.")
    return head + advice + " " + _default_words(rec)


def _default_words(rec: Recommendation) -> str:
    if rec.default is None:
        return "zarr's default (balanced layout, zarr-default codec, v3) was not timed."
    tied = [goal for goal, choices in (("fastest", rec.speed_ties), ("smallest", rec.size_ties))
            if any(c.record is rec.default for c in choices)]
    if tied:
        return f"zarr's default is tied for the {' and the '.join(tied)}."
    if rec.default_on_front:
        return "zarr's default is on the front."
    return "zarr's default is off the front: a choice on it is clearly faster or smaller, and no worse otherwise."


def cannot_separate(recommendations: list[Recommendation]) -> str | None:
    """What to run to tell tied choices apart, when any are tied for the fastest."""
    tied = [rec for rec in recommendations if len(rec.speed_ties) > 1]
    if not tied:
        return None
    return (f"For {len(tied)} of these {len(recommendations)} access patterns this run cannot tell the fastest "
            f"choices apart: their speed-ups' 95% intervals overlap one another or stay within the margin. "
            f"Any of the tied choices is as good here; to separate them, pay for {SHARPER}.")


TABLE_HEADER = ["access pattern", "layout", "codec", "median time", "compression ratio",
                "speed vs zarr default (95% interval)", "ratio vs zarr default", "tied for"]


def table_rows(recommendations: list[Recommendation]) -> list[list[str]]:
    rows = []
    for rec in recommendations:
        for choice in rec.front:
            r = choice.record
            speed = "–" if choice.speed is None else choice.speed.text()
            rows.append([rec.operation, r.layout_label, r.codec_label, format_seconds(r.median),
                         f"{r.compression_ratio:.3g}", speed, _times(choice.ratio_gain),
                         ", ".join(rec.tied_for(choice))])
    return rows


def _times(factor: float | None) -> str:
    return "–" if factor is None else f"{factor:.2g}x"


def _choice_json(choice: Choice) -> dict:
    r = choice.record
    speed = None if choice.speed is None else {"factor": round(choice.speed.factor, 4),
                                               "low": round(choice.speed.low, 4), "high": round(choice.speed.high, 4)}
    return {"label": r.label, "layout": r.layout, "chunks": list(r.chunks),
            "shards": list(r.shards) if r.shards else None, "codec": r.codec, "zarr_format": r.zarr_format,
            "median_seconds": r.median, "rounds": len(r.samples), "compression_ratio": r.compression_ratio,
            "speedup_vs_default": speed,
            "ratio_vs_default": None if choice.ratio_gain is None else round(choice.ratio_gain, 4)}


def _default_json(rec: Recommendation) -> dict | None:
    if rec.default is None:
        return None
    return {"label": rec.default.label, "on_front": rec.default_on_front,
            "tied_for_speed": any(c.record is rec.default for c in rec.speed_ties),
            "tied_for_size": any(c.record is rec.default for c in rec.size_ties)}


def as_json(recommendations: list[Recommendation], tier: str) -> dict:
    """The advice for tools: recommendation.json in the report directory."""
    return {"tier": tier, "speed_margin": SPEED_MARGIN, "size_margin": SIZE_MARGIN, "confidence": CONFIDENCE,
            "recommendations": [{
                "family": rec.family, "access_pattern": rec.operation, "choices_timed": rec.measured,
                "speed": {"pick": rec.speed_pick.record.label, "tied": [c.record.label for c in rec.speed_ties]},
                "size": {"pick": rec.size_pick.record.label, "tied": [c.record.label for c in rec.size_ties]},
                "separable": len(rec.speed_ties) == 1,
                "front": [_choice_json(c) for c in rec.front], "default": _default_json(rec)}
                for rec in recommendations]}
