"""The `advise` subcommand's options. Loads no zarr until it runs: the command line starts at once."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from zarrgauge.advise.access import PATTERNS, PREFERENCES
from zarrgauge.catalogue.stores import BENCHMARK_STORES, LOCAL_STORES

MIB = 2**20
DEFAULT_SAMPLE_MIB, MAX_SAMPLE_MIB = 64, 512

DESCRIPTION = (
    "Which chunks and codec for your own array (on disk or at a URL zarr opens)? Sample it (whole "
    "regions spread over the array, at most --sample-bytes, read one region at a time; the source is "
    "opened read-only), race every candidate layout with every lossless codec its dtype supports (and "
    "lossy ones within --tolerance) on that sample with zarrgauge's benchmarks (zarr format 3 on the "
    "--store kind, each result checked against the sample): each timed briefly, the contenders longer. "
    "Print and write (report.md, report.html, advice.json) the choice for your access patterns, weighing "
    "read time against stored size (--prefer), what it trades against the fastest and the smallest, the "
    "zarr.create_array call that makes it, the Pareto front of time against compression ratio per "
    "pattern, and how the choice compares with the source's own chunks. Exit status 0, 2 when timing "
    "fails, 3 when h5py is needed and missing, 4 for a bad option, 5 when the source does not exist, "
    "cannot be opened or read, or is no numeric array; 130 when interrupted.")


def _mebibytes(text: str) -> int:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= MAX_SAMPLE_MIB:
        raise argparse.ArgumentTypeError(f"{text!r}: give MiB above 0 and at most {MAX_SAMPLE_MIB}")
    return int(value * MIB)


def storage_option(text: str) -> tuple[str, object]:
    """KEY=VALUE, the value as JSON when it reads as JSON (true, 8, "x"), else as written."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: write KEY=VALUE, e.g. endpoint_url=http://127.0.0.1:9000")
    try:
        return key.strip(), json.loads(value)
    except ValueError:
        return key.strip(), value


def _tolerance(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r}: give the largest absolute error allowed, above 0, e.g. 0.01")
    return value


def add_advise_command(subparsers: argparse._SubParsersAction) -> None:
    command = subparsers.add_parser("advise", help="advise chunks and codec for your own array",
                                    description=DESCRIPTION)
    command.add_argument("source", metavar="SOURCE",
                         help="a zarr array (path.zarr, or group.zarr:member; or a URL zarr opens, "
                              "s3://bucket/data.zarr), a .npy file, file.npz:member, or an HDF5 or NetCDF "
                              "variable (file.h5:dataset, file.nc:variable)")
    command.add_argument("--array", metavar="NAME", help="the array in a zarr group (as group.zarr:NAME)")
    command.add_argument("--storage-option", metavar="KEY=VALUE", type=storage_option, action="append",
                         dest="storage_options",
                         help="for a URL source, an option of its file system (s3fs for s3://), repeatable, e.g. "
                              "endpoint_url=http://127.0.0.1:9000 or anon=true; s3fs also reads AWS_ACCESS_KEY_ID, "
                              "AWS_SECRET_ACCESS_KEY and AWS_ENDPOINT_URL")
    command.add_argument("--axes", metavar="LETTERS",
                         help="one letter per axis from t (time), c (channel), z, y, x, n (samples), e.g. tyxc "
                              "(default: from the names the source stores, zarr's dimension_names, xarray's, "
                              "OME-Zarr's axes, NetCDF and HDF5 dimensions; else n, yx, tyx, tzyx, tczyx by rank, "
                              "a trailing axis of 3 or 4 after two long ones being channels)")
    command.add_argument("--access", metavar="PATTERNS",
                         help=f"access patterns, optionally weighted: {', '.join(PATTERNS)}, e.g. "
                              "time=0.7,space=0.3 (default: every read pattern the axes allow, equal weights)")
    command.add_argument("--prefer", choices=PREFERENCES, default=PREFERENCES[0],
                         help="what the choice weighs: balanced (default), the least read time x stored size, "
                              "so that k times the storage must buy k times the speed; speed, the fastest; "
                              "size, the smallest")
    command.add_argument("--sample-bytes", metavar="MIB", type=_mebibytes, default=DEFAULT_SAMPLE_MIB * MIB,
                         help=f"the sample's size in MiB (default {DEFAULT_SAMPLE_MIB}, at most {MAX_SAMPLE_MIB})")
    command.add_argument("--chunks", metavar="SPECS",
                         help="your own layouts to try too, as --zarr-chunks: 100x100, or 10x100x100:30x500x500 "
                              "for inner chunks and shards, comma-separated")
    command.add_argument("--codecs", metavar="NAMES",
                         help="only these codecs, comma-separated (default: every lossless one the dtype supports, and "
                              "with --tolerance quantize-blosc and scale-offset-zstd; but for those that compress a "
                              "chunk of the sample slower than 5 MB per second of one core)")
    command.add_argument("--tolerance", metavar="ABS", type=_tolerance,
                         help="allow lossy codecs that keep every value of float32 or float64 data within ABS: "
                              "Quantize and FixedScaleOffset made for this bound and the sample's range, each "
                              "checked against it on every read (default: lossless only)")
    command.add_argument("--store", choices=BENCHMARK_STORES, default="local", metavar="KIND",
                         help="the store kind to choose for and time on: local (default), memory, or object storage "
                              f"through a client ({', '.join(s for s in BENCHMARK_STORES if s not in LOCAL_STORES)}"
                              "), on the S3 server zarrgauge starts on 127.0.0.1, or on your own with "
                              "ZARRGAUGE_S3_ENDPOINT and ZARRGAUGE_S3_BUCKET; object storage gets larger chunks")
    command.add_argument("--rounds", type=int, default=5, metavar="N",
                         help="timed rounds per benchmark of the race's last contenders, at least (default 5; more "
                              "separates close choices; 1 times every choice once and races no further)")
    command.add_argument("-q", "--quiet", action="store_true", help="no progress, only the last line")
    command.add_argument("-o", "--out", type=Path, metavar="DIR",
                         help="new directory for the advice (default: results/advise-TIME)")
    command.set_defaults(run=run, parser=command)


def run(args: argparse.Namespace) -> int:
    out = args.out or Path("results") / time.strftime("advise-%Y%m%d-%H%M%S")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        args.parser.error(f"{out} already exists and is not an empty directory; choose another -o DIR")
    if args.rounds < 1:
        args.parser.error("--rounds: give a whole number of at least 1")
    from zarrgauge.advise.run import Request, advise

    request = Request(args.source, args.array, out, args.sample_bytes, args.axes, args.access, args.codecs,
                      args.chunks, args.rounds, not args.quiet, dict(args.storage_options or ()),
                      args.store, args.tolerance, args.prefer)
    advise(request)
    print(f"zarrgauge advise: wrote {out / 'report.md'}, {out / 'report.html'} and {out / 'advice.json'}")
    return 0
