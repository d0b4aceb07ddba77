"""docs/findings: one reproducer per `unreported` upstream bug of the conformance suite and per `unreported`
InteropBug of the interoperability matrix, each of which runs to a verdict (exit 1 affected, 0 fixed) on the
installed zarr (zarr 2, zarrita.js for the interop ones that need them), and scripts/findings tabulating them all."""

import ast
import importlib.machinery
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.version import Version

from zarrgauge.interop.known_bugs import INTEROP_BUGS, ZARRITA_BUGS
from zarrgauge.interop.session import engine_table
from zarrgauge.pytest_process import REPO

ROOT = REPO
SCRIPTS = sorted(path for path in (ROOT / "docs" / "findings").glob("*.py") if not path.name.startswith("interop-"))
DECLARING = [ROOT / "zarrgauge" / "conformance" / "known_bugs.py",
             *sorted((ROOT / "tests" / "conformance").glob("*.py"))]
# scripts/findings decides which runtime runs a script (node, zarr 2's venv, this Python): the test asks it too.
_loader = importlib.machinery.SourceFileLoader("findings_script", str(ROOT / "scripts" / "findings"))
findings = importlib.util.module_from_spec(importlib.util.spec_from_loader(_loader.name, _loader))
_loader.exec_module(findings)
ALL_SCRIPTS = findings.scripts()
INTEROP_SCRIPTS = [script for script in ALL_SCRIPTS if script.name.startswith("interop-")]
ZARR2_SCRIPTS = [script for script in INTEROP_SCRIPTS if findings.runtime(script) == "zarr2"]
BUG_OF = {f"interop-{bug.name}": bug for bug in (*INTEROP_BUGS, *ZARRITA_BUGS)}


def is_unreported(node) -> bool:
    return (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "upstream_bug" and bool(node.args)
            and isinstance(node.args[0], ast.Constant) and node.args[0].value == "unreported")


def unreported_entries() -> set[str]:
    """Each `upstream_bug("unreported", ...)` by the name a script can cite: the constant it is assigned to,
    or the test it decorates."""
    names = set()
    for path in DECLARING:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assign) and is_unreported(node.value):
                names.update(target.id for target in node.targets)
            elif isinstance(node, ast.FunctionDef) and any(map(is_unreported, node.decorator_list)):
                names.add(node.name)
    return names


def docstring(script: Path) -> str:
    """A Python script's docstring, or the leading // comment of an ES module."""
    if script.suffix == ".mjs":
        lines = script.read_text().splitlines()
        return "\n".join(line for line in lines[:next((i for i, line in enumerate(lines) if not line.startswith("//")),
                                                       len(lines))])
    return ast.get_docstring(ast.parse(script.read_text())) or ""


def test_every_unreported_entry_has_exactly_one_script_and_every_script_one_entry():
    entries = unreported_entries()
    assert len(entries) >= 10  # the parse above found the declarations, not nothing
    cited = {script.name: {name for name in entries if name in docstring(script)} for script in SCRIPTS}
    assert {name for names in cited.values() for name in names} == entries
    assert all(len(names) == 1 for names in cited.values()), cited
    assert sum(len(names) for names in cited.values()) == len(entries), "an entry is cited by two scripts"


def test_every_unreported_interop_bug_has_exactly_one_script_named_after_it():
    bugs = {bug.name: bug for bug in (*INTEROP_BUGS, *ZARRITA_BUGS)}
    unreported = {name for name, bug in bugs.items() if bug.issue == "unreported"}
    assert len(unreported) >= 9 and len(bugs) > len(unreported)  # and the reported ones have no script
    cited = {script.name: {name for name in bugs if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])",
                                                                docstring(script))}
             for script in INTEROP_SCRIPTS}
    assert all(len(names) == 1 for names in cited.values()), cited
    assert sorted(name for names in cited.values() for name in names) == sorted(unreported)
    for script, (name,) in cited.items():
        assert script.removesuffix(".py").removesuffix(".mjs") == f"interop-{name}"
        # The runtime follows the engine at fault: zarrita.js under node, zarr 2 in its venv, the rest here.
        runtime = {"zarrita.js": "node", "zarr2": "zarr2"}.get(bugs[name].engine, "python")
        assert findings.runtime(ROOT / "docs" / "findings" / script) == runtime, script


@pytest.fixture(scope="module")
def outcomes():
    """Every script's (exit status, stdout, stderr), or why its runtime is missing, all started at once: most of
    each run is start-up. A zarr 2 script also runs under this zarr, where it must say it needs zarr 2. Under
    "versions", the version of each engine an InteropBug blames, where it is installed."""
    found = findings.runtimes(sys.executable)
    commands = {script: findings.command(script, found) for script in ALL_SCRIPTS}
    commands.update({("here", script): [sys.executable, str(script)] for script in ZARR2_SCRIPTS})
    running = {key: run if isinstance(run, str) else subprocess.Popen(run, stdout=subprocess.PIPE,
                                                                      stderr=subprocess.PIPE, text=True)
               for key, run in commands.items()}
    table, _ = engine_table(sorted({bug.engine for bug in BUG_OF.values()}))
    outcomes = {"versions": {name: info["version"] for name, info in table.items() if info["version"]}}
    for key, process in running.items():
        if isinstance(process, str):
            outcomes[key] = process
        else:
            out, err = process.communicate(timeout=30)
            outcomes[key] = process.returncode, out, err
    return outcomes


@pytest.mark.parametrize("script", ALL_SCRIPTS, ids=[script.stem for script in ALL_SCRIPTS])
def test_script_reaches_a_verdict(outcomes, script):
    if isinstance(outcomes[script], str):
        pytest.skip(outcomes[script])
    status, out, err = outcomes[script]
    lines = out.strip().splitlines()
    if status == 2 and script in INTEROP_SCRIPTS and len(lines) == 1 and lines[0].startswith("needs "):
        pytest.skip(lines[0])  # a library it needs is missing from its runtime (zarrs for zarrs-order-f)
    assert status in (0, 1) and "Traceback" not in err, err
    assert len(lines) == 1 and lines[0].startswith(("fixed:", "affected:")[status]), out + err
    bug = BUG_OF.get(script.stem)
    if bug is not None:  # the verdict agrees with the releases the InteropBug declares affected
        version = Version(outcomes["versions"][bug.engine])
        affected = Version(bug.introduced_in) <= version and (bug.fixed_in is None or version < Version(bug.fixed_in))
        assert status == affected, f"{bug.name} is declared {('fixed', 'affected')[affected]} in {bug.engine} " \
                                   f"{version}, and its script says: {lines[0]}"


@pytest.mark.parametrize("script", ZARR2_SCRIPTS, ids=[script.stem for script in ZARR2_SCRIPTS])
def test_zarr2_script_under_zarr3_says_it_needs_zarr2(outcomes, script):
    status, out, err = outcomes["here", script]
    assert status == 2 and out.strip().startswith("needs zarr 2") and len(out.strip().splitlines()) == 1, out + err


def test_findings_prints_a_row_per_script(outcomes):
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "findings")], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    rows = [line.split(" | ") for line in result.stdout.splitlines()[2:]]
    assert [row[0].lstrip("| ") for row in rows] == [script.stem for script in ALL_SCRIPTS]
    for script, row in zip(ALL_SCRIPTS, rows):
        missing = isinstance(outcomes[script], str) or outcomes[script][0] == 2
        assert row[2].startswith("skipped") if missing else row[2] in ("affected", "fixed"), result.stdout
