"""The conformance matrix: area x format x store, from one pytest run.

Enabled with --conformance-report=PATH. An area is a module tests/conformance/test_<area>.py;
format and store come from the test's `zarr_format` and `store_kind` parameters ('any' when a
test does not vary them).
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from zarrgauge import compat

OUTCOMES = ("passed", "failed", "xfailed", "xpassed", "skipped")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("zarrgauge").addoption(
        "--conformance-report", dest="conformance_report", metavar="PATH", default=None,
        help="write the conformance matrix (markdown) to PATH")


def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption("conformance_report")
    if path:
        config.pluginmanager.register(MatrixRecorder(Path(path)), "zarrgauge-conformance-matrix")


def _coordinates(item: pytest.Item) -> tuple[str, str, str] | None:
    path = Path(str(item.path))
    if path.parent.name != "conformance" or not path.stem.startswith("test_"):
        return None
    params = getattr(getattr(item, "callspec", None), "params", {})
    fmt = f"v{params['zarr_format']}" if "zarr_format" in params else "any"
    return path.stem.removeprefix("test_"), fmt, params.get("store_kind", "any")


class MatrixRecorder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.cells: dict[tuple[str, str, str], Counter] = defaultdict(Counter)
        self.notes: dict[str, set[str]] = defaultdict(set)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call):
        outcome = yield
        report = outcome.get_result()
        where = _coordinates(item)
        if where is None or not (report.when == "call" or (report.when == "setup" and not report.passed)):
            return
        kind = _outcome(report)
        self.cells[where][kind] += 1
        if kind in ("failed", "xfailed", "xpassed"):
            self.notes[f"{kind}: {_reason(report)}".splitlines()[0][:300]].add(item.nodeid)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(render(self.cells, self.notes))
        session.config.pluginmanager.get_plugin("terminalreporter").write_line(
            f"zarrgauge: conformance matrix written to {self.path}")


def _outcome(report) -> str:
    if hasattr(report, "wasxfail"):
        return "xpassed" if report.passed else "xfailed"
    return report.outcome


def _reason(report) -> str:
    if hasattr(report, "wasxfail"):
        return report.wasxfail
    crash = getattr(report.longrepr, "reprcrash", None)
    return crash.message if crash else str(report.longrepr)


def _cell(counts: Counter) -> str:
    if not counts:
        return ""
    marks = {"passed": "pass", "failed": "FAIL", "xfailed": "xfail", "xpassed": "XPASS", "skipped": "skip"}
    return " ".join(f"{counts[o]} {marks[o]}" for o in OUTCOMES if counts[o])


def render(cells: dict, notes: dict) -> str:
    areas = sorted({area for area, _, _ in cells})
    columns = sorted({(fmt, store) for _, fmt, store in cells})
    versions = ", ".join(f"{k} {v}" for k, v in compat.versions().items())
    total = sum(cells.values(), Counter())
    lines = [
        "# zarrgauge conformance matrix", "",
        f"{versions}; {time.strftime('%Y-%m-%d %H:%M')}.", "",
        "Totals: " + _cell(total), "",
        "| area | " + " | ".join(f"{fmt} {store}" for fmt, store in columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for area in areas:
        lines.append(f"| {area} | " + " | ".join(_cell(cells.get((area, *col), Counter())) for col in columns) + " |")
    if notes:
        lines += ["", "## Failures and expected failures", ""]
        for note, nodeids in sorted(notes.items()):
            lines.append(f"- {note} ({len(nodeids)} test{'s' if len(nodeids) > 1 else ''})")
    return "\n".join(lines) + "\n"
