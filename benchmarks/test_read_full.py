"""Read the whole array back: decode speed of every codec, layout, format and store."""

from zarrgauge.harness.measure.timing import time_operation


def test_read_full(benchmark, case, operation, filled_array):
    time_operation(benchmark, case, filled_array, operation)
