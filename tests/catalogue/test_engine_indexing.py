"""The engine indexing catalogue: selection features are derived from the selections as each engine's
declarations need them, and the boolean indices are the same on every run."""

import pytest

from zarrgauge.catalogue.engine_indexing import (
    ENGINE_INDEXING,
    OUT_OF_BOUNDS,
    REPRESENTATIVE,
    REPRESENTATIVE_OUT_OF_BOUNDS,
    REPRESENTATIVE_WRONG_SHAPES,
    SELECTIONS,
    WRONG_SHAPES,
    bools,
)

BY_ID = {selection.id: selection for selection in SELECTIONS + OUT_OF_BOUNDS + WRONG_SHAPES}


@pytest.mark.parametrize("selection, features", [
    ("basic-1d-step-4", {"mode:basic"}),
    ("basic-1d-negative-start", {"mode:basic", "negative-index"}),
    ("basic-1d-stop-past-end", {"mode:basic", "clipped-slice"}),
    ("basic-1d-reversed-bounds-across-chunks", {"mode:basic", "reversed-slice"}),
    ("basic-2d-step-slice-and-int", {"mode:basic"}),  # its stop is the axis's length: neither clipped nor reversed
    ("basic-2d-negative-steps", {"mode:basic", "negative-step"}),
    ("basic-2d-int-leaves-rest", {"mode:basic", "fewer-indices"}),
    ("basic-2d-ellipsis-then-int", {"mode:basic", "ellipsis"}),
    ("basic-3d-reversed-bounds-empty", {"mode:basic", "ellipsis", "reversed-slice"}),
    ("orthogonal-1d-negative-ints", {"mode:orthogonal", "negative-index"}),
    ("mask-2d-half", {"mode:mask"}),
    ("mask-2d-mask-wrong-shape", {"mode:mask", "mask-shape"}),
    ("translated-2d-negative-origin-ints", {"mode:translated"}),  # negative, and inside the translated domain
])
def test_features_are_derived_from_the_selection(selection, features):
    assert BY_ID[selection].features() == features


def test_boolean_indices_have_their_shape_and_density_and_repeat():
    mask = bools((7, 10), 0.5, 4)["bools"]
    assert len(mask) == 7 and {len(row) for row in mask} == {10}
    assert 20 < sum(map(sum, mask)) < 50 and mask == bools((7, 10), 0.5, 4)["bools"]


def test_every_representative_name_is_a_selection():
    ids = {*BY_ID}
    assert {*REPRESENTATIVE, *REPRESENTATIVE_OUT_OF_BOUNDS, *REPRESENTATIVE_WRONG_SHAPES} <= ids
    assert len(ids) == len(SELECTIONS + OUT_OF_BOUNDS + WRONG_SHAPES), "two selections share an id"


def test_every_declared_feature_is_one_some_selection_has():
    features = {"sharded"} | {feature for selection in BY_ID.values() for feature in selection.features()}
    for indexing in ENGINE_INDEXING.values():
        declared = {key.rpartition("@")[2] for key in (*indexing.absent, *indexing.refuses, *indexing.differs)}
        assert declared <= features


def test_a_declaration_prefixed_write_applies_to_writes_only():
    zarrita, features = ENGINE_INDEXING["zarrita.js"], frozenset({"mode:basic", "sharded"})
    assert zarrita.refusal_reason(features, "read") is None
    assert "set() refuses sharded arrays" in zarrita.refusal_reason(features, "write")
