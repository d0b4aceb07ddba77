"""The engines section: each engine's time against zarr-python's on the same stored array, per
family, layout, codec, access pattern and regime, as a speed-up with its 95% bootstrap interval (the
gate's), and the engine to pick where one is clearly faster (the interval's low end above 1).

A speed-up holds in the regime it was measured in: small chunks read from the page cache are mostly
per-chunk overhead, where compiled engines win by several times; large chunks and cold reads are
mostly decoding and the disk, where the same engines win by much less, or lose. Every comparison
and every pick names its regime (the size of a decoded chunk, warm or cold), and none is carried
over to another."""

from __future__ import annotations

from dataclasses import astuple

from matplotlib.figure import Figure

from zarrgauge.catalogue.engines import DEFAULT_ENGINE, ENGINES
from zarrgauge.catalogue.operations import TIMED_OPERATIONS
from zarrgauge.report.document import Block, Bullets, Heading, Image, Paragraph, Table
from zarrgauge.report.load import Record, Run, families
from zarrgauge.report.style import DPI, format_factor, format_seconds, scale_axis
from zarrgauge.report.ties import SpeedUp, speedup

Place = tuple[str, str, str, str]  # family, layout and codec, operation, regime
LARGE_CHUNK_BYTES = 2**20  # from here on a chunk's decoding outweighs an engine's per-chunk overhead


def engines_of(records: list[Record]) -> list[str]:
    return [name for name in ENGINES if name != DEFAULT_ENGINE and any(r.engine == name for r in records)]


def compared(records: list[Record]) -> dict[Place, dict[str, Record]]:
    """Places that another engine timed, each with every engine's record there, zarr-python's included."""
    by_place: dict[Place, dict[str, Record]] = {}
    for r in records:
        if r.store == "local" and r.zarr_format == 3:
            by_place.setdefault((r.family, r.label, r.operation, regime(r)), {})[r.engine] = r
    family_rank = {family: rank for rank, family in enumerate(families(records))}
    chosen = {place: found for place, found in by_place.items() if DEFAULT_ENGINE in found and len(found) > 1}
    return dict(sorted(chosen.items(), key=lambda item: (family_rank[item[0][0]], item[0][1],
                                                         TIMED_OPERATIONS.index(item[0][2]))))


def regime(record: Record) -> str:
    """Where a speed-up holds: the (inner) chunk's decoded size, small or large, and warm or cold."""
    size = "large" if record.chunk_bytes >= LARGE_CHUNK_BYTES else "small"
    return f"{record.cache}, {size} chunks ({format_bytes(record.chunk_bytes)})"


def format_bytes(count: int) -> str:
    for unit, scale in (("MiB", 2**20), ("KiB", 2**10)):
        if count >= scale:
            return f"{count / scale:.3g} {unit}"
    return f"{count} B"


def _cell(base: Record, other: Record | None) -> str:
    if other is None:
        return ""
    factor, low, high = astuple(speedup(base, other))
    return f"{format_seconds(other.median)}, {format_factor(factor)} ({low:.2g}–{high:.2g})"


def fastest(found: dict[str, Record]) -> tuple[str, SpeedUp] | None:
    """The fastest other Zarr engine when its interval clears 1, else None (zarr-python is as good).
    A baseline in another format (HDF5) is shown beside them, never picked: it does not read the data."""
    base = found[DEFAULT_ENGINE]
    others = {name: speedup(base, record) for name, record in found.items()
              if name != DEFAULT_ENGINE and ENGINES[name].zarr}
    if not others:
        return None
    name, best = max(others.items(), key=lambda item: item[1].factor)
    return (name, best) if best.low > 1 else None


def _choice(place: Place, found: dict[str, Record]) -> str:
    family, layout, operation, where = place
    pick = fastest(found)
    if pick is None:
        return f"{family}, {operation}, {layout}, {where}: no engine is clearly faster than zarr-python"
    name, speed = pick
    factor, low, high = astuple(speed)
    return (f"{family}, {operation}, {layout}, {where}: **{name}**, {format_factor(factor)} zarr-python "
            f"({low:.2g}–{high:.2g})")


def engine_advice(records: list[Record], family: str) -> str | None:
    """One sentence for the recommendation: which engine to use for this family, where one is clearly faster."""
    picks: dict[str, list[str]] = {}
    for place, found in compared(records).items():
        pick = fastest(found) if place[0] == family else None
        if pick is not None:
            picks.setdefault(pick[0], []).append(f"{place[2]} ({place[1]}, {place[3]}, "
                                                 f"{format_factor(pick[1].factor)})")
    if not picks:
        return None
    named = "; ".join(f"**{name}** for {', '.join(where)}" for name, where in picks.items())
    return (f"Engine: faster than zarr-python beyond doubt (see Engines), in the regime each was measured in "
            f"and no other: {named}.")


def engine_figure(places: dict[Place, dict[str, Record]], names: list[str]) -> Figure:
    """A horizontal bar per place and engine: speed-up over zarr-python, with its interval."""
    fig = Figure(figsize=(8, 0.32 * len(places) * len(names) + 1.6), dpi=DPI, layout="constrained")
    ax = fig.subplots()
    labels, position, factors = [], 0, []
    for place, found in places.items():
        for offset, name in enumerate(names):
            if name in found:
                factor, low, high = astuple(speedup(found[DEFAULT_ENGINE], found[name]))
                ax.barh(position + offset * 0.8 / len(names), factor, height=0.8 / len(names), color=f"C{offset}",
                        xerr=[[factor - low], [high - factor]], label=name if position == 0 else None)
                factors += [low, high]
        labels.append(" · ".join(place))
        position += 1
    ax.set_yticks([i + 0.4 - 0.4 / len(names) for i in range(len(labels))], labels, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(1, color="black", lw=1)
    scale_axis(ax, factors + [1], "x", label=lambda value: f"×{value:g}")
    ax.set_xlabel("speed-up over zarr-python (ratio of medians, 95% interval)")
    ax.legend(loc="lower right", fontsize=8)
    return fig


def engines_section(run: Run) -> list[Block]:
    places = compared(run.engine_records)
    if not places:
        return []
    names = engines_of(run.engine_records)
    header = ["family", "layout · codec", "operation", "regime", "zarr-python", *names]
    rows = [[*place, format_seconds(found[DEFAULT_ENGINE].median),
             *(_cell(found[DEFAULT_ENGINE], found.get(name)) for name in names)] for place, found in places.items()]
    return [Heading("Engines"),
            Paragraph("The same stored array (v3, local store) read and written by each engine: its median time "
                      "and its speed-up over zarr-python, with the 95% bootstrap interval of the ratio of medians, "
                      "in its regime: the size of a decoded (inner) chunk (small below 1 MiB: per-chunk overhead "
                      "dominates; large: decoding and the disk do) and whether the store's files were in the page "
                      "cache (warm) or dropped from it before each round (cold). A speed-up holds in its regime and "
                      "is not carried over to another. zarr-python reads through zarrgauge's counting store, a thin "
                      "wrapper; zarrs and tensorstore read the files themselves. `h5py` is the baseline a user might "
                      "pick instead of Zarr: the same values in an HDF5 file of its own with the same (inner) chunks "
                      "and codec, so it is shown but never picked."),
            Table(header, rows),
            Image("engines.png", engine_figure(places, names), "Speed-up of each engine over zarr-python"),
            Heading("Which engine", 3),
            Bullets([_choice(place, found) for place, found in places.items()])]
