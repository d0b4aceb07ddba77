"""A value that does not fit an orthogonal selection raises IndexError from inside the chunk loop.

Expected: ValueError, as numpy raises for `a[np.ix_([0, 5], [1, 8])] = np.ones(3)`.
Conformance: MISMATCH_RAISES_INDEXERROR (zarrgauge/conformance/known_bugs.py; test_indexing.py, test_faults.py)
"""
import sys

import numpy as np
import zarr

array = zarr.create_array(zarr.storage.MemoryStore(), shape=(7, 10), chunks=(4, 6), dtype="f8", fill_value=0)
try:
    array.oindex[np.array([0, 5]), np.array([1, 8])] = np.ones(3)
except ValueError:
    print("fixed: a (3,) value for a (2, 2) selection raises ValueError")
    sys.exit(0)
except Exception as error:
    print(f"affected: a (3,) value for a (2, 2) selection raises {type(error).__name__}, not ValueError")
    sys.exit(1)
print("affected: a (3,) value for a (2, 2) selection was accepted")
sys.exit(1)
