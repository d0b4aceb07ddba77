"""A write with `fields=` ignores it: the value is cast into every field of the selected records.

Expected: only the named field changes, as with numpy's `records["value"][0:2] = ...`.
Conformance: FIELD_WRITES_EVERY_FIELD (tests/conformance/test_structured.py)
"""
import sys
import warnings

import numpy as np
import zarr

warnings.simplefilter("ignore")  # zarr warns that v3 struct data types are an unstable extension
dtype = np.dtype([("count", "<i4"), ("value", "<f8"), ("tag", "S3")])
array = zarr.create_array(zarr.storage.MemoryStore(), shape=(4,), chunks=(2,), dtype=dtype, zarr_format=2)
array[...] = np.array([(1, 0.5, b"a"), (2, 1.5, b"b"), (3, 2.5, b"c"), (4, 3.5, b"d")], dtype)
array.set_basic_selection(slice(0, 2), np.array([7.0, 8.0]), fields="value")
first = array[0]
if first["count"] != 1 or first["tag"] != b"a":
    print(f"affected: writing field 'value' of record 0 made it {first.item()}, expected (1, 7.0, b'a')")
    sys.exit(1)
print("fixed: the write changed the named field only")
sys.exit(0)
