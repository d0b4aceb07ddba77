"""4-D volume operations from the tutorial: max projection, z-stack crop, threshold selection."""

import pytest

from zarrgauge.timing import time_operation


@pytest.mark.operation("max_projection")
def test_max_projection(benchmark, case, stored):
    time_operation(benchmark, case, stored(case), "max_projection")


@pytest.mark.operation("zstack_crop")
def test_zstack_crop(benchmark, case, stored):
    time_operation(benchmark, case, stored(case), "zstack_crop")


@pytest.mark.operation("threshold_mask")
def test_threshold_mask(benchmark, case, stored):
    """The tutorial's `volume[volume > 0.5]`, which zarr 3 no longer accepts, through `vindex[mask]`."""
    time_operation(benchmark, case, stored(case), "threshold_mask")
