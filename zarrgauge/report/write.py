"""Writing the report directory: figures rendered once, linked from report.md, embedded in report.html.

The directory is built under a temporary name beside its destination and renamed into place
at the end, so a failure or an interrupt leaves nothing half-written.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from zarrgauge.report.document import Block, Image, png
from zarrgauge.report.html import render_html
from zarrgauge.report.load import load_run
from zarrgauge.report.markdown import FIGURES_DIR, render_markdown
from zarrgauge.report.recommend import as_json, recommend
from zarrgauge.report.sections import all_sections

RECOMMENDATION_FILE = "recommendation.json"


def build_report(results: list[str], out: Path) -> list[Path]:
    """Load every results file (ZarrgaugeError if one is unusable), then write the report to `out`,
    with the last run's advice as recommendation.json."""
    runs = [load_run(path) for path in results]
    advice = as_json(recommend(runs[-1].records), runs[-1].tier)
    return write_report(all_sections(runs), out, {RECOMMENDATION_FILE: json.dumps(advice, indent=1) + "\n"})


def write_report(blocks: list[Block], out: Path, extra: dict[str, str] | None = None) -> list[Path]:
    """Render into a temporary sibling of `out` (with the `extra` files, by name), then rename it to
    `out`; the files written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    building = out.with_name(f".{out.name}.{os.getpid()}.partial")
    building.mkdir()
    try:
        images = {block.name: png(block.figure) for block in blocks if isinstance(block, Image)}
        (building / FIGURES_DIR).mkdir()
        for name, data in images.items():
            (building / FIGURES_DIR / name).write_bytes(data)
        (building / "report.md").write_text(render_markdown(blocks))
        (building / "report.html").write_text(render_html(blocks, images, "zarrgauge report"))
        for name, text in (extra or {}).items():
            (building / name).write_text(text)
        os.rename(building, out)  # replaces only a missing or empty directory
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return [out / "report.md", out / "report.html", *(out / name for name in extra or {}),
            *(out / FIGURES_DIR / name for name in images)]
