"""Read along time: one pixel's full series (favours chunks long in time)."""

from zarrgauge.harness.measure.timing import time_operation


def test_read_time(benchmark, case, operation, filled_array):
    time_operation(benchmark, case, filled_array, operation)
