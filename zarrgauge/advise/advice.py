"""The advice from the race on the sample: first what the preferred choice trades against the others
(objective.py), and the zarr.create_array call that makes it; then the array and its axes, the
race, a ranking, how the choice compares with the source as stored, and the report's Pareto front
per access pattern.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zarrgauge.advise.axes import Axes, axes_words
from zarrgauge.advise.candidates import Candidate
from zarrgauge.advise.objective import (
    CONCURRENCY,
    FIRST_BYTE,
    RULES,
    Scored,
    objective,
    picks,
    score,
    trade_sentence,
)
from zarrgauge.advise.race import Race
from zarrgauge.advise.user_source import UserSource
from zarrgauge.advise.writes import left_out_words
from zarrgauge.catalogue.cases import DEFAULT_CODEC
from zarrgauge.catalogue.codecs import CODECS, SCALE_OFFSET, CodecSpec
from zarrgauge.catalogue.layouts import Layout, Shape, format_shape
from zarrgauge.report.document import Block, Heading, Paragraph, Table
from zarrgauge.report.load import Run
from zarrgauge.report.sections import pareto, recommendations
from zarrgauge.report.style import describe, format_seconds

RANKED_SHOWN = 12
DERIVED = ("typesize",)  # codec settings zarr takes from the array's dtype


def codec_arguments(codec: CodecSpec, dtype: str) -> dict:
    """create_array's filters and compressors for a codec, as zarr's JSON form of each codec."""
    args = codec.create_args(dtype, 3)
    return {key: None if value is None else [_codec_json(c) for c in value] for key, value in args.items()}


def _codec_json(codec: Any) -> dict:
    form = codec.to_dict()
    config = {k: v for k, v in form.get("configuration", {}).items() if k not in DERIVED}
    return {"name": form["name"], "configuration": config}


def create_array_call(shape: Shape, dtype: str, layout: Layout, codec: CodecSpec) -> str:
    parts = ['store="advised.zarr"', f"shape={shape!r}", f'dtype="{dtype}"', f"chunks={layout.chunks!r}"]
    if layout.shards:
        parts.append(f"shards={layout.shards!r}")
    parts += [f"{key}={value!r}" for key, value in codec_arguments(codec, dtype).items()]
    return f"zarr.create_array({', '.join(parts)})"


def baseline(ranked: list[Scored], current: Layout | None, codec: str = DEFAULT_CODEC) -> Scored | None:
    """The source's own layout as timed (the balanced one when it has none) with zarr's default codec, or
    with `codec` when zarr's default was not timed."""
    def same(s: Scored) -> bool:
        layout = s.timed_layout
        if current is not None:
            return (layout.chunks, layout.shards) == (current.chunks, current.shards)
        return layout.role == "balanced"

    mine = [s for s in ranked if same(s)]
    fallback = next((s for s in mine if s.any.codec == codec), None)
    return next((s for s in mine if s.any.codec == DEFAULT_CODEC), fallback)


@dataclass(frozen=True)
class Inputs:
    source: UserSource
    axes: Axes
    sample: Shape
    weights: dict[str, float]
    candidates: list[Candidate]
    current: Layout | None  # the source's layout as timed on the sample
    race: Race
    store: str = "local"
    lossy: tuple[CodecSpec, ...] = ()  # made for the user's tolerance
    prefer: str = "balanced"
    left_out: dict[str, float] = field(default_factory=dict)  # codecs too slow to write: bytes per second

    def codec(self, name: str) -> CodecSpec:
        return next((spec for spec in self.lossy if spec.name == name), None) or CODECS[name]

    def real(self, scored: Scored) -> Layout:
        """The layout for the array itself that `scored` timed, clipped, on the sample."""
        timed = scored.timed_layout
        return next((c.real for c in self.candidates if (c.timed.chunks, c.timed.shards) ==
                     (timed.chunks, timed.shards)), timed)

    def label(self, scored: Scored) -> str:
        real = self.real(scored)
        shards = f" in {format_shape(real.shards)}" if real.shards else ""
        return f"{real.role} {format_shape(real.chunks)}{shards} · {scored.any.codec}"


@dataclass(frozen=True)
class Advice:
    blocks: list[Block]
    json: dict
    lines: list[str]  # the answer, for the terminal


def build(run: Run, inputs: Inputs) -> Advice:
    """The advice from the race's last stage; the report's sections per pattern from every choice in `run`."""
    ranked = score(inputs.race.final, inputs.weights, inputs.store)
    if not ranked:
        text = "No choice was timed at every pattern asked."
        return Advice([Heading("zarrgauge advise", 1), Paragraph(text)], {}, [text])
    found = picks(ranked)
    choice = found[inputs.prefer]
    real = inputs.real(choice)
    dtype = inputs.source.dtype.newbyteorder("=").name
    call = create_array_call(inputs.source.shape, dtype, real, inputs.codec(choice.any.codec))
    sentence = trade_sentence(inputs.prefer, found, inputs.label)
    rule = f"Chosen by the {inputs.prefer} rule (`--prefer` balanced, speed or size): {RULES[inputs.prefer]}."
    base = baseline(ranked, inputs.current, choice.any.codec)
    blocks: list[Block] = [
        Heading(f"zarrgauge advise: {inputs.source.name}", 1), Paragraph(sentence),
        Paragraph(f"Make it with `{call}`."), Paragraph(rule),
        Heading("The array"), Paragraph(_array_words(inputs)),
        Heading("The race"), Paragraph(inputs.race.words()),
        Heading("The contenders"), Paragraph(_choice_words(choice, base, inputs)),
        Table(*_ranking(sorted(ranked, key=objective(inputs.prefer)), inputs))]
    blocks += recommendations(run) + pareto(run)
    lines = [sentence.replace("**", ""), f"Make it with {call}", rule.replace("`", ""), inputs.race.words()]
    return Advice(blocks, _json(inputs, found, base, ranked, call, sentence), lines)


def axes_line(inputs_axes: Axes, shape: Shape) -> str:
    """The axes, what they rest on and how to say otherwise: among the first lines advise prints."""
    channels = " (channels kept whole in every chunk advise makes)" if "c" in inputs_axes.letters else ""
    override = " Not so? Give --axes, one letter per axis from t, c, z, y, x, n." if inputs_axes.guessed else ""
    return (f"axes {inputs_axes.letters}: {axes_words(inputs_axes.letters, shape)}{channels}; "
            f"{inputs_axes.how}.{override}")


def _array_words(inputs: Inputs) -> str:
    weights = ", ".join(f"{describe(op)} ({w:.0%})" for op, w in inputs.weights.items())
    return (f"Source: {inputs.source.description}, stored with {inputs.source.codec}. "
            f"Its {axes_line(inputs.axes, inputs.source.shape)} "
            f"Timed on a sample of shape {format_shape(inputs.sample)} made of whole regions spread over the "
            f"array, on the {_store_words(inputs.store)}, zarr format 3: {len(inputs.candidates)} layouts, "
            f"each with every codec raced. Access patterns and weights: {weights}.{_lossy_words(inputs)}"
            + (f" Codecs {left_out_words(inputs.left_out)}." if inputs.left_out else ""))


def _lossy_words(inputs: Inputs) -> str:
    if not inputs.lossy:
        return ""
    each = "; ".join(f"{spec.name}: {spec.description}, every value within {spec.tolerance:.3g}"
                     for spec in inputs.lossy)
    return f" Lossy codecs, each read checked against its bound: {each}."


def _store_words(store: str) -> str:
    charge = f"each read charged {FIRST_BYTE * 1000:.0f} ms per {CONCURRENCY} requests, a first byte in the same region"
    return {"local": "local disk", "memory": "memory store"}.get(store, f"object storage ({store}; {charge})")


def _choice_words(choice: Scored, base: Scored | None, inputs: Inputs) -> str:
    r = choice.any
    text = (f"**{inputs.label(choice)}**: weighted time {choice.time:.2f}x the fastest at each pattern, stored "
            f"{choice.size:.2f}x the smallest (compression ratio {r.compression_ratio:.3g} on the sample).")
    if base is not None and base is not choice:
        what = "the source's own chunks" if inputs.current is not None else "the balanced layout"
        text += (f" Against {what} with codec {base.any.codec} ({base.timed_layout.id}): "
                 f"{base.time / choice.time:.2f}x the speed, {r.compression_ratio / base.ratio:.2f}x"
                 f" the compression ratio.")
    if r.codec == SCALE_OFFSET:
        text += (f" {inputs.codec(r.codec).description}: a value of the array outside that range, which the "
                 "sample did not hold, would wrap around silently; check the source's range before adopting it.")
    if inputs.source.stored_bytes:
        stored = inputs.source.nbytes / inputs.source.stored_bytes
        text += f" The source as stored now has a compression ratio of {stored:.3g}."
    return text


def _ranking(ranked: list[Scored], inputs: Inputs) -> tuple[list[str], list[list[str]]]:
    ops = list(inputs.weights)
    header = ["layout", "codec", "weighted time", "stored", "time x stored", *(f"{op} median" for op in ops),
              "compression ratio", "rounds"]
    rows = [[inputs.label(s).rpartition(" · ")[0], s.any.codec, f"{s.time:.2f}x", f"{s.size:.2f}x",
             f"{s.cost:.2f}", *(format_seconds(s.records[op].median) for op in ops), f"{s.ratio:.3g}",
             str(min(len(r.samples) for r in s.records.values()))]
            for s in ranked[:RANKED_SHOWN]]
    return header, rows


def _summary(s: Scored | None, inputs: Inputs) -> dict | None:
    if s is None:
        return None
    layout = inputs.real(s)
    return {"layout": layout.role, "chunks": list(layout.chunks),
            "shards": list(layout.shards) if layout.shards else None,
            "timed_chunks": list(s.any.chunks), "codec": s.any.codec, "weighted_time": round(s.time, 4),
            "stored": round(s.size, 4), "compression_ratio": s.ratio,
            "median_seconds": {op: r.median for op, r in s.records.items()},
            "rounds": min(len(r.samples) for r in s.records.values())}


def _json(inputs: Inputs, found: dict[str, Scored], base: Scored | None, ranked: list[Scored], call: str,
          sentence: str) -> dict:
    source, race = inputs.source, inputs.race
    return {"source": {"name": source.name, "description": source.description, "shape": list(source.shape),
                       "dtype": str(source.dtype), "axes": inputs.axes.letters, "axes_from": inputs.axes.how,
                       "codec": source.codec, "chunks": list(source.chunks) if source.chunks else None,
                       "shards": list(source.shards) if source.shards else None,
                       "stored_bytes": source.stored_bytes},
            "store": inputs.store, "sample_shape": list(inputs.sample), "weights": inputs.weights,
            "prefer": inputs.prefer, "rule": RULES[inputs.prefer], "trade_off": sentence.replace("**", ""),
            "choice": _summary(found[inputs.prefer], inputs), "create_array": call,
            "picks": {prefer: _summary(s, inputs) for prefer, s in found.items()},
            "baseline": _summary(base, inputs), "left_out_bytes_per_second": inputs.left_out,
            "race": {"seconds": round(race.seconds, 2), "full_estimate_seconds": round(race.full_estimate, 2),
                     "stages": [{"choices": s.choices, "rounds": s.rounds, "seconds": round(s.seconds, 2)}
                                for s in race.stages]},
            "ranking": [_summary(s, inputs) for s in sorted(ranked, key=objective(inputs.prefer))]}

