"""The report's sections, each a list of blocks built from the loaded runs."""

from __future__ import annotations

from zarrgauge.gate.compare import Comparison, compare_runs
from zarrgauge.report.document import Block, Bullets, Heading, Image, Paragraph, Table
from zarrgauge.report.engines import engine_advice, engines_section
from zarrgauge.report.figures_compare import case_name, groups, ratio_figure
from zarrgauge.report.figures_floors import bar_label, floor_records, floors_figure
from zarrgauge.report.figures_results import layout_grid, layout_heatmap, pareto_figure, read_operations
from zarrgauge.report.figures_tutorial import tutorial_figure
from zarrgauge.report.load import Run, families
from zarrgauge.report.recommend import TABLE_HEADER, cannot_separate, recommend, sentence, table_rows
from zarrgauge.report.remote import remote_section
from zarrgauge.report.style import format_seconds
from zarrgauge.report.ties import SIZE_MARGIN, SPEED_MARGIN


def overview(runs: list[Run]) -> list[Block]:
    latest = runs[-1]
    rows = [[run.label, str(run.path), run.tier, str(len(run.benchmarks))] for run in runs]
    text = (f"Sections on one run use the last file given, **{latest.label}**."
            + (" The comparison at the end sets every later file against the first." if len(runs) > 1 else ""))
    return [Heading("zarrgauge report", 1), Table(["run", "file", "tier", "benchmarks"], rows), Paragraph(text)]


def recommendations(run: Run) -> list[Block]:
    found = recommend(run.records)
    blocks: list[Block] = [
        Heading("Recommendation"),
        Paragraph("For each data family and access pattern, from every round's time (local store): a choice is "
                  f"**faster** than another only when the 95% bootstrap interval of its speed-up lies above "
                  f"{SPEED_MARGIN:.2f}x (two runs of the same code here differ by up to 15%), and it **compresses "
                  f"better** only by more than {SIZE_MARGIN:.0%}; otherwise the two are tied. The table is the "
                  "Pareto front: no other choice timed is clearly faster and as small, or clearly smaller and as "
                  "fast. Among choices tied for the fastest (or the smallest) the advice takes zarr's default when "
                  "it is one of them. Speeds and ratios are relative to zarr's default choice, the `zarr-default` "
                  "codec with the family's `balanced` layout in format 3. `recommendation.json` beside this report "
                  "holds the same advice for tools."),
    ]
    if not found:
        return blocks + [Paragraph("These results time no family and access pattern with two or more choices.")]
    separate = cannot_separate(found)
    if separate:
        blocks.append(Paragraph(separate))
    for family in dict.fromkeys(rec.family for rec in found):
        mine = [rec for rec in found if rec.family == family]
        advice = engine_advice(run.engine_records, family)
        bullets = [sentence(rec) for rec in mine] + ([advice] if advice else [])
        blocks += [Heading(family, 3), Bullets(bullets), Table(TABLE_HEADER, table_rows(mine))]
    return blocks


def pareto(run: Run) -> list[Block]:
    blocks: list[Block] = [Heading("Compression ratio against read time")]
    for family in families(run.records):
        if read_operations(run.records, family):
            blocks.append(Image(f"pareto-{family}.png", pareto_figure(run.records, family, run.tier),
                                f"{family}: every layout and codec timed, per read pattern; the Pareto front in black"))
    return blocks if len(blocks) > 1 else blocks + [Paragraph("No read pattern was timed with two or more choices.")]


def layouts(run: Run) -> list[Block]:
    blocks: list[Block] = [Heading("Chunk layout against access pattern")]
    for family in families(run.records):
        names, ops, _ = layout_grid(run.records, family)
        if len(names) > 1:
            blocks.append(Image(f"layouts-{family}.png", layout_heatmap(run.records, family, run.tier),
                                f"{family}: median time of each layout per access pattern, and its slowdown "
                                "against the best layout"))
    return blocks if len(blocks) > 1 else blocks + [Paragraph("No family was timed with two or more layouts.")]


def floors(run: Run) -> list[Block]:
    """Only for results that carry floors (timed runs since they were measured)."""
    shown = [family for family in families(run.records) if floor_records(run.records, family)]
    if not shown:
        return []
    blocks: list[Block] = [
        Heading("Where the time goes"),
        Paragraph("Beside each read of the default layout on the local and memory stores, the same run times its "
                  "floors alone, with the read's statistics (its rounds, at most 10; the median): **fetch** gets "
                  "exactly the stored objects and byte ranges the read got, concurrently as zarr does, undecoded; "
                  "**decode** decodes the chunks it read (inner chunks when sharded) with the array's codecs and no "
                  "store; **copy** copies its result once. **zarr overhead** is the rest of zarr's median time: "
                  "indexing, scheduling, assembling the result. The efficiency is the floors' sum over zarr's "
                  "median; above 100% only by noise, or where zarr's concurrency beats a floor's."),
    ]
    blocks += furthest_from_floor(run)
    for family in shown:
        blocks.append(Image(f"floors-{family}.png", floors_figure(run.records, family, run.tier),
                            f"{family}: each read's floors and zarr's overhead, as shares of its median time"))
    return blocks


FURTHEST_SHOWN = 8


def furthest_from_floor(run: Run) -> list[Block]:
    """The reads that take longest against their floors: where zarr itself has the most to gain."""
    floored = sorted((r for r in run.records if r.floors is not None), key=lambda r: sum(r.floors) / r.median)
    rows = [[r.family, r.operation, bar_label(r), format_seconds(r.median), format_seconds(sum(r.floors)),
             f"{r.median / sum(r.floors):.1f}x"] for r in floored[:FURTHEST_SHOWN]]
    return [Paragraph(f"The {len(rows)} reads furthest from their floors (zarr's median over the floors' sum):"),
            Table(["family", "read", "case", "zarr median", "floors", "time / floors"], rows)]


def tutorial(run: Run) -> list[Block]:
    return [Heading("The tutorial's figure"),
            Image("tutorial.png", tutorial_figure(run.records, run.tier),
                  "The tutorial's six panels, from zarrgauge's data families at the results' tier; "
                  "the compression ratios come from the results")]


def comparison(runs: list[Run]) -> list[Block]:
    base, heads = runs[0], runs[1:]
    by_head = {head.label: compare_runs(base.benchmarks, head.benchmarks) for head in heads}
    blocks: list[Block] = [
        Heading(f"Comparison against {base.label}"),
        Paragraph("Verdicts use the gate's rules (`zarrgauge gate`): a time regression needs a ratio above the "
                  "factor, a significant Mann-Whitney test and a slowdown above the floor; deterministic metrics "
                  "must be equal (peak memory within 5%)."),
        Table(["run", "benchmarks compared", "slower", "faster", "metric changes"],
              [[head, str(len(cs)), *_counts(cs)] for head, cs in by_head.items()]),
    ]
    for group in groups(by_head):
        blocks.append(Image(f"compare-{group.replace(' ', '-')}.png", ratio_figure(by_head, base.label, group),
                            f"{group}: time ratio of each benchmark against {base.label}, with 95% intervals"))
    return blocks + metric_changes(by_head)


def _counts(comparisons: list[Comparison]) -> list[str]:
    slower = sum(c.time_verdict == "regression" for c in comparisons)
    faster = sum(c.time_verdict == "improvement" for c in comparisons)
    changed = sum(m.verdict != "same" for c in comparisons for m in c.metrics)
    return [str(slower), str(faster), str(changed)]


def metric_changes(by_head: dict[str, list[Comparison]]) -> list[Block]:
    rows = [[head, case_name(c), m.name, f"{m.base:g}", f"{m.head:g}", _percent(m.base, m.head), m.verdict]
            for head, comparisons in by_head.items() for c in comparisons for m in c.metrics if m.verdict != "same"]
    blocks: list[Block] = [Heading("Changes in deterministic metrics", 3)]
    if not rows:
        return blocks + [Paragraph("None: stored bytes, requests, bytes moved and peak memory are unchanged.")]
    return blocks + [Table(["run", "benchmark", "metric", "base", "head", "change", "verdict"], rows)]


def _percent(base: float, head: float) -> str:
    return f"{(head - base) / base:+.1%}" if base else "new"


def all_sections(runs: list[Run]) -> list[Block]:
    latest = runs[-1]
    blocks = (overview(runs) + recommendations(latest) + pareto(latest) + layouts(latest) + floors(latest)
              + engines_section(latest) + remote_section(latest) + tutorial(latest))
    return blocks + (comparison(runs) if len(runs) > 1 else [])
