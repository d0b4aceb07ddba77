"""zarr v3 accepts node names the v3 spec reserves: names starting with "__" and names made only of periods.

Expected: create_group("__zarr") and create_group("...") raise ValueError and store nothing.
Conformance: RESERVED_NAMES_ACCEPTED (tests/conformance/test_hierarchy.py)
"""
import sys

import zarr

root = zarr.open_group(zarr.storage.MemoryStore(), mode="w", zarr_format=3)
accepted = []
for name in ("__zarr", "..."):
    try:
        root.create_group(name)
        accepted.append(name)
    except ValueError:
        pass
if accepted:
    print(f"affected: reserved names accepted: {accepted}")
    sys.exit(1)
print("fixed: reserved names are rejected")
sys.exit(0)
