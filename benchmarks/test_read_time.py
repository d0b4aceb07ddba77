"""Read along time: one pixel's full series (favours chunks long in time)."""

import pytest

from zarrgauge.timing import time_operation


@pytest.mark.operation("read_time")
def test_read_time(benchmark, case, stored):
    time_operation(benchmark, case, stored(case), "read_time")
