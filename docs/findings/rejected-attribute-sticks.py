"""An attribute value json cannot encode raises TypeError but stays in the node's attributes, and every
later attribute write on that node fails.

Expected: the rejected value leaves the attributes as they were, and the node stays writable.
Conformance: REJECTED_WRITE_STICKS (tests/conformance/test_attributes.py)
"""
import sys

import zarr

group = zarr.open_group(zarr.storage.MemoryStore(), mode="w", zarr_format=3, attributes={"kept": 1})
try:
    group.attrs["bad"] = {1, 2}
except TypeError:
    pass
problems = []
if group.attrs.asdict() != {"kept": 1}:
    problems.append(f"attributes are {group.attrs.asdict()}")
try:
    group.attrs["later"] = "still writable"
except Exception as error:
    problems.append(f"the next write raised {type(error).__name__}")
if problems:
    print("affected: after the rejected value, " + "; ".join(problems))
    sys.exit(1)
print("fixed: the rejected value left the attributes unchanged")
sys.exit(0)
