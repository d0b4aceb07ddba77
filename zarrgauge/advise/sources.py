"""The user's array, opened read-only: a zarr array (a path, or a group path with a member), a .npy
file (memory-mapped), a member of a .npz file (read whole, so only when it fits the sample budget),
or an HDF5 or NetCDF variable (hdf5_netcdf.py); each as a UserSource (user_source.py).

Nothing here writes: zarr opens in mode "r", numpy maps in mode "r".
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from zarrgauge.advise.hdf5_netcdf import HDF5_SUFFIXES, open_hdf5_or_netcdf
from zarrgauge.advise.user_source import UserSource, safe_name, source_error
from zarrgauge.catalogue.layouts import format_shape

SUPPORTED_KINDS = "biuf"

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
            if member is None or member not in archive.files:
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

    options: dict[str, Any] = {"storage_options": storage_options} if storage_options and "://" in location else {}
    try:
        node = zarr.open(store=location, mode="r", **options)
        if member is not None:
            node = node[member]  # type: ignore[index,assignment]  # an array has none: zarr raises, reported below
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
