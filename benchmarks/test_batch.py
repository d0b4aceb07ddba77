"""Chunk-aware batch processing: a moving average over chunk-aligned batches against one pass."""

from zarrgauge.harness.measure.timing import time_operation


def test_batch_moving_average(benchmark, case, operation, filled_array, cluster):
    time_operation(benchmark, case, filled_array, operation, cluster)


def test_whole_moving_average(benchmark, case, operation, filled_array):
    time_operation(benchmark, case, filled_array, operation)
