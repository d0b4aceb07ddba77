"""4-D volume operations from the tutorial: max projection, z-stack crop, threshold selection."""

from zarrgauge.harness.measure.timing import time_operation


def test_max_projection(benchmark, case, operation, filled_array, cluster):
    time_operation(benchmark, case, filled_array, operation, cluster)


def test_zstack_crop(benchmark, case, operation, filled_array):
    time_operation(benchmark, case, filled_array, operation)


def test_threshold_mask(benchmark, case, operation, filled_array, cluster):
    """The tutorial's `volume[volume > 0.5]`, which zarr 3 no longer accepts, through `vindex[mask]`."""
    time_operation(benchmark, case, filled_array, operation, cluster)
