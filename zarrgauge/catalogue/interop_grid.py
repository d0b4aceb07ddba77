"""The interoperability matrix's whole grid: the plain sweeps of catalogue/interop.py and their reach,
what each writer writes by default, every spelling the specs allow, and big arrays.

- defaults: each writer creates the array through its own API from the shape, dtype and chunks alone
  (and the partly written region reads the dtype's zero where nothing was written, as every
  writer's default fill value is), so its own choices of codecs, fill value and keys are read.
- spelling: the same values in each form the v2 and v3 specs allow: v2 dtype strings in either byte
  order (big-endian chunks, written so) and the one-byte types in every byte-order character; fill
  values as numbers, named floats, hex and, in v2, null and base64 (fixed-length bytes); codec
  configurations with their optional members left out and present; dimension_names present and
  partly null; unicode attributes; both chunk key encodings with both separators.
- big: hundreds of chunks, shards of 64 and 128 inner chunks, edge shards and inner chunks never
  written; interop_cases() has them, representative() (make test's share) leaves them out.

Every runner reads the grid from here: make interop (zarrgauge/interop) and tests/conformance/test_engines.py.
"""

from __future__ import annotations

import json

from zarrgauge.catalogue.interop import (
    BYTES,
    CRC32C,
    DTYPES,
    STRING,
    V2_COMPRESSORS,
    VLEN_UTF8,
    InteropCase,
    blosc,
    make_case,
    plain_cases,
    zero_fill,
    zstd,
)

# A path of keys into the document, and the member's value there, or OMIT to leave it out.
OMIT = object()
UNICODE_ATTRIBUTES = {"title": "ünïcödé 日本語 🦆", "": "an empty key", "nested": {"list": [1, 2.5, None, True, "é"]}}
ONE_BYTE = ("bool", "int8", "uint8")
MULTI_BYTE = [dtype for dtype in DTYPES if dtype not in (*ONE_BYTE, STRING)]
BIG_SHAPE, BIG_CHUNKS = (100, 70), (4, 3)


def spelled(*members: tuple[tuple, object]) -> tuple[tuple[tuple, str | None], ...]:
    return tuple((path, None if value is OMIT else json.dumps(value)) for path, value in members)


def _defaults_cases():
    for zarr_format in (3, 2):
        for dtype in DTYPES:
            codecs = ((VLEN_UTF8 if dtype == STRING else BYTES),) if zarr_format == 3 else (None,)
            yield make_case("defaults", dtype, zarr_format, dtype=dtype, codecs=codecs, fill_value=zero_fill(dtype),
                            defaults=True)


def _dtype_spellings():
    """v2 dtype strings: big-endian multi-byte types (their chunks big-endian too), and '<', '>' for the
    one-byte types whose plain form is '|' (the same chunks, spelled otherwise after writing)."""
    for dtype in MULTI_BYTE:
        yield make_case("spelling", f"dtype-big-{dtype}", 2, dtype=dtype, codecs=(None,), fill_value=zero_fill(dtype),
                        endian=">")
    for dtype in ONE_BYTE:
        for name, char in (("little", "<"), ("big", ">")):
            text = char + ("b1" if dtype == "bool" else dtype[0] + "1")
            yield make_case("spelling", f"dtype-{name}-{dtype}", 2, dtype=dtype, codecs=(None,),
                            fill_value=zero_fill(dtype), spelled=spelled((("dtype",), text)))


# label: (dtype, fill value, its other spelling (none, or one), formats)
FILL_SPELLINGS: dict[str, tuple[str, object, tuple, tuple[int, ...]]] = {
    "number-1.5": ("float64", 1.5, (), (3, 2)),
    "integer-for-float": ("float64", 2.0, (2,), (3, 2)),
    "exponent": ("float64", 1e300, (), (3, 2)),
    "hex-1.5": ("float64", 1.5, ("0x3ff8000000000000",), (3,)),
    "hex-float32": ("float32", 1.5, ("0x3fc00000",), (3,)),
    "hex-float16": ("float16", 1.5, ("0x3e00",), (3,)),
    "hex-infinity": ("float64", "Infinity", ("0x7ff0000000000000",), (3,)),
    "complex-named": ("complex128", ["NaN", "-Infinity"], (), (3,)),
    "complex-hex": ("complex128", [1.5, "Infinity"], (["0x3ff8000000000000", "0x7ff0000000000000"],), (3,)),
    "bool-true": ("bool", True, (), (3, 2)),
    # v2 fixed-length bytes, base64: of the value as numpy holds it (trailing NULs dropped), as zarr writes it,
    # and of all its bytes
    "base64": ("S4", "eno=", (), (2,)),
    "base64-every-byte": ("S4", "eno=", ("enoAAA==",), (2,)),
    # v2 only: no fill value; the whole array is written
    **{f"null-{dtype}": (dtype, None, (None,), (2,)) for dtype in ("float64", "int64", "complex128")},
}


def _fill_spellings():
    for label, (dtype, fill, other, formats) in FILL_SPELLINGS.items():
        for zarr_format in formats:
            codecs = (BYTES,) if zarr_format == 3 else (None,)
            members = spelled(*((("fill_value",), value) for value in other))
            yield make_case("spelling", f"fill-{label}", zarr_format, dtype=dtype, codecs=codecs, fill_value=fill,
                            spelled=members)


def _codec_spellings():
    """Optional members of codec objects, each left out where the plain cases have it and given where they
    leave it out: the configuration of a codec that has none, bytes' endian for one-byte types (and "big"
    there, which changes nothing), blosc's
    typesize without shuffling, sharding's index_location. (zstd's checksum and blosc's blocksize are not
    optional in their specs, so they stay.)"""
    int8 = {"dtype": "int8", "fill_value": 0}
    yield make_case("spelling", "bytes-no-configuration", 3, codecs=(BYTES,), **int8,
                    spelled=spelled((("codecs", 0, "configuration"), OMIT)))
    yield make_case("spelling", "bytes-empty-configuration", 3, codecs=(BYTES,), **int8,
                    spelled=spelled((("codecs", 0, "configuration"), {})))
    yield make_case("spelling", "bytes-big-endian-bool", 3, dtype="bool", fill_value=False,
                    codecs=({"name": "bytes", "configuration": {"endian": "big"}},))
    yield make_case("spelling", "crc32c-empty-configuration", 3, codecs=(BYTES, CRC32C),
                    spelled=spelled((("codecs", 1, "configuration"), {})))
    yield make_case("spelling", "blosc-noshuffle-no-typesize", 3, codecs=(BYTES, blosc("lz4", "noshuffle")),
                    spelled=spelled((("codecs", 1, "configuration", "typesize"), OMIT)))
    yield make_case("spelling", "sharding-no-index-location", 3, codecs=(BYTES, zstd()), shards=(6, 4),
                    spelled=spelled((("codecs", 0, "configuration", "index_location"), OMIT)))
    yield make_case("spelling", "v2-blosc-no-blocksize", 2, codecs=(V2_COMPRESSORS["blosc-zstd-shuffle"],),
                    spelled=spelled((("compressor", "blocksize"), OMIT)))


def _layout_spellings():
    yield make_case("spelling", "dimension-names", 3, spelled=spelled((("dimension_names",), ["y", "x"])))
    yield make_case("spelling", "dimension-names-partly-null", 3,
                    spelled=spelled((("dimension_names",), ["y", None])))
    for zarr_format in (3, 2):
        codecs = (BYTES,) if zarr_format == 3 else (None,)
        yield make_case("spelling", "unicode-attributes", zarr_format, codecs=codecs,
                        spelled=spelled((("attributes",), UNICODE_ATTRIBUTES)))
    for separator, name in ((".", "dot"), ("/", "slash")):
        yield make_case("spelling", f"keys-v2-{name}", 3, separator=separator, key_encoding="v2")
    yield make_case("spelling", "keys-default-no-configuration", 3,
                    spelled=spelled((("chunk_key_encoding", "configuration"), OMIT)))  # separator "/"
    yield make_case("spelling", "keys-v2-no-configuration", 3, separator=".", key_encoding="v2",
                    spelled=spelled((("chunk_key_encoding", "configuration"), OMIT)))  # separator "."
    yield make_case("spelling", "v2-no-dimension-separator", 2, codecs=(None,), separator=".",
                    spelled=spelled((("dimension_separator",), OMIT)))


def _big_cases():
    """100x70: 600 chunks of 4x3, or shards of 8x8 and 8x16 inner chunks with edge shards; each writes a
    region that leaves whole chunks, and whole inner chunks of written shards, never written."""
    big = {"shape": BIG_SHAPE, "chunks": BIG_CHUNKS}
    yield make_case("big", "chunks-600", 3, codecs=(BYTES, zstd()), region=((3, 90), (0, 65)), **big)
    yield make_case("big", "chunks-600", 2, codecs=(V2_COMPRESSORS["zstd"],), region=((3, 90), (0, 65)), **big)
    yield make_case("big", "shards-64-end", 3, codecs=(BYTES, zstd()), shards=(32, 24), region=((0, 60), (10, 70)),
                    **big)
    yield make_case("big", "shards-128-start", 3, dtype="uint16", fill_value=7, codecs=(BYTES, zstd(), CRC32C),
                    shards=(32, 48), index_location="start", region=((5, 100), (0, 40)), **big)


def interop_cases() -> list[InteropCase]:
    return [*plain_cases(), *_defaults_cases(), *_dtype_spellings(), *_fill_spellings(), *_codec_spellings(),
            *_layout_spellings(), *_big_cases()]


def _cover(case: InteropCase) -> set[str]:
    """What a case shows: its features, and its codecs once per format."""
    codecs = {f"v{case.zarr_format}/{tag}" for tag in case.features if tag.startswith("codec:")}
    return set(case.features) | codecs


def representative(cases: list[InteropCase]) -> list[InteropCase]:
    """A few cases that together show every feature of `cases` at least once, every codec once in
    each format (greedy set cover): make test's part of the matrix, without the whole grid or the big cases."""
    cases = [case for case in cases if not case.big]
    left, chosen = set().union(*(_cover(case) for case in cases)), []
    while left:
        best = max(cases, key=lambda case: len(_cover(case) & left))
        chosen.append(best)
        left -= _cover(best)
    return chosen
