"""HDF5 and NetCDF variables as the user's array, opened read-only: `file.h5:dataset`,
`file.nc:variable`. NetCDF-4 is HDF5 underneath (h5py reads it, dimension names from its dimension
scales); NetCDF-3 (classic and 64-bit offset) is read memory-mapped by scipy."""

from __future__ import annotations

from pathlib import Path

from zarrgauge.advise.user_source import UserSource, safe_name, source_error
from zarrgauge.catalogue.layouts import format_shape
from zarrgauge.errors import EXIT_UNAVAILABLE, ZarrgaugeError

HDF5_SUFFIXES = (".h5", ".hdf5", ".he5", ".nc", ".nc4", ".cdf")
NETCDF3_MAGIC = b"CDF"


def open_hdf5_or_netcdf(path: Path, member: str | None) -> UserSource:
    with path.open("rb") as file:
        classic = file.read(3) == NETCDF3_MAGIC
    return _open_netcdf3(path, member) if classic else _open_hdf5(path, member)


def _missing_member(path: Path, member: str | None, names: list[str]) -> ZarrgaugeError:
    found = f"name one of: {', '.join(names)}" if names else "it holds none"
    what = f"has no variable {member!r}" if member else "holds several variables; give one as FILE:VARIABLE"
    return source_error(f"{path} {what}; {found}")


def _open_hdf5(path: Path, member: str | None) -> UserSource:
    try:
        import h5py
    except ImportError:
        raise ZarrgaugeError("reading HDF5 and NetCDF-4 needs h5py: pip install h5py (make installs it)",
                             EXIT_UNAVAILABLE) from None
    try:
        file = h5py.File(path, "r")
    except OSError as error:
        raise source_error(f"{path} is not a readable HDF5 or NetCDF file: {error}") from None
    names: list[str] = []
    file.visititems(lambda name, node: names.append(name) if _is_variable(node, h5py) else None)
    member = member or (names[0] if len(names) == 1 else None)
    if member not in names:
        raise _missing_member(path, member, names)
    dataset = file[member]
    dimensions = tuple(_scale_name(dimension) for dimension in dataset.dims)
    layout = f"chunks {format_shape(dataset.chunks)}" if dataset.chunks else "contiguous"
    return UserSource(safe_name(member), f"`{path}:{member}` (HDF5, {format_shape(dataset.shape)} "
                                         f"{dataset.dtype}, {layout})", dataset, dimensions,
                      dataset.chunks, None, dataset.compression or "uncompressed", dataset.id.get_storage_size(),
                      opened=file, named_by="the HDF5 dimension scales")


def _is_variable(node, h5py) -> bool:
    """A dataset holding data: NetCDF-4's dimension scales without values of their own are not."""
    return isinstance(node, h5py.Dataset) and node.ndim > 0 and not (
        node.attrs.get("CLASS") == b"DIMENSION_SCALE" and b"This is a netCDF dimension but not a netCDF variable"
        in bytes(node.attrs.get("NAME", b"")))


def _scale_name(dimension) -> str | None:
    """The name of the dimension scale attached to an axis, without its path."""
    return dimension[0].name.rsplit("/", 1)[-1] if len(dimension) else None


def _open_netcdf3(path: Path, member: str | None) -> UserSource:
    from scipy.io import netcdf_file

    try:
        file = netcdf_file(path, "r", mmap=True)
    except (OSError, TypeError, ValueError) as error:
        raise source_error(f"{path} is not a readable NetCDF-3 file: {error}") from None
    names = [name for name, variable in file.variables.items() if variable.shape and name not in file.dimensions]
    member = member or (names[0] if len(names) == 1 else None)
    if member not in names:
        raise _missing_member(path, member, names)
    variable = file.variables[member]
    return UserSource(safe_name(member), f"`{path}:{member}` (NetCDF-3, {format_shape(variable.shape)} "
                                         f"{variable.data.dtype}, contiguous)", variable.data,
                      tuple(variable.dimensions), codec="uncompressed (NetCDF-3)", opened=file,
                      named_by="the NetCDF dimensions")
