"""The conformance matrix: area x format x store, from one pytest run.

Enabled with --conformance-report=PATH. An area is a module tests/conformance/test_<area>.py;
format and store come from the test's `zarr_format` and `store_kind` parameters ('any' when a
test does not vary them). A test that records a fault and what the client did under it
(`record_property(FAULT_PROPERTY, ...)` and `record_property(OUTCOME_PROPERTY, ...)`) adds a cell
to the "Network faults" table: fault x store.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from zarrgauge import compat

OUTCOMES = ("passed", "failed", "xfailed", "xpassed", "skipped")
FAULT_PROPERTY, OUTCOME_PROPERTY = "fault", "fault_outcome"


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
        self.faults: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))  # fault, store

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
        properties = dict(report.user_properties)
        if FAULT_PROPERTY in properties and OUTCOME_PROPERTY in properties:
            # what the client did, and the test's verdict on it unless it passed
            outcome = properties[OUTCOME_PROPERTY] + ("" if kind == "passed" else f" [{kind}]")
            self.faults[properties[FAULT_PROPERTY]][where[2]].append(outcome)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(render(self.cells, self.notes, self.faults))
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:  # none under -p no:terminal
            reporter.write_line(f"zarrgauge: conformance matrix written to {self.path}")


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


def render(cells: dict, notes: dict, faults: dict | None = None) -> str:
    areas = sorted({area for area, _, _ in cells})
    columns = sorted({(fmt, store) for _, fmt, store in cells})
    versions = ", ".join(f"{k} {v}" for k, v in compat.versions().items())
    total: Counter[str] = sum(cells.values(), Counter())
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
    if faults:
        lines += _fault_table(faults)
    return "\n".join(lines) + "\n"


def _fault_table(faults: dict[str, dict[str, list[str]]]) -> list[str]:
    """Fault x store, rows and columns in the order the tests ran."""
    stores = list(dict.fromkeys(store for by_store in faults.values() for store in by_store))
    lines = ["", "## Network faults", "",
             "What each client did when zarrgauge's wire proxy injected a fault between it and its server "
             "(the S3 server, or Azurite for Azure).", "",
             "| fault | " + " | ".join(stores) + " |", "|---|" + "---|" * len(stores)]
    for fault, by_store in faults.items():
        cells = ("; ".join(by_store.get(store, [])).replace("|", "\\|") for store in stores)
        lines.append(f"| {fault} | " + " | ".join(cells) + " |")
    return lines
