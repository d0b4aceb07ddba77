"""The report's sections, each a list of blocks built from the loaded runs."""

from __future__ import annotations

from zarrgauge.gate.compare import Comparison, compare_runs
from zarrgauge.report.answer import answer_section
from zarrgauge.report.document import Block, Bullets, Heading, Image, Paragraph, Table
from zarrgauge.report.engines import engine_advice, engines_section
from zarrgauge.report.figures_compare import case_name, groups, ratio_figure
from zarrgauge.report.figures_floors import bar_label, efficiency, floor_records, floors_figure
from zarrgauge.report.figures_results import layout_grid, layout_heatmap, pareto_figure, read_operations
from zarrgauge.report.figures_tutorial import tutorial_figure
from zarrgauge.report.load import Record, Run, families
from zarrgauge.report.recommend import TABLE_HEADER, cannot_separate, recommend, sentence, table_rows
from zarrgauge.report.remote import remote_section
from zarrgauge.report.style import format_seconds
from zarrgauge.report.ties import SIZE_MARGIN, SPEED_MARGIN


def overview(runs: list[Run]) -> list[Block]:
    latest = runs[-1]
    rows = [[run.label, str(run.path), run.tier, str(len(run.benchmarks))] for run in runs]
    text = (f"Sections on one run use the last file given, **{latest.label}**."
            + (" The comparison at the end sets every later file against the first." if len(runs) > 1 else ""))
    return [Heading("The runs"), Table(["run", "file", "tier", "benchmarks"], rows), Paragraph(text)]


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
    """Only for results that carry machine floors (timed runs since they were measured)."""
    records = run.engine_records or run.records  # every engine's, zarr-python's among them
    shown = [family for family in families(records) if floor_records(records, family)]
    if not shown:
        return []
    blocks: list[Block] = [
        Heading("Where the time goes"),
        Paragraph("Beside each read of the default and sharded layouts on the local and memory stores, the same run "
                  "times the read's **machine floor**: the least time any engine could take on these stored bytes "
                  "here. It fetches exactly the chunks the read needs (for a shard, its index and then each inner "
                  "chunk's byte range) with plain file reads, decodes them with each codec's own call (numcodecs, "
                  "no zarr objects) and copies each value once into the result, on one thread or over a thread "
                  "pool as wide as the cores, whichever is faster; the fastest of its rounds. The bar splits that "
                  "floor between **fetch**, **decode** and **copy** as their times on one core are; **engine "
                  "overhead** is the rest of the engine's median time. The efficiency is the floor over the "
                  "median, for zarr-python and every other engine alike; an engine above 100% would beat the "
                  "floor, which the suite's floor tests look for."),
    ]
    blocks += furthest_from_floor(records) + machine_limits(run.limits)
    for family in shown:
        blocks.append(Image(f"floors-{family}.png", floors_figure(records, family, run.tier),
                            f"{family}: each read's machine floor and each engine's overhead, as shares of its "
                            "median time"))
    return blocks


FURTHEST_SHOWN = 8


def furthest_from_floor(records: list[Record]) -> list[Block]:
    """The reads that take longest against their floors: where an engine has the most to gain."""
    floored = sorted((r for r in records if r.floors is not None), key=efficiency)
    # mypy cannot see that floored has floors
    rows = [[r.family, r.operation, bar_label(r), format_seconds(r.median),
             format_seconds(r.floors.machine),  # type: ignore[union-attr]
             f"{r.median / r.floors.machine:.1f}x"] for r in floored[:FURTHEST_SHOWN]]  # type: ignore[union-attr]
    return [Paragraph(f"The {len(rows)} reads furthest from their floors (the median over the machine floor):"),
            Table(["family", "read", "case", "median", "machine floor", "time / floor"], rows)]


def machine_limits(limits: dict | None) -> list[Block]:
    """The physical limits the floors are made of, as the run measured them (none in older results)."""
    if not limits:
        return []
    cores = f"{limits['cores']}cores"
    rows = [["memory copy", f"{limits['copy_gb_s']:.1f}", ""],
            ["file read from the page cache", f"{limits['page_cache_read_gb_s']:.1f}", ""]]
    rows += [[f"{name} decode", f"{rates['1core']:.2f}", f"{rates.get(cores, float('nan')):.2f}"]
             for name, rates in limits["decode_gb_s"].items()]
    return [Paragraph(f"The machine's limits, measured by the same run (GB/s of decoded bytes; {limits['cores']} "
                      "cores): no read of uncompressed data beats the copy and page-cache rates, and no read of "
                      "compressed data beats its codec's decode rate on all cores."),
            Table(["what", "one core", "all cores"], rows)]


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
                  "factor, significant against the spread between processes stored with the gate (one run a side), "
                  "and a slowdown above the floor; deterministic metrics must be equal (peak memory within 5%)."),
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
    # The answer first, as a reader looks for it; what it rests on after.
    blocks = ([Heading("zarrgauge report", 1)] + answer_section(recommend(latest.records)) + overview(runs)
              + recommendations(latest) + pareto(latest) + layouts(latest) + floors(latest)
              + engines_section(latest) + remote_section(latest) + tutorial(latest))
    return blocks + (comparison(runs) if len(runs) > 1 else [])
