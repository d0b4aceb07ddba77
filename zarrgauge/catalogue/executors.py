"""Executors: what runs a processing workload over a stored array.

zarr-python indexes the array from the benchmark's own process, as the tutorial does by hand;
dask runs the same workload as chunk-aligned tasks (`dask.array.from_zarr`, one task per shard or,
unsharded, per chunk) on a dask.distributed cluster, the way most of zarr's heaviest users run it.
The cluster is zarrgauge's own LocalCluster on 127.0.0.1, or one the user names (harness/dask/cluster.py).
"""

from __future__ import annotations

DEFAULT_EXECUTOR = "zarr-python"
EXECUTORS = {
    "zarr-python": "zarr-python indexing from the benchmark's process",
    "dask": "dask.array.from_zarr, chunk-aligned tasks, on a dask.distributed cluster",
}
# The processing workloads: each needs every chunk, so it is worth splitting into tasks.
DASK_OPERATIONS = ("batch_moving_average", "max_projection", "threshold_mask", "seasonal_stats")
# Unless --zarr-layout names others (the scaling sweep names them all): shards give a task per shard, never
# two tasks on one shard; custom layouts are the user's own --zarr-chunks.
DASK_LAYOUTS = ("balanced", "sharded", "custom")
# Where the workers read the data: the local store (a cluster on this machine) or S3 through obstore, whose
# store travels to the workers in the graph and keeps many requests in flight (s3fs holds 10). The local
# store unless --zarr-store names s3-obstore.
DASK_STORES = ("local", "s3-obstore")
