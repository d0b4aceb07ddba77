"""FsspecStore.clear() stops at the first path that is already gone and leaves every key listed after it: it
removes each path `_find(withdirs=True)` lists, recursively, inside one try/except FileNotFoundError, so once a
directory went with its contents the next listed path (its subdirectory) ends the loop. Seen on s3fs by zarr's
own state machines, whose next example then starts from the keys left behind; shown here on fsspec's memory
file system.

Expected: after clear() the store lists no key.
Conformance: FSSPEC_CLEAR_STOPS_EARLY (tests/conformance/test_stateful.py)
"""
import sys

import zarr
from zarr.core.buffer import default_buffer_prototype
from zarr.core.sync import sync


async def keys(store):
    return sorted([key async for key in store.list()])


store = zarr.storage.FsspecStore.from_url("memory://zarrgauge-clear-stops-early")
for key in ("zarr.json", "g/zarr.json", "g/c/0"):
    sync(store.set(key, default_buffer_prototype().buffer.from_bytes(b"{}")))
sync(store.clear())
left = sync(keys(store))
if left:
    print(f"affected: after clear() the store still lists {left}")
    sys.exit(1)
print("fixed: clear() left no key")
sys.exit(0)
