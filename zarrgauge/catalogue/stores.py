"""Store kinds: the names cases and conformance tests sweep (zarrgauge.harness.data.stores builds them)."""

LOCAL_STORES = ("memory", "local")
STORE_KINDS = (*LOCAL_STORES, "zip")
# Object storage on loopback, by client. Through an S3 server: obstore, and s3fs with its defaults
# (a HEAD before every whole-object GET, fsspec/s3fs #1027; at most 10 connections) and tuned
# (max_concurrency=1 and a connection pool as large as zarr's concurrency, or the concurrency sweep's largest).
# Through Azurite, Azure's Blob storage emulator (an npm package): obstore.
AZURE_STORES = ("azure-obstore",)
REMOTE_STORES = ("s3-obstore", "s3-fsspec", "s3-fsspec-tuned", *AZURE_STORES)
BENCHMARK_STORES = (*LOCAL_STORES, *REMOTE_STORES)
# Swept like the others, but selected only when named with --zarr-store: make bench has no time left for them.
OPT_IN_STORES = AZURE_STORES
# Above WHOLE_BYTES an array is never held in memory: only the local store, no whole-array reads.
ON_DISK_ONLY = ("local",)
# The kinds of HTTP request counted on the wire between an object-storage client and the server.
WIRE_REQUESTS = ("get", "get_range", "head", "put", "post", "list", "delete")
