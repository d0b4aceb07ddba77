"""The advice from the timed sample: the weighted choice, how it compares with the source as stored,
the report's Pareto front per access pattern, and the zarr.create_array call that makes the choice.

The weighted choice scores each layout and codec timed at every pattern the user weighed: the sum
over patterns of weight x (its median / the fastest median at that pattern). Choices within
SPEED_MARGIN of the best score are tied, as the report's speed ties are, and among them the one
that compresses best is taken.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from zarrgauge.advise.candidates import Candidate
from zarrgauge.advise.user_source import UserSource
from zarrgauge.catalogue.cases import DEFAULT_CODEC
from zarrgauge.catalogue.codecs import CODECS, SCALE_OFFSET, CodecSpec
from zarrgauge.catalogue.layouts import Layout, Shape, format_shape
from zarrgauge.report.document import Block, Heading, Paragraph, Table
from zarrgauge.report.load import Record, Run
from zarrgauge.report.sections import pareto, recommendations
from zarrgauge.report.style import describe, format_seconds
from zarrgauge.report.ties import SPEED_MARGIN

RANKED_SHOWN = 12
DERIVED = ("typesize",)  # codec settings zarr takes from the array's dtype


@dataclass(frozen=True)
class Scored:
    records: dict[str, Record]  # by operation
    score: float  # weighted time against the fastest at each pattern; 1 is the fastest everywhere

    @property
    def any(self) -> Record:
        return next(iter(self.records.values()))

    @property
    def timed_layout(self) -> Layout:
        return Layout(self.any.layout, self.any.chunks, self.any.shards)


def score(records: list[Record], weights: dict[str, float]) -> list[Scored]:
    """Every choice timed at each weighted pattern, best score first."""
    by_choice: dict[tuple, dict[str, Record]] = defaultdict(dict)
    for r in records:
        if r.operation in weights:
            by_choice[(r.layout, r.chunks, r.shards, r.codec, r.zarr_format)][r.operation] = r
    complete = [found for found in by_choice.values() if set(found) == set(weights)]
    fastest = {op: min(found[op].median for found in complete) for op in weights}
    scored = [Scored(found, sum(w * found[op].median / fastest[op] for op, w in weights.items()))
              for found in complete]
    return sorted(scored, key=lambda s: (s.score, -s.any.compression_ratio))


def weighted_choice(ranked: list[Scored]) -> Scored:
    tied = [s for s in ranked if s.score <= ranked[0].score * SPEED_MARGIN]
    return max(tied, key=lambda s: (s.any.compression_ratio, -s.score))


def _real_layout(scored: Scored, candidates: list[Candidate]) -> Layout:
    timed = scored.timed_layout
    return next((c.real for c in candidates if (c.timed.chunks, c.timed.shards) == (timed.chunks, timed.shards)),
                timed)


def codec_arguments(codec: CodecSpec, dtype: str) -> dict:
    """create_array's filters and compressors for a codec, as zarr's JSON form of each codec."""
    args = codec.create_args(dtype, 3)
    return {key: None if value is None else [_codec_json(c) for c in value] for key, value in args.items()}


def _codec_json(codec) -> dict:
    form = codec.to_dict()
    config = {k: v for k, v in form.get("configuration", {}).items() if k not in DERIVED}
    return {"name": form["name"], "configuration": config}


def create_array_call(shape: Shape, dtype: str, layout: Layout, codec: CodecSpec) -> str:
    parts = ['store="advised.zarr"', f"shape={shape!r}", f'dtype="{dtype}"', f"chunks={layout.chunks!r}"]
    if layout.shards:
        parts.append(f"shards={layout.shards!r}")
    parts += [f"{key}={value!r}" for key, value in codec_arguments(codec, dtype).items()]
    return f"zarr.create_array({', '.join(parts)})"


def _baseline(ranked: list[Scored], current: Layout | None, codec: str) -> Scored | None:
    """The source's own layout (the balanced one when it has none) with zarr's default codec, or with
    `codec` when zarr's default was not timed."""
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
    axes: str
    sample: Shape
    weights: dict[str, float]
    candidates: list[Candidate]
    current: Layout | None  # the source's layout as timed on the sample
    store: str = "local"
    lossy: tuple[CodecSpec, ...] = ()  # made for the user's tolerance

    def codec(self, name: str) -> CodecSpec:
        return next((spec for spec in self.lossy if spec.name == name), None) or CODECS[name]


def build(run: Run, inputs: Inputs) -> tuple[list[Block], dict]:
    ranked = score(run.records, inputs.weights)
    if not ranked:
        return [Heading("zarrgauge advise", 1), Paragraph("No choice was timed at every pattern asked.")], {}
    choice = weighted_choice(ranked)
    base = _baseline(ranked, inputs.current, choice.any.codec)
    real = _real_layout(choice, inputs.candidates)
    dtype = inputs.source.dtype.newbyteorder("=").name
    call = create_array_call(inputs.source.shape, dtype, real, inputs.codec(choice.any.codec))
    blocks: list[Block] = [Heading(f"zarrgauge advise: {inputs.source.name}", 1), Paragraph(_intro(inputs, run)),
              Heading("The choice"), Paragraph(_choice_words(choice, real, base, inputs)),
              Paragraph(f"Make it with `{call}`."), Table(*_ranking(ranked, inputs.weights))]
    blocks += recommendations(run) + pareto(run)
    return blocks, _json(inputs, choice, real, base, ranked, call)


def _intro(inputs: Inputs, run: Run) -> str:
    weights = ", ".join(f"{describe(op)} ({w:.0%})" for op, w in inputs.weights.items())
    return (f"Source: {inputs.source.description}, axes `{inputs.axes}`, stored with {inputs.source.codec}. "
            f"Timed on a sample of shape {format_shape(inputs.sample)} made of whole regions spread over the "
            f"array, on the {_store_words(inputs.store)}, zarr format 3: {len(inputs.candidates)} layouts, "
            f"each with every codec tried. Access patterns and weights: {weights}.{_lossy_words(inputs)}")


def _lossy_words(inputs: Inputs) -> str:
    if not inputs.lossy:
        return ""
    each = "; ".join(f"{spec.name}: {spec.description}, every value within {spec.tolerance:.3g}"
                     for spec in inputs.lossy)
    return f" Lossy codecs, each read checked against its bound: {each}."


def _store_words(store: str) -> str:
    return {"local": "local disk", "memory": "memory store"}.get(store, f"object storage ({store})")


def _choice_words(choice: Scored, real: Layout, base: Scored | None, inputs: Inputs) -> str:
    r = choice.any
    text = (f"**{real.role} {real.id}** with codec **{r.codec}**: weighted time {choice.score:.2f}x the "
            f"fastest at each pattern, compression ratio {r.compression_ratio:.3g} on the sample.")
    if base is not None:
        what = "the source's own chunks" if inputs.current is not None else "the balanced layout"
        text += (f" Against {what} with codec {base.any.codec} ({base.timed_layout.id}): "
                 f"{base.score / choice.score:.2f}x the speed, {r.compression_ratio / base.any.compression_ratio:.2f}x"
                 f" the compression ratio.")
    if r.codec == SCALE_OFFSET:
        text += (f" {inputs.codec(r.codec).description}: a value of the array outside that range, which the "
                 "sample did not hold, would wrap around silently; check the source's range before adopting it.")
    if inputs.source.stored_bytes:
        stored = inputs.source.nbytes / inputs.source.stored_bytes
        text += f" The source as stored now has a compression ratio of {stored:.3g}."
    return text


def _ranking(ranked: list[Scored], weights: dict[str, float]) -> tuple[list[str], list[list[str]]]:
    header = ["layout", "codec", "weighted time", *(f"{op} median" for op in weights), "compression ratio"]
    rows = [[s.any.layout_label, s.any.codec, f"{s.score:.2f}x",
             *(format_seconds(s.records[op].median) for op in weights), f"{s.any.compression_ratio:.3g}"]
            for s in ranked[:RANKED_SHOWN]]
    return header, rows


def _summary(s: Scored | None, real: Layout | None = None) -> dict | None:
    if s is None:
        return None
    layout = real or s.timed_layout
    return {"layout": layout.role, "chunks": list(layout.chunks),
            "shards": list(layout.shards) if layout.shards else None,
            "timed_chunks": list(s.any.chunks), "codec": s.any.codec, "weighted_time": round(s.score, 4),
            "compression_ratio": s.any.compression_ratio,
            "median_seconds": {op: r.median for op, r in s.records.items()}}


def _json(inputs: Inputs, choice: Scored, real: Layout, base: Scored | None, ranked: list[Scored],
          call: str) -> dict:
    source = inputs.source
    return {"source": {"name": source.name, "description": source.description, "shape": list(source.shape),
                       "dtype": str(source.dtype), "axes": inputs.axes, "codec": source.codec,
                       "chunks": list(source.chunks) if source.chunks else None,
                       "shards": list(source.shards) if source.shards else None,
                       "stored_bytes": source.stored_bytes},
            "store": inputs.store, "sample_shape": list(inputs.sample), "weights": inputs.weights,
            "choice": _summary(choice, real), "baseline": _summary(base), "create_array": call,
            "ranking": [_summary(s) for s in ranked]}
