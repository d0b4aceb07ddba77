"""Which records are choices for one family and access pattern, and which of them is zarr's own."""

from __future__ import annotations

from collections.abc import Iterable

from zarrgauge.catalogue.cases import DEFAULT_CODEC
from zarrgauge.catalogue.layouts import DEFAULT_LAYOUT
from zarrgauge.report.load import Record

# The layout and codec sweeps run on the local store; the store sweep compares stores, not choices.
CHOICE_STORE = "local"
def choices(records: Iterable[Record], family: str, operation: str) -> list[Record]:
    """The layouts, codecs and formats timed for one family and access pattern, on the local store."""
    return [r for r in records if r.family == family and r.operation == operation and r.store == CHOICE_STORE]


def zarr_default(records: Iterable[Record]) -> Record | None:
    """zarr's own choice: its default codec, the family's balanced layout, format 3."""
    return next((r for r in records if r.codec == DEFAULT_CODEC and r.layout == DEFAULT_LAYOUT
                 and r.zarr_format == 3), None)
