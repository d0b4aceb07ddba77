"""Creating, filling and checking the zarr array of one case."""

from __future__ import annotations

import zarr

from zarrgauge import oracle
from zarrgauge.catalogue import ArrayCase
from zarrgauge.data import Source
from zarrgauge.progress import Progress


def create(case: ArrayCase, store, fill_value=None) -> zarr.Array:
    """An empty array with the case's shape, dtype, layout, codecs and format."""
    source = case.source
    return zarr.create_array(
        store,
        shape=source.shape,
        dtype=source.dtype,
        chunks=case.layout.chunks,
        shards=case.layout.shards,
        zarr_format=case.zarr_format,
        fill_value=case.family.fill_value if fill_value is None else fill_value,
        **case.codec.create_args(source.dtype, case.zarr_format),
    )


def write_spans(case: ArrayCase) -> list[tuple[int, int]]:
    """Row ranges to write, aligned to the layout's write unit so no chunk is written twice."""
    return list(case.source.slab_spans(multiple=case.layout.write_block[0]))


def fill(case: ArrayCase, array: zarr.Array) -> zarr.Array:
    source = case.source
    spans = write_spans(case)
    with Progress(f"writing {case.id}", len(spans), show=not source.fits_in_memory) as progress:
        for lo, hi in spans:
            array[lo:hi] = source.rows(lo, hi)
            progress.advance()
    return array


def check_contents(case: ArrayCase, array: zarr.Array, source: Source | None = None) -> None:
    """Every stored value against the oracle, slab by slab for arrays too big for memory."""
    source = source or case.source
    for lo, hi in write_spans(case):
        oracle.assert_matches(array[lo:hi], source.rows(lo, hi), case.atol)
