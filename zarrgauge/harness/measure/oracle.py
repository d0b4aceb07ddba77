"""The numpy oracle: compare what zarr returned with what numpy says it must be."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _shown(value) -> str:
    """A value as a message shows it; floats with their bits, since NaNs differ only there."""
    if np.asarray(value).dtype.kind in "fc":
        return f"{value!r} (bits {np.asarray(value).tobytes()[::-1].hex()})"
    return repr(value)


def _describe_first_mismatch(actual: np.ndarray, expected: np.ndarray, differs: np.ndarray) -> str:
    where = tuple(int(i) for i in np.argwhere(differs)[0]) if differs.ndim else ()
    return (f"{int(differs.sum())} of {differs.size} elements differ; first at {where}: "
            f"got {_shown(actual[where])}, expected {_shown(expected[where])}")


def _bits(values: np.ndarray) -> np.ndarray:
    """A view in which equal bit patterns compare equal: NaN payloads and -0.0 included."""
    contiguous = np.ascontiguousarray(values)  # 1-d even for a 0-d array, whose itemsize a view cannot change
    if values.dtype.kind == "f":
        return contiguous.view(f"u{values.dtype.itemsize}").reshape(values.shape)
    if values.dtype.kind == "c":
        return contiguous.view(f"u{values.dtype.itemsize // 2}").reshape(*values.shape, 2)
    return values


def assert_identical(actual, expected) -> None:
    """Bit-exact equality of dtype, shape and every element (lossless codecs)."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.dtype == expected.dtype, f"dtype {actual.dtype} != expected {expected.dtype}"
    assert actual.shape == expected.shape, f"shape {actual.shape} != expected {expected.shape}"
    if actual.dtype.names:
        # Record equality would compare floats by value (-0.0 == 0.0, NaN != NaN): compare field by field.
        for name in actual.dtype.names:
            assert_identical(actual[name], expected[name])
        return
    if actual.dtype.kind in "OUS" or actual.dtype.kind == "V":
        differs = actual != expected
    else:
        differs = _bits(actual) != _bits(expected)
        if differs.ndim > actual.ndim:
            differs = differs.any(axis=-1)
    assert not differs.any(), _describe_first_mismatch(actual, expected, differs)


def assert_close(actual, expected, atol: float) -> None:
    """Equality within `atol` (lossy codecs); NaN must stay NaN and infinities must match."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, f"shape {actual.shape} != expected {expected.shape}"
    a, e = actual.astype("f8"), expected.astype("f8")
    with np.errstate(invalid="ignore"):
        differs = ~((np.abs(a - e) <= atol) | (np.isnan(a) & np.isnan(e)) | (a == e))
    assert not differs.any(), f"beyond tolerance {atol}: " + _describe_first_mismatch(actual, expected, differs)


def assert_matches(actual, expected, atol: float = 0.0) -> None:
    """Compare one array or a sequence of arrays, bit-exact unless a tolerance is given."""
    if isinstance(expected, Sequence) and not isinstance(expected, np.ndarray):
        assert len(actual) == len(expected), f"{len(actual)} results, expected {len(expected)}"
        for got, want in zip(actual, expected):
            assert_matches(got, want, atol)
        return
    if atol:
        assert_close(actual, expected, atol)
    else:
        assert_identical(actual, expected)
