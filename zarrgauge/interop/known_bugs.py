"""Interoperability bugs found by the matrix, keyed on the engine at fault and its releases. The
matrix test keeps asserting that the cell is ok and is a strict expected failure where the bug is;
the report names the bug beside the cells it explains."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from packaging.version import Version

from zarrgauge.catalogue.interop import HEX_NAN, InteropCase


@dataclass(frozen=True)
class InteropBug:
    name: str  # for docs/findings: the reproducer of an unreported bug cites it
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
        "nan-payload-fill", "unreported", "zarr-python",
        "a NaN fill value with a payload is written to zarr.json as \"NaN\", not in the spec's hex form, so "
        "never-written chunks read back as the canonical NaN; zarrs, which gets the fill value from zarr-python's "
        "metadata, loses the payload of a hex fill value written by others the same way",
        lambda case, writer, reader: case.fill_value == HEX_NAN and (writer in ("zarr-python", "zarrs")
                                                                     or reader == "zarrs")),
    InteropBug(
        "zarrs-order-f", "unreported", "zarrs",
        "zarrs' codec pipeline cannot read a v2 array in F order: 'input array must be a C contiguous array'",
        lambda case, writer, reader: reader == "zarrs" and "order:F" in case.features),
    InteropBug(
        "zarr2-negative-zero-fill", "unreported", "zarr2",
        "zarr 2 writes a -0.0 fill value as 0.0: normalize_fill_value replaces any fill equal to 0 with zero",
        lambda case, writer, reader: writer == "zarr2" and case.area == "fill" and case.label == "-0.0"),
    InteropBug(
        "tensorstore-zstd-checksum", "zarr-developers/zarr-python#2647", "tensorstore",
        "tensorstore's zarr driver refuses the zstd compressor's \"checksum\" member, which zarr 2 (numcodecs >= "
        "0.13) writes for every zstd array",
        lambda case, writer, reader: writer == "zarr2" and reader == "tensorstore" and "format:2" in case.features
        and "codec:zstd" in case.features),
    InteropBug(
        "tensorstore-short-base64-fill", "unreported", "tensorstore",
        "the zarr driver takes a v2 fixed-length bytes fill value only as base64 of all its bytes ('Expected 4 "
        "base64-encoded bytes'), and so refuses the fill value zarr 2 and zarr-python write, base64 of numpy's "
        "value with its trailing NULs dropped (b'zz' of '|S4' as \"eno=\")",
        lambda case, writer, reader: "tensorstore" in (writer, reader) and _short_base64_fill(case)),
    InteropBug(
        "zarrs-v2-complex-null-fill", "unreported", "zarrs",
        "a v2 complex array whose fill_value is null (the spec's 'undefined', tensorstore's default) cannot be "
        "opened: 'incompatible fill value metadata: dtype=<c8, fill_value=null' (zarrs/zarrs#207 converted null "
        "for the other types)",
        lambda case, writer, reader: "zarrs" in (writer, reader) and case.zarr_format == 2
        and case.dtype.startswith("complex") and _null_fill(case, writer)),
)

def _null_fill(case: InteropCase, writer: str) -> bool:
    """Whether the written v2 document's fill value is null: declared so, or tensorstore's default."""
    return case.fill_value is None or (case.defaults and writer == "tensorstore" and case.zarr_format == 2)


def _short_base64_fill(case: InteropCase) -> bool:
    fill = case.metadata()["fill_value"]
    return case.dtype.startswith("S") and len(base64.b64decode(fill)) < np.dtype(case.dtype).itemsize


def _big_endian_bool(case: InteropCase) -> bool:
    return case.dtype == "bool" and ("endian:big" in case.features or case.metadata().get("dtype") == ">b1")


JS = "zarrita.js"
_BIG_INT_FILLS = ("int64-max", "uint64-max")
# A failed write fails every reader's cell: the write bug comes first, so that it explains those.
ZARRITA_BUGS = (
    InteropBug("zarrita-big-int-fill-write", "unreported", JS,
               "create() cannot write an int64 or uint64 fill value: 'Do not know how to serialize a BigInt'",
               lambda case, writer, reader: writer == JS and case.area == "fill" and case.dtype in ("int64", "uint64")),
    InteropBug("zarrita-big-int-fill-read", "unreported", JS,
               "int64 and uint64 fill values beyond 2**53 are read through a double: uint64 max reads as 0, "
               "int64 max as -2**63",
               lambda case, writer, reader: reader == JS and case.area == "fill" and case.label in _BIG_INT_FILLS),
    InteropBug("zarrita-negative-zero-fill", "unreported", JS,
               "a -0.0 fill value is written as 0 (JSON.stringify(-0) is '0')",
               lambda case, writer, reader: writer == JS and case.area == "fill" and case.label == "-0.0"),
    InteropBug("zarrita-hex-fill", "unreported", JS,
               "hex-encoded float fill values are not decoded: '0x7ff8000000000001' reads as 9.2e18, never-written "
               "chunks and the unwritten part of partly written ones included",
               lambda case, writer, reader: JS in (writer, reader) and "fill:hex" in case.features),
    InteropBug("zarrita-index-start", "unreported", JS,
               "the sharding codec ignores index_location and always reads the index from the end of the shard",
               lambda case, writer, reader: reader == JS and "index:start" in case.features and not case.corruption),
    InteropBug("zarrita-create-defaults", "unreported", JS,
               "create() given only shape, dtype and chunkShape writes \"fill_value\": null and \"codecs\": [] to "
               "zarr.json, which the v3 spec forbids (a fill value is required; one array-to-bytes codec is) and the "
               "other readers refuse; for int64 and uint64 the write itself fails: 'Cannot convert null to a BigInt'",
               lambda case, writer, reader: writer == JS and case.defaults and case.zarr_format == 3
               and (reader != JS or case.dtype in ("int64", "uint64"))),
    InteropBug("zarrita-null-big-int-fill", "unreported", JS,
               "a v2 int64 or uint64 array whose fill_value is null (tensorstore's default) fails to read wherever a "
               "chunk is missing: 'Cannot convert null to a BigInt'",
               # Not the v2/spelling/fill-null-* cases: they write every element, so no chunk is missing.
               lambda case, writer, reader: reader == JS and case.dtype in ("int64", "uint64")
               and _null_fill(case, writer) and case.defaults),
    InteropBug("zarrita-big-endian-bool", "unreported", JS,
               "a bool array declared big-endian (allowed, and the same bytes as little-endian) is byte-swapped in "
               "groups of four: read, for a v2 dtype '>b1' ([1, 0, 0, 0] reads [F, F, F, T]); written, for a v3 bytes "
               "codec with endian 'big'",
               lambda case, writer, reader: _big_endian_bool(case)
               and (reader if case.zarr_format == 2 else writer) == JS),
    InteropBug("zarrita-crc32c-unchecked", "unreported", JS,
               "crc32c checksums are never checked: a corrupted chunk reads back silently",
               lambda case, writer, reader: reader == JS and case.corruption == "chunk"),
)


def known_bug(case: InteropCase, writer: str, reader: str, versions: dict[str, str]) -> InteropBug | None:
    """The known bug that explains this cell on these engine versions, if any."""
    return next((bug for bug in (*INTEROP_BUGS, *ZARRITA_BUGS) if bug.engine in versions
                 and bug.affects(case, writer, reader, versions[bug.engine])), None)
