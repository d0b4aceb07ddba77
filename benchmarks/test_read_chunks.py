"""Random access: whole chunks at seeded random grid positions."""

from zarrgauge.harness.measure.timing import time_operation


def test_read_chunks(benchmark, case, operation, filled_array):
    time_operation(benchmark, case, filled_array, operation)
