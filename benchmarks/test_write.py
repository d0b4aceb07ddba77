"""Writes: a whole array into a fresh store per round, and the tutorial's partial writes."""

from zarrgauge.harness.measure.timing import time_write


def test_write(benchmark, case, operation, scratch, min_rounds):
    time_write(benchmark, case, scratch, operation, min_rounds)


def test_partial_write(benchmark, case, operation, scratch, min_rounds):
    time_write(benchmark, case, scratch, operation, min_rounds)
