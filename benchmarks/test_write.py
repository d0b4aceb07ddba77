"""Writes: a whole array into a fresh store per round, and the tutorial's partial writes."""

import pytest

from zarrgauge.timing import time_write


@pytest.mark.operation("write")
def test_write(benchmark, case, scratch):
    time_write(benchmark, case, scratch)


@pytest.mark.operation("partial_write")
def test_partial_write(benchmark, case, scratch):
    time_write(benchmark, case, scratch, partial=True)
