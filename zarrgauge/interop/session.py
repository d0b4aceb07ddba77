"""One run of the matrix: the engines that are installed, the selected cases, the reports."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from zarrgauge.catalogue.engines import ENGINES
from zarrgauge.catalogue.interop import InteropCase
from zarrgauge.catalogue.interop_grid import interop_cases, representative
from zarrgauge.engines import Engine, engine
from zarrgauge.errors import sigterm_as_interrupt, usage_error
from zarrgauge.interop.report import as_json, write_reports
from zarrgauge.interop.run import run_matrix, scratch_directory


def engine_table(names: list[str]) -> tuple[dict[str, dict], dict[str, Engine]]:
    """What the report says of each engine, and the adapters of those that can run here."""
    table, ready = {}, {}
    for name in names:
        adapter = engine(name)
        missing = adapter.missing()
        table[name] = {"description": ENGINES[name].description, "missing": missing,
                       "version": None if missing else adapter.version()}
        if not missing:
            ready[name] = adapter
    return table, ready


def selected_cases(text: str | None, quick: bool) -> list[InteropCase]:
    cases = representative(interop_cases()) if quick else interop_cases()
    chosen = [case for case in cases if text is None or text in case.id]
    if not chosen:
        raise usage_error(f"no case id contains {text!r}; ids look like v3/fill/hex-nan or v2/codec/zstd")
    return chosen


def run_and_report(writers: list[str], readers: list[str], text: str | None, quick: bool, output: Path,
                   started: float) -> tuple[Path, str]:
    cases = selected_cases(text, quick)
    table, ready = engine_table(list(dict.fromkeys(writers + readers)))
    with sigterm_as_interrupt(), scratch_directory() as root:
        cells = run_matrix(cases, [ready[n] for n in writers if n in ready], [ready[n] for n in readers if n in ready],
                           root)
    document = as_json(cells, table, time.perf_counter() - started)
    _, md_path = write_reports(document, output)
    return md_path, _summary(document)


def _summary(document: dict) -> str:
    counts = Counter(document["counts"])
    lines = [f"{document['cases']} cases, {len(document['cells'])} cells in {document['seconds']} s: "
             + ", ".join(f"{n} {outcome}" for outcome, n in counts.most_common())]
    lines += [f"  {name}: skipped, {info['missing']}" for name, info in document["engines"].items() if info["missing"]]
    if len(document["cells"]) == 1:
        lines.append(f"  {document['cells'][0]['message']}")
    return "\n".join(lines)
