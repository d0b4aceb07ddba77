"""Spelling a written copy's metadata as its case declares: members a writer may have normalised
(a fill value in hex, an optional codec member left out, attributes) set in the document it wrote,
the same values in another form the spec allows, so that every reader meets that form."""

from __future__ import annotations

import json
from pathlib import Path

from zarrgauge.catalogue.interop import InteropCase, respelled


def respell(path: Path, case: InteropCase) -> None:
    if not case.spelled:
        return
    document_file = path / ("zarr.json" if case.zarr_format == 3 else ".zarray")
    document = json.loads(document_file.read_text())
    _write_json(document_file, respelled(document, case.spelled))
    if case.zarr_format == 2 and case.attributes():
        _write_json(path / ".zattrs", case.attributes())


def _write_json(file: Path, document: dict) -> None:
    """UTF-8 as it is, not \\u escapes: a reader must decode it."""
    file.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
