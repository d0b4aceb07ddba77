"""Random access: whole chunks at seeded random grid positions."""

import pytest

from zarrgauge.timing import time_operation


@pytest.mark.operation("read_chunks")
def test_read_chunks(benchmark, case, stored):
    time_operation(benchmark, case, stored(case), "read_chunks")
