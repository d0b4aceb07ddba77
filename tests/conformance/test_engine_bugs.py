"""The engines' indexing bugs (zarrgauge/conformance/engine_bugs.py): each `unreported` one has exactly one
reproducer in docs/findings/, engine-<name>.mjs (or .py), which `make findings` runs and which reaches the
verdict the declaration gives for the installed engine; each engine-* reproducer is one bug's; and each
bug's predicate picks the selections it describes."""

import importlib.machinery
import importlib.util
import subprocess
import sys

import pytest
from packaging.version import Version

from zarrgauge.catalogue.engine_indexing import SELECTIONS, WRONG_SHAPES
from zarrgauge.conformance.engine_bugs import ENGINE_BUGS, EngineBug
from zarrgauge.engines import engine
from zarrgauge.pytest_process import REPO

FINDINGS = REPO / "docs" / "findings"
_loader = importlib.machinery.SourceFileLoader("findings_script", str(REPO / "scripts" / "findings"))
findings = importlib.util.module_from_spec(importlib.util.spec_from_loader(_loader.name, _loader))
_loader.exec_module(findings)
UNREPORTED = [bug for bug in ENGINE_BUGS if bug.issue == "unreported"]
SELECTION = {selection.id: selection for selection in SELECTIONS + WRONG_SHAPES}
BUG = {bug.name: bug for bug in ENGINE_BUGS}


def test_every_unreported_bug_has_one_reproducer_and_every_reproducer_one_bug():
    scripts = sorted(path.name for path in FINDINGS.glob("engine-*"))
    assert scripts and sorted(f"engine-{bug.name}" for bug in UNREPORTED) == [s.rsplit(".", 1)[0] for s in scripts]


@pytest.mark.parametrize("bug", UNREPORTED, ids=lambda bug: bug.name)
def test_reproducer_reaches_the_declared_verdict(bug: EngineBug):
    script = next(FINDINGS.glob(f"engine-{bug.name}.*"))
    run = findings.command(script, findings.runtimes(sys.executable))
    if isinstance(run, str) or engine(bug.engine).missing():
        pytest.skip(run if isinstance(run, str) else engine(bug.engine).missing())
    done = subprocess.run(run, capture_output=True, text=True, timeout=60)
    version = Version(engine(bug.engine).version())
    affected = Version(bug.introduced_in) <= version and (bug.fixed_in is None or version < Version(bug.fixed_in))
    assert done.returncode == int(affected) and done.stdout.startswith(("fixed:", "affected:")[affected]), \
        done.stdout + done.stderr


@pytest.mark.parametrize("name, selection, chunks, applies", [
    ("zarrita-empty-slice", "basic-1d-empty-at-a-chunk-boundary", (12,), True),
    ("zarrita-empty-slice", "basic-1d-empty", (12,), False),  # slice(5, 5) lies in chunk 0
    ("zarrita-empty-slice", "basic-1d-empty", (1,), True),
    ("zarrita-empty-slice", "basic-1d-reversed-bounds-across-chunks", (21,), False),
    ("zarrita-fewer-indices", "basic-2d-int-leaves-rest", (4, 6), True),
    ("zarrita-fewer-indices", "basic-2d-step-slice-and-int", (4, 6), False),
    ("zarrita-unchecked-write-shape", "basic-1d-too-many-values", (12,), True),
    ("zarrita-unchecked-write-shape", "basic-1d-step-4", (12,), False),
])
def test_a_bug_applies_to_the_selections_it_describes(name, selection, chunks, applies):
    assert BUG[name].applies(SELECTION[selection], chunks) is applies


def test_a_bug_applies_only_to_its_engine_and_unfixed_releases():
    bug = EngineBug("b", "unreported", "zarrita.js", "", lambda selection, chunks: True, fixed_in="0.8")
    selection = SELECTION["basic-1d-step-4"]
    assert bug.affects("zarrita.js", selection, (12,), "0.7.5")
    assert not bug.affects("zarrita.js", selection, (12,), "0.8.0")
    assert not bug.affects("zarr2", selection, (12,), "0.7.5")
