"""Codec catalogue: each entry in zarr v3 (zarr.codecs) and v2 (numcodecs) form."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from zarrgauge import compat

# Imported when the first codec is built: the gate and the report read this catalogue without zarr.
numcodecs = compat.Deferred("numcodecs")
BloscCodec, GzipCodec, ZstdCodec = (compat.Deferred("zarr.codecs", name)
                                     for name in ("BloscCodec", "GzipCodec", "ZstdCodec"))

CodecArgs = dict  # keyword arguments for zarr.create_array: filters, compressors


@dataclass(frozen=True)
class CodecSpec:
    """One compression pipeline, buildable for either zarr format.

    `v3` and `v2` map the array's dtype to the create_array keywords. A lossy spec states the
    absolute tolerance its round trip must stay within.
    """

    name: str
    description: str
    v3: Callable[[np.dtype], CodecArgs] = field(repr=False)
    v2: Callable[[np.dtype], CodecArgs] = field(repr=False)
    kinds: str = "biufc"
    tolerance: float = 0.0
    min_itemsize: int = 1

    @property
    def lossless(self) -> bool:
        return self.tolerance == 0.0

    def supports(self, dtype: npt.DTypeLike) -> bool:
        dtype = np.dtype(dtype)
        return dtype.kind in self.kinds and dtype.itemsize >= self.min_itemsize

    def create_args(self, dtype: npt.DTypeLike, zarr_format: int) -> CodecArgs:
        build = self.v3 if zarr_format == 3 else self.v2
        return build(np.dtype(dtype))


# numcodecs.Blosc.SHUFFLE, BITSHUFFLE and NOSHUFFLE, written out so that declaring codecs imports nothing.
_SHUFFLE_V2 = {"shuffle": 1, "bitshuffle": 2, "noshuffle": 0}


def _blosc(name: str, cname: str, clevel: int, shuffle: str = "shuffle") -> CodecSpec:
    return CodecSpec(
        name,
        f"Blosc {cname} level {clevel}, {shuffle}",
        v3=lambda dt: {"filters": None, "compressors": [BloscCodec(cname=cname, clevel=clevel, shuffle=shuffle)]},
        v2=lambda dt: {"filters": None, "compressors": numcodecs.Blosc(cname=cname, clevel=clevel, shuffle=_SHUFFLE_V2[shuffle])},
    )


def _plain(name: str, description: str, v3_codec: Callable, v2_codec: Callable) -> CodecSpec:
    return CodecSpec(
        name,
        description,
        v3=lambda dt: {"filters": None, "compressors": [v3_codec()]},
        v2=lambda dt: {"filters": None, "compressors": v2_codec()},
    )


def _delta_zstd() -> CodecSpec:
    return CodecSpec(
        "delta-zstd",
        "Delta filter then Zstd level 5 (for sequential integers)",
        v3=lambda dt: {"filters": [compat.v3_delta(dtype=dt.str)], "compressors": [ZstdCodec(level=5)]},
        v2=lambda dt: {"filters": [numcodecs.Delta(dtype=dt.str)], "compressors": numcodecs.Zstd(level=5)},
        kinds="iu",
    )


FSO_SCALE = 1000


def _fixed_scale_offset() -> CodecSpec:
    def fso(make):
        return lambda dt: make(offset=0, scale=FSO_SCALE, dtype=dt.str, astype="<i4")

    return CodecSpec(
        "fso-zstd",
        f"FixedScaleOffset (scale {FSO_SCALE}, lossy) then Zstd level 5",
        v3=lambda dt: {"filters": [fso(compat.v3_fixed_scale_offset)(dt)], "compressors": [ZstdCodec(level=5)]},
        v2=lambda dt: {"filters": [fso(numcodecs.FixedScaleOffset)(dt)], "compressors": numcodecs.Zstd(level=5)},
        kinds="f",
        min_itemsize=4,  # numcodecs scales in the input dtype: float16 overflows past 65.5 at this scale
        tolerance=0.505 / FSO_SCALE,  # half a quantum, plus float32 rounding of the decoded value
    )


# Lossy codecs made for one array and the absolute error it allows (`zarrgauge advise --tolerance`):
# their parameters come from the data, so they are declared by `lossy_codec` from those parameters
# rather than listed in CODECS. Each states the tolerance its round trip keeps to, which the oracle checks.
QUANTIZE, SCALE_OFFSET = "quantize-blosc", "scale-offset-zstd"
LOSSY_KINDS = (QUANTIZE, SCALE_OFFSET)


def quantize_error(digits: int) -> float:
    """numcodecs.Quantize rounds to multiples of 2**-bits, the power of two at or below 10**-digits:
    at most half of that off, exactly (the scaling by a power of two rounds nothing)."""
    return 0.5 * 2.0 ** -math.ceil(math.log2(10.0**digits))


def lossy_codec(name: str, params: dict, tolerance: float) -> CodecSpec:
    """One of LOSSY_KINDS with its parameters, stating `tolerance`: Quantize (`digits`) then Blosc
    zstd with bit shuffle (the zeroed low mantissa bits line up), or FixedScaleOffset (`offset`,
    `scale`, `astype`: an integer type) then Zstd, as fso-zstd but made for the data."""
    if name == QUANTIZE:
        digits = int(params["digits"])
        return CodecSpec(
            name, f"Quantize ({digits} decimal digits, lossy) then Blosc zstd level 5, bitshuffle",
            v3=lambda dt: {"filters": [compat.v3_quantize(digits=digits, dtype=dt.str)],
                           "compressors": [BloscCodec(cname="zstd", clevel=5, shuffle="bitshuffle")]},
            v2=lambda dt: {"filters": [numcodecs.Quantize(digits=digits, dtype=dt.str)],
                           "compressors": numcodecs.Blosc(cname="zstd", clevel=5, shuffle=_SHUFFLE_V2["bitshuffle"])},
            kinds="f", min_itemsize=4, tolerance=tolerance)
    if name == SCALE_OFFSET:
        fso = {"offset": float(params["offset"]), "scale": float(params["scale"]), "astype": params["astype"]}
        reach = np.iinfo(fso["astype"]).max / fso["scale"]
        return CodecSpec(
            name, f"FixedScaleOffset (offset {fso['offset']:.6g}, scale {fso['scale']:.6g}, {fso['astype']}, "
                  f"lossy, holds values from {fso['offset'] - reach:.6g} to {fso['offset'] + reach:.6g}) "
                  "then Zstd level 5",
            v3=lambda dt: {"filters": [compat.v3_fixed_scale_offset(dtype=dt.str, **fso)],
                           "compressors": [ZstdCodec(level=5)]},
            v2=lambda dt: {"filters": [numcodecs.FixedScaleOffset(dtype=dt.str, **fso)],
                           "compressors": numcodecs.Zstd(level=5)},
            kinds="f", min_itemsize=4, tolerance=tolerance)
    raise ValueError(f"unknown lossy codec {name!r}; choose from: {', '.join(LOSSY_KINDS)}")


CODECS: dict[str, CodecSpec] = {
    spec.name: spec
    for spec in (
        CodecSpec("zarr-default", "whatever zarr picks when not told", v3=lambda dt: {}, v2=lambda dt: {}),
        CodecSpec("none", "no compression", v3=lambda dt: {"filters": None, "compressors": None},
                  v2=lambda dt: {"filters": None, "compressors": None}),
        _blosc("blosc-lz4", "lz4", 5),
        _blosc("blosc-zstd1", "zstd", 1),
        _blosc("blosc-zstd5", "zstd", 5),
        _blosc("blosc-zstd9", "zstd", 9),
        _blosc("blosc-zstd5-noshuffle", "zstd", 5, "noshuffle"),
        _blosc("blosc-zstd5-bitshuffle", "zstd", 5, "bitshuffle"),
        _plain("zstd", "Zstd level 3", lambda: ZstdCodec(level=3), lambda: numcodecs.Zstd(level=3)),
        _plain("gzip", "Gzip level 5", lambda: GzipCodec(level=5), lambda: numcodecs.GZip(level=5)),
        _delta_zstd(),
        _fixed_scale_offset(),
    )
}

COMMON_CODECS = tuple(name for name in CODECS if name not in ("delta-zstd", "fso-zstd"))


def get_codec(name: str) -> CodecSpec:
    try:
        return CODECS[name]
    except KeyError:
        raise ValueError(f"unknown codec {name!r}; choose from: {', '.join(CODECS)}") from None
