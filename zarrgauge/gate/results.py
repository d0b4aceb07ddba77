"""Reading pytest-benchmark results files, for the gate and the report."""

from __future__ import annotations

import json
from pathlib import Path

from zarrgauge.errors import ZarrgaugeError


def load_benchmarks(path: str, label: str) -> list[dict]:
    """The benchmarks of a pytest-benchmark JSON file; ZarrgaugeError with a one-line reason otherwise."""
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
    return document["benchmarks"]
