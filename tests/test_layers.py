"""The package's layers: imports run downward only, and results tooling never loads zarr."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "zarrgauge"
# Each part of the package, and the parts it may import; everything else it imports is a layer violation.
BASE = {"errors", "compat", "progress", "phases", "cpus"}  # beneath everything
MAY_IMPORT = {
    "errors": set(),
    "compat": set(),
    "progress": set(),
    "phases": set(),
    "cpus": {"errors"},
    "pytest_process": {"errors"},
    "catalogue": {"errors", "compat"},
    "objectstore": {"catalogue", "errors", "compat", "phases"},
    "engines": {"catalogue", *BASE},
    "harness": {"catalogue", "engines", "objectstore", *BASE},
    "conformance": {"catalogue", "harness", "objectstore", *BASE},
    "interop": {"catalogue", "engines", "harness", *BASE},
    "testing": {"pytest_process"},
    "instructions": {"errors", "pytest_process"},
    "gate": {"catalogue", "errors", "instructions", "pytest_process"},
    "asv": {"gate", "catalogue", "errors"},
    "report": {"gate", "catalogue", "errors", "compat"},
    "advise": {"catalogue", "report", "errors", "compat", "pytest_process"},
    "cli": {"gate", "asv", "report", "interop", "instructions", "advise", "errors"},
}
ZARR_FREE = ("zarrgauge.cli", "zarrgauge.gate.command", "zarrgauge.gate.compare", "zarrgauge.report",
             "zarrgauge.report.write", "zarrgauge.asv.command", "zarrgauge.catalogue.selection",
             "zarrgauge.catalogue.experiment", "zarrgauge.catalogue.engines",
             "zarrgauge.catalogue.interop", "zarrgauge.catalogue.interop_grid", "zarrgauge.interop.command",
             "zarrgauge.instructions.command", "zarrgauge.instructions.run", "zarrgauge.advise.command",
             "zarrgauge.pytest_process")


def _part(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


def _imported_parts(path: Path) -> set[str]:
    """The parts of zarrgauge a module imports, at module level or inside functions."""
    parts = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] if node.module != "zarrgauge" else [f"zarrgauge.{a.name}" for a in node.names]
        else:
            continue
        parts |= {name.split(".")[1] for name in names if name.startswith("zarrgauge.")}
    return parts


MODULES = sorted(path for path in PACKAGE.rglob("*.py") if path.name != "__init__.py" or path.parent != PACKAGE)


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_imports_run_downward(path):
    part = _part(path)
    assert part in MAY_IMPORT, f"{part} is not a declared layer: add it to MAY_IMPORT (and docs/architecture.md)"
    upward = _imported_parts(path) - MAY_IMPORT[part] - {part}
    assert not upward, f"{path.relative_to(PACKAGE)} imports {sorted(upward)}, above or beside its layer {part}"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(path: Path, known: set[str]) -> set[str]:
    """The zarrgauge modules a module imports anywhere in it, TYPE_CHECKING blocks included: a
    circle of type hints is a circle a reader must untangle too."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found |= {f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in known else node.module
                      for alias in node.names}
    return found & known


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each group of modules that import one another, directly or around a loop (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in graph[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1 or module in graph[module]:
                circles.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return circles


def test_no_module_imports_itself_around_a_circle():
    paths = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph = {name: _imported_modules(path, set(paths)) - {name.rpartition(".")[0]} for name, path in paths.items()}
    assert _circles(graph) == []


def test_the_circle_finder_finds_a_circle():
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_lies_loose_in_the_harness_but_the_plugin():
    loose = sorted(path.name for path in (PACKAGE / "harness").glob("*.py"))
    assert loose == ["__init__.py", "plugin.py"], "put harness modules in the room (subfolder) of what they hold"


def test_results_tooling_and_the_catalogue_load_no_zarr():
    code = ("import sys\n"
            f"for name in {ZARR_FREE!r}: __import__(name)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('zarr', 'numcodecs')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_building_a_codec_loads_what_it_needs():
    from zarrgauge.catalogue.codecs import CODECS

    for name, spec in CODECS.items():
        for zarr_format in (2, 3):
            assert isinstance(spec.create_args("float32", zarr_format), dict), name


def test_blosc_shuffle_numbers_are_numcodecs_own():
    import numcodecs

    from zarrgauge.catalogue.codecs import _SHUFFLE_V2

    blosc = numcodecs.Blosc
    assert _SHUFFLE_V2 == {"shuffle": blosc.SHUFFLE, "bitshuffle": blosc.BITSHUFFLE, "noshuffle": blosc.NOSHUFFLE}


def test_the_command_line_starts_without_the_heavy_libraries():
    """`zarrgauge --help` and a one-line error come back at once: scipy, matplotlib and zarr load
    only in the commands that use them."""
    code = ("import sys, zarrgauge.cli\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'zarr', 'numcodecs', 'scipy', 'matplotlib'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
