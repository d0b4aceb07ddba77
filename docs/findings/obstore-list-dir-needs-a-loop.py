"""ObjectStore.list_dir starts obstore's listing when it is called, not when it is iterated: called outside a
running event loop (as zarr.testing.stateful's machines call it) it raises RuntimeError, where MemoryStore,
LocalStore and FsspecStore return their async iterator.

Expected: list_dir returns an async iterator wherever it is called; the listing starts on iteration.
Conformance: LIST_DIR_NEEDS_A_LOOP (tests/conformance/test_stateful.py)
"""
import sys

import obstore
import zarr
from zarr.core.sync import sync


async def collect(listing):
    return [key async for key in listing]


# An empty store is enough, and starts no obstore runtime that the interpreter's exit would have to stop.
store = zarr.storage.ObjectStore(obstore.store.MemoryStore())
try:
    listing = store.list_dir("g")
except RuntimeError as error:
    print(f"affected: ObjectStore.list_dir('g') outside the event loop raised RuntimeError ({error})")
    sys.exit(1)
print(f"fixed: the listing started on iteration: {sync(collect(listing))}")
sys.exit(0)
