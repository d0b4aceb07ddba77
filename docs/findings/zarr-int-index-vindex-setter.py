"""An integer zarr array as a coordinate selection can be read through but not written through:
`array.vindex[zarr_points] = values` raises (TypeError on zarr 3.1, SyncError on 3.2 and 3.3: the setter uses the
zarr array as it is, down to reading it inside zarr's own event loop; the getter reads it into numpy first since
zarr-python#2133). Fixed in zarr 3.4.0.

Expected: the write goes where `array.vindex[numpy_points] = values` goes.
Conformance: ZARR_INT_INDEX_IN_VINDEX_SETTER (tests/conformance/test_indexing.py)
"""
import sys

import numpy as np
import zarr

array = zarr.create_array(zarr.storage.MemoryStore(), shape=(6,), chunks=(4,), dtype="i4", fill_value=0)
points = zarr.create_array(zarr.storage.MemoryStore(), shape=(3,), chunks=(3,), dtype="i8")
points[...] = np.array([5, 0, 2])
try:
    array.vindex[points] = np.array([1, 2, 3])
except Exception as error:
    print(f"affected: array.vindex[zarr_points] = values raised {type(error).__name__}: {error}")
    sys.exit(1)
print(f"fixed: the write went to the points: {array[...].tolist()}")
sys.exit(0)
