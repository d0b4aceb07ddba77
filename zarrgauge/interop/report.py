"""The matrix as results/interop.json and results/interop.md: engine versions in the header, a
writer x reader summary, and every cell that is not ok grouped by reader, writer and message, each
group with one example case and the command that reproduces it."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

from zarrgauge.interop.known_bugs import known_bug
from zarrgauge.interop.run import OUTCOMES, Cell

PROBLEMS = ("mismatch", "crash", "error")


def _known(cell: Cell, versions: dict[str, str]) -> str | None:
    """The known bug that explains a problem cell; None for the others."""
    if cell.outcome not in PROBLEMS:
        return None
    bug = known_bug(cell.case, cell.writer, cell.reader, versions)
    return None if bug is None else bug.reason


def as_json(cells: list[Cell], engines: dict[str, dict], seconds: float) -> dict:
    versions = {name: info["version"] for name, info in engines.items() if info.get("version")}
    return {"engines": engines, "seconds": round(seconds, 1), "cases": len({cell.case.id for cell in cells}),
            "counts": dict(Counter(cell.outcome for cell in cells)),
            "cells": [{"case": cell.case.id, "writer": cell.writer, "reader": cell.reader, "outcome": cell.outcome,
                       "message": cell.message, "known_bug": _known(cell, versions)} for cell in cells]}


def _counts_text(counts: Counter) -> str:
    return ", ".join(f"{counts[outcome]} {outcome}" for outcome in OUTCOMES if counts[outcome])


def _summary(cells: list[dict], names: list[str]) -> list[str]:
    by_pair: defaultdict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for cell in cells:
        by_pair[cell["writer"], cell["reader"]][cell["outcome"]] += 1
    lines = ["| writer \\ reader | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for writer in names:
        row = " | ".join(_counts_text(by_pair[writer, reader]) for reader in names)
        lines.append(f"| **{writer}** | {row} |")
    return lines


def _message_key(message: str) -> str:
    """Messages that differ only in paths and numbers fall into one group."""
    return re.sub(r"/\S+|\d+", "…", message)[:120]


def _groups(cells: list[dict]) -> dict[tuple, list[dict]]:
    """Problem cells by reader, outcome and message (or the known bug that explains them)."""
    groups = defaultdict(list)
    for cell in cells:
        if cell["outcome"] in PROBLEMS:
            cause = cell["known_bug"] or _message_key(cell["message"])
            groups[cell["reader"], cell["outcome"], cause].append(cell)
    return dict(sorted(groups.items()))


def _group_lines(key: tuple, cells: list[dict]) -> list[str]:
    reader, outcome, _ = key
    example = cells[0]
    writers = ", ".join(sorted({cell["writer"] for cell in cells}))
    lines = [f"### {reader} reading: {outcome}, {len(cells)} cell(s)", "",
             f"- written by: {writers}",
             f"- cases: {', '.join(sorted({cell['case'] for cell in cells}))}",
             f"- message: `{example['message']}`" if example["message"] else "- message: none"]
    if example["known_bug"]:
        lines.append(f"- known: {example['known_bug']}")
    lines += ["- reproduce:", "", "```",
              f"zarrgauge interop --case {example['case']} --writers {example['writer']} --readers {reader}",
              "```", ""]
    return lines


def _unsupported(cells: list[dict]) -> list[str]:
    reasons = Counter(cell["message"] for cell in cells if cell["outcome"] == "unsupported")
    return [f"- {count} cells: {reason}" for reason, count in sorted(reasons.items())]


def as_markdown(document: dict) -> str:
    engines = document["engines"]
    names = [name for name, info in engines.items() if not info.get("missing")]
    lines = ["# Interoperability matrix", "",
             f"{document['cases']} cases, {len(names)} engines, {len(document['cells'])} cells in "
             f"{document['seconds']} s: {_counts_text(Counter(document['counts']))}.", "",
             "| engine | version | what |", "|---|---|---|"]
    for name, info in engines.items():
        version = info.get("version") or f"skipped: {info['missing']}"
        lines.append(f"| {name} | {version} | {info['description']} |")
    lines += ["", "## Writer x reader", "", *_summary(document["cells"], names), "",
              "## Problems, by reader and writer", ""]
    groups = _groups(document["cells"])
    for key, cells in groups.items():
        lines += _group_lines(key, cells)
    if not groups:
        lines += ["None: every supported cell read back bit for bit.", ""]
    lines += ["## Declared unsupported", "", *_unsupported(document["cells"]), ""]
    return "\n".join(lines)


def write_reports(document: dict, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    as_json_path, as_md_path = folder / "interop.json", folder / "interop.md"
    as_json_path.write_text(json.dumps(document, indent=1) + "\n")
    as_md_path.write_text(as_markdown(document))
    return as_json_path, as_md_path
