"""What each axis of the user's array is: time, channel, z, y, x or samples (catalogue letters t, c, z,
y, x, n), from the names the source stores (zarr v3 `dimension_names`, xarray's `_ARRAY_DIMENSIONS`,
OME-Zarr's `multiscales` axes and their types, NetCDF and HDF5 dimension scales), else a guess that
says what it rests on. The letters decide the candidate layouts (a channel axis is never split) and
the read patterns that apply."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from zarrgauge.catalogue.layouts import Shape

# Dimension names as written by xarray, CF conventions, OME-Zarr and imaging tools, by role.
ROLE_NAMES = {"t": ("t", "time", "times", "date", "step", "frame", "frames"),
              "c": ("c", "channel", "channels", "band", "bands", "colour", "color", "rgb", "rgba", "wavelength",
                    "spectral", "spectrum", "lambda"),
              "z": ("z", "depth", "level", "lev", "height", "plev", "plane"),
              "y": ("y", "lat", "latitude", "row", "rows", "north", "northing"),
              "x": ("x", "lon", "longitude", "col", "column", "columns", "east", "easting"),
              "n": ("n", "sample", "samples", "index", "obs", "record", "records")}
OME_TYPES = {"time": "t", "channel": "c"}  # OME-Zarr's "space" axes are told apart by name
BY_RANK = {1: "n", 2: "yx", 3: "tyx", 4: "tzyx", 5: "tczyx"}  # rank 5: OME-Zarr's order
CHANNEL_COUNTS = (3, 4)  # RGB, RGBA: a trailing axis this long in an image-like array is channels
IMAGE_SIDE = 16  # at least this long, each of the two axes before it, for the array to look like an image
GUESS_RULE = (f"by rank, and a trailing axis of {' or '.join(map(str, CHANNEL_COUNTS))} after two axes of "
              f"{IMAGE_SIDE} or more is channels")


@dataclass(frozen=True)
class Axes:
    letters: str  # one catalogue letter per axis
    how: str  # where the letters came from, said in the first lines of the advice

    @property
    def guessed(self) -> bool:
        return self.how.startswith("guessed")


def role_of(name: str | None, kind: str | None = None) -> str | None:
    """A letter for a dimension name, or for an OME-Zarr axis type; None when neither says."""
    if kind in OME_TYPES:
        return OME_TYPES[kind]
    text = (name or "").strip().lower()
    return next((letter for letter, names in ROLE_NAMES.items() if text in names), None)


def named_axes(names: Sequence[str | None], kinds: Sequence[str | None] | None = None) -> str | None:
    """The letters when every name (or OME type) says its role, each role once; else None."""
    letters = [role_of(name, kind) for name, kind in zip(names, kinds or [None] * len(names))]
    if None in letters or len(set(letters)) != len(letters):
        return None
    return "".join(letter for letter in letters if letter)


def guessed_letters(shape: Shape) -> str:
    """By rank, with a trailing channel axis for an image-like array (`GUESS_RULE`)."""
    if len(shape) >= 3 and shape[-1] in CHANNEL_COUNTS and min(shape[-3:-1]) >= IMAGE_SIDE:
        base = BY_RANK.get(len(shape) - 1, "")
        return base + "c" if base and "c" not in base else ""
    return BY_RANK.get(len(shape), "")


def axes_of(shape: Shape, given: str | None, names: Sequence[str | None] | None,
            kinds: Sequence[str | None] | None, named_by: str) -> Axes:
    """The user's letters, else the stored names' (`named_by` says where they were found), else a guess."""
    if given:
        return Axes(given, "as given with --axes")
    found = named_axes(names, kinds) if names and len(names) == len(shape) else None
    if found:
        return Axes(found, f"from {named_by} ({', '.join(str(name) for name in names or ())})")
    unknown = f"the names ({', '.join(str(name) for name in names)}) say no role advise knows" if names \
        else "no axis names stored"
    return Axes(guessed_letters(shape), f"guessed, {unknown}: {GUESS_RULE}")


def axes_words(letters: str, shape: Shape) -> str:
    """'t 24, y 600, x 512, c 3 channels'."""
    words = {"t": "", "c": " channels", "z": "", "y": "", "x": "", "n": " samples"}
    return ", ".join(f"{letter} {n}{words.get(letter, '')}" for letter, n in zip(letters, shape))
