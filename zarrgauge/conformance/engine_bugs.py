"""Bugs in other engines' indexing, found by tests/conformance/test_engine_indexing.py: keyed on the
engine at fault and its releases, as the interoperability matrix's are (interop/known_bugs.py). The test
keeps asserting numpy's answer and is a strict expected failure where a bug applies; each `unreported`
one has its reproducer in docs/findings/, named `engine-<name>`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from packaging.version import Version

from zarrgauge.catalogue.engine_indexing import EngineSelection


@dataclass(frozen=True)
class EngineBug:
    name: str
    issue: str  # 'owner/repo#N', or 'unreported' (docs/findings/engine-<name>.* reproduces it)
    engine: str
    summary: str
    applies: Callable[[EngineSelection, tuple[int, ...]], bool]  # (selection, the array's chunk shape)
    fixed_in: str | None = None
    introduced_in: str = "0"

    def affects(self, engine: str, selection: EngineSelection, chunks: tuple[int, ...], version: str) -> bool:
        fixed = self.fixed_in is not None and Version(version) >= Version(self.fixed_in)
        return (engine == self.engine and Version(self.introduced_in) <= Version(version) and not fixed
                and self.applies(selection, chunks))

    @property
    def reason(self) -> str:
        state = f"fixed in {self.engine} {self.fixed_in}" if self.fixed_in else "not fixed yet"
        return f"{self.issue} ({self.engine}, {state}): {self.summary}"


def _no_chunk_in_range(selection: EngineSelection, chunks: tuple[int, ...]) -> bool:
    """Whether a slice's range of chunks is empty, as zarrita counts it: from floor(start / chunk) to
    ceil(stop / chunk), the bounds clipped to the axis as Python's slice.indices() clips them."""
    for item, size, chunk in zip(selection.selection, selection.shape, chunks):
        if isinstance(item, dict) and "slice" in item:
            start, stop, step = slice(*item["slice"]).indices(size)
            if step > 0 and start // chunk >= -(-stop // chunk):
                return True
    return False


ENGINE_BUGS = (
    EngineBug("zarrita-empty-slice", "unreported", "zarrita.js",
              "get() and set() raise 'Input contains an empty iterator.' for an empty slice that spans no chunk "
              "(its start on a chunk boundary, or past its stop across chunks), where numpy reads an empty array",
              _no_chunk_in_range),
    EngineBug("zarrita-fewer-indices", "unreported", "zarrita.js",
              "a selection of fewer items than dimensions is taken as an array of that many dimensions: get() "
              "reads a chunk key no such array has, set() writes a chunk there and leaves the selection as it was",
              lambda selection, chunks: "fewer-indices" in selection.features()),
    EngineBug("zarrita-unchecked-write-shape", "unreported", "zarrita.js",
              "set() never checks its value's shape against the selection: too few values leave elements as they "
              "were, too many are dropped, where numpy raises ValueError",
              lambda selection, chunks: selection.values_shape is not None),
)


def engine_bug(engine: str, selection: EngineSelection, chunks: tuple[int, ...], version: str) -> EngineBug | None:
    """The known bug that explains this engine's answer to the selection, if any."""
    return next((bug for bug in ENGINE_BUGS if bug.affects(engine, selection, chunks, version)), None)
