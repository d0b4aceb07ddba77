"""Engines: the Zarr implementations zarrgauge writes and reads with, and what each can do.

An engine's capabilities are the features it lacks, each with the reason; a feature is a tag of
an interoperability case (catalogue/interop.py: `format:2`, `dtype:float16`, `codec:crc32c`,
`sharding`, `index:start`, `endian:big`, `order:F`, `separator:.`, `fill:hex`, `keys:v2`, `defaults`,
`spelled:<member>`, `size:big`), or several joined
by `+` when only their combination is lacking (`format:2+zstd-checksum`), and prefixed `write@` or
`read@` when only one direction is (`write@sharding`: reads shards, cannot write them). A case that
needs a feature an engine lacks is declared unsupported for that engine, never run. The adapters
that do the writing and reading live in zarrgauge/engines/, one module per engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_ENGINE = "zarr-python"


@dataclass(frozen=True)
class EngineSpec:
    name: str
    description: str
    lacks: dict[str, str] = field(default_factory=dict)
    # Run in a subprocess, in batches (a crash loses one batch, not the run); else in this process.
    out_of_process: bool = False
    # Timed by the benchmarks (--zarr-engine) as well as checked by the interoperability matrix.
    benchmarked: bool = True
    install_hint: str = ""
    # Reads and writes Zarr, and so takes part in the interoperability matrix; else a baseline.
    zarr: bool = True

    def unsupported(self, features: frozenset[str], role: str) -> str | None:
        """Why this engine cannot `role` ("write" or "read") a case with these features, or None."""
        reasons = []
        for lacked, reason in self.lacks.items():
            only, _, tags = lacked.rpartition("@")
            if only in ("", role) and set(tags.split("+")) <= features:
                reasons.append(f"{lacked}: {reason}")
        return "; ".join(reasons) or None


ENGINES = {spec.name: spec for spec in (
    EngineSpec("zarr-python", "zarr-python with its default codec pipeline"),
    EngineSpec("zarrs", "zarr-python with the zarrs codec pipeline (Rust), codec_pipeline.strict",
               {"dtype:float16": "zarrs-python has no float16 data type",
                "format:2+zstd-checksum": "no v2 zstd with a checksum (UnsupportedMetadataError)",
                "read@format:2+endian:big": "its pipeline reads into native byte order only ('Non-native byte order "
                                            "not supported', a FIXME in zarrs/pipeline.py)",
                "dtype:string": "its pipeline takes no variable-length strings (UnsupportedDataTypeError)",
                "dtype:S4": "its pipeline takes no fixed-length bytes ('unsupported data type Simple(\"|S4\")')"},
               install_hint="pip install zarrs"),
    EngineSpec("tensorstore", "Google's tensorstore, zarr3 and zarr drivers, cache pool off",
               {"dtype:string": "no variable-length string data type",
                "format:2+zstd-checksum": "the zarr driver's zstd compressor has no checksum member"},
               install_hint="pip install tensorstore"),
    EngineSpec("zarr2", "zarr-python 2.18 in its own virtual environment (v2 only)",
               {"format:3": "zarr-python 2 writes and reads zarr v2 only"},
               out_of_process=True, benchmarked=False,
               install_hint="make interop builds it in .venv/engines/zarr2"),
    EngineSpec("zarrita.js", "zarrita (JavaScript) under node, @zarrita/storage's FileSystemStore",
               {"dtype:float16": "no Float16Array in node 20",
                "dtype:complex64": "no complex data types", "dtype:complex128": "no complex data types",
                "dtype:string": "not wired: its worker exchanges numbers only",
                "dtype:S4": "not wired: its worker exchanges numbers only",
                "write@format:2": "create() writes v3 only", "write@sharding": "no writes to sharded arrays",
                "write@codec:gzip": "no gzip encoder", "write@codec:crc32c": "no crc32c encoder",
                "write@keys:v2": "create() takes the default chunk key encoding only"},
               out_of_process=True, benchmarked=False,
               install_hint="needs node and npm; make interop installs zarrita into .venv/node"),
    EngineSpec("h5py", "HDF5 through h5py, zstd from hdf5plugin, chunk cache off: the baseline, not Zarr",
               install_hint="pip install h5py hdf5plugin", zarr=False),
)}


def engine_names(benchmarked: bool = False) -> tuple[str, ...]:
    return tuple(name for name, spec in ENGINES.items() if spec.benchmarked or not benchmarked)


ZARR_ENGINES = tuple(name for name, spec in ENGINES.items() if spec.zarr)
