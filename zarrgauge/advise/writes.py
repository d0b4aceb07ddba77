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
# The piece compressed: at most a quarter MiB (a slow codec takes seconds on more), at least 64 KiB (on
# less, compressing takes about what a write costs anyway: no verdict).
PIECE_BYTES, LEAST_BYTES = 256 * 2**10, 64 * 2**10


def _write_seconds(piece: np.ndarray, codec: CodecSpec) -> float:
    """Processor seconds, every thread's: a busy machine's other processes do not count."""
    array = zarr.create_array(zarr.storage.MemoryStore(), shape=piece.shape, dtype=piece.dtype, chunks=piece.shape,
                              **codec.create_args(piece.dtype, 3))
    start = time.process_time()
    array[...] = piece
    return time.process_time() - start


def write_speeds(sample: np.ndarray, chunk: Shape, codecs: dict[str, CodecSpec]) -> dict[str, float]:
    """Bytes per processor second each codec compresses (the start of) the sample's first `chunk` at,
    beyond what an uncompressed write of it costs; none when the chunk is too small to tell."""
    first = np.ascontiguousarray(sample[tuple(slice(0, c) for c in chunk)]).reshape(-1)
    piece = first[:PIECE_BYTES // first.itemsize]
    if piece.nbytes < LEAST_BYTES:
        return {}
    plain = _write_seconds(piece, codecs["none"]) if "none" in codecs else 0.0
    return {name: piece.nbytes / max(_write_seconds(piece, codec) - plain, 1e-9) for name, codec in codecs.items()}


def too_slow(speeds: dict[str, float], named: bool) -> dict[str, float]:
    """The codecs to leave out, with their speeds: none of those the user named."""
    return {} if named else {name: speed for name, speed in speeds.items() if speed < WRITE_FLOOR}


def left_out_words(slow: dict[str, float]) -> str:
    each = ", ".join(f"{name} (compresses {speed / 1e6:.2g} MB/s of one core here)" for name, speed in slow.items())
    return (f"left out of the race, slower to write than {WRITE_FLOOR / 1e6:.0f} MB/s: {each}; "
            "name it with --codecs to race it")
