"""Read along space: one time step's window (favours chunks wide in space)."""

from zarrgauge.harness.measure.timing import time_operation


def test_read_space(benchmark, case, operation, filled_array):
    time_operation(benchmark, case, filled_array, operation)
