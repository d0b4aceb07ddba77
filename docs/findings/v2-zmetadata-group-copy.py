"""In a v2 .zmetadata, the copy of a nested .zgroup has a v3-only "consolidated_metadata" member that the
.zgroup document it copies does not have.

Expected: every entry of .zmetadata equals the document stored under its key.
Conformance: V2_GROUP_COPIES_DIFFER (tests/conformance/test_consolidated.py)
"""
import json
import sys

import zarr
from zarr.core.buffer import default_buffer_prototype
from zarr.core.sync import sync

store = zarr.storage.MemoryStore()
root = zarr.open_group(store, mode="w", zarr_format=2)
root.create_group("child")
zarr.consolidate_metadata(store)


def stored(key):
    return json.loads(sync(store.get(key, prototype=default_buffer_prototype())).to_bytes())


copy, original = stored(".zmetadata")["metadata"]["child/.zgroup"], stored("child/.zgroup")
if copy != original:
    extra = sorted(set(copy) - set(original))
    print(f"affected: the .zmetadata copy of child/.zgroup differs from it; members it adds: {extra}")
    sys.exit(1)
print("fixed: the .zmetadata copy equals child/.zgroup")
sys.exit(0)
