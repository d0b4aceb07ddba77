"""Creating, filling and checking the zarr array of one case."""

from __future__ import annotations

import zarr

from zarrgauge import progress
from zarrgauge.catalogue.cases import ArrayCase
from zarrgauge.catalogue.data import SLAB_BYTES
from zarrgauge.harness.measure import oracle
from zarrgauge.phases import phase


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


def write_regions(case: ArrayCase) -> list[tuple[slice, ...]]:
    """Regions of about SLAB_BYTES that together cover the array, each a whole number of write
    blocks (chunks, or shards) so that no block is written twice. A block row too big for one
    slab (chunks long in time) is cut into bands along the second axis."""
    source, block = case.source, case.layout.write_block
    if len(block) == 1 or block[0] * source.row_bytes <= SLAB_BYTES:
        return [(slice(lo, hi),) for lo, hi in source.slab_spans(multiple=block[0])]
    rows, width = source.shape[0], source.shape[1]
    band_bytes = block[0] * source.row_bytes // width
    band = max(block[1], SLAB_BYTES // band_bytes // block[1] * block[1])
    return [(slice(r, min(r + block[0], rows)), slice(c, min(c + band, width)))
            for r in range(0, rows, block[0]) for c in range(0, width, band)]


def fill(case: ArrayCase, array: zarr.Array, what: str = "") -> zarr.Array:
    """The case's values into `array`, region by region; a progress bar, naming `what` is written, for large ones."""
    source = case.source
    regions = write_regions(case)
    with progress.bar(f"writing {what or case.id}", len(regions), "region", show=not source.fits_in_memory) as bar:
        for region in regions:
            array[region] = source.read(region)
            bar.update()
    return array


def check_contents(case: ArrayCase, array: zarr.Array) -> None:
    """Every stored value against the oracle, region by region for arrays too big for memory."""
    with phase("oracle check"):
        for region in write_regions(case):
            oracle.assert_matches(array[region], case.source.read(region), case.atol)
