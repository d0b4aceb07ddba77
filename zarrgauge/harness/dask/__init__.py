"""The dask executor: the cluster a run starts (or the user names), the processing workloads as
chunk-aligned tasks on it, and filling large arrays on its workers."""
