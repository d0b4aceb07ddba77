"""Resizing an array to another number of dimensions fails an assert: AssertionError, and under
`python -O` no error at all.

Expected: ValueError, and the array keeps its shape.
Conformance: RESIZE_TO_OTHER_NDIM (tests/conformance/test_shapes.py, test_zero_d.py)
"""
import sys

import zarr

array = zarr.create_array(zarr.storage.MemoryStore(), shape=(7, 5), chunks=(3, 2), dtype="f8")
try:
    array.resize((35,))
except ValueError:
    print("fixed: resize((35,)) of a 2-d array raises ValueError")
    sys.exit(0)
except Exception as error:
    print(f"affected: resize((35,)) of a 2-d array raises {type(error).__name__}, not ValueError")
    sys.exit(1)
print(f"affected: resize((35,)) of a 2-d array returned; shape is now {array.shape}")
sys.exit(1)
