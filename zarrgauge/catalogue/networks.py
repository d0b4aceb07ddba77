"""Networks between the object-storage clients and their server, by name: the latency and
bandwidth zarrgauge's wire proxy (zarrgauge.objectstore.proxy) puts on every request; and the
`async.concurrency` values a remote read is swept over."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    latency: float  # seconds added before each request reaches the server
    bandwidth: float | None  # bytes per second per connection, each way; None: unthrottled


# First-byte latency of object stores is "tens of milliseconds" for small requests (AWS, "Timeouts
# and Retries for Latency-Sensitive Applications") and 10-100 ms across regions (Abernathey, "Big
# Arrays, Fast", Pangeo); one connection to S3 carries about 85-90 MB/s (AWS S3 performance guidance).
PROFILES = {
    "none": Profile(0.0, None),
    "same-region": Profile(0.020, 90e6),
    "cross-region": Profile(0.100, 90e6),
}
DEFAULT_NETWORK = "none"
# zarr-python raised its default to 64 and went back to 10 (zarr-python #3526, #3578): both ends, and 1.
CONCURRENCY_SWEEP = (1, 10, 64)
