"""Indexing through every engine: tensorstore, zarrita.js and zarr 2, each through its own API, against numpy.

The selections and what each engine lacks are declared in zarrgauge/catalogue/engine_indexing.py. On
float64 arrays zarr-python stored (ragged chunks; in the full set also one-element and larger-than-the-array
chunks, ragged shards in v3 and Fortran-ordered chunks in v2), with -0.0, NaN and infinities among the
values, each engine must:
- read every selection as numpy does, bit for bit, of a whole array and of one written in part (chunks,
  shards and inner chunks never written read as the fill value);
- write every selection it can (values, and a scalar broadcast) and change exactly those elements, as
  zarr-python then reads the whole array;
- write into an array never written and read fill values everywhere else, itself and through zarr-python;
- refuse every out-of-bounds read and write, and every write of values that do not fit the selection,
  the refused writes changing nothing.
A feature the engine's API cannot express is skipped with the declared reason; one it refuses by design
must be refused, never answered differently; one it answers by a documented rule of its own where numpy
refuses is skipped with that rule. Each engine answers all its probes in one batch (one process for
zarrita.js and zarr 2). make test runs a representative slice; make conformance the full set
(--zarr-engine-conformance=full).
"""

from __future__ import annotations

import functools
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import zarr

from zarrgauge.catalogue.engine_indexing import (
    ENGINE_INDEXING,
    FILLS,
    OTHER_ZERO,
    OUT_OF_BOUNDS,
    REPRESENTATIVE,
    REPRESENTATIVE_OUT_OF_BOUNDS,
    REPRESENTATIVE_WRONG_SHAPES,
    SELECTIONS,
    WRONG_SHAPES,
    EngineSelection,
    span,
)
from zarrgauge.conformance.engine_bugs import engine_bug
from zarrgauge.conformance.grid import chunkings, numpy_orthogonal, reference_array, sharded_layouts
from zarrgauge.engines import engine
from zarrgauge.engines.probe_runs import run_probes
from zarrgauge.engines.probes import Answer, Probe, Step, python_selection
from zarrgauge.harness.measure.oracle import assert_identical
from zarrgauge.harness.session.options import engine_conformance_full

ENGINES = tuple(ENGINE_INDEXING)
SCALAR = -0.0  # a scalar write: a sign bit any element it misses or hits shows


@dataclass(frozen=True)
class Check:
    kind: str  # read, sparse-read, write, scalar-write, fill, refuse-read, refuse-write, refuse-shape
    engine: str
    zarr_format: int
    selection: EngineSelection
    chunking: str = "ragged"
    fill: str = "-7.5"

    @property
    def id(self) -> str:
        extra = [self.chunking] if self.kind.endswith("read") or self.chunking != "ragged" else []
        extra += [self.fill] if self.kind == "fill" else []
        return "-".join((self.engine, f"v{self.zarr_format}", self.kind, *extra, self.selection.id))

    @property
    def chunks(self) -> tuple[int, ...]:
        """The array's chunk grid: its shards' shape when sharded."""
        if self.chunking == "sharded":
            return sharded_layouts(self.selection.shape)["ragged"][1]
        return chunkings(self.selection.shape)["ragged" if self.chunking == "order-F" else self.chunking]

    @property
    def role(self) -> str:
        return "read" if self.kind.endswith("read") else "write"

    def features(self) -> frozenset[str]:
        return self.selection.features() | ({"sharded"} if self.chunking == "sharded" else set())


TESTS = {
    "test_read_matches_numpy": ("read",),
    "test_read_of_a_partly_written_array_matches_numpy": ("sparse-read",),
    "test_write_changes_exactly_the_selection": ("write", "scalar-write"),
    "test_write_into_an_empty_array_reads_fill_elsewhere": ("fill",),
    "test_out_of_bounds_read_is_refused": ("refuse-read",),
    "test_out_of_bounds_write_is_refused_and_changes_nothing": ("refuse-write",),
    "test_write_of_values_that_do_not_fit_is_refused_and_changes_nothing": ("refuse-shape",),
}


def checks(engine_name: str, full: bool) -> list[Check]:
    """Every check of one engine: the full set, or make test's representative slice."""
    formats = ENGINE_INDEXING[engine_name].formats[:None if full else 1]
    selections = [s for s in SELECTIONS if full or s.id in REPRESENTATIVE]
    writable = [s for s in selections if s.writable]
    bounds = [s for s in OUT_OF_BOUNDS if full or s.id in REPRESENTATIVE_OUT_OF_BOUNDS]
    shapes = [s for s in WRONG_SHAPES if full or s.id in REPRESENTATIVE_WRONG_SHAPES]
    made = []
    for fmt in formats:
        # Shards (v3) of 2 inner chunks along each axis, edge shards and inner chunks ragged; chunks in
        # Fortran order (v2), whose strides the engine must follow in every selection.
        layouts = ("ragged",) if not full else ("ragged", "sharded") if fmt == 3 else ("ragged", "order-F")
        made += [Check("read", engine_name, fmt, s, chunking) for s in selections
                 for chunking in (*layouts, "one", "larger")[:None if full else 1]]
        made += [Check("sparse-read", engine_name, fmt, s, chunking) for s in selections for chunking in layouts]
        made += [Check(kind, engine_name, fmt, s, chunking) for kind in ("write", "scalar-write") for s in writable
                 for chunking in layouts]
        made += [Check("fill", engine_name, fmt, s, chunking, fill) for s in writable for fill in FILLS
                 for chunking in layouts if full or fill == "-7.5"]
        made += [Check(kind, engine_name, fmt, s) for kind in ("refuse-read", "refuse-write") for s in bounds]
        made += [Check("refuse-shape", engine_name, fmt, s) for s in shapes]
    return made


def pytest_generate_tests(metafunc):
    kinds = TESTS[metafunc.function.__name__]
    full = engine_conformance_full(metafunc.config)
    params = [check for name in ENGINES for check in checks(name, full) if check.kind in kinds]
    metafunc.parametrize("check", params, ids=[check.id for check in params])


def numpy_index(selection: EngineSelection):
    """The numpy index that selects what the engine's spelling of the selection does."""
    python = python_selection(selection.selection)
    if selection.mode == "orthogonal":
        return numpy_orthogonal(selection.shape, None, python)
    if selection.mode == "translated":
        items = python if isinstance(python, tuple) else (python,)
        return tuple(_moved_to_zero(item, origin) for item, origin in zip(items, selection.origin or ()))
    return python


def _moved_to_zero(item, origin: int):
    """An integer or slice of a domain that starts at `origin`, in the array's own terms (from 0)."""
    if isinstance(item, slice):
        return slice(*(None if bound is None else bound - origin for bound in (item.start, item.stop)), item.step)
    return item - origin


@dataclass
class Planned:
    probe: Probe
    expected: np.ndarray  # what the store must hold after the probe (the selection's values for a read)


def _store(path: Path, check: Check, values: np.ndarray | None = None) -> Path:
    """A new array of the check's layout and fill value, holding what the check writes of `values` when given."""
    inner, shards = sharded_layouts(check.selection.shape)["ragged"] if check.chunking == "sharded" \
        else (check.chunks, None)
    order = {"order": "F"} if check.chunking == "order-F" else {}  # v2's; v3 warns at the word
    array = zarr.create_array(zarr.storage.LocalStore(path), shape=check.selection.shape, chunks=inner,
                              shards=shards, dtype="float64", fill_value=FILLS[check.fill],
                              zarr_format=check.zarr_format, compressors=None, filters=None, **order)
    if values is not None:
        array[written(check)] = values[written(check)]
    return path


def written(check: Check) -> slice:
    """What zarr-python writes of the array a check reads: everything, or for a partly written array the first
    half of the first axis, which leaves chunks (shards, inner chunks) never written and others partly."""
    return slice(0, check.selection.shape[0] // 2) if check.kind == "sparse-read" else slice(None)


def reference(check: Check) -> np.ndarray:
    """The values the array a check starts from holds: the reference values where written, else the fill."""
    values = np.full(check.selection.shape, FILLS[check.fill])
    values[written(check)] = reference_array(check.selection.shape)[written(check)]
    return values


def plan(check: Check, root: Path, templates: dict) -> Planned:
    """The array the check's probe works on (a fresh one, or a copy, for writes), its steps, and what numpy
    expects."""
    if check.kind == "fill":
        return _plan_fill(check, _store(root / check.id, check))
    key = (check.zarr_format, check.selection.ndim, check.chunking, check.kind == "sparse-read")
    if key not in templates:
        templates[key] = _store(root / "-".join(map(str, key)), check, reference_array(check.selection.shape))
    if check.kind.endswith("read"):
        return _plan_read(check, templates[key])
    return _plan_write(check, Path(shutil.copytree(templates[key], root / check.id)))


def _plan_fill(check: Check, path: Path) -> Planned:
    """Write into an array never written, then read all of it: fill values everywhere else."""
    selection, index = check.selection, numpy_index(check.selection)
    expected = np.full(selection.shape, FILLS[check.fill])
    shape = expected[index].shape
    values = np.full(shape, OTHER_ZERO[check.fill]) if check.fill in OTHER_ZERO else reference_array(shape, seed=3)
    expected[index] = values
    steps = (write_step(selection, values), Step("read", "basic", (span(),) * len(selection.shape)))
    return Planned(Probe(path, check.zarr_format, steps), expected)


def _plan_read(check: Check, path: Path) -> Planned:
    """A read of the array every read shares: the selection's values, unless the read is to be refused."""
    selection, expected = check.selection, reference(check)
    step = Step("read", selection.mode, selection.selection, origin=selection.origin)
    if not check.kind.startswith("refuse"):
        expected = expected[numpy_index(selection)]
    return Planned(Probe(path, check.zarr_format, (step,)), expected)


def _plan_write(check: Check, path: Path) -> Planned:
    """A write of the check's values (refused ones included, which must leave the reference values)."""
    expected = reference(check)
    values = _written(check, expected)
    if not check.kind.startswith("refuse"):
        expected[numpy_index(check.selection)] = values
    return Planned(Probe(path, check.zarr_format, (write_step(check.selection, values),)), expected)


def _written(check: Check, reference: np.ndarray):
    if check.kind in ("scalar-write", "refuse-write"):
        return SCALAR  # out of bounds: a scalar, so that the bounds are the only reason to refuse it
    if check.kind == "refuse-shape":
        return np.ones(check.selection.values_shape)
    # Negating flips every sign bit (of -0.0, NaN and inf too): each element written differs from the one before.
    return np.negative(reference[numpy_index(check.selection)])


def write_step(selection: EngineSelection, values) -> Step:
    return Step("write", selection.mode, selection.selection, values, selection.origin)


def runnable(check: Check) -> bool:
    indexing, features = ENGINE_INDEXING[check.engine], check.features()
    return not (indexing.absent_reason(features, check.role) or indexing.different_rule(features, check.role))


@pytest.fixture(scope="module")
def answered(tmp_path_factory, pytestconfig):
    """Each engine's answers to all its runnable checks, in one batch, on first use: check id -> (plan, answers)."""
    full, done, failed = engine_conformance_full(pytestconfig), {}, {}

    def answers(check: Check) -> tuple[Planned, list[Answer]]:
        if check.engine in failed:  # once per engine: each test building every array again took minutes
            raise failed[check.engine]
        if check.engine not in done:
            try:
                done[check.engine] = run(check.engine, full, tmp_path_factory.mktemp(check.engine.replace(".", "-")))
            except Exception as error:
                failed[check.engine] = error
                raise
        return done[check.engine][check.id]

    return answers


def run(engine_name: str, full: bool, root: Path) -> dict[str, tuple[Planned, list[Answer]]]:
    templates: dict = {}
    planned = {check.id: plan(check, root, templates) for check in checks(engine_name, full) if runnable(check)}
    results = run_probes(engine_name, [p.probe for p in planned.values()])
    return {name: (p, r) for (name, p), r in zip(planned.items(), results)}


@functools.cache
def version(engine_name: str) -> str:
    return engine(engine_name).version()


@pytest.fixture
def outcome(check, answered, request):
    """The check's plan and answers, once the engine is here and the API can ask it, else a skip that says why;
    a strict expected failure where a known bug of the engine's release applies."""
    missing = engine(check.engine).missing()
    if missing:
        pytest.skip(f"{check.engine}: {missing}")
    indexing, features = ENGINE_INDEXING[check.engine], check.features()
    absent = indexing.absent_reason(features, check.role)
    if absent:
        pytest.skip(f"{check.engine} cannot ask it: {absent}")
    rule = indexing.different_rule(features, check.role)
    if rule:
        pytest.skip(f"{check.engine} answers by its own rule: {rule}")
    bug = engine_bug(check.engine, check.selection, check.chunks, version(check.engine))
    if bug is not None and not refused_by_design(check):  # a refusal comes before the bug could show
        request.applymarker(pytest.mark.xfail(strict=True, reason=bug.reason))
    return answered(check)


def refused_by_design(check: Check) -> str | None:
    return ENGINE_INDEXING[check.engine].refusal_reason(check.features(), check.role)


def stored(planned: Planned) -> np.ndarray:
    return zarr.open_array(zarr.storage.LocalStore(planned.probe.path, read_only=True), mode="r")[...]


def assert_refused(answer: Answer, why: str) -> None:
    assert answer.status == "error", f"{why}, yet it answered ({answer.status}): {answer.values!r}"


def test_read_matches_numpy(check, outcome):
    planned, (answer,) = outcome
    if refused_by_design(check):
        return assert_refused(answer, f"declared refused: {refused_by_design(check)}")
    assert answer.status == "done", answer.message
    assert_identical(answer.values, planned.expected)


def test_read_of_a_partly_written_array_matches_numpy(check, outcome):
    """Never-written chunks, shards and inner chunks read as the fill value through every selection."""
    test_read_matches_numpy(check, outcome)


def test_write_changes_exactly_the_selection(check, outcome):
    planned, (answer,) = outcome
    if refused_by_design(check):
        assert_refused(answer, f"declared refused: {refused_by_design(check)}")
        planned.expected = reference(check)
    else:
        assert answer.status == "done", answer.message
    assert_identical(stored(planned), planned.expected)


def test_write_into_an_empty_array_reads_fill_elsewhere(check, outcome):
    planned, (written, read) = outcome
    if refused_by_design(check):
        return assert_refused(written, f"declared refused: {refused_by_design(check)}")
    assert written.status == "done", written.message
    assert read.status == "done", read.message
    assert_identical(read.values, planned.expected)
    assert_identical(stored(planned), planned.expected)


def test_out_of_bounds_read_is_refused(check, outcome):
    _, (answer,) = outcome
    assert_refused(answer, "an out-of-bounds read")


def test_out_of_bounds_write_is_refused_and_changes_nothing(check, outcome):
    planned, (answer,) = outcome
    assert_refused(answer, "an out-of-bounds write")
    assert_identical(stored(planned), planned.expected)


def test_write_of_values_that_do_not_fit_is_refused_and_changes_nothing(check, outcome):
    planned, (answer,) = outcome
    assert_refused(answer, f"a write of {check.selection.values_shape} values")
    assert_identical(stored(planned), planned.expected)
