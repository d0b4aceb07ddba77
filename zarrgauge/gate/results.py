"""Reading pytest-benchmark results files, for the gate and the report."""

from __future__ import annotations

import json
from pathlib import Path

from zarrgauge.errors import ZarrgaugeError


def load_results(path: str, label: str) -> dict:
    """A pytest-benchmark JSON file, checked to hold benchmarks and machine_info; ZarrgaugeError with a
    one-line reason otherwise."""
    try:
        document = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise ZarrgaugeError(f"{label} file {path} does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ZarrgaugeError(f"{label} file {path} is not readable JSON ({error})") from None
    if not isinstance(document, dict) or not isinstance(document.get("benchmarks"), list) \
            or "machine_info" not in document:
        raise ZarrgaugeError(f"{label} file {path} is not pytest-benchmark results "
                             "(no 'benchmarks' and 'machine_info')")
    if not document["benchmarks"]:
        raise ZarrgaugeError(f"{label} file {path} holds no benchmarks")
    return document


def check_same_cpus(base: dict, head: dict) -> None:
    """Runs pinned to other CPUs than the other side's (--zarr-cpus) time another machine: refuse them."""
    pinned = {"base": _pinned_cpus(base), "head": _pinned_cpus(head)}
    if pinned["base"] != pinned["head"]:
        def said(cpus: list[int] | None) -> str:
            return f"on CPUs {','.join(map(str, cpus))}" if cpus else "on every CPU"
        raise ZarrgaugeError(f"base ran {said(pinned['base'])}, head {said(pinned['head'])}: run both sides "
                             "with the same --zarr-cpus")


def _pinned_cpus(results: dict) -> list[int] | None:
    """The CPUs a results file (from load_results) says its run was pinned to."""
    machine = results["machine_info"]
    ours = machine.get("zarrgauge") if isinstance(machine, dict) else None
    return ours.get("cpus") if isinstance(ours, dict) else None
