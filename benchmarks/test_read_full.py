"""Read the whole array back: decode speed of every codec, layout, format and store."""

import pytest

from zarrgauge.timing import time_operation


@pytest.mark.operation("read_full")
def test_read_full(benchmark, case, stored):
    time_operation(benchmark, case, stored(case), "read_full")
