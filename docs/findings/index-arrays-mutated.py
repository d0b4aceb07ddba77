"""Negative indices in an orthogonal or coordinate selection are wrapped in place, in the caller's own
index arrays: after `array.oindex[rows, :]` the caller's `rows` holds other numbers.

Expected: a selection leaves the caller's index arrays unchanged.
Conformance: test_selection_leaves_the_callers_index_arrays_unchanged (tests/conformance/test_indexing.py)
"""
import sys

import numpy as np
import zarr

array = zarr.create_array(zarr.storage.MemoryStore(), shape=(7, 10), chunks=(4, 6), dtype="f8")
rows = np.array([-1, 2, -7])
array.get_orthogonal_selection((rows, slice(None)))
if rows.tolist() != [-1, 2, -7]:
    print(f"affected: get_orthogonal_selection changed the caller's [-1, 2, -7] to {rows.tolist()}")
    sys.exit(1)
print("fixed: the caller's index array is unchanged")
sys.exit(0)
