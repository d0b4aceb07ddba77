"""Engines: every engine installed here writes the matrix's representative cases (every feature
and codec once) and the first three cases each known interop bug meets, every engine reads every
copy back, bit for bit, and refuses corrupted ones: each known bug is a strict expected failure
here. `make interop` runs the whole grid, big arrays included; an engine that is not installed is
skipped with the reason."""

import pytest

from zarrgauge.catalogue.engines import ZARR_ENGINES
from zarrgauge.catalogue.interop_grid import interop_cases, representative
from zarrgauge.interop.known_bugs import INTEROP_BUGS, ZARRITA_BUGS, known_bug
from zarrgauge.interop.run import run_matrix, scratch_directory
from zarrgauge.interop.session import engine_table

NAMES = list(ZARR_ENGINES)


PER_BUG = 3  # make interop has every case a bug meets (30 for zarrita.js' create() defaults)


def _met_by(bug) -> list:
    """The first few cases a known bug meets, none of the big ones (make interop's)."""
    met = [case for case in interop_cases() if not case.big
           and any(bug.applies(case, writer, reader) for writer in NAMES for reader in NAMES)]
    return met[:PER_BUG]


CASES = list({case.id: case for case in representative(interop_cases())
              + [case for bug in (*INTEROP_BUGS, *ZARRITA_BUGS) for case in _met_by(bug)]}.values())


@pytest.fixture(scope="module")
def matrix():
    table, ready = engine_table(NAMES)
    with scratch_directory() as root:
        cells = run_matrix(CASES, list(ready.values()), list(ready.values()), root, show=False)
    return table, {(cell.case.id, cell.writer, cell.reader): cell for cell in cells}


@pytest.mark.parametrize("interop_case", CASES, ids=lambda case: case.id)
@pytest.mark.parametrize("reader", NAMES)
@pytest.mark.parametrize("writer", NAMES)
def test_reader_gets_what_the_writer_wrote(matrix, interop_case, writer, reader, request):
    case = interop_case
    table, cells = matrix
    for name in (writer, reader):
        if table[name]["missing"]:
            pytest.skip(f"{name}: {table[name]['missing']}")
    cell = cells[case.id, writer, reader]
    if cell.outcome == "unsupported":
        pytest.skip(cell.message)
    versions = {name: info["version"] for name, info in table.items() if info["version"]}
    bug = known_bug(case, writer, reader, versions)
    if bug is not None:
        request.applymarker(pytest.mark.xfail(strict=True, reason=bug.reason))
    assert cell.outcome == "ok", f"{cell.outcome}: {cell.message}"
