"""zarrs' codec pipeline cannot open a zarr v2 complex array whose fill_value is null (the v2 spec's
"undefined", and tensorstore's default): TypeError "incompatible fill value metadata: dtype=<c8,
fill_value=null", raised as UnsupportedMetadataError. zarrs/zarrs#207 reads null for the other types
(float64 and int64 open), not for complex ones. zarr-python's own pipeline reads it.

Expected: the array opens and reads back as written, with zarrs' pipeline as with zarr-python's.
Without zarrs (zarrs-python) it exits 2, "needs zarrs".
Interop: zarrs-v2-complex-null-fill (zarrgauge/interop/known_bugs.py; make interop)
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

values = np.array([1 + 2j, 3 - 4j], dtype="complex64")
with tempfile.TemporaryDirectory() as path:
    array = zarr.create_array(zarr.storage.LocalStore(path), shape=(2,), chunks=(2,), dtype="complex64",
                              fill_value=None, zarr_format=2)
    array[:] = values
    # strict: raise rather than fall back to zarr-python's pipeline. A local store: zarrs' pipeline takes no memory
    # store, and zarr then quietly uses its own, strict or not.
    with zarr.config.set({"codec_pipeline.path": "zarrs.ZarrsCodecPipeline", "codec_pipeline.strict": True}):
        try:
            array = zarr.open_array(zarr.storage.LocalStore(path, read_only=True), mode="r")
            read = array[:]
        except zarrs.pipeline.UnsupportedMetadataError as error:
            cause = error.__cause__ or error
            print(f"affected: zarrs {zarrs.__version__} cannot open a v2 complex64 array with a null fill value: "
                  f"{type(cause).__name__}: {cause}")
            sys.exit(1)
        if not isinstance(array._async_array.codec_pipeline, zarrs.ZarrsCodecPipeline):
            raise RuntimeError(f"zarr chose {type(array._async_array.codec_pipeline).__name__}, not zarrs' pipeline")
if not np.array_equal(read, values):
    print(f"affected: zarrs {zarrs.__version__} reads a v2 complex64 array with a null fill value as {read.tolist()}")
    sys.exit(1)
print(f"fixed: zarrs {zarrs.__version__} reads a v2 complex64 array with a null fill value")
sys.exit(0)
