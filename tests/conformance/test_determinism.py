"""The derandomized profiles' promise: a given commit and zarr release always pass or always fail (issue 33).

Derandomized Hypothesis seeds its search from the test's source, but it also draws, now and then, a constant from the
source of the project's modules imported so far; under xdist, which those are depends on the tests a worker ran
before. conftest.py empties that pool under derandomized profiles: these tests fail if the draws move again.
"""

import importlib.util
import sys

import hypothesis.extra.numpy as npst
import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given, settings

# Constants Hypothesis would take up from a project module: it skips small integers, 0.0 and the infinities.
MODULE_WITH_CONSTANTS = """
SIZES = (128, 1000, 4096, 12345, -30000)
SCALES = (1.5, 2.25, -7.125, 1e10, 3.4e38)
NAMES = ("zarr.json", "c/0/1", "group", "abc")
PAYLOADS = (b"\\x00\\x01", b"chunk")
"""


def _draw_like_the_machines(data) -> str:
    """The kinds of draws the array machine and zarr's machines make: shapes, values of each dtype, names, bytes."""
    shape = data.draw(st.tuples(*[st.integers(0, 9)] * data.draw(st.integers(1, 3))))
    values = [data.draw(npst.arrays(np.dtype(dtype), shape)).tobytes()
              for dtype in ("uint8", "int16", "float32", "complex64")]
    return repr((shape, values, data.draw(st.text(max_size=8)), data.draw(st.binary(max_size=8))))


def _derandomized_draws() -> list[str]:
    drawn = []

    # The same source on every call, so the same seed: only what else the process holds can change the draws.
    @settings(settings.default, max_examples=30, database=None)
    @given(st.data())
    def draw(data):
        drawn.append(_draw_like_the_machines(data))

    draw()
    return drawn


def _import_a_project_module(path) -> str:
    """A module outside site-packages and the standard library, not named like a test: Hypothesis counts it as the
    project's own."""
    path.write_text(MODULE_WITH_CONSTANTS)
    name = f"zarrgauge_determinism_{path.parent.name}"
    spec = importlib.util.spec_from_file_location(name, path)
    sys.modules[name] = module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return name


def test_derandomized_draws_do_not_depend_on_the_modules_imported_before(tmp_path):
    if not settings.default.derandomize:
        pytest.skip("this profile searches at random on purpose")
    before = _derandomized_draws()
    name = _import_a_project_module(tmp_path / "constants.py")
    try:
        assert _derandomized_draws() == before, "a module imported in between changed what Hypothesis drew"
    finally:
        del sys.modules[name]


def test_derandomized_draws_repeat():
    """Tells the test above's causes apart: draws that never repeat fail both, a module's constants only that one."""
    if not settings.default.derandomize:
        pytest.skip("this profile searches at random on purpose")
    assert _derandomized_draws() == _derandomized_draws()
