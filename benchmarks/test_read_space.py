"""Read along space: one time step's window (favours chunks wide in space)."""

import pytest

from zarrgauge.timing import time_operation


@pytest.mark.operation("read_space")
def test_read_space(benchmark, case, stored):
    time_operation(benchmark, case, stored(case), "read_space")
