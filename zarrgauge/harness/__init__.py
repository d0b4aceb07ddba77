"""Running catalogue cases with zarr: stores, filled arrays, timing, metrics, the numpy oracle and
the pytest plugin that selects and parametrizes the cases."""
