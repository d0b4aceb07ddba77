"""asv results read as pytest-benchmark entries, so that the gate's comparison (zarrgauge.gate.compare)
can compare two asv environments, e.g. zarr 3.1.6 against 3.4.2: asv's own compare only compares commits.

One entry per generated asv class (benchmarks/asv): the samples of its time_ method, and its
track_ and peakmem_ values as deterministic metrics.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from zarrgauge.errors import ZarrgaugeError

METRIC_OF_TRACK = {"track_store_requests": "store_requests", "track_stored_bytes": "stored_bytes",
                   "track_stored_fraction": "stored_fraction"}
MIN_SAMPLES = 3  # for the bootstrap interval and the rank test


@dataclass(frozen=True)
class EnvironmentRun:
    """One asv results file: one commit in one environment on one machine."""

    path: Path
    env_name: str
    commit: str
    date: int
    requirements: dict[str, str]
    results: dict[str, dict]  # benchmark name -> {result column: value}

    @property
    def label(self) -> str:
        versions = ", ".join(f"{name} {version}" for name, version in sorted(self.requirements.items()))
        return f"{self.env_name} ({versions or 'no pinned requirements'}) at {self.commit[:8]}"


def _read(path: Path) -> EnvironmentRun | None:
    """None for asv's other files (machine.json, benchmarks.json)."""
    try:
        document = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ZarrgaugeError(f"asv results file {path} is not readable JSON ({error})") from None
    if not isinstance(document, dict) or "result_columns" not in document:
        return None
    try:
        results = {name: dict(zip(document["result_columns"], row)) for name, row in document["results"].items()}
        return EnvironmentRun(path, str(document["env_name"]), str(document["commit_hash"]),
                              document.get("date") or 0, dict(document.get("requirements") or {}), results)
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise ZarrgaugeError(f"asv results file {path} is malformed ({type(error).__name__}: {error})") from None


def load_runs(results_dir: Path, machine: str | None) -> list[EnvironmentRun]:
    if not results_dir.is_dir():
        raise ZarrgaugeError(f"no asv results in {results_dir}: run 'make asv' first, or pass --results")
    machines = sorted(p.name for p in results_dir.iterdir() if (p / "machine.json").is_file())
    if machine is None and len(machines) > 1:
        raise ZarrgaugeError(f"{results_dir} holds results of several machines ({', '.join(machines)}); "
                             "pick one with --machine")
    if machine is not None and machine not in machines:
        raise ZarrgaugeError(f"no results of machine {machine!r} in {results_dir}; "
                             f"there are: {', '.join(machines) or 'none'}")
    runs = [run for name in ([machine] if machine else machines)
            for path in sorted((results_dir / name).glob("*.json")) if (run := _read(path)) is not None]
    if not runs:
        raise ZarrgaugeError(f"no asv results in {results_dir}: run 'make asv' first, or pass --results")
    return runs


def _matches(run: EnvironmentRun, selector: str) -> bool:
    """An environment by name, part of its name, or the zarr version it pins."""
    return selector == run.requirements.get("zarr") or selector in run.env_name


def select_pair(runs: list[EnvironmentRun], base: str, head: str,
                commit: str | None) -> tuple[EnvironmentRun, EnvironmentRun]:
    """The runs of the two environments at `commit`, by default the newest commit both have."""
    if commit:
        runs = [run for run in runs if run.commit.startswith(commit)]
        if not runs:
            raise ZarrgaugeError(f"no asv results for commit {commit}")
    selectors = (("base", base), ("head", head))
    sides = {label: [run for run in runs if _matches(run, selector)] for label, selector in selectors}
    for label, selector in selectors:
        envs = sorted({run.env_name for run in sides[label]})
        if len(envs) != 1:
            known = ", ".join(sorted({run.env_name for run in runs}))
            problem = "matches no environment" if not envs else f"matches several environments ({', '.join(envs)})"
            raise ZarrgaugeError(f"{label} {selector!r} {problem}; there are: {known}")
    shared = {run.commit for run in sides["base"]} & {run.commit for run in sides["head"]}
    if not shared:
        raise ZarrgaugeError(f"{base!r} and {head!r} have no commit in common; run both with 'make asv'")
    newest = max(shared, key=lambda c: max(run.date for run in runs if run.commit == c))
    base_run, = (run for run in sides["base"] if run.commit == newest)
    head_run, = (run for run in sides["head"] if run.commit == newest)
    return base_run, head_run


def _value(entry: dict):
    """The single value of a benchmark without asv parameters; None when it failed."""
    result = entry.get("result")
    return result[0] if isinstance(result, list) and result else None


def as_benchmarks(run: EnvironmentRun, titles: dict[str, str], min_samples: int = MIN_SAMPLES) -> list[dict]:
    """Entries for zarrgauge.gate.compare.compare_runs; `titles` maps asv names to pretty names.

    Failed benchmarks and those with too few raw samples (asv --quick) are left out."""
    classes: dict[str, dict[str, dict]] = {}
    for name, entry in run.results.items():
        owner, _, method = name.rpartition(".")
        classes.setdefault(owner, {})[method] = entry
    benchmarks, timed_classes = [], 0
    for owner, methods in sorted(classes.items()):
        timed = [(method, entry) for method, entry in methods.items() if method.startswith("time_")]
        if len(timed) != 1 or _value(timed[0][1]) is None:
            continue
        timed_classes += 1
        method, entry = timed[0]
        samples = (entry.get("samples") or [None])[0] or []
        if len(samples) < min_samples:
            continue
        title = titles.get(f"{owner}.{method}", owner)
        metrics = {METRIC_OF_TRACK.get(m, "peakmem_bytes"): _value(e) for m, e in methods.items()
                   if m in METRIC_OF_TRACK or m.startswith("peakmem_")}
        benchmarks.append({
            "fullname": title, "group": owner.split(".")[0], "stats": {"data": samples},
            "extra_info": {"case": f"{title} (version {entry.get('version')})", "asv_name": f"{owner}.{method}",
                           **{key: value for key, value in metrics.items() if value is not None}},
        })
    if timed_classes and not benchmarks:
        raise ZarrgaugeError(f"{run.path}: no benchmark has the {min_samples} raw samples a comparison needs: "
                            "run asv with --record-samples and without --quick (make asv does)")
    return benchmarks


def pretty_names(results_dir: Path) -> dict[str, str]:
    """asv's benchmarks.json: each benchmark's pretty name (the case id) by its Python name."""
    path = results_dir / "benchmarks.json"
    try:
        listing = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return {name: info.get("pretty_name") or name for name, info in listing.items() if isinstance(info, dict)}
