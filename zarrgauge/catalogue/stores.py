"""Store kinds: the names cases and conformance tests sweep (zarrgauge.harness.stores builds them)."""

STORE_KINDS = ("memory", "local", "zip")
BENCHMARK_STORES = ("memory", "local")
# Above WHOLE_BYTES an array is never held in memory: only the local store, no whole-array reads.
ON_DISK_ONLY = ("local",)
