"""Known upstream bugs: the test keeps asserting the correct behaviour, and is an expected
failure (strict) only on the zarr releases that have the bug."""

from __future__ import annotations

import pytest
import zarr
from packaging.version import Version


def installed_zarr() -> Version:
    return Version(zarr.__version__)


def upstream_bug(issue: str, fixed_in: str | None, summary: str, introduced_in: str = "0"):
    """A pytest mark: xfail(strict=True) where introduced_in <= installed zarr < fixed_in.

    `issue` names the upstream report (e.g. 'zarr-developers/zarr-python#2345'); `fixed_in` is
    the first release with the fix, or None while it is open.
    """
    affected = Version(introduced_in) <= installed_zarr() and (fixed_in is None or installed_zarr() < Version(fixed_in))
    fixed = f"fixed in {fixed_in}" if fixed_in else "not fixed yet"
    return pytest.mark.xfail(affected, strict=True, reason=f"{issue} ({fixed}): {summary}")


# Bugs that several conformance areas meet, declared once so the matrix counts one cause.
UNCHECKED_WRITE_SHAPE = upstream_bug(
    "unreported", None,
    "a write cuts its value per chunk without checking the value's shape first: surplus values are dropped, "
    "a short value is broadcast, or the error comes after earlier chunks were written")
MISMATCH_RAISES_INDEXERROR = upstream_bug(
    "unreported", None,
    "a value that does not fit the selection raises IndexError from inside the chunk loop, where numpy "
    "raises ValueError")
