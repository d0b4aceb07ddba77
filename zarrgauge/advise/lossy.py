"""Lossy candidates when the user allows an absolute error, `--tolerance ABS`, built for the sample:
Quantize to the decimal digits the tolerance leaves, and FixedScaleOffset with quanta of twice the
tolerance around the middle of the sample's range. Each states the bound its round trip keeps to,
which the oracle checks on every timed read."""

from __future__ import annotations

import math

import numpy as np

from zarrgauge.catalogue.codecs import QUANTIZE, SCALE_OFFSET, CodecSpec, lossy_codec, quantize_error
from zarrgauge.errors import usage_error

# FixedScaleOffset's integers reach twice the sample's half-range either side of its middle, for
# values of the array the sample missed; past that they would wrap.
HEADROOM = 2
INTEGER_TYPES = ("<i1", "<i2", "<i4")  # a wider one saves nothing on float32
# numcodecs subtracts the offset and scales in the data's float type and rounds the decoded value
# to it: a few units in the last place of the largest magnitude, on top of half a quantum.
ROUNDING_ULPS = 8


def check_tolerance(tolerance: float, dtype: np.dtype) -> None:
    if dtype.kind != "f" or dtype.itemsize < 4:
        raise usage_error(f"--tolerance: an error bound applies to float32 or float64 data, and the array is {dtype}")


Lossy = tuple[CodecSpec, dict]  # a codec and the parameters it is rebuilt from (catalogue.codecs.lossy_codec)


def _made(name: str, params: dict, tolerance: float) -> Lossy:
    return lossy_codec(name, params, tolerance), params


def lossy_candidates(sample: np.ndarray, tolerance: float) -> list[Lossy]:
    """Quantize always; FixedScaleOffset when the sample is finite and its range fits 32-bit integers."""
    digits = max(0, math.ceil(-math.log10(2 * tolerance)))
    found = [_made(QUANTIZE, {"digits": digits}, quantize_error(digits))]
    scale_offset = _scale_offset(sample, tolerance)
    return found + ([scale_offset] if scale_offset else [])


def _scale_offset(sample: np.ndarray, tolerance: float) -> Lossy | None:
    low, high = float(np.min(sample)), float(np.max(sample))
    if not (math.isfinite(low) and math.isfinite(high)):  # NaN or infinity: no integer holds them
        return None
    slack = ROUNDING_ULPS * float(np.finfo(sample.dtype).eps) * max(abs(low), abs(high))
    if slack >= tolerance / 2:  # the float type itself is about as coarse as the tolerance
        return None
    scale = 1 / (2 * (tolerance - slack))
    reach = (high - low) / 2 * scale * HEADROOM + 1
    astype = next((name for name in INTEGER_TYPES if reach <= np.iinfo(name).max), None)
    if astype is None:
        return None
    return _made(SCALE_OFFSET, {"offset": (low + high) / 2, "scale": scale, "astype": astype}, tolerance)
