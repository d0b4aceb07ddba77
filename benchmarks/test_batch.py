"""Chunk-aware batch processing: a moving average over chunk-aligned batches against one pass."""

import pytest

from zarrgauge.timing import time_operation


@pytest.mark.operation("batch_moving_average")
def test_batch_moving_average(benchmark, case, stored):
    time_operation(benchmark, case, stored(case), "batch_moving_average")


@pytest.mark.operation("whole_moving_average")
def test_whole_moving_average(benchmark, case, stored):
    time_operation(benchmark, case, stored(case), "whole_moving_average")
