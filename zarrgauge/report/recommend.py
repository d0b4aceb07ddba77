"""Recommendations: per family and access pattern, the choices on the Pareto front against zarr's default."""

from __future__ import annotations

from dataclasses import dataclass

from zarrgauge.report.load import Record, families, operations
from zarrgauge.report.pareto import choices, pareto_front, zarr_default
from zarrgauge.report.style import describe, format_seconds

# Within this fraction a ratio reads as "about the same".
SAME = 0.05


@dataclass(frozen=True)
class Choice:
    record: Record
    speedup: float | None  # zarr default's time / this time: above 1 is faster
    ratio_gain: float | None  # this compression ratio / zarr default's: above 1 is smaller on disk


@dataclass(frozen=True)
class Recommendation:
    family: str
    operation: str
    front: tuple[Choice, ...]  # fastest first
    default: Record | None
    measured: int  # how many choices were timed

    @property
    def default_on_front(self) -> bool:
        return any(choice.record is self.default for choice in self.front)


def recommend(records: list[Record]) -> list[Recommendation]:
    found = []
    for family in families(records):
        for op in operations(records, family):
            points = choices(records, family, op)
            if len(points) < 2:
                continue
            default = zarr_default(points)
            front = tuple(_choice(r, default) for r in pareto_front(points))
            found.append(Recommendation(family, op, front, default, len(points)))
    return found


def _choice(record: Record, default: Record | None) -> Choice:
    if default is None:
        return Choice(record, None, None)
    return Choice(record, default.median / record.median, record.compression_ratio / default.compression_ratio)


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


def sentence(rec: Recommendation) -> str:
    """The recommendation in plain words, with every figure relative to zarr's default."""
    head = f"**{rec.operation}** ({describe(rec.operation)}, {rec.measured} choices timed): "
    fastest, smallest = rec.front[0], rec.front[-1]
    if len(rec.front) == 1:
        advice = f"one choice is both the fastest and the smallest: {_described(fastest, rec.default)}."
    else:
        advice = (f"for speed take {_described(fastest, rec.default)}; "
                  f"for size take {_described(smallest, rec.default)}"
                  + (f"; {len(rec.front) - 2} more in between (table)." if len(rec.front) > 2 else "."))
    return head + advice + " " + _default_words(rec)


def _default_words(rec: Recommendation) -> str:
    if rec.default is None:
        return "zarr's default (balanced layout, zarr-default codec, v3) was not timed."
    if rec.default_on_front:
        return "zarr's default is on the front."
    # a default left off the front has a faster choice on it that compresses as well, or within RATIO_STEP
    better = [c for c in rec.front if c.record.median <= rec.default.median][-1]
    if abs(better.speedup - 1) < SAME and abs(better.ratio_gain - 1) < SAME:
        return (f"zarr's default is off the front by a hair: `{better.record.label}` is within {SAME:.0%} "
                "on both counts.")
    if better in (rec.front[0], rec.front[-1]):
        return f"zarr's default is off the front: `{better.record.label}` beats it."
    return f"zarr's default is off the front: {_described(better, rec.default)} beats it."


TABLE_HEADER = ["access pattern", "layout", "codec", "median time", "compression ratio",
                "speed vs zarr default", "ratio vs zarr default"]


def table_rows(recommendations: list[Recommendation]) -> list[list[str]]:
    rows = []
    for rec in recommendations:
        for choice in rec.front:
            r = choice.record
            rows.append([rec.operation, r.layout_label, r.codec_label, format_seconds(r.median),
                         f"{r.compression_ratio:.3g}", _times(choice.speedup), _times(choice.ratio_gain)])
    return rows


def _times(factor: float | None) -> str:
    return "–" if factor is None else f"{factor:.2g}x"
