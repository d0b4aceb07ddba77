"""A write that raised goes on writing: the chunk writes still queued (asyncio.gather cancels none of
them when one fails) land after the caller got the exception.

Expected: once `array[...] = 7` has raised, no further chunk is written.
Conformance: WRITES_AFTER_RAISING (zarrgauge/conformance/known_bugs.py; test_network_faults.py)
"""
import sys
import time

import zarr
from zarr.storage import MemoryStore, WrapperStore


class FailFirstChunk(WrapperStore):
    async def set(self, key, value):
        if key == "c/0":
            raise OSError("injected failure of the first chunk")
        await super().set(key, value)


store = FailFirstChunk(MemoryStore())
array = zarr.create_array(store, shape=(8,), chunks=(1,), dtype="i4", fill_value=0)
with zarr.config.set({"async.concurrency": 1}):
    try:
        array[...] = 7
    except OSError:
        pass
time.sleep(0.2)  # the writes left behind run on zarr's event loop thread
written = int((array[...] == 7).sum())
if written:
    print(f"affected: {written} of 8 chunks were written after the write raised")
    sys.exit(1)
print("fixed: nothing was written after the write raised")
sys.exit(0)
