"""Sources: one family's array at one shape, readable whole (when small) or in slabs."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from zarrgauge.catalogue.families import Family
from zarrgauge.catalogue.layouts import Shape

SLAB_BYTES = 128 * 2**20  # upper bound on one generated slab
WHOLE_BYTES = 512 * 2**20  # above this an array is never held whole in memory

Selection = tuple  # of int and slice, one per axis


@dataclass(frozen=True)
class Source:
    family: Family
    shape: Shape
    seed: int = 0

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(self.family.dtype)

    @property
    def nbytes(self) -> int:
        return math.prod(self.shape) * self.dtype.itemsize

    @property
    def row_bytes(self) -> int:
        return self.nbytes // self.shape[0]

    @property
    def fits_in_memory(self) -> bool:
        return self.nbytes <= WHOLE_BYTES

    def rows(self, start: int, stop: int) -> np.ndarray:
        return self.family.rows(self.shape, start, stop, self.seed)

    def slab_spans(self, multiple: int = 1) -> Iterator[tuple[int, int]]:
        """Row ranges of about SLAB_BYTES, each a whole number of `multiple` rows (at least one)."""
        rows = max(1, SLAB_BYTES // self.row_bytes)
        rows = max(multiple, rows - rows % multiple)
        for start in range(0, self.shape[0], rows):
            yield start, min(start + rows, self.shape[0])

    def whole(self) -> np.ndarray:
        if not self.fits_in_memory:
            raise MemoryError(f"{self.family.name} {self.shape} is {self.nbytes / 2**30:.1f} GiB; read it in slabs")
        return _whole(self)

    def read(self, selection: Selection) -> np.ndarray:
        """The values at a basic selection (ints and slices), generating only the rows it needs."""
        if self.fits_in_memory:
            return self.whole()[selection]
        first, rest = selection[0], (slice(None), *selection[1:])
        if isinstance(first, (int, np.integer)):
            return self.rows(int(first), int(first) + 1)[rest][0]
        wanted = range(self.shape[0])[first]
        # Copies, because a view of each piece would keep its whole generated slab alive.
        pieces = [self.rows(lo, hi)[rest][:: wanted.step].copy() for lo, hi in _spans(wanted, self.slab_spans())]
        return np.concatenate(pieces) if pieces else self.rows(0, 1)[rest][:0]


def _spans(wanted: range, slabs: Iterator[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Intersect a forward row range with slab spans, keeping the range's step phase."""
    if wanted.step < 0:
        raise ValueError("negative steps are not supported by Source.read")
    for lo, hi in slabs:
        lo = max(lo, wanted.start)
        lo += (wanted.start - lo) % wanted.step
        hi = min(hi, wanted.stop)
        if lo < hi:
            yield lo, hi


# Keyed by the source, whose family hashes by identity (Family has eq=False): one cache entry per
# family object, shape and seed, with no need to hash the family's generator or shapes.
@functools.lru_cache(maxsize=8)
def _whole(source: Source) -> np.ndarray:
    values = source.rows(0, source.shape[0])
    values.flags.writeable = False
    return values
