"""Codecs too slow to write to be worth a race: each codec compresses one chunk of the sample once, and
one slower than WRITE_FLOOR is left out unless the user names it (--codecs). Writing is time a user
pays for too, once per byte: Blosc's zstd at level 9 (zstd's level 22) compressed this suite's test
video at under 2 MB/s, a terabyte in a week of one core, and its writes alone took longer than the
whole race of the other codecs.
"""

from __future__ import annotations

import time

import numpy as np
import zarr

from zarrgauge.catalogue.codecs import CodecSpec
from zarrgauge.catalogue.layouts import Shape

WRITE_FLOOR = 5e6  # bytes per second: a terabyte in 2.3 days
PIECE_BYTES = 256 * 2**10  # a smaller chunk compresses in about the time a write costs anyway: no verdict


def _write_seconds(piece: np.ndarray, codec: CodecSpec) -> float:
    array = zarr.create_array(zarr.storage.MemoryStore(), shape=piece.shape, dtype=piece.dtype, chunks=piece.shape,
                              **codec.create_args(piece.dtype, 3))
    start = time.perf_counter()
    array[...] = piece
    return time.perf_counter() - start


def write_speeds(sample: np.ndarray, chunk: Shape, codecs: dict[str, CodecSpec]) -> dict[str, float]:
    """Bytes per second each codec compresses the sample's first `chunk` at, beyond what an uncompressed
    write of it costs; none when the chunk is too small to tell."""
    piece = np.ascontiguousarray(sample[tuple(slice(0, c) for c in chunk)])
    if piece.nbytes < PIECE_BYTES:
        return {}
    plain = _write_seconds(piece, codecs["none"]) if "none" in codecs else 0.0
    return {name: piece.nbytes / max(_write_seconds(piece, codec) - plain, 1e-9) for name, codec in codecs.items()}


def too_slow(speeds: dict[str, float], named: bool) -> dict[str, float]:
    """The codecs to leave out, with their speeds: none of those the user named."""
    return {} if named else {name: speed for name, speed in speeds.items() if speed < WRITE_FLOOR}


def left_out_words(slow: dict[str, float]) -> str:
    each = ", ".join(f"{name} (compresses {speed / 1e6:.2g} MB/s here)" for name, speed in slow.items())
    return (f"left out of the race, slower to write than {WRITE_FLOOR / 1e6:.0f} MB/s: {each}; "
            "name it with --codecs to race it")
