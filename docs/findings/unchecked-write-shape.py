"""A write does not check its value's shape: surplus values are silently dropped.

Expected: `array[0:5] = np.ones(6)` raises ValueError, as numpy does, and writes nothing.
Conformance: UNCHECKED_WRITE_SHAPE (zarrgauge/conformance/known_bugs.py; test_indexing.py, test_faults.py)
"""
import sys

import numpy as np
import zarr

array = zarr.create_array(zarr.storage.MemoryStore(), shape=(10,), chunks=(2,), dtype="f8", fill_value=0)
try:
    array[0:5] = np.ones(6)
except ValueError:
    print("fixed: a value of the wrong shape raises ValueError")
    sys.exit(0)
print(f"affected: array[0:5] = np.ones(6) returned and wrote {array[0:5].tolist()}")
sys.exit(1)
