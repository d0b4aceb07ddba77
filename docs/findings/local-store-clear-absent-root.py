"""Clearing a local store whose directory does not exist yet raises FileNotFoundError, though is_empty() says it
is empty (found by zarr's own hierarchy state machine, whose first step clears the store).

Expected: clear() on an empty store succeeds and leaves it empty.
Conformance: test_clearing_a_local_store_never_written_leaves_it_empty (tests/conformance/test_stateful.py)
"""
import sys
import tempfile
from pathlib import Path

import zarr
from zarr.core.sync import sync

with tempfile.TemporaryDirectory() as scratch:
    store = zarr.storage.LocalStore(Path(scratch) / "never-written.zarr")
    assert sync(store.is_empty(""))
    try:
        sync(store.clear())
    except FileNotFoundError as error:
        print(f"affected: clear() of an empty local store raised FileNotFoundError ({error.strerror})")
        sys.exit(1)
print("fixed: clear() of an empty local store succeeded")
sys.exit(0)
