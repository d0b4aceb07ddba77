"""Running catalogue cases with zarr, in rooms: `data` (stores, filled arrays and datasets),
`measure` (timing, metrics, floors, the numpy oracle), `dask` (the dask executor), `callgrind`
(instruction counts), `session` (one pytest run's state and options); `plugin` is the pytest
plugin that selects and parametrizes the cases."""
