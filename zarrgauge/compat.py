"""Feature detection across zarr-python 3 releases (3.0 to 3.4 at least)."""

from __future__ import annotations

import importlib.metadata

import zarr


def _numcodecs_v3_class(name: str):
    """zarr >= 3.1 ships numcodecs wrappers in zarr.codecs; 3.0 had them in numcodecs.zarr3."""
    if hasattr(zarr.codecs, name):
        return getattr(zarr.codecs, name)
    import numcodecs.zarr3

    return getattr(numcodecs.zarr3, name)


def v3_delta(**config):
    return _numcodecs_v3_class("Delta")(**config)


def v3_fixed_scale_offset(**config):
    return _numcodecs_v3_class("FixedScaleOffset")(**config)


def versions() -> dict[str, str]:
    """Versions of everything whose speed or behaviour the results depend on."""
    names = ("zarr", "numcodecs", "numpy", "pytest-benchmark")
    found = {}
    for name in names:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found
