"""Read one pixel in every channel: its colour or spectrum (favours chunks that hold every channel)."""

from zarrgauge.harness.measure.timing import time_operation


def test_read_pixel(benchmark, case, operation, filled_array):
    time_operation(benchmark, case, filled_array, operation)
