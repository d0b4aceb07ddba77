"""The zarr2 engine's worker: run by the Python of the zarr 2 environment, never importing zarrgauge.

    python zarr2_worker.py TASKS_FILE    # one JSON answer line per task, in order, on stdout
    python zarr2_worker.py --version     # the zarr version of this environment

The protocol is zarrgauge/engines/outofprocess.py's: a write creates the array with zarr 2's own
API from the .zarray document in "metadata" and writes the values file into "region"; a read
writes the whole array to "out". Values travel as raw little-endian C-order bytes, bool as uint8,
strings (dtype "string": an object array with the vlen-utf8 filter) as a JSON list.
"""

import base64
import json
import sys

import numcodecs
import numpy as np
import zarr

NAMED_FLOATS = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}
STRING = "string"


def exchange_dtype(dtype):
    dt = np.dtype(dtype)
    return np.dtype("u1") if dt.kind == "b" else dt.newbyteorder("<")


def fill_value(value, dtype):
    """A .zarray fill value from its JSON form: "NaN", "Infinity", "-Infinity", a number, [re, im], or base64
    for fixed-length bytes."""
    if isinstance(value, list):
        return complex(*(fill_value(part, dtype) for part in value))
    if isinstance(value, str) and np.dtype(dtype).kind == "S":
        return base64.b64decode(value)
    return NAMED_FLOATS.get(value, value) if isinstance(value, str) else value


def load(path, dtype):
    if dtype == STRING:
        with open(path) as file:
            return np.array(json.load(file), dtype=object)
    values = np.fromfile(path, dtype=exchange_dtype(dtype))
    return values.astype(bool) if np.dtype(dtype).kind == "b" else values


def create(task):
    """The array as the .zarray document says, or from its shape, dtype and chunks alone (zarr 2's defaults)."""
    meta = task["metadata"]
    if task["defaults"]:
        dtype = str if task["dtype"] == STRING else meta["dtype"]
        return zarr.open_array(task["path"], mode="w-", shape=tuple(meta["shape"]), chunks=tuple(meta["chunks"]),
                               dtype=dtype)
    compressor, filters = meta["compressor"], meta["filters"]
    array = zarr.open_array(
        task["path"], mode="w-", shape=tuple(meta["shape"]), chunks=tuple(meta["chunks"]), dtype=meta["dtype"],
        compressor=None if compressor is None else numcodecs.get_codec(dict(compressor)),
        fill_value=fill_value(meta["fill_value"], meta["dtype"]), order=meta["order"],
        filters=None if filters is None else [numcodecs.get_codec(dict(f)) for f in filters],
        dimension_separator=meta.get("dimension_separator", "."))
    array.attrs.update(task["attributes"])
    return array


def write(task):
    array = create(task)
    region = tuple(slice(start, stop) for start, stop in task["region"])
    array[region] = load(task["values"], task["dtype"]).reshape([stop - start for start, stop in task["region"]])


def read(task):
    array = zarr.open_array(task["path"], mode="r")
    # The runner reads the out file as the case's dtype and shape: anything else must be an error here.
    native = array.dtype.newbyteorder("=")
    wanted = np.dtype(object) if task["dtype"] == STRING else np.dtype(task["dtype"]).newbyteorder("=")
    if native != wanted or list(array.shape) != task["shape"]:
        raise TypeError(f"the array is {native} {list(array.shape)}, the case {task['dtype']} {task['shape']}")
    if task["dtype"] == STRING:
        with open(task["out"], "w") as out:
            json.dump(array[...].ravel().tolist(), out)
    else:
        np.ascontiguousarray(array[...]).astype(exchange_dtype(task["dtype"])).tofile(task["out"])
    said = {"attributes": array.attrs.asdict()}  # v2 has no dimension names
    return {name: said[name] for name in task["properties"] if name in said}


def main():
    if sys.argv[1:] == ["--version"]:
        print(zarr.__version__)
        return
    answers = sys.stdout
    sys.stdout = sys.stderr  # whatever zarr or numcodecs might print must not pass for an answer
    with open(sys.argv[1]) as tasks_file:
        tasks = json.load(tasks_file)
    for task in tasks:
        try:
            if task["op"] == "write":
                write(task)
                answer = {"status": "done"}
            else:
                answer = {"status": "done", "properties": read(task)}
        except Exception as error:  # one failed task is one error cell; the batch goes on
            answer = {"status": "error", "message": f"{type(error).__name__}: {error}"}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
