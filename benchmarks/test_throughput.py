"""The peer benchmark's workload (zarrs/zarr_benchmarks) on a throughput family (--zarr-family=peer-cube):
every chunk read on its own at 1, 2, 4 and 8 in flight, every inner chunk of a sharded array likewise, and
the round trip (read the whole array, write a copy). The whole-array read is test_read_full's."""

from zarrgauge.harness.measure.round_trip import time_round_trip
from zarrgauge.harness.measure.timing import time_operation


def test_read_each_chunk_1(benchmark, case, operation, filled_array):
    time_operation(benchmark, case, filled_array, operation)


def test_read_each_chunk_2(benchmark, case, operation, filled_array):
    time_operation(benchmark, case, filled_array, operation)


def test_read_each_chunk_4(benchmark, case, operation, filled_array):
    time_operation(benchmark, case, filled_array, operation)


def test_read_each_chunk_8(benchmark, case, operation, filled_array):
    time_operation(benchmark, case, filled_array, operation)


def test_read_each_inner_chunk_1(benchmark, case, operation, filled_array):
    time_operation(benchmark, case, filled_array, operation)


def test_read_each_inner_chunk_2(benchmark, case, operation, filled_array):
    time_operation(benchmark, case, filled_array, operation)


def test_read_each_inner_chunk_4(benchmark, case, operation, filled_array):
    time_operation(benchmark, case, filled_array, operation)


def test_read_each_inner_chunk_8(benchmark, case, operation, filled_array):
    time_operation(benchmark, case, filled_array, operation)


def test_round_trip(benchmark, case, operation, filled_array, scratch, min_rounds):
    time_round_trip(benchmark, case, filled_array, scratch, min_rounds)
