"""The interoperability matrix's cases: one array each, declared as the metadata document a writer
must produce (zarr.json for v3, .zarray for v2), the region it writes, and the values.

A plain case is ragged (7x5 in 3x2 chunks) and writes rows 0-4 and columns 0-2 only, so each one
has partial edge chunks, a chunk only partly written and chunks never written, which read as the
fill value. The plain sweeps around a plain array, as the benchmark catalogue's are: dtypes,
codecs, sharding, fill values, key separators and memory order, and corrupted copies a reader must
refuse. catalogue/interop_grid.py adds the writers' defaults, the spellings and the big arrays, and
holds the whole grid. Expected values come from the case alone, so any reader is checked against
numpy, bit for bit.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

SHAPE, CHUNKS, SHARD = (7, 5), (3, 2), (6, 4)
WRITTEN = ((0, 5), (0, 3))
DTYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "float32", "float64", "complex64", "complex128", "string")
STRING = "string"  # variable-length UTF-8: v3's `string` data type, v2's object dtype with the vlen-utf8 filter
# Quiet NaNs with a payload and with the sign bit set, by float size: a reader that canonicalises NaN shows.
NAN_PAYLOADS = {2: (0x7E01, 0xFE00), 4: (0x7FC00001, 0xFFC00000), 8: (0x7FF8000000000001, 0xFFF8000000000000)}
HEX_NAN = "0x7ff8000000000001"
CORRUPTIONS = ("chunk", "shard-index")


def blosc(cname: str, shuffle: str, typesize: int = 8) -> dict:
    return {"name": "blosc", "configuration": {"cname": cname, "clevel": 5, "shuffle": shuffle,
                                                "typesize": typesize, "blocksize": 0}}


def zstd(checksum: bool = False) -> dict:
    return {"name": "zstd", "configuration": {"level": 3, "checksum": checksum}}


BYTES = {"name": "bytes", "configuration": {"endian": "little"}}
VLEN_UTF8 = {"name": "vlen-utf8", "configuration": {}}
CRC32C = {"name": "crc32c"}
GZIP = {"name": "gzip", "configuration": {"level": 5}}
TRANSPOSE = {"name": "transpose", "configuration": {"order": [1, 0]}}
# v3 codec chains by label, all on float64 (blosc's typesize matches it).
V3_CODECS: dict[str, list[dict]] = {
    "bytes": [BYTES],
    "bytes-big-endian": [{"name": "bytes", "configuration": {"endian": "big"}}],
    **{f"blosc-{cname}-{shuffle}": [BYTES, blosc(cname, shuffle)]
       for cname in ("lz4", "zstd") for shuffle in ("noshuffle", "shuffle", "bitshuffle")},
    "zstd": [BYTES, zstd()],
    "zstd-checksum": [BYTES, zstd(checksum=True)],
    "gzip": [BYTES, GZIP],
    "crc32c": [BYTES, CRC32C],
    "transpose": [TRANSPOSE, BYTES, zstd()],
}
_V2_SHUFFLES = {"noshuffle": 0, "shuffle": 1, "bitshuffle": 2}
V2_COMPRESSORS = {
    "none": None,
    **{f"blosc-{cname}-{shuffle}": {"id": "blosc", "cname": cname, "clevel": 5, "shuffle": number, "blocksize": 0}
       for cname in ("lz4", "zstd") for shuffle, number in _V2_SHUFFLES.items()},
    "zstd": {"id": "zstd", "level": 3},
    "zstd-checksum": {"id": "zstd", "level": 3, "checksum": True},
    "gzip": {"id": "gzip", "level": 5},
}


@dataclass(frozen=True)
class InteropCase:
    area: str
    label: str
    zarr_format: int
    dtype: str = "float64"
    shape: tuple[int, ...] = SHAPE
    chunks: tuple[int, ...] = CHUNKS  # the inner chunks of a sharded array
    region: tuple[tuple[int, int], ...] = WRITTEN  # (start, stop) per axis: what a writer writes
    codecs: tuple = (BYTES,)  # v3 codec chain, or for v2 the compressor (None, or one numcodecs config)
    fill_value: object = 0
    separator: str = "/"
    key_encoding: str = "default"  # v3's chunk key encoding: "default" (c/0/0) or "v2" (0.0)
    order: str = "C"
    shards: tuple[int, ...] | None = None
    index_location: str = "end"
    corruption: str | None = None  # a byte flipped after writing: in a chunk, or in a shard's index
    endian: Literal["<", ">"] = "<"  # v2: the byte order its dtype string spells ("|" for one-byte types)
    # Members of the document in another spelling the spec allows: (path of keys, its JSON text, or None to leave
    # the member out). Writers are given them, and the runner spells them so again in the document a writer wrote
    # (interop/respell.py), since a writer may normalise them: the value, and so the chunks, stay the same.
    spelled: tuple[tuple[tuple, str | None], ...] = ()
    # Created through the writer's own API from the shape, dtype and chunks alone: the rest is its defaults.
    defaults: bool = False
    features: frozenset[str] = field(default=frozenset(), compare=False)

    @property
    def id(self) -> str:
        return f"v{self.zarr_format}/{self.area}/{self.label}"

    @property
    def big(self) -> bool:
        """Hundreds of chunks: make interop's, not make test's."""
        return "size:big" in self.features

    @property
    def written(self) -> tuple[slice, ...]:
        """The region a writer writes: all of it when a corrupted chunk must hold data, or when there is no
        fill value (v2's null), which leaves what was never written undefined."""
        if self.corruption or self.fill_value is None:
            return tuple(slice(0, n) for n in self.shape)
        return tuple(slice(lo, hi) for lo, hi in self.region)

    def metadata(self) -> dict:
        """The document the writer must produce, as the spec spells it (fill values in JSON form)."""
        document = _v3_metadata(self) if self.zarr_format == 3 else _v2_metadata(self)
        return respelled(document, self.spelled)

    def attributes(self) -> dict:
        """The array's attributes: in zarr.json for v3, .zattrs for v2."""
        text = dict(self.spelled).get(("attributes",))
        return {} if text is None else json.loads(text)

    def properties(self) -> dict:
        """What a reader must say of the array besides its values, where its API says it: the attributes and
        dimension names a case spells (only those: asking costs a reader another open)."""
        spelled = {path[0] for path, _ in self.spelled}
        return {name: value for name, value in (("attributes", self.attributes()),
                                                ("dimension_names", self.metadata().get("dimension_names")))
                if name in spelled}

    def values(self) -> np.ndarray:
        """What the writer writes into `written`."""
        region = self.written
        return interop_values(self.dtype, tuple(s.stop - s.start for s in region))

    def expected(self) -> np.ndarray:
        """The whole array as every reader must return it."""
        fill = 0 if self.fill_value is None else fill_scalar(self.dtype, self.fill_value)
        out = np.full(self.shape, fill, dtype=numpy_dtype(self.dtype))
        out[self.written] = self.values()
        return out


def respelled(document: dict, spelled) -> dict:
    """A copy of a metadata document with members set to their JSON text, or left out where it is None."""
    document = json.loads(json.dumps(document))
    for path, text in spelled:
        if path == ("attributes",) and document["zarr_format"] == 2:
            continue  # v2 keeps attributes in .zattrs
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        if text is None:
            parent.pop(path[-1], None)
        else:
            parent[path[-1]] = json.loads(text)
    return document


def _v3_metadata(case: InteropCase) -> dict:
    codecs = list(case.codecs)
    chunks: tuple[int, ...] = case.chunks
    if case.shards is not None:
        codecs = [{"name": "sharding_indexed", "configuration": {
            "chunk_shape": list(case.chunks), "codecs": codecs, "index_codecs": [BYTES, CRC32C],
            "index_location": case.index_location}}]
        chunks = case.shards
    keys = {"name": case.key_encoding, "configuration": {"separator": case.separator}}
    return {"zarr_format": 3, "node_type": "array", "shape": list(case.shape), "data_type": case.dtype,
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": list(chunks)}},
            "chunk_key_encoding": keys,
            "fill_value": case.fill_value, "codecs": codecs, "attributes": {}}


def numpy_dtype(dtype: str) -> np.dtype:
    """The numpy dtype of a case's values: Python strings in an object array for `string`."""
    return np.dtype(object) if dtype == STRING else np.dtype(dtype)


def _v2_metadata(case: InteropCase) -> dict:
    strings = case.dtype == STRING
    dtype = "|O" if strings else np.dtype(case.dtype).newbyteorder(case.endian).str
    return {"zarr_format": 2, "shape": list(case.shape), "chunks": list(case.chunks), "dtype": dtype,
            "compressor": case.codecs[0], "fill_value": case.fill_value, "order": case.order,
            "filters": [{"id": "vlen-utf8"}] if strings else None,
            "dimension_separator": case.separator}


def interop_values(dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    """Distinct values with each type's extremes: integer minimum and maximum, and for floats -0.0,
    infinities and NaNs with payloads and sign bits; complex numbers pair two such arrays offset."""
    rng = np.random.default_rng(7)
    if dtype == STRING:
        words = ["", "a", "ünïcödé", "日本語", "tab\there", "x" * 300, "🦀", "nul\x00in"]
        return np.array([words[i % len(words)] + str(i) * (i % 3) for i in range(int(np.prod(shape)))],
                        dtype=object).reshape(shape)
    dt = np.dtype(dtype)
    if dt.kind == "S":  # fixed-length bytes: empty, short, full, with a NUL inside and bytes beyond ASCII
        items = [b"", b"a", b"ab\x00c", b"\xff" * dt.itemsize, b"xyz"]
        return np.array([items[i % len(items)] for i in range(int(np.prod(shape)))], dt).reshape(shape)
    if dt.kind == "c":
        part = f"float{dt.itemsize * 4}"
        out = np.empty(shape, dt)
        out.real = interop_values(part, shape)
        out.imag = np.roll(interop_values(part, shape), 3)
        return out
    if dt.kind == "b":
        return rng.random(shape) < 0.5
    if dt.kind in "iu":
        info = np.iinfo(dt)
        flat = rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dt).reshape(-1)
        flat[:3] = (info.min, info.max, 0)
        return flat.reshape(shape)
    flat = (rng.standard_normal(int(np.prod(shape))) * 100).astype(dt)
    bits = flat.view(f"u{dt.itemsize}")
    flat[:4] = (-0.0, np.inf, -np.inf, np.nan)
    bits[4:6] = NAN_PAYLOADS[dt.itemsize]
    return flat.reshape(shape)


def fill_scalar(dtype: str, fill_value):
    """The numpy scalar of a fill value in its JSON form ("NaN", "-Infinity", "0x7ff8...", base64 for bytes)."""
    if dtype == STRING:
        return fill_value
    dt = np.dtype(dtype)
    if dt.kind == "S":
        return dt.type(base64.b64decode(fill_value))
    if isinstance(fill_value, str) and fill_value.startswith("0x"):
        raw = int(fill_value, 16).to_bytes(dt.itemsize, "little")
        return np.frombuffer(raw, dt)[0]
    if isinstance(fill_value, list):
        return dt.type(complex(*(fill_scalar(f"float{dt.itemsize * 4}", part) for part in fill_value)))
    named = {"NaN": np.nan, "Infinity": np.inf, "-Infinity": -np.inf}
    return dt.type(named.get(fill_value, fill_value))


def make_case(area: str, label: str, zarr_format: int, **fields) -> InteropCase:
    case = InteropCase(area, label, zarr_format, **fields)
    return replace(case, features=_features(case))


def _codec_names(codecs) -> set[str]:
    names = set()
    for codec in codecs:
        if codec is None:
            continue
        names.add(codec.get("name") or codec["id"])
        names |= _codec_names(codec.get("configuration", {}).get("codecs", ()))
    return names


def _features(case: InteropCase) -> frozenset[str]:
    """The tags an engine's capabilities are matched against (catalogue/engines.py)."""
    tags = {f"format:{case.zarr_format}", f"dtype:{case.dtype}", f"separator:{case.separator}"}
    tags |= {f"codec:{name}" for name in _codec_names(case.codecs) if name != "bytes"}
    if any(codec and codec.get("configuration", {}).get("endian") == "big" for codec in case.codecs):
        tags.add("endian:big")
    if any(codec and (codec.get("configuration") or codec).get("checksum") for codec in case.codecs):
        tags.add("zstd-checksum")
    if case.shards is not None:
        tags |= {"sharding", f"index:{case.index_location}"}
    if case.order == "F":
        tags.add("order:F")
    fill = case.metadata()["fill_value"]
    if any(isinstance(part, str) and part.startswith("0x") for part in (fill if isinstance(fill, list) else [fill])):
        tags.add("fill:hex")
    if case.corruption:
        tags.add(f"corrupt:{case.corruption}")
    if case.endian == ">":
        tags.add("endian:big")
    if case.key_encoding != "default":
        tags.add(f"keys:{case.key_encoding}")
    tags |= {"spelled:" + ".".join(map(str, path)) for path, _ in case.spelled}
    if case.defaults:
        tags.add("defaults")
    if case.shape != SHAPE:
        tags.add("size:big")
    return frozenset(tags)


def _dtype_cases():
    for zarr_format in (3, 2):
        for dtype in DTYPES:
            serializer = VLEN_UTF8 if dtype == STRING else BYTES
            codecs = (serializer,) if zarr_format == 3 else (None,)
            yield make_case("dtype", dtype, zarr_format, dtype=dtype, codecs=codecs, fill_value=zero_fill(dtype))


def zero_fill(dtype: str):
    if dtype == STRING:
        return ""
    kind = np.dtype(dtype).kind
    return False if kind == "b" else [0.0, 0.0] if kind == "c" else 0.0 if kind == "f" else 0


def _codec_cases():
    for label, codecs in V3_CODECS.items():
        yield make_case("codec", label, 3, codecs=tuple(codecs))
    for label, compressor in V2_COMPRESSORS.items():
        yield make_case("codec", label, 2, codecs=(compressor,))


def _sharding_cases():
    for location in ("end", "start"):
        for inner, codecs in (("zstd", (BYTES, zstd())), ("zstd-crc32c", (BYTES, zstd(), CRC32C))):
            yield make_case("sharding", f"index-{location}/{inner}", 3, codecs=codecs, shards=SHARD,
                        index_location=location)


V3_FILLS = {"nan": "NaN", "infinity": "Infinity", "-infinity": "-Infinity", "-0.0": -0.0, "hex-nan": HEX_NAN}
V2_FILLS = {"nan": "NaN", "infinity": "Infinity", "-infinity": "-Infinity", "-0.0": -0.0}
INT_FILLS = {"int64-min": ("int64", -(2**63)), "int64-max": ("int64", 2**63 - 1), "uint64-max": ("uint64", 2**64 - 1)}


def _fill_cases():
    for zarr_format, fills in ((3, V3_FILLS), (2, V2_FILLS)):
        codecs = (BYTES,) if zarr_format == 3 else (None,)
        for label, fill in fills.items():
            yield make_case("fill", label, zarr_format, codecs=codecs, fill_value=fill)
        for label, (dtype, fill) in INT_FILLS.items():
            yield make_case("fill", label, zarr_format, dtype=dtype, codecs=codecs, fill_value=fill)


def _layout_cases():
    yield make_case("separator", "dot", 3, separator=".")
    yield make_case("separator", "slash", 2, codecs=(None,), separator="/")
    yield make_case("order", "F", 2, codecs=(V2_COMPRESSORS["zstd"],), order="F")


def _corrupt_cases():
    yield make_case("corrupt", "chunk-under-crc32c", 3, codecs=(BYTES, CRC32C), corruption="chunk")
    for location in ("end", "start"):
        yield make_case("corrupt", f"shard-index-{location}", 3, codecs=(BYTES, zstd()), shards=SHARD,
                    index_location=location, corruption="shard-index")


def plain_cases() -> list[InteropCase]:
    """The sweeps around a plain array; catalogue/interop_grid.py adds the writers' defaults, the spellings
    and the big arrays."""
    return [*_dtype_cases(), *_codec_cases(), *_sharding_cases(), *_fill_cases(), *_layout_cases(),
            *_corrupt_cases()]
