"""`zarrgauge advise` end to end: open the source, say what its axes are, sample it into a scratch
directory of our own, race the sample's candidates with the benchmarks (pytest in a subprocess per
stage, `--zarr-user-array`), and write the advice. The scratch directory goes at the end,
interrupted or not."""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

from zarrgauge.advise.access import PREFERENCES, parse_access
from zarrgauge.advise.advice import Inputs, axes_line, baseline, build
from zarrgauge.advise.axes import Axes
from zarrgauge.advise.candidates import Candidate, candidates, clipped
from zarrgauge.advise.lossy import Lossy, check_tolerance, lossy_candidates
from zarrgauge.advise.race import StageRun, race
from zarrgauge.advise.sample import write_sample
from zarrgauge.advise.sources import open_source
from zarrgauge.advise.user_source import UserSource
from zarrgauge.advise.writes import left_out_words, too_slow, write_speeds
from zarrgauge.catalogue.codecs import CODECS, LOSSY_KINDS
from zarrgauge.catalogue.layouts import Layout, Shape, format_shape, parse_layout
from zarrgauge.catalogue.user import AXES, SAMPLE_FILE, check_axes, write_spec
from zarrgauge.errors import ZarrgaugeError, sigterm_as_interrupt, usage_error
from zarrgauge.pytest_process import REPO, let_pytest_clean_up, pytest_command
from zarrgauge.report.load import Record, load_run
from zarrgauge.report.recommend import as_json, recommend
from zarrgauge.report.write import RECOMMENDATION_FILE, write_report

ADVICE_FILE = "advice.json"
FINISHED = re.compile(r" (PASSED|FAILED|ERROR|SKIPPED)\b")  # pytest -v's line for each benchmark done
TAIL = 20  # lines of a failed benchmark run kept for its error message


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
    prefer: str = PREFERENCES[0]


def chosen_codecs(dtype: np.dtype, given: str | None, lossy: bool = False) -> list[str]:
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


def checked_axes(source: UserSource, given: str | None) -> Axes:
    axes = source.axes(given)
    problem = check_axes(axes.letters, len(source.shape))
    if problem and axes.guessed:
        raise usage_error(f"--axes: the axes of a rank-{len(source.shape)} array without names cannot be "
                          f"guessed; give one letter per axis from {AXES}")
    if problem:
        raise usage_error(f"--axes: {problem}")
    return axes


def _advise(source: UserSource, request: Request) -> list[Path]:
    axes = checked_axes(source, request.axes)
    weights = parse_access(request.access, axes.letters)
    if request.tolerance is not None:
        check_tolerance(request.tolerance, source.dtype)
    codecs = chosen_codecs(source.dtype, request.codecs, request.tolerance is not None)
    custom = custom_layouts(request.chunks, len(source.shape))
    say = print if request.show else _silent
    say(f"zarrgauge advise: {source.description.replace('`', '')}, stored with {source.codec}")
    say(axes_line(axes, source.shape))
    with sigterm_as_interrupt(), tempfile.TemporaryDirectory(prefix="zarrgauge-advise-") as scratch:
        directory = Path(scratch)
        prepared = _prepare(directory, source, request, axes, codecs, custom)
        if prepared.slow:
            say(left_out_words(prepared.slow))
        say(f"{len(prepared.candidates)} layouts x {len(prepared.codecs)} codecs x {len(weights)} access patterns, "
            f"raced on a sample of {format_shape(prepared.sample)}")
        choices = len(prepared.candidates) * len(prepared.codecs)
        raced = race(_stage_runner(directory, list(weights), request, choices), choices, weights, request.prefer,
                     request.store, request.rounds, say,
                     lambda scored: [base for base in [baseline(scored, prepared.current)] if base])
        run = replace(load_run(str(directory / _results_name(len(raced.stages)))), records=raced.records)
        inputs = Inputs(source, axes, prepared.sample, weights, prepared.candidates, prepared.current, raced,
                        request.store, tuple(codec for codec, _ in prepared.lossy), request.prefer, prepared.slow)
        advice = build(run, inputs)
        for line in advice.lines:
            say(line)
        per_pattern = as_json(recommend(run.records), run.tier)
        return write_report(advice.blocks, request.out, {
            ADVICE_FILE: json.dumps(advice.json, indent=1) + "\n",
            RECOMMENDATION_FILE: json.dumps(per_pattern, indent=1) + "\n"})


@dataclass(frozen=True)
class Prepared:
    """What the race runs on, in the scratch directory: the sample, the layouts, the codecs."""

    sample: Shape
    candidates: list[Candidate]
    codecs: list[str]
    lossy: list[Lossy]  # made for the tolerance and the sample, named in `codecs` too
    slow: dict[str, float]  # codecs left out as too slow to write, with their bytes per second
    current: Layout | None  # the source's own layout, clipped to the sample


def _prepare(directory: Path, source: UserSource, request: Request, axes: Axes, codecs: list[str],
             custom: tuple[Layout, ...]) -> Prepared:
    """Write the sample (every channel) and the family's spec the benchmarks read."""
    whole = tuple(a for a, letter in enumerate(axes.letters) if letter == "c")
    sample = write_sample(source, request.sample_bytes, directory / SAMPLE_FILE, request.show, whole)
    current = Layout("current", source.chunks, source.shards) if source.chunks else None
    found = candidates(source.shape, source.dtype.itemsize, axes.letters, sample, current, custom, request.store)
    codecs, lossy, slow = _race_codecs(np.load(directory / SAMPLE_FILE, mmap_mode="r"), codecs, request,
                                       found[0].timed.chunks)
    write_spec(directory, source.name, axes.letters, [c.timed for c in found], codecs, request.store, lossy)
    return Prepared(sample, found, codecs, lossy, slow, clipped(current, sample) if current else None)


def _race_codecs(values: np.ndarray, codecs: list[str], request: Request,
                 chunk: tuple[int, ...]) -> tuple[list[str], list[Lossy], dict[str, float]]:
    """The codecs to race: the lossy kinds made for the tolerance and the sample, those too slow to
    write left out (writes.py), which are returned with their speeds."""
    lossy = [made for made in lossy_candidates(values, request.tolerance)
             if made[0].name in codecs] if request.tolerance is not None else []
    specs = {**{name: CODECS[name] for name in codecs if name not in LOSSY_KINDS}, **{c.name: c for c, _ in lossy}}
    slow = too_slow(write_speeds(values, chunk, specs), named=bool(request.codecs))
    return [name for name in specs if name not in slow], [made for made in lossy if made[0].name not in slow], slow


def _silent(text: str) -> None:
    """-q: nothing but the last line."""


def _results_name(stage: int) -> str:
    return f"results-{stage}.json"


def timing_command(directory: Path, results: Path, operations: list[str], rounds: int, max_time: float,
                   store: str, cases: list[str] | None = None) -> list[str]:
    files = [f"benchmarks/test_{op}.py" for op in operations]
    chosen = [f"--zarr-case={','.join(cases)}"] if cases else []
    return pytest_command(sys.executable, *files, "-v", "--no-header", *chosen,
                          f"--zarr-user-array={directory}", f"--zarr-scratch={directory}", f"--zarr-store={store}",
                          f"--benchmark-json={results}", f"--benchmark-min-rounds={rounds}",
                          f"--benchmark-max-time={max_time}", "--benchmark-disable-gc",
                          "--zarr-machine-limits=off")  # the report's decode limits: seconds per stage, unused here


def _stage_runner(directory: Path, operations: list[str], request: Request, choices: int) -> StageRun:
    """Each stage of the race: one benchmark run over the given cases (every one when None)."""
    numbers = itertools.count(1)

    def run_stage(cases: list[str] | None, rounds: int, max_time: float, label: str) -> list[Record]:
        results = directory / _results_name(next(numbers))
        command = timing_command(directory, results, operations, rounds, max_time, request.store, cases)
        total = (len(cases) if cases else choices) * len(operations)
        _run_benchmarks(command, results, total, label, request.show)
        return load_run(str(results)).records

    return run_stage


KEPT = ("ZARRGAUGE_S3_ENDPOINT", "ZARRGAUGE_S3_BUCKET")  # the user's own S3 server, for --store s3-*


def _environment() -> dict[str, str]:
    """Ours, without a surrounding pytest-xdist worker's variables or the user's case selection; unbuffered,
    so that each benchmark's line arrives as it finishes."""
    kept = {key: value for key, value in os.environ.items()
            if (key in KEPT or not key.startswith(("PYTEST_XDIST_", "ZARRGAUGE_"))) and key != "PYTEST_ADDOPTS"}
    return {**kept, "PYTHONUNBUFFERED": "1"}


def _run_benchmarks(command: list[str], results: Path, total: int, label: str, show: bool) -> None:
    """Run one stage's benchmarks, a progress bar advancing as each finishes; ZarrgaugeError with the
    run's last line when it fails."""
    tail: deque[str] = deque(maxlen=TAIL)
    with tqdm(total=total, desc=label, unit="benchmark", disable=not show, mininterval=0.5) as bar:
        returncode = _stream(command, lambda line: _advance(line, tail, bar))
    if returncode != 0 or not results.exists() or not json.loads(results.read_text())["benchmarks"]:
        last = [line for line in tail if line.strip()][-1:] or ["no output"]
        raise ZarrgaugeError(f"timing the sample failed (pytest exit status {returncode}): {last[0]}")


def _advance(line: str, tail: deque[str], bar: tqdm) -> None:
    tail.append(line.rstrip())
    if FINISHED.search(line):
        bar.update()


def _stream(command: list[str], each_line: Callable[[str], None]) -> int:
    """Run pytest from the repository's root, each line of its output (stderr too) to `each_line`;
    interrupted, the child is let clean up before the interrupt goes on."""
    with subprocess.Popen(command, cwd=REPO, env=_environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True) as run:
        try:
            for line in run.stdout or ():
                each_line(line)
            return run.wait()
        except KeyboardInterrupt as interrupt:
            let_pytest_clean_up(run, forward=bool(interrupt.args))
            raise
