"""A boolean zarr array as an orthogonal selection can be read through but not written through:
`array.oindex[zarr_mask] = values` raises SyncError, because the setter reads the zarr array from inside zarr's
own event loop (the getter reads it into numpy first since zarr-python#2133).

Expected: the write goes where `array.oindex[numpy_mask] = values` goes.
Conformance: ZARR_BOOL_INDEX_IN_OINDEX_SETTER (tests/conformance/test_indexing.py)
"""
import sys

import numpy as np
import zarr

array = zarr.create_array(zarr.storage.MemoryStore(), shape=(6,), chunks=(4,), dtype="i4", fill_value=0)
mask = zarr.create_array(zarr.storage.MemoryStore(), shape=(6,), chunks=(6,), dtype=bool)
mask[...] = np.array([True, False, True, False, False, True])
try:
    array.oindex[mask] = np.array([1, 2, 3])
except Exception as error:
    print(f"affected: array.oindex[zarr_mask] = values raised {type(error).__name__}: {error}")
    sys.exit(1)
print(f"fixed: the write went through the mask: {array[...].tolist()}")
sys.exit(0)
