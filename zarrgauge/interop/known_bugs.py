"""Interoperability bugs found by the matrix, keyed on the engine at fault and its releases. The
matrix test keeps asserting that the cell is ok and is a strict expected failure where the bug is;
the report names the bug beside the cells it explains."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from packaging.version import Version

from zarrgauge.catalogue.interop import InteropCase


@dataclass(frozen=True)
class InteropBug:
    issue: str  # 'owner/repo#N', or 'unreported' (docs/findings.md has its reproduction)
    engine: str  # whose releases have it
    summary: str
    applies: Callable[[InteropCase, str, str], bool]  # (case, writer, reader)
    fixed_in: str | None = None
    introduced_in: str = "0"

    def affects(self, case: InteropCase, writer: str, reader: str, version: str) -> bool:
        fixed = self.fixed_in is None or Version(version) < Version(self.fixed_in)
        return Version(self.introduced_in) <= Version(version) and fixed and self.applies(case, writer, reader)

    @property
    def reason(self) -> str:
        state = f"fixed in {self.engine} {self.fixed_in}" if self.fixed_in else "not fixed yet"
        return f"{self.issue} ({self.engine}, {state}): {self.summary}"


INTEROP_BUGS = (
    InteropBug(
        "unreported", "zarr-python",
        "a NaN fill value with a payload is written to zarr.json as \"NaN\", not in the spec's hex form, so "
        "never-written chunks read back as the canonical NaN; zarrs, which gets the fill value from zarr-python's "
        "metadata, loses the payload of a hex fill value written by others the same way",
        lambda case, writer, reader: "fill:hex" in case.features and (writer in ("zarr-python", "zarrs")
                                                                      or reader == "zarrs")),
    InteropBug(
        "unreported", "zarrs",
        "zarrs' codec pipeline cannot read a v2 array in F order: 'input array must be a C contiguous array'",
        lambda case, writer, reader: reader == "zarrs" and "order:F" in case.features),
)


def known_bug(case: InteropCase, writer: str, reader: str, versions: dict[str, str]) -> InteropBug | None:
    """The known bug that explains this cell on these engine versions, if any."""
    return next((bug for bug in INTEROP_BUGS if bug.engine in versions
                 and bug.affects(case, writer, reader, versions[bug.engine])), None)
