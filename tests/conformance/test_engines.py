"""Engines: every engine installed here writes the matrix's representative cases (every feature
and codec once) and every case a known interop bug meets, every engine reads every copy back, bit
for bit, and refuses corrupted ones: each known bug is a strict expected failure here. `make interop`
runs the whole grid; an engine that is not installed is skipped with the reason."""

import pytest

from zarrgauge.catalogue.engines import ZARR_ENGINES
from zarrgauge.catalogue.interop_grid import interop_cases, representative
from zarrgauge.interop.known_bugs import INTEROP_BUGS, ZARRITA_BUGS, known_bug
from zarrgauge.interop.run import run_matrix, scratch_directory
from zarrgauge.interop.session import engine_table

NAMES = list(ZARR_ENGINES)


def _met_by_a_known_bug(case) -> bool:
    return any(bug.applies(case, writer, reader) for bug in (*INTEROP_BUGS, *ZARRITA_BUGS)
               for writer in NAMES for reader in NAMES)


CASES = list({case.id: case for case in representative(interop_cases())
              + [case for case in interop_cases() if _met_by_a_known_bug(case)]}.values())


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
