"""The machine's limits, measured once per run into the results' machine_info: how fast it copies
memory, reads a file from the page cache, and decodes each of the catalogue's default codecs on one
core and on all of them. The report draws them beside the engines as the physical limits every read's
floor (floors.py) is made of. About a second; nothing here touches zarr.

The data is the seasonal series of the catalogue (its values compress as the benchmarks' do), cut
into chunks of CHUNK_BYTES as a read's chunks are.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numcodecs
import numpy as np

from zarrgauge import cpus
from zarrgauge.catalogue.data import Source
from zarrgauge.catalogue.families import FAMILIES

SAMPLE_BYTES = 16 * 2**20  # of data to decode, in chunks of CHUNK_BYTES
CHUNK_BYTES = 2**20
STREAM_BYTES = 128 * 2**20  # to copy and to read from the page cache: past any processor cache
ROUNDS = 3
# The catalogue's codecs as numcodecs decodes them (zarr's default, v3: zstd at level 0).
CODECS = {"zstd-0": numcodecs.Zstd(level=0), "zstd-3": numcodecs.Zstd(level=3),
          "blosc-lz4": numcodecs.Blosc(cname="lz4", clevel=5, shuffle=1),
          "blosc-zstd5": numcodecs.Blosc(cname="zstd", clevel=5, shuffle=1), "gzip-5": numcodecs.GZip(level=5)}


def machine_limits() -> dict:
    """GB/s of memory copies, of page-cache reads, and of each codec's decoding (of the decoded bytes)
    on one core and on all."""
    sample = _sample()
    stream = np.resize(sample.reshape(-1), STREAM_BYTES // sample.itemsize)
    return {"cores": cpus.usable(), "copy_gb_s": _rate(stream.nbytes, _copier(stream)),
            "page_cache_read_gb_s": _page_cache_rate(stream),
            "decode_gb_s": {name: _decode_rates(codec, sample) for name, codec in CODECS.items()}}


def _sample() -> np.ndarray:
    family = FAMILIES["seasonal-series"]
    rows = max(1, SAMPLE_BYTES // (128 * 256 * np.dtype(family.dtype).itemsize))
    return np.ascontiguousarray(Source(family, (rows, 128, 256)).read((slice(None),) * 3))


def _least_seconds(step: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - start)
    return best


def _rate(nbytes: int, step: Callable[[], object]) -> float:
    return round(nbytes / _least_seconds(step) / 1e9, 3)


def _copier(sample: np.ndarray) -> Callable[[], None]:
    target = np.empty_like(sample)
    return lambda: np.copyto(target, sample)


def _page_cache_rate(sample: np.ndarray) -> float:
    """Reading a file that was just written (so in the page cache) into a buffer allocated beforehand."""
    buffer = bytearray(sample.nbytes)
    with tempfile.NamedTemporaryFile(prefix="zarrgauge-machine-") as file:
        file.write(sample.tobytes())
        file.flush()

        def read() -> None:
            with open(file.name, "rb", buffering=0) as again:
                again.readinto(buffer)

        return _rate(sample.nbytes, read)


def _decode_rates(codec, sample: np.ndarray) -> dict[str, float]:
    flat = sample.reshape(-1).view(np.uint8)
    chunks = [codec.encode(flat[start:start + CHUNK_BYTES]) for start in range(0, flat.nbytes, CHUNK_BYTES)]
    outs = [np.empty(CHUNK_BYTES, dtype=np.uint8) for _ in chunks]

    def decode(indices) -> None:
        for index in indices:
            codec.decode(chunks[index], out=outs[index][:min(CHUNK_BYTES, flat.nbytes - index * CHUNK_BYTES)])

    cores = cpus.usable()
    shares = [range(core, len(chunks), cores) for core in range(cores)]
    with ThreadPoolExecutor(cores) as pool:
        spread = _rate(flat.nbytes, lambda: list(pool.map(decode, shares)))
    return {"1core": _rate(flat.nbytes, lambda: decode(range(len(chunks)))), f"{cores}cores": spread}
