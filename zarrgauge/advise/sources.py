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

from zarrgauge.advise import ome
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
    where = location + (f":{member}" if member else "")
    name = safe_name(member or Path(location.rstrip("/")).name.removesuffix(".zarr"))
    if isinstance(node, zarr.Array):
        parent, _, leaf = (f"{location.rstrip('/')}/{member}" if member else location.rstrip("/")).rpartition("/")
        return _zarr_source(node, where, name, _group_attrs(parent, options), leaf)
    array, leaf = _full_resolution(node, where)
    return _zarr_source(array, f"{where}{'/' if member else ':'}{leaf}", name, node.attrs.asdict(), leaf)


def _full_resolution(group, where: str) -> tuple[Any, str]:
    """An OME-Zarr image group's full-resolution array and its path in the group; any other group is
    no array."""
    import zarr

    paths = ome.dataset_paths(group.attrs.asdict())
    found = group.get(paths[0]) if paths else None
    if not isinstance(found, zarr.Array):
        names = sorted(name for name, _ in group.arrays())
        hint = f"name one with --array: {', '.join(names)}" if names else "it holds no arrays"
        raise source_error(f"{where} is a group, not an array; {hint}")
    return found, paths[0]


def _group_attrs(location: str, options: dict[str, Any]) -> dict:
    """The attributes of the group holding the array (an OME-Zarr image names its axes there); none
    when the array has no group above it or the group does not open."""
    import zarr

    try:
        return zarr.open_group(store=location, mode="r", **options).attrs.asdict() if location else {}
    except Exception:  # a plain directory, a bucket's root: no image group, so no names from it
        return {}


def _names(array, image: dict, leaf: str) -> tuple[tuple | None, tuple | None, str]:
    """The array's dimension names, their OME-Zarr types, and where they were found; `image` is the
    attributes of the group holding the array, where it is called `leaf`."""
    stored = getattr(array.metadata, "dimension_names", None)
    if stored and any(stored):
        return tuple(stored), None, "zarr's dimension_names"
    if array.attrs.get("_ARRAY_DIMENSIONS"):
        return tuple(array.attrs["_ARRAY_DIMENSIONS"]), None, "xarray's _ARRAY_DIMENSIONS"
    found = ome.axes(image) if leaf in ome.dataset_paths(image) else None
    return (*found, "OME-Zarr's multiscales axes") if found else (None, None, "")


def _zarr_source(array, where: str, name: str, image: dict, leaf: str) -> UserSource:
    meta = array.metadata
    names, kinds, named_by = _names(array, image, leaf)
    codecs = [*array.filters, *array.compressors]
    codec = ", ".join(str(codec) for codec in codecs) or "uncompressed"
    layout = f"chunks {format_shape(array.chunks)}" + (f" in shards {format_shape(array.shards)}"
                                                       if array.shards else "")
    return UserSource(name, f"`{where}` (zarr v{meta.zarr_format}, {format_shape(array.shape)} {array.dtype}, "
                            f"{layout})", array, names, tuple(array.chunks),
                      tuple(array.shards) if array.shards else None, codec, array.nbytes_stored(),
                      axis_kinds=kinds, named_by=named_by)
