"""zarr 2 writes a -0.0 fill value to .zarray as 0.0: normalize_fill_value replaces any fill value equal
to 0 by the dtype's zero, so every other implementation reads never-written chunks as +0.0.

Runs under zarr 2 only (.venv/engines/zarr2, `make engines`): under zarr 3 it exits 2, "needs zarr 2".
Expected: "fill_value": -0.0 in .zarray, and unwritten elements read back as -0.0.
Interop: zarr2-negative-zero-fill (zarrgauge/interop/known_bugs.py; make interop)
"""
import json
import sys

import numpy as np
import zarr

if not zarr.__version__.startswith("2."):
    print(f"needs zarr 2, not zarr {zarr.__version__}: run it with .venv/engines/zarr2/bin/python")
    sys.exit(2)
store = zarr.storage.MemoryStore()
zarr.open_array(store, mode="w", shape=(2,), chunks=(2,), dtype="f8", fill_value=-0.0)
written = json.loads(store[".zarray"])["fill_value"]
if not np.signbit(written):
    print(f"affected: zarr {zarr.__version__} writes a -0.0 fill value to .zarray as {json.dumps(written)}")
    sys.exit(1)
if not np.signbit(zarr.open_array(store, mode="r")[:]).all():
    print(f"affected: zarr {zarr.__version__} reads never-written elements of a -0.0 fill value as +0.0")
    sys.exit(1)
print(f"fixed: zarr {zarr.__version__} writes a -0.0 fill value as {json.dumps(written)}")
sys.exit(0)
