"""tensorstore's zarr driver refuses a zarr v2 fixed-length bytes fill value unless it is base64 of all the
dtype's bytes: "Expected 4 base64-encoded bytes". zarr 2 and zarr-python write base64 of numpy's value, whose
trailing NULs numpy drops: fill value b"zz" of dtype "|S4" is written "eno=", so tensorstore cannot open those
arrays at all. The v2 spec asks for the fill value "encoded as an ASCII string using the standard Base64
alphabet", and says nothing of padding it to the item size.

Expected: tensorstore opens the array and reads the fill value as b"zz\\x00\\x00", as zarr-python and zarr 2 do.
Without tensorstore it exits 2, "needs tensorstore".
Interop: tensorstore-short-base64-fill (zarrgauge/interop/known_bugs.py; make interop)
"""
import json
import sys
import tempfile
from pathlib import Path

try:
    import tensorstore as ts
except ImportError:
    print("needs tensorstore, which this Python does not have")
    sys.exit(2)

zarray = {"zarr_format": 2, "shape": [2], "chunks": [2], "dtype": "|S4", "fill_value": "eno=", "order": "C",
          "compressor": None, "filters": None}  # "eno=": b"zz", as zarr writes fill_value=b"zz"
with tempfile.TemporaryDirectory() as path:
    (Path(path) / ".zarray").write_text(json.dumps(zarray))
    try:
        store = ts.open({"driver": "zarr", "kvstore": {"driver": "file", "path": f"{path}/"}}, open=True).result()
    except ValueError as error:
        print(f"affected: tensorstore cannot open a v2 '|S4' array whose fill value is \"eno=\": {error}"[:300])
        sys.exit(1)
print(f"fixed: tensorstore opens a v2 '|S4' array whose fill value is \"eno=\" ({store.dtype})")
sys.exit(0)
