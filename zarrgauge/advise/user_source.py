"""An opened source of the user's array (UserSource), whatever it was read from: what the advice
needs to know of it, and its values one region at a time. sources.py and hdf5_netcdf.py open one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from zarrgauge.advise.axes import Axes, axes_of
from zarrgauge.catalogue.layouts import Shape
from zarrgauge.errors import EXIT_SOURCE, ZarrgaugeError


def source_error(message: str) -> ZarrgaugeError:
    return ZarrgaugeError(message, EXIT_SOURCE)


class StoredValues(Protocol):
    """A source's values: a zarr array, a numpy array or memory map, an HDF5 or NetCDF variable."""

    @property
    def shape(self) -> tuple[int, ...]: ...

    @property
    def dtype(self) -> Any: ...  # what np.dtype takes

    def __getitem__(self, region: tuple[slice, ...], /) -> Any: ...


class Closable(Protocol):
    """The file behind a source's values."""

    def close(self) -> None: ...


@dataclass
class UserSource:
    """An opened source: what the advice needs about it, and its values one region at a time."""

    name: str
    description: str  # where it is and how it is stored now
    values: StoredValues | None  # None once closed
    dimension_names: tuple[str | None, ...] | None = None
    chunks: Shape | None = None  # zarr only
    shards: Shape | None = None
    codec: str = "none (a .npy file is stored uncompressed)"
    stored_bytes: int | None = None
    opened: Closable | None = None  # the file behind `values`, kept open as long as they are read
    axis_kinds: tuple[str | None, ...] | None = None  # OME-Zarr's axis types (time, channel, space)
    named_by: str = "the dimension names"  # where the names were found, for the advice's first lines
    shape: Shape = field(init=False)
    dtype: np.dtype = field(init=False)

    def __post_init__(self) -> None:
        assert self.values is not None, "a source opens with its values"
        self.shape, self.dtype = tuple(self.values.shape), np.dtype(self.values.dtype)

    def close(self) -> None:
        """Let go of the values, then close the file behind them (a NetCDF-3 file's memory map closes
        only once no array refers to it)."""
        self.values = None
        if self.opened is not None:
            self.opened.close()

    @property
    def nbytes(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64)) * self.dtype.itemsize

    def read(self, region: tuple[slice, ...]) -> np.ndarray:
        assert self.values is not None, "a closed source has no values"
        return np.asarray(self.values[region])

    def axes(self, given: str | None = None) -> Axes:
        """The user's axis letters, else those its stored names say, else a stated guess."""
        return axes_of(self.shape, given, self.dimension_names, self.axis_kinds, self.named_by)


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-.") or "array"
