"""Array.append refuses a negative axis, which numpy.concatenate accepts.

Expected: `array.append(values, axis=-1)` appends along the last axis, as numpy.concatenate does.
Conformance: test_appending_along_a_negative_axis_counts_from_the_end (tests/conformance/test_shapes.py)
"""
import sys

import numpy as np
import zarr

array = zarr.create_array(zarr.storage.MemoryStore(), shape=(2, 3), chunks=(2, 2), dtype="i4", fill_value=0)
try:
    array.append(np.ones((2, 1), dtype="i4"), axis=-1)
except Exception as error:
    print(f"affected: append(axis=-1) of a (2, 1) value to a (2, 3) array raises {type(error).__name__}")
    sys.exit(1)
if array.shape != (2, 4):
    print(f"affected: append(axis=-1) made the shape {array.shape}, not (2, 4)")
    sys.exit(1)
print("fixed: append(axis=-1) appends along the last axis")
sys.exit(0)
