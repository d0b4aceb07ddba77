"""Self-tests of the oracle: it must see every difference a broken codec or index could make."""

import numpy as np
import pytest

from zarrgauge.harness.measure.oracle import assert_close, assert_identical, assert_matches


@pytest.mark.parametrize("got, want", [
    (np.array([0.0, -0.0]), np.array([0.0, 0.0])),
    (np.array([1, 2, 3], "i4"), np.array([1, 2, 4], "i4")),
    (np.array([1, 2, 3], "i4"), np.array([1, 2, 3], "i8")),
    (np.array([[1, 2]]), np.array([1, 2])),
    (np.array([np.nan]), np.array([np.inf])),
    (np.array([1 + 0j, complex(-0.0, 1)]), np.array([1 + 0j, complex(0.0, 1)])),
    (np.array(["a", "b"]), np.array(["a", "c"])),
    (np.array(["2024-01-01", "NaT"], "M8[ns]"), np.array(["2024-01-01", "2024-01-02"], "M8[ns]")),
])
def test_identical_sees_differences(got, want):
    with pytest.raises(AssertionError):
        assert_identical(got, want)


@pytest.mark.parametrize("dtype", ["f8", "c8"])
def test_a_0d_difference_is_described_with_its_bits(dtype):
    with pytest.raises(AssertionError, match=r"1 of 1 elements differ; first at \(\): got .*bits 0+\)"):
        assert_identical(np.array(0, dtype), np.array(-0.0, dtype))


def test_identical_accepts_equal_nan_and_signed_zero():
    values = np.array([np.nan, -0.0, np.inf, -np.inf, 1.5], "f4")
    assert_identical(values.copy(), values)


def test_close_keeps_to_the_tolerance():
    want = np.array([1.0, np.nan, np.inf])
    assert_close(np.array([1.0004, np.nan, np.inf]), want, atol=5e-4)
    with pytest.raises(AssertionError, match="beyond tolerance"):
        assert_close(np.array([1.0006, np.nan, np.inf]), want, atol=5e-4)
    with pytest.raises(AssertionError):
        assert_close(np.array([1.0, 0.0, np.inf]), want, atol=5e-4)


def test_matches_compares_lists_element_by_element():
    assert_matches([np.arange(3), np.arange(2)], [np.arange(3), np.arange(2)])
    with pytest.raises(AssertionError):
        assert_matches([np.arange(3)], [np.arange(3), np.arange(2)])


def test_mismatch_message_points_at_the_element():
    with pytest.raises(AssertionError, match=r"1 of 6 elements differ; first at \(1, 0\)"):
        assert_identical(np.array([[1, 2, 3], [5, 5, 6]]), np.array([[1, 2, 3], [4, 5, 6]]))
