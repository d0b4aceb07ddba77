"""docs/findings: one reproducer per `unreported` upstream bug of the conformance suite, each of which
runs to a verdict (exit 1 affected, 0 fixed) on the installed zarr, and scripts/findings tabulating them all."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted((ROOT / "docs" / "findings").glob("*.py"))
DECLARING = [ROOT / "zarrgauge" / "conformance" / "known_bugs.py",
             *sorted((ROOT / "tests" / "conformance").glob("*.py"))]


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
    return ast.get_docstring(ast.parse(script.read_text())) or ""


def test_every_unreported_entry_has_exactly_one_script_and_every_script_one_entry():
    entries = unreported_entries()
    assert len(entries) >= 10  # the parse above found the declarations, not nothing
    cited = {script.name: {name for name in entries if name in docstring(script)} for script in SCRIPTS}
    assert {name for names in cited.values() for name in names} == entries
    assert all(len(names) == 1 for names in cited.values()), cited
    assert sum(len(names) for names in cited.values()) == len(entries), "an entry is cited by two scripts"


@pytest.fixture(scope="module")
def outcomes():
    """Every script's (exit status, stdout, stderr), all started at once: most of each run is start-up."""
    running = {script: subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True) for script in SCRIPTS}
    outcomes = {}
    for script, process in running.items():
        out, err = process.communicate(timeout=30)
        outcomes[script] = process.returncode, out, err
    return outcomes


@pytest.mark.parametrize("script", SCRIPTS, ids=[script.stem for script in SCRIPTS])
def test_script_reaches_a_verdict(outcomes, script):
    status, out, err = outcomes[script]
    assert status in (0, 1) and "Traceback" not in err, err
    lines = out.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(("fixed:", "affected:")[status]), out


def test_findings_prints_a_row_per_script():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "findings")], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    rows = [line.split(" | ") for line in result.stdout.splitlines()[2:]]
    assert [row[0].lstrip("| ") for row in rows] == [script.stem for script in SCRIPTS]
    assert all(row[2] in ("affected", "fixed") for row in rows), result.stdout
