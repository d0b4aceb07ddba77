"""Read one channel's plane: one band or stain (favours chunks of one channel, wide in space)."""

from zarrgauge.harness.measure.timing import time_operation


def test_read_channel(benchmark, case, operation, filled_array):
    time_operation(benchmark, case, filled_array, operation)
