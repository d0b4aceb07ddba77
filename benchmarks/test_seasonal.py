"""Per-pixel statistics along time: the mean and standard deviation of every pixel's series."""

from zarrgauge.harness.measure.timing import time_operation


def test_seasonal_stats(benchmark, case, operation, filled_array, cluster):
    time_operation(benchmark, case, filled_array, operation, cluster)
