"""The default fill value of a structured dtype casts the integer 0 into every field: a bytes field of a
never-written record reads b'0' where numpy's zeros hold b''.

Expected: a never-written record equals `np.zeros((), dtype)`, every field.
Conformance: DEFAULT_FILL_BYTES_ZERO (tests/conformance/test_structured.py)
"""
import sys
import warnings

import numpy as np
import zarr

warnings.simplefilter("ignore")  # zarr warns that v3 struct data types are an unstable extension
dtype = np.dtype([("tag", "S3"), ("count", "<i4")])
array = zarr.create_array(zarr.storage.MemoryStore(), shape=(2,), chunks=(2,), dtype=dtype)
record, zero = array[0], np.zeros((), dtype)
if record.tobytes() != zero.tobytes():
    print(f"affected: a never-written record reads {record.item()}, numpy's zero record is {zero.item()}")
    sys.exit(1)
print("fixed: a never-written record reads numpy's zero record")
sys.exit(0)
