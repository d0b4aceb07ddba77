"""zarrs' codec pipeline cannot read a zarr v2 array stored in F order: ValueError "input array must be a
C contiguous array". zarr-python's own pipeline reads it.

Expected: the array reads back as written, with zarrs' pipeline as with zarr-python's.
Without zarrs (zarrs-python) it exits 2, "needs zarrs".
Interop: zarrs-order-f (zarrgauge/interop/known_bugs.py; make interop, tests/conformance/test_engines.py)
"""
import sys
import tempfile

import numpy as np
import zarr

try:
    import zarrs
except ImportError:
    print("needs zarrs (zarrs-python), which this Python does not have")
    sys.exit(2)

values = np.arange(12, dtype="int32").reshape(3, 4)
with tempfile.TemporaryDirectory() as path:
    array = zarr.create_array(zarr.storage.LocalStore(path), shape=(3, 4), chunks=(3, 4), dtype="int32",
                              order="F", zarr_format=2)
    array[:] = values
    # strict: raise rather than fall back to zarr-python's pipeline. A local store: zarrs' pipeline takes no memory
    # store, and zarr then quietly uses its own, strict or not.
    with zarr.config.set({"codec_pipeline.path": "zarrs.ZarrsCodecPipeline", "codec_pipeline.strict": True}):
        array = zarr.open_array(zarr.storage.LocalStore(path, read_only=True), mode="r")
        if not isinstance(array._async_array.codec_pipeline, zarrs.ZarrsCodecPipeline):
            raise RuntimeError(f"zarr chose {type(array._async_array.codec_pipeline).__name__}, not zarrs' pipeline")
        try:
            read = array[:]
        except ValueError as error:
            print(f"affected: zarrs {zarrs.__version__} cannot read a v2 array in F order: ValueError: {error}")
            sys.exit(1)
if not np.array_equal(read, values):
    print(f"affected: zarrs {zarrs.__version__} reads a v2 array in F order as {read.tolist()}")
    sys.exit(1)
print(f"fixed: zarrs {zarrs.__version__} reads a v2 array in F order")
sys.exit(0)
