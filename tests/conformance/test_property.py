"""Property-based conformance: arbitrary arrays, chunkings and selections against numpy.

Hypothesis draws the data from zarr's own strategies (zarr.testing.strategies: every dtype zarr
supports, chunk shapes with ragged edges, shard shapes, basic and orthogonal indices). The
properties: an array written whole reads back bit-exact; basic and orthogonal selections read
what numpy selects; a write through a basic selection leaves the array equal to numpy's setitem
on a copy. The example count comes from the loaded Hypothesis profile ('ci' by default).
"""

from __future__ import annotations

import hypothesis.extra.numpy as npst
import hypothesis.strategies as st
import numpy as np
import pytest
import zarr
import zarr.testing.strategies as zst
from hypothesis import HealthCheck, assume, given, settings

from zarrgauge.conformance.known_bugs import SIGNED_ZERO_COMPLEX, affects_installed_zarr, upstream_bug
from zarrgauge.harness.measure.oracle import assert_identical

# Small shapes keep a drawn chunking to at most 64 chunks; empty axes and 0-d arrays included.
SHAPES = npst.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)

# Every dtype zarr supports is drawn on purpose, those without a v3 specification (yet) included.
pytestmark = pytest.mark.filterwarnings("ignore:The data type .* does not have a Zarr V3 specification")

# zarr_format is a parameter, not state, so sharing it across examples is safe.
fixture_safe = settings(suppress_health_check=[*settings.default.suppress_health_check,
                                               HealthCheck.function_scoped_fixture])


def dtypes(zarr_format: int):
    return zst.v3_dtypes() if zarr_format == 3 else zst.v2_dtypes()


@st.composite
def stored_arrays(draw, zarr_format: int) -> tuple[zarr.Array, np.ndarray]:
    """A zarr array holding drawn values, with a drawn chunking (and, in v3, maybe shards)."""
    values, chunks = draw(zst.np_array_and_chunks(arrays=zst.numpy_arrays(shapes=SHAPES,
                                                                           dtype=draw(dtypes(zarr_format)))))
    assume(not meets_signed_zero_complex(values))
    shards = None
    # 0-d sharded arrays have a test of their own: zarr < 3.2 cannot write them at all.
    if zarr_format == 3 and values.ndim and values.size and draw(st.booleans()):
        shards = draw(zst.shard_shapes(shape=values.shape, chunk_shape=chunks))
    array = zarr.create_array(store=zarr.storage.MemoryStore(), shape=values.shape, chunks=chunks, shards=shards,
                              dtype=values.dtype, zarr_format=zarr_format)
    array[...] = values
    return array, values


def meets_signed_zero_complex(values: np.ndarray) -> bool:
    """Whether values written to an array of fill 0 may meet SIGNED_ZERO_COMPLEX on the installed zarr."""
    return affects_installed_zarr(SIGNED_ZERO_COMPLEX) and has_a_signed_complex_zero(values)


def has_a_signed_complex_zero(values: np.ndarray) -> bool:
    """A complex zero with a -0.0 part: a chunk of such zeros is not stored (SIGNED_ZERO_COMPLEX, whose own
    test is in test_dtypes.py); drawn here it would only keep the search from other bugs."""
    if values.dtype.kind != "c":
        return False
    return bool(np.any((values == 0) & (np.signbit(values.real) | np.signbit(values.imag))))


def assert_same_elements(actual, expected: np.ndarray, dtype: np.dtype) -> None:
    """Bit-exact, with datetimes compared as their integer ticks (NaT never equals itself) and
    numpy scalars taken as 0-d arrays of the array's dtype."""
    actual = np.asarray(actual, dtype=dtype) if np.ndim(actual) == 0 else np.asarray(actual)
    expected = np.asarray(expected, dtype=dtype) if np.ndim(expected) == 0 else expected
    if dtype.kind in "mM":
        actual, expected = actual.view("i8"), expected.view("i8")
    assert_identical(actual, expected)


@fixture_safe
@given(data=st.data())
def test_whole_array_round_trip_is_bit_exact(zarr_format, data):
    array, values = data.draw(stored_arrays(zarr_format))
    assert_same_elements(array[...], values, values.dtype)


@fixture_safe
@given(data=st.data())
def test_basic_selection_reads_what_numpy_selects(zarr_format, data):
    array, values = data.draw(stored_arrays(zarr_format))
    selection = data.draw(zst.basic_indices(shape=values.shape))
    assert_same_elements(array[selection], values[selection], values.dtype)


@fixture_safe
@given(data=st.data())
def test_orthogonal_selection_reads_what_numpy_selects(zarr_format, data):
    array, values = data.draw(stored_arrays(zarr_format))
    zarr_selection, numpy_selection = data.draw(zst.orthogonal_indices(shape=values.shape))
    assert_same_elements(array.oindex[zarr_selection], values[numpy_selection], values.dtype)


@fixture_safe
@given(data=st.data())
def test_basic_setitem_matches_numpy_setitem_on_a_copy(zarr_format, data):
    array, values = data.draw(stored_arrays(zarr_format))
    selection = data.draw(zst.basic_indices(shape=values.shape))
    expected = values.copy()
    new = data.draw(zst.numpy_arrays(shapes=st.just(np.shape(expected[selection])), dtype=values.dtype))
    assume(not meets_signed_zero_complex(new))  # the written values too, not only the stored ones
    array[selection] = new
    expected[selection] = new
    assert_same_elements(array[...], expected, values.dtype)


@pytest.mark.parametrize("zarr_format", [3], indirect=True, ids=["v3"])
@upstream_bug("zarr-developers/zarr-python#3751", "3.2.0", "a 0-d array with shards cannot be written")
def test_zero_dimensional_sharded_array_round_trips(zarr_format):
    array = zarr.create_array(store=zarr.storage.MemoryStore(), shape=(), chunks=(), shards=(), dtype="float64",
                              zarr_format=zarr_format)
    array[()] = -0.0
    assert_identical(array[()], np.array(-0.0))
