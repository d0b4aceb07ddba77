"""The user's array, opened read-only: a zarr array (a path, or a group path with a member), a .npy
file (memory-mapped), a member of a .npz file (read whole, so only when it fits the sample budget),
or an HDF5 or NetCDF variable (hdf5_netcdf.py).

Nothing here writes: zarr opens in mode "r", numpy maps in mode "r".
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zarrgauge.catalogue.layouts import Shape, format_shape
from zarrgauge.errors import EXIT_SOURCE, ZarrgaugeError

SUPPORTED_KINDS = "biuf"
# Dimension names as written by xarray, CF conventions and OME-Zarr, to catalogue axis letters.
AXIS_NAMES = {"t": ("t", "time", "times", "date", "step", "frame", "frames"),
              "z": ("z", "depth", "level", "lev", "height", "plev", "plane"),
              "y": ("y", "lat", "latitude", "row", "rows", "north", "northing"),
              "x": ("x", "lon", "longitude", "col", "column", "columns", "east", "easting")}
DEFAULT_AXES = {1: "n", 2: "yx", 3: "tyx", 4: "tzyx"}


def source_error(message: str) -> ZarrgaugeError:
    return ZarrgaugeError(message, EXIT_SOURCE)


@dataclass
class UserSource:
    """An opened source: what the advice needs about it, and its values one region at a time."""

    name: str
    description: str  # where it is and how it is stored now
    values: object  # indexable by a tuple of slices: a zarr array or a numpy array or memory map
    dimension_names: tuple[str | None, ...] | None = None
    chunks: Shape | None = None  # zarr only
    shards: Shape | None = None
    codec: str = "none (a .npy file is stored uncompressed)"
    stored_bytes: int | None = None
    opened: object = None  # the file behind `values`, kept open as long as they are read
    shape: Shape = field(init=False)
    dtype: np.dtype = field(init=False)

    def __post_init__(self) -> None:
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
        return np.asarray(self.values[region])

    def guess_axes(self) -> str:
        """Axis letters from the dimension names when each is known, else by rank."""
        names = self.dimension_names or ()
        letters = [_axis_letter(name) for name in names]
        if len(letters) == len(self.shape) and None not in letters and len(set(letters)) == len(letters):
            return "".join(letters)
        return DEFAULT_AXES.get(len(self.shape), "")


def _axis_letter(name: str | None) -> str | None:
    text = (name or "").lower()
    return next((letter for letter, names in AXIS_NAMES.items() if text in names), None)


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-.") or "array"


def split_member(text: str) -> tuple[str, str | None]:
    """'data.zarr:temperature' -> ('data.zarr', 'temperature'); a URL's scheme is no member, and a
    member with a path in it ('file.h5:group/temperature') only follows a file."""
    head, sep, member = text.rpartition(":")
    if not sep or not head or not member or head.endswith(("http", "https", "s3", "gs", "az", "file")):
        return text, None
    if "/" in member and not Path(head).is_file():
        return text, None
    return head, member


def open_source(text: str, member: str | None, budget: int, storage_options: dict | None = None) -> UserSource:
    """The source, checked: it exists, opens, is an array of a numeric dtype with at least one axis.
    `storage_options` go to the file system of a URL (s3fs for s3://, with the AWS_* variables too)."""
    path_text, given = split_member(text)
    member = member or given
    if "://" not in path_text and not Path(path_text).exists():
        raise source_error(f"{path_text} does not exist; give a zarr array or group (with --array), a .npy, "
                           "a .npz:member or an HDF5/NetCDF file:variable")
    # Imported here: hdf5_netcdf builds on this module's UserSource.
    from zarrgauge.advise.hdf5_netcdf import HDF5_SUFFIXES, open_hdf5_or_netcdf

    if path_text.endswith(".npy"):
        source = _open_npy(Path(path_text))
    elif path_text.endswith(".npz"):
        source = _open_npz(Path(path_text), member, budget)
    elif path_text.lower().endswith(HDF5_SUFFIXES):
        source = open_hdf5_or_netcdf(Path(path_text), member)
    else:
        source = _open_zarr(path_text, member, storage_options)
    if source.dtype.kind not in SUPPORTED_KINDS or source.dtype.fields:
        raise source_error(f"{text}: dtype {source.dtype} is not numeric; advise takes bool, int, uint and float")
    if not source.shape or 0 in source.shape:
        raise source_error(f"{text}: shape {source.shape} holds no values to sample")
    return source


def _open_npy(path: Path) -> UserSource:
    try:
        values = np.load(path, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError) as error:
        raise source_error(f"{path} is not a readable .npy file: {error}") from None
    return UserSource(safe_name(path.stem), f"`{path}` (.npy, {format_shape(values.shape)} {values.dtype})",
                      values)


def _open_npz(path: Path, member: str | None, budget: int) -> UserSource:
    try:
        with np.load(path, allow_pickle=False) as archive:
            if member not in archive.files:
                raise source_error(f"{path} has no member {member!r}; name one of: {', '.join(archive.files)}")
            if archive.zip.getinfo(member + ".npy").file_size > budget:
                raise source_error(f"{path}:{member} is larger than --sample-bytes and a .npz member is read "
                                   "whole; save it as .npy (memory-mapped) or raise --sample-bytes")
            values = archive[member]
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise source_error(f"{path} is not a readable .npz file: {error}") from None
    return UserSource(safe_name(member), f"`{path}:{member}` (.npz member, {format_shape(values.shape)} "
                                         f"{values.dtype})", values)


def _open_zarr(location: str, member: str | None, storage_options: dict | None = None) -> UserSource:
    import zarr

    options = {"storage_options": storage_options} if storage_options and "://" in location else {}
    try:
        node = zarr.open(store=location, mode="r", **options)
        if member is not None:
            node = node[member]
    except KeyError:
        raise source_error(f"{location} has no array {member!r}") from None
    except Exception as error:  # zarr raises many kinds for a store that is not zarr: all mean the same here
        raise source_error(f"{location} does not open as zarr: {type(error).__name__}: {error}") from None
    if not isinstance(node, zarr.Array):
        names = sorted(name for name, _ in node.arrays())
        hint = f"name one with --array: {', '.join(names)}" if names else "it holds no arrays"
        raise source_error(f"{location}{':' + member if member else ''} is a group, not an array; {hint}")
    return _zarr_source(node, location, member)


def _zarr_source(array, location: str, member: str | None) -> UserSource:
    meta = array.metadata
    names = getattr(meta, "dimension_names", None) or array.attrs.get("_ARRAY_DIMENSIONS")
    codecs = [*array.filters, *array.compressors]
    codec = ", ".join(str(codec) for codec in codecs) or "uncompressed"
    name = safe_name(member or Path(location.rstrip("/")).name.removesuffix(".zarr"))
    layout = f"chunks {format_shape(array.chunks)}" + (f" in shards {format_shape(array.shards)}"
                                                       if array.shards else "")
    where = location + (f":{member}" if member else "")
    return UserSource(name, f"`{where}` (zarr v{meta.zarr_format}, {format_shape(array.shape)} {array.dtype}, "
                            f"{layout})", array, tuple(names) if names else None, tuple(array.chunks),
                      tuple(array.shards) if array.shards else None, codec, array.nbytes_stored())
