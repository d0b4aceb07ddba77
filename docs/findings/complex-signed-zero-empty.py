"""With write_empty_chunks=False a complex chunk of -0.0 counts as empty for a 0.0 fill value and is not
stored, so it reads back as +0.0: the fix for #3144 compares bits for real float dtypes only.

Expected: the chunk is stored and reads back with its sign, as for float64.
Conformance: SIGNED_ZERO_COMPLEX (tests/conformance/test_dtypes.py; test_stateful.py for a fill of complex(0.0, -0.0))
"""
import sys

import numpy as np
import zarr

array = zarr.create_array(zarr.storage.MemoryStore(), shape=(4,), chunks=(4,), dtype="complex128", fill_value=0,
                          config={"write_empty_chunks": False})
array[:] = complex(-0.0, 0.0)
if not np.signbit(array[:].real).all():
    print("affected: a complex128 chunk of -0.0 was not stored and reads back as +0.0")
    sys.exit(1)
print("fixed: the complex -0.0 chunk is stored")
sys.exit(0)
