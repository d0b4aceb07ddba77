"""Conformance through every engine: the selections each engine's own indexing API is asked, and
what each engine's API lacks.

A selection is one item per axis (or fewer, or with an Ellipsis) in a JSON form that travels to
out-of-process engines unchanged: an integer, "...", {"slice": [start, stop, step]} (null for a
missing bound), {"ints": nested list} or {"bools": nested list}. Its mode says which of an engine's
spellings takes it: basic (`array[...]`), orthogonal (`oindex`), coordinate (`vindex`), mask
(`vindex` with one boolean array), or translated (tensorstore's `translate_to[origin]`, then basic).

An engine lacks a feature in one of two ways, both declared with the reason and neither skipped
silently: its API cannot express the selection (`absent`: the test is skipped and says why), or
it refuses it by design where numpy answers (`refuses`: the test asserts that it refuses, since an
answer there would be a silent difference). Features are derived from the selection itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The arrays are numpy's shapes in ragged chunks (zarrgauge/conformance/grid.py's "ragged"), with the
# grid's other chunkings in the full set.
SHAPES = {"1d": (18,), "2d": (7, 10), "3d": (5, 4, 6)}
MODES = ("basic", "orthogonal", "coordinate", "mask", "translated")


def span(start: int | None = None, stop: int | None = None, step: int | None = None) -> dict:
    return {"slice": [start, stop, step]}


def ints(values) -> dict:
    return {"ints": [list(row) if isinstance(row, (list, tuple)) else row for row in values]}


def bools(shape: tuple[int, ...], density: float, seed: int) -> dict:
    """A boolean index of `shape`, the same on every run (a small linear congruential generator,
    so that the catalogue needs no numpy)."""
    state, flat = seed, []
    for _ in range(_size(shape)):
        state = (1103515245 * state + 12345) % 2**31
        flat.append(state / 2**31 < density)
    return {"bools": _nest(flat, shape)}


def _size(shape: tuple[int, ...]) -> int:
    size = 1
    for n in shape:
        size *= n
    return size


def _nest(flat: list, shape: tuple[int, ...]) -> list:
    if len(shape) == 1:
        return flat
    step = len(flat) // shape[0]
    return [_nest(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


@dataclass(frozen=True)
class EngineSelection:
    mode: str
    ndim: str
    name: str
    selection: tuple
    writable: bool = True  # False: it selects an element twice, which a write cannot mean
    origin: tuple[int, ...] | None = None  # the translated mode's new origin
    values_shape: tuple[int, ...] | None = None  # a write's values of a shape that does not fit: refused

    @property
    def id(self) -> str:
        return f"{self.mode}-{self.ndim}-{self.name}"

    @property
    def shape(self) -> tuple[int, ...]:
        return SHAPES[self.ndim]

    def features(self) -> frozenset[str]:
        """What an engine may lack to take the selection as numpy does: mode:<mode>, ellipsis, fewer-indices
        (than the array has axes), mask-shape (a mask not of the array's shape), negative-index (counted from
        the end), negative-step, clipped-slice (bounds past the axis) and reversed-slice (start past stop)."""
        found = {f"mode:{self.mode}"}
        if "..." in self.selection:
            found.add("ellipsis")
        elif len(self.selection) < len(self.shape) and self.mode != "mask":
            found.add("fewer-indices")
        if self.mode == "mask" and _shape_of(self.selection[0]["bools"]) != self.shape:
            found.add("mask-shape")
        if self.origin is None:  # a translated selection's bounds are in the new domain's terms
            for item, size in self._per_axis():
                found |= _slice_features(item, size)
            if any(map(_negative, self.selection)):
                found.add("negative-index")
        return frozenset(found)

    def _per_axis(self) -> list[tuple[object, int]]:
        """Each axis's item with the axis's length, the Ellipsis spelled out as full slices."""
        items = list(self.selection)
        if "..." in items:
            at = items.index("...")
            items[at:at + 1] = [span()] * (len(self.shape) - len(items) + 1)
        return list(zip(items, self.shape))


def _negative(item) -> bool:
    if isinstance(item, int):
        return item < 0
    if isinstance(item, dict) and "slice" in item:
        start, stop, _ = item["slice"]
        return any(bound is not None and bound < 0 for bound in (start, stop))
    if isinstance(item, dict) and "ints" in item:
        return any(value < 0 for value in _flatten(item["ints"]))
    return False


def _shape_of(nested) -> tuple[int, ...]:
    if not isinstance(nested, list):
        return ()
    return (len(nested), *(_shape_of(nested[0]) if nested else ()))


def _flatten(values) -> list:
    return [x for value in values for x in (_flatten(value) if isinstance(value, list) else [value])]


def _slice_features(item, size: int) -> set[str]:
    if not (isinstance(item, dict) and "slice" in item):
        return set()
    start, stop, step = item["slice"]
    if step is not None and step < 0:
        return {"negative-step"}
    found = set()
    if any(bound is not None and not -size <= bound <= size for bound in (start, stop)):
        found.add("clipped-slice")
    if start is not None and stop is not None and start + (size if start < 0 else 0) > stop + (size if stop < 0 else 0):
        found.add("reversed-slice")
    return found


def _sel(mode: str, ndim: str, name: str, *selection, writable: bool = True, origin=None,
         values_shape=None) -> EngineSelection:
    return EngineSelection(mode, ndim, name, tuple(selection), writable, origin, values_shape)


SELECTIONS = (
    _sel("basic", "1d", "int-in-ragged-chunk", 13),
    _sel("basic", "1d", "negative-int-first", -18),
    _sel("basic", "1d", "chunk-start-to-middle", span(0, 5)),
    _sel("basic", "1d", "step-4", span(3, 16, 4)),
    _sel("basic", "1d", "negative-start", span(-7, None)),
    _sel("basic", "1d", "stop-past-end", span(10, 100)),
    _sel("basic", "1d", "empty", span(5, 5)),
    _sel("basic", "1d", "empty-at-a-chunk-boundary", span(12, 12)),
    _sel("basic", "1d", "reversed-bounds-across-chunks", span(15, 2)),
    _sel("basic", "1d", "ellipsis", "..."),
    _sel("basic", "1d", "negative-step", span(None, None, -1)),
    _sel("basic", "1d", "negative-step-3-across-chunks", span(16, 2, -3)),
    _sel("basic", "2d", "negative-ints", -1, -10),
    _sel("basic", "2d", "step-slice-and-int", span(1, 7, 2), 4),
    _sel("basic", "2d", "ellipsis-then-int", "...", 7),
    _sel("basic", "2d", "int-leaves-rest", 3),
    _sel("basic", "2d", "full-and-step", span(), span(2, 9, 3)),
    _sel("basic", "2d", "chunk-starts-to-middles", span(4, 6), span(0, 3)),
    _sel("basic", "2d", "negative-steps", span(None, None, -2), span(8, 1, -3)),
    _sel("basic", "3d", "int-slice-negative-int", 1, span(), -2),
    _sel("basic", "3d", "step-int-open", span(0, 5, 4), 3, span(2, None)),
    _sel("basic", "3d", "reversed-bounds-empty", span(3, 1), "..."),
    _sel("orthogonal", "1d", "unsorted-ints", ints([13, 2, 7, 17, 0])),
    _sel("orthogonal", "1d", "negative-ints", ints([-1, -18, 5])),
    _sel("orthogonal", "2d", "ints-and-step-slice", ints([5, 0, 3]), span(1, 9, 3)),
    _sel("orthogonal", "2d", "bool-and-ints", bools((7,), 0.5, 1), ints([9, 2, 8])),
    _sel("orthogonal", "2d", "int-and-ints", 2, ints([9, 1])),
    _sel("orthogonal", "2d", "all-false-bool", span(), bools((10,), 0.0, 1)),
    _sel("orthogonal", "3d", "bool-int-step", bools((5,), 0.6, 2), 1, span(0, 6, 2)),
    _sel("coordinate", "1d", "unsorted", ints([17, 3, 12, 0, 16])),
    _sel("coordinate", "1d", "negative", ints([-1, 3, -18])),
    _sel("coordinate", "2d", "points", ints([6, 0, 3, 5]), ints([9, 0, 5, 0])),
    _sel("coordinate", "2d", "2d-index-arrays", ints([[0, 6], [3, 4]]), ints([[9, 1], [5, 0]])),
    _sel("coordinate", "3d", "points", ints([4, 0, 2]), ints([3, 0, 3]), ints([5, 0, 2])),
    _sel("coordinate", "1d", "repeated", ints([3, 3, 17, 3]), writable=False),
    _sel("mask", "1d", "sparse", bools((18,), 0.3, 3)),
    _sel("mask", "2d", "half", bools((7, 10), 0.5, 4)),
    _sel("mask", "3d", "dense", bools((5, 4, 6), 0.7, 5)),
    _sel("translated", "2d", "shifted-slices", span(12, 15), span(21, 24), origin=(10, 20)),
    _sel("translated", "2d", "negative-origin-ints", -1, -10, origin=(-7, -10)),
    _sel("translated", "1d", "negative-origin-step", span(-15, -2, 4), origin=(-18,)),
)

# make test's slice: each mode, a negative step, a clipped slice and an empty one at a chunk's edge.
REPRESENTATIVE = ("basic-2d-step-slice-and-int", "basic-1d-negative-step", "basic-1d-stop-past-end",
                  "basic-1d-empty-at-a-chunk-boundary", "orthogonal-2d-bool-and-ints", "coordinate-2d-points",
                  "mask-2d-half", "translated-2d-negative-origin-ints")

# Out of bounds, on the 2-D array: every engine must refuse each, reading and writing.
OUT_OF_BOUNDS = (
    _sel("basic", "2d", "int-past-end", 7, 0),
    _sel("basic", "2d", "negative-int-before-start", -8, 0),
    _sel("basic", "2d", "int-past-end-of-last-axis", 0, 10),
    _sel("basic", "2d", "too-many-indices", 0, 0, 0),
    _sel("orthogonal", "2d", "ints-past-end", ints([0, 7]), span()),
    _sel("coordinate", "2d", "points-past-end", ints([0, 7]), ints([0, 0])),
    _sel("mask", "2d", "mask-wrong-shape", bools((7, 9), 0.5, 6)),
    _sel("translated", "2d", "before-the-new-origin", 9, 20, origin=(10, 20)),
)
REPRESENTATIVE_OUT_OF_BOUNDS = ("basic-2d-int-past-end", "coordinate-2d-points-past-end")

# Writes whose values do not fit the selection (nor broadcast to it): numpy raises ValueError, and every
# engine must refuse each and change nothing.
WRONG_SHAPES = (
    _sel("basic", "1d", "too-many-values", span(0, 5), values_shape=(6,)),
    _sel("basic", "1d", "too-few-values", span(0, 5), values_shape=(4,)),
    _sel("basic", "2d", "too-many-rows", span(0, 2), span(0, 2), values_shape=(3, 2)),
    _sel("basic", "2d", "extra-axis", span(0, 5), 0, values_shape=(5, 2)),
    _sel("orthogonal", "2d", "wrong-shape", ints([0, 5]), ints([1, 8]), values_shape=(3,)),
    _sel("coordinate", "2d", "too-many-values", ints([0, 5]), ints([0, 7]), values_shape=(3,)),
    _sel("mask", "2d", "too-few-values", bools((7, 10), 0.5, 4), values_shape=(3,)),
)
REPRESENTATIVE_WRONG_SHAPES = ("basic-1d-too-many-values",)

# Fill values of the arrays that start empty: the engine writes a selection, then reads everything. Under
# the fill 0.0 every value written is -0.0, the fill's other zero: an engine that finds chunks equal to the
# fill with == (and so stores none of them) reads +0.0 back (zarr-python's #3144 was that).
FILLS = {"-7.5": -7.5, "NaN": float("nan"), "0.0": 0.0}
OTHER_ZERO = {"0.0": -0.0}


@dataclass(frozen=True)
class EngineIndexing:
    """An engine's indexing API: the formats it opens and the features it lacks, by kind. A key is a
    feature of a selection, or `sharded` (the array's layout), prefixed `write@` when only writes lack it."""

    formats: tuple[int, ...]
    absent: dict[str, str] = field(default_factory=dict)
    refuses: dict[str, str] = field(default_factory=dict)
    # Answered by a rule of the engine's own, documented, where numpy refuses: skipped with the rule.
    differs: dict[str, str] = field(default_factory=dict)

    def absent_reason(self, features: frozenset[str], role: str) -> str | None:
        return _reasons(self.absent, features, role)

    def refusal_reason(self, features: frozenset[str], role: str) -> str | None:
        return _reasons(self.refuses, features, role)

    def different_rule(self, features: frozenset[str], role: str) -> str | None:
        return _reasons(self.differs, features, role)


def _reasons(declared: dict[str, str], features: frozenset[str], role: str) -> str | None:
    """The declared reasons that apply to a read or a write ("read", "write") with these features."""
    found = []
    for key, reason in sorted(declared.items()):
        only, _, feature = key.rpartition("@")
        if only in ("", role) and feature in features:
            found.append(f"{key}: {reason}")
    return "; ".join(found) or None


_NO_DOMAIN = "no index domain to translate: indices count from 0"
_ONLY_BASIC = "get() and set() take an integer, a slice or null per axis, no index arrays"
ENGINE_INDEXING = {
    "tensorstore": EngineIndexing(
        (3, 2),
        refuses={"negative-index": "an index is a position in the array's index domain, [0, n) unless translated: "
                                   "-1 is out of bounds, not the last element",
                 "clipped-slice": "a slice reaching past the domain is out of bounds, not clipped to it",
                 "reversed-slice": "a slice whose start is past its stop is an invalid interval, not an empty one"},
        differs={"mask-shape": "a boolean array stands for the coordinates of its True values, whatever its shape "
                               "(docs/python/indexing.rst, 'Boolean array indexing'): one smaller than the array "
                               "selects those, where numpy refuses it"}),
    "zarrita.js": EngineIndexing(
        (3, 2),
        absent={"mode:orthogonal": _ONLY_BASIC, "mode:coordinate": _ONLY_BASIC, "mode:mask": _ONLY_BASIC,
                "mode:translated": _NO_DOMAIN, "ellipsis": "a selection is a list of axes' items, with no Ellipsis"},
        refuses={"negative-step": "only slices with step >= 1 are supported (InvalidSelectionError)",
                 "write@sharded": "set() refuses sharded arrays (UnsupportedError: set on sharded arrays)"}),
    "zarr2": EngineIndexing(
        (2,),  # and so no sharded arrays, which are v3's
        absent={"mode:translated": _NO_DOMAIN},
        refuses={"negative-step": "only slices with step >= 1 are supported (NegativeStepError)"}),
}
