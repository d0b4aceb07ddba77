"""`zarrgauge advise` end to end: open the source, sample it into a scratch directory of our own,
time the sample's candidates with the benchmarks (pytest in a subprocess, `--zarr-user-array`),
and write the advice. The scratch directory goes at the end, interrupted or not."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zarrgauge.advise.access import parse_access
from zarrgauge.advise.advice import Inputs, build
from zarrgauge.advise.candidates import candidates, clipped
from zarrgauge.advise.lossy import check_tolerance, lossy_candidates
from zarrgauge.advise.sample import write_sample
from zarrgauge.advise.sources import open_source
from zarrgauge.advise.user_source import UserSource
from zarrgauge.catalogue.codecs import CODECS, LOSSY_KINDS
from zarrgauge.catalogue.layouts import Layout, parse_layout
from zarrgauge.catalogue.user import SAMPLE_FILE, check_axes, write_spec
from zarrgauge.errors import ZarrgaugeError, sigterm_as_interrupt, usage_error
from zarrgauge.pytest_process import pytest_command, run_pytest
from zarrgauge.report.load import load_run
from zarrgauge.report.recommend import as_json, recommend
from zarrgauge.report.write import RECOMMENDATION_FILE, write_report

ADVICE_FILE = "advice.json"


@dataclass(frozen=True)
class Request:
    source: str
    array: str | None
    out: Path
    sample_bytes: int
    axes: str | None = None
    access: str | None = None
    codecs: str | None = None
    chunks: str | None = None
    rounds: int = 5
    show: bool = True
    storage_options: dict | None = None  # for a URL source's file system
    store: str = "local"  # the store kind to choose for and time on
    tolerance: float | None = None  # absolute error allowed: lossy codecs join the lossless ones


def chosen_codecs(dtype, given: str | None, lossy: bool = False) -> list[str]:
    """The lossless codecs for `dtype` and, when `lossy`, the kinds of lossy one: all, or those `given`."""
    usable = [name for name, spec in CODECS.items() if spec.lossless and spec.supports(dtype)]
    usable += list(LOSSY_KINDS) if lossy else []
    if not given:
        return usable
    names = [name.strip() for name in given.split(",") if name.strip()]
    for name in names:
        if name not in usable:
            what = "codec" if lossy else "lossless codec (lossy ones need --tolerance)"
            raise usage_error(f"--codecs: {name!r} is no {what} for {dtype}; choose from: {', '.join(usable)}")
    return names


def custom_layouts(text: str | None, rank: int) -> tuple[Layout, ...]:
    try:
        layouts = tuple(parse_layout(spec) for spec in (text or "").split(",") if spec.strip())
    except ValueError as error:
        raise usage_error(f"--chunks: {error}") from None
    for layout in layouts:
        if len(layout.chunks) != rank:
            raise usage_error(f"--chunks: {layout.id} has rank {len(layout.chunks)}, the array {rank}")
    return layouts


def advise(request: Request) -> list[Path]:
    """Sample, time and advise; the files written into request.out."""
    if request.storage_options and "://" not in request.source:
        raise usage_error("--storage-option: only a URL source (s3://...) takes storage options")
    source = open_source(request.source, request.array, request.sample_bytes, request.storage_options)
    try:
        return _advise(source, request)
    finally:
        source.close()


def _advise(source: UserSource, request: Request) -> list[Path]:
    axes = request.axes or source.guess_axes()
    problem = check_axes(axes, len(source.shape))
    if problem:
        raise usage_error(f"--axes: {problem}")
    weights = parse_access(request.access, axes)
    if request.tolerance is not None:
        check_tolerance(request.tolerance, source.dtype)
    codecs = chosen_codecs(source.dtype, request.codecs, request.tolerance is not None)
    custom = custom_layouts(request.chunks, len(source.shape))
    with sigterm_as_interrupt(), tempfile.TemporaryDirectory(prefix="zarrgauge-advise-") as scratch:
        directory = Path(scratch)
        sample = write_sample(source, request.sample_bytes, directory / SAMPLE_FILE, request.show)
        current = Layout("current", source.chunks, source.shards) if source.chunks else None
        found = candidates(source.shape, source.dtype.itemsize, axes, sample, current, custom, request.store)
        lossy = [made for made in lossy_candidates(np.load(directory / SAMPLE_FILE, mmap_mode="r"), request.tolerance)
                 if made[0].name in codecs] if request.tolerance is not None else []
        codecs = [name for name in codecs if name not in LOSSY_KINDS] + [codec.name for codec, _ in lossy]
        write_spec(directory, source.name, axes, [c.timed for c in found], codecs, request.store, lossy)
        results = directory / "results.json"
        _time(directory, results, list(weights), request)
        inputs = Inputs(source, axes, sample, weights, found, clipped(current, sample) if current else None,
                        request.store, tuple(codec for codec, _ in lossy))
        run = load_run(str(results))
        blocks, advice = build(run, inputs)
        per_pattern = as_json(recommend(run.records), run.tier)
        return write_report(blocks, request.out, {ADVICE_FILE: json.dumps(advice, indent=1) + "\n",
                                                  RECOMMENDATION_FILE: json.dumps(per_pattern, indent=1) + "\n"})


def timing_command(directory: Path, results: Path, operations: list[str], rounds: int, store: str) -> list[str]:
    files = [f"benchmarks/test_{op}.py" for op in operations]
    return pytest_command(sys.executable, *files, "-q", "--no-header",
            f"--zarr-user-array={directory}", f"--zarr-scratch={directory}", f"--zarr-store={store}",
            f"--benchmark-json={results}",
            f"--benchmark-min-rounds={rounds}", "--benchmark-max-time=0.05", "--benchmark-disable-gc")


KEPT = ("ZARRGAUGE_S3_ENDPOINT", "ZARRGAUGE_S3_BUCKET")  # the user's own S3 server, for --store s3-*


def _environment() -> dict[str, str]:
    """Ours, without a surrounding pytest-xdist worker's variables or the user's case selection."""
    return {key: value for key, value in os.environ.items()
            if (key in KEPT or not key.startswith(("PYTEST_XDIST_", "ZARRGAUGE_"))) and key != "PYTEST_ADDOPTS"}


def _time(directory: Path, results: Path, operations: list[str], request: Request) -> None:
    command = timing_command(directory, results, operations, request.rounds, request.store)
    run = run_pytest(command, _environment(), capture=not request.show, merge_output=True)
    if run.returncode != 0 or not results.exists() or not json.loads(results.read_text())["benchmarks"]:
        last = (run.stdout or "").strip().splitlines()[-1:] or ["see its output above"]
        raise ZarrgaugeError(f"timing the sample failed (pytest exit status {run.returncode}): {last[0]}")
