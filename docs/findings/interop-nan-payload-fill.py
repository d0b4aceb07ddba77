"""A NaN fill value with a payload is written to zarr.json as "NaN", not in the hex form the v3 spec
requires for a NaN other than the canonical one, so the payload is lost: a fresh open reads never-written
chunks as the canonical NaN, and so does every other implementation.

Expected: "fill_value": "0x7ff8000000000001" in zarr.json, and unwritten elements read back with those bits.
Interop: nan-payload-fill (zarrgauge/interop/known_bugs.py; make interop, tests/conformance/test_engines.py)
"""
import json
import sys

import numpy as np
import zarr
from zarr.core.buffer import default_buffer_prototype
from zarr.core.sync import sync

BITS = 0x7FF8000000000001
store = zarr.storage.MemoryStore()
zarr.create_array(store, shape=(4,), chunks=(2,), dtype="float64", fill_value=np.array(BITS, "<u8").view("<f8")[()])
written = json.loads(sync(store.get("zarr.json", prototype=default_buffer_prototype())).to_bytes())["fill_value"]
read = int(zarr.open_array(store, mode="r")[:].view("<u8")[0])
if written != "0x7ff8000000000001" or read != BITS:
    print(f"affected: a fill value with bits {BITS:#x} is written as {json.dumps(written)} and reads back as {read:#x}")
    sys.exit(1)
print(f"fixed: the NaN fill value is written as {json.dumps(written)} and keeps its payload")
sys.exit(0)
