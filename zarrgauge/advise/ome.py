"""OME-Zarr images: the `multiscales` attribute of an image group names the group's arrays (one per
resolution, the full one first) and their axes, each with a type (time, channel, space). Version 0.4
and earlier keep it in the group's attributes, 0.5 under `ome`; 0.3 gives the axes as bare names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def multiscale(attrs: Mapping[str, Any]) -> dict | None:
    """The group's first multiscale image, or None when the group is no OME-Zarr image."""
    ome = attrs.get("ome", attrs)
    scales = ome.get("multiscales") if isinstance(ome, Mapping) else None
    if isinstance(scales, list) and scales and isinstance(scales[0], dict):
        return scales[0]
    return None


def dataset_paths(attrs: Mapping[str, Any]) -> list[str]:
    """The image's arrays, the full resolution first."""
    image = multiscale(attrs) or {}
    return [str(entry["path"]) for entry in image.get("datasets", []) if isinstance(entry, dict) and "path" in entry]


def axes(attrs: Mapping[str, Any]) -> tuple[tuple[str | None, ...], tuple[str | None, ...]] | None:
    """The image's axis names and types (None where 0.3 gives no type), or None without axes."""
    found = (multiscale(attrs) or {}).get("axes")
    if not isinstance(found, list) or not found:
        return None
    names = tuple(axis.get("name") if isinstance(axis, dict) else str(axis) for axis in found)
    kinds = tuple(axis.get("type") if isinstance(axis, dict) else None for axis in found)
    return names, kinds
