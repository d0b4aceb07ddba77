"""The tutorial's experiment hierarchy: groups, arrays, attributes and datetime64 timestamps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from zarrgauge.compat import Deferred

if TYPE_CHECKING:
    import zarr
else:
    zarr = Deferred("zarr")  # the tree is declared without zarr; building it loads zarr

FRAMES = {"quick": (20, 128, 128), "full": (100, 512, 512)}


@dataclass(frozen=True)
class ArrayNode:
    path: str
    shape: tuple[int, ...]
    dtype: str
    chunks: tuple[int, ...] | None = None


ROOT_ATTRS = {
    "experiment_id": "EXP_2024_001",
    "description": "Advanced Zarr tutorial demonstration",
    "created": "2024-01-01",
}
GROUP_ATTRS: dict[str, dict[str, Any]] = {
    "raw_data": {"instrument": "Synthetic Camera", "resolution": [512, 512]},
    "processed": {"normalization": "z-score"},
    "metadata": {},
}


def array_nodes(tier: str) -> tuple[ArrayNode, ...]:
    frames, height, width = FRAMES[tier]
    image_chunks = (max(1, frames // 10), height // 4, width // 4)
    return (
        ArrayNode("raw_data/images", (frames, height, width), "uint16", image_chunks),
        ArrayNode("raw_data/timestamps", (frames,), "datetime64[ns]"),
        ArrayNode("processed/normalized", (frames, height, width), "float32", image_chunks),
        ArrayNode("processed/features", (frames, 50), "float32", (max(1, frames // 5), 50)),
    )


def timestamps(tier: str) -> np.ndarray:
    """Hourly from 2024-01-01, one per frame."""
    return (np.datetime64("2024-01-01") + np.arange(FRAMES[tier][0]) * np.timedelta64(1, "h")).astype("M8[ns]")


def build(store, zarr_format: int, tier: str) -> zarr.Group:
    """Create the whole tree (metadata, attributes, timestamps); the tutorial's create_dataset is create_array now."""
    root = zarr.open_group(store, mode="w", zarr_format=zarr_format)
    root.attrs.update(ROOT_ATTRS)
    for name, attrs in GROUP_ATTRS.items():
        root.create_group(name).attrs.update(attrs)
    for node in array_nodes(tier):
        root.create_array(node.path, shape=node.shape, dtype=node.dtype, chunks=node.chunks or "auto")
    root["raw_data/timestamps"][:] = timestamps(tier)
    return root


def expected_tree(tier: str) -> dict[str, str]:
    """Every node path below the root, mapped to 'group' or 'array'."""
    tree = {name: "group" for name in GROUP_ATTRS}
    tree.update({node.path: "array" for node in array_nodes(tier)})
    return tree


def first_array(root: zarr.Group) -> zarr.Array:
    return cast("zarr.Array", root[array_nodes("quick")[0].path])  # an array by construction (build)


def listed_tree(root: zarr.Group) -> dict[str, str]:
    return {path: "group" if isinstance(node, zarr.Group) else "array" for path, node in root.members(max_depth=None)}


def attribute_payload(n: int = 100) -> dict:
    """A mixed bag of JSON attributes, like a real acquisition record."""
    return {
        f"channel_{i:03d}": {"wavelength_nm": 400 + i, "exposure_ms": i * 0.5, "enabled": i % 2 == 0,
                             "label": f"ch{i}", "tags": ["raw", str(i)]}
        for i in range(n)
    }
