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


def affects_installed_zarr(bug) -> bool:
    """Whether an upstream_bug mark applies to the installed zarr."""
    return bool(bug.args[0])


# Bugs that several conformance areas meet, declared once so the matrix counts one cause.
UNCHECKED_WRITE_SHAPE = upstream_bug(
    "unreported", None,
    "a write cuts its value per chunk without checking the value's shape first: surplus values are dropped, "
    "a short value is broadcast, or the error comes after earlier chunks were written")
MISMATCH_RAISES_INDEXERROR = upstream_bug(
    "unreported", None,
    "a value that does not fit the selection raises IndexError from inside the chunk loop, where numpy "
    "raises ValueError")
# Reproduce: a MemoryStore behind a WrapperStore whose set() raises OSError for the first chunk key only;
# zarr.create_array(store, shape=(8,), chunks=(1,), dtype="i4", fill_value=0); under
# zarr.config.set({"async.concurrency": 1}), `array[...] = 7` raises, array[...] reads all 0 right
# after, and [0 7 7 7 7 7 7 7] 0.2 s later (zarr 3.4.2).
WRITES_AFTER_RAISING = upstream_bug(
    "unreported", None,
    "a write that raised goes on writing: zarr gathers its chunk writes with asyncio.gather, which cancels none "
    "when one fails, so the chunks still queued are written after the caller got the exception")
RESIZE_TO_OTHER_NDIM = upstream_bug(
    "unreported", "3.4.1",
    "a resize to another number of dimensions fails an assert (AssertionError; nothing under python -O)")
# test_dtypes.py's own; test_property.py and the array machine (test_stateful.py) draw no values or fills that meet
# it. The machine met it through a fill of complex(0.0, -0.0) and a +0j chunk (issue 33; 3.1.6, 3.3.0 and 3.4.2 alike).
SIGNED_ZERO_COMPLEX = upstream_bug(
    "unreported", None,
    "complex chunks whose zeros differ in sign from the fill's count as empty: the fix for #3144 compares bits "
    "for real float dtypes only")
# Found by the array machine on zarr 3.3.0 (issue 33); measured: 3.1.6 and 3.3.0 raise, 3.4.0 to 3.4.2 write.
SHARDED_ORTHOGONAL_WRITE = upstream_bug(
    "zarr-developers/zarr-python#2834", "3.4.0",
    "an orthogonal write with index arrays on two or more axes of a sharded array raises ValueError: the shard "
    "reads its np.ix_ selection back as a coordinate one")
