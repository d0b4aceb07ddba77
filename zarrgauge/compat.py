"""Feature detection across zarr-python 3 releases (3.0 to 3.4 at least), and the versions that
results depend on. zarr and numcodecs are imported on first use, never when this module loads:
the catalogue and the results tooling import it without paying for them."""

from __future__ import annotations

import importlib
import importlib.metadata


class Deferred:
    """A module, or one of its attributes, imported when first used (looked into or called)."""

    def __init__(self, module: str, attribute: str | None = None) -> None:
        self._module, self._attribute = module, attribute

    def _target(self):
        module = importlib.import_module(self._module)
        return module if self._attribute is None else getattr(module, self._attribute)

    def __getattr__(self, name: str):
        return getattr(self._target(), name)

    def __call__(self, *args, **kwargs):
        return self._target()(*args, **kwargs)


def _numcodecs_v3_class(name: str):
    """zarr >= 3.1 ships numcodecs wrappers in zarr.codecs; 3.0 had them in numcodecs.zarr3."""
    import zarr.codecs

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
