"""A user's own array as a family of the catalogue: a sample of it (`zarrgauge advise` writes one),
stored as sample.npy beside array.json, which names the family, its axes, the layouts and the codecs to try
and the store kind to time them on.

The sample plays the role a family's generator plays for the synthetic families: every row comes
from it, so the sweeps, operations and oracle apply unchanged. Its cases are every layout with
every codec, zarr format 3, on that store (the local disk unless told).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zarrgauge.catalogue.cases import TIERS, ArrayCase, family_operations
from zarrgauge.catalogue.codecs import CODECS, CodecSpec, lossy_codec
from zarrgauge.catalogue.data import SLAB_BYTES, Source
from zarrgauge.catalogue.families import Family
from zarrgauge.catalogue.layouts import Layout, Shape
from zarrgauge.catalogue.stores import BENCHMARK_STORES

SAMPLE_FILE, SPEC_FILE = "sample.npy", "array.json"
AXES = "tczyxn"
USER_SEED = 0  # the sample ignores the seed: its values are the user's


@dataclass(frozen=True, eq=False)
class UserArray:
    family: Family
    layouts: tuple[Layout, ...]
    codecs: tuple[str, ...]
    store: str = "local"
    lossy: tuple[CodecSpec, ...] = ()  # made for this array's tolerance (advise --tolerance), also in `codecs`

    def codec(self, name: str) -> CodecSpec:
        return next((spec for spec in self.lossy if spec.name == name), None) or CODECS[name]

    @property
    def shape(self) -> Shape:
        return self.family.shapes[TIERS[0]]

    def cases(self, tier: str, custom: tuple[Layout, ...] = ()) -> list[ArrayCase]:
        source = Source(self.family, self.shape, USER_SEED)
        ops = frozenset(family_operations(self.family, source))
        layouts = self.layouts + tuple(layout for layout in custom if layout.fits(self.shape))
        return [ArrayCase(self.family, layout, self.codec(codec), 3, self.store, tier, ops)
                for layout in layouts for codec in self.codecs]


def check_axes(axes: str, rank: int) -> str | None:
    """What is wrong with axis letters for an array of `rank`, or None."""
    if len(axes) != rank:
        return f"{axes!r} names {len(axes)} axes but the array has {rank}"
    if set(axes) - set(AXES) or len(set(axes)) != len(axes):
        return f"{axes!r}: give one letter per axis, each once, from {AXES} (t time, c channel, z, y, x, n samples)"
    return None


def write_spec(directory: Path, name: str, axes: str, layouts: list[Layout], codecs: list[str],
               store: str = "local", lossy: Sequence[tuple[CodecSpec, dict]] = ()) -> None:
    """`lossy`: each lossy codec with the parameters lossy_codec rebuilds it from; `codecs` names them too."""
    spec = {"name": name, "axes": axes, "codecs": codecs, "store": store,
            "lossy": [{"name": codec.name, "params": params, "tolerance": codec.tolerance} for codec, params in lossy],
            "layouts": [{"role": lay.role, "chunks": lay.chunks, "shards": lay.shards} for lay in layouts]}
    (directory / SPEC_FILE).write_text(json.dumps(spec, indent=1))


def load_user_array(directory: Path) -> UserArray:
    """The family and its candidates from a directory advise wrote; ValueError saying what is wrong."""
    try:
        spec = json.loads((directory / SPEC_FILE).read_text())
        sample = np.load(directory / SAMPLE_FILE, mmap_mode="r")
    except (OSError, ValueError) as error:
        raise ValueError(f"{directory} holds no readable {SPEC_FILE} and {SAMPLE_FILE}: {error}") from None
    problem = check_axes(spec["axes"], sample.ndim)
    try:
        lossy = tuple(lossy_codec(entry["name"], entry["params"], float(entry["tolerance"]))
                      for entry in spec.get("lossy", ()))
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{SPEC_FILE}: a lossy codec is not as advise writes it: {error}") from None
    unknown = [codec for codec in spec["codecs"] if codec not in CODECS and codec not in {c.name for c in lossy}]
    store = spec.get("store", "local")
    if store not in BENCHMARK_STORES:
        problem = f"unknown store {store!r}; choose from: {', '.join(BENCHMARK_STORES)}"
    if problem or unknown:
        raise ValueError(problem or f"unknown codec {unknown[0]!r}")
    layouts = tuple(Layout(lay["role"], tuple(lay["chunks"]), tuple(lay["shards"]) if lay["shards"] else None)
                    for lay in spec["layouts"])
    return UserArray(sample_family(spec["name"], sample, spec["axes"]), layouts, tuple(spec["codecs"]), store,
                     lossy)


def sample_family(name: str, sample: np.ndarray, axes: str) -> Family:
    """A family whose rows are the sample's, read in blocks of about a slab (one row at a time would
    cost a random generator per row: millions for a long 1-D signal)."""
    row_bytes = max(1, sample.nbytes // max(1, sample.shape[0]))
    block = max(1, SLAB_BYTES // row_bytes)

    def fill(family: Family, shape: Shape, start: int, rng: np.random.Generator) -> np.ndarray:
        rows = np.asarray(sample[start : start + block])
        return rows if block > 1 else rows[0]

    shape = tuple(sample.shape)
    return Family(name, f"the user's array {name}, sampled", sample.dtype.name, dict.fromkeys(TIERS, shape),
                  fill, axes, row_block=block)
