"""The zarr2 engine's probe worker (zarrgauge/engines/probe_runs.py): run by the Python of the zarr 2
environment, never importing zarrgauge.

    python zarr2_probe_worker.py PROBES_FILE    # one JSON line per probe on stdout: its steps' answers

Each step reads or writes a selection of the probe's array through zarr 2's own spellings: indexing
(basic), `oindex` (orthogonal), `vindex` (coordinate) and get/set_mask_selection (mask). Values travel as
raw little-endian float64 in C order; a read's answer gives the shape it wrote.
"""

import json
import sys

import numpy as np
import zarr

EXCHANGE = np.dtype("<f8")


def python_item(item):
    """One selection item in the form catalogue/engine_indexing.py declares, as zarr takes it."""
    if item == "...":
        return Ellipsis
    if isinstance(item, dict) and "slice" in item:
        return slice(*item["slice"])
    if isinstance(item, dict):
        return np.array(item.get("ints", item.get("bools")), dtype=bool if "bools" in item else np.intp)
    return item


def selection_of(step):
    items = tuple(python_item(item) for item in step["selection"])
    return items[0] if len(items) == 1 else items


def read(array, step):
    selection = selection_of(step)
    if step["mode"] == "mask":
        values = array.get_mask_selection(selection)
    else:
        values = {"basic": array, "orthogonal": array.oindex, "coordinate": array.vindex}[step["mode"]][selection]
    values = np.asarray(values)
    values.astype(EXCHANGE).tofile(step["out"])
    return {"status": "done", "shape": list(values.shape)}


def write(array, step):
    selection = selection_of(step)
    if "scalar" in step:
        values = step["scalar"]
    else:
        values = np.fromfile(step["values"], dtype=EXCHANGE).reshape(step["shape"])
    if step["mode"] == "mask":
        array.set_mask_selection(selection, values)
    else:
        {"basic": array, "orthogonal": array.oindex, "coordinate": array.vindex}[step["mode"]][selection] = values
    return {"status": "done"}


def answer(array, step):
    try:
        return (read if step["op"] == "read" else write)(array, step)
    except Exception as error:  # a refusal is an answer the test judges; the probe goes on
        return {"status": "error", "message": f"{type(error).__name__}: {error}"}


def main():
    answers = sys.stdout
    sys.stdout = sys.stderr  # whatever zarr or numcodecs might print must not pass for an answer
    with open(sys.argv[1]) as probes_file:
        probes = json.load(probes_file)
    for probe in probes:
        try:
            array = zarr.open_array(probe["path"], mode="r+")
            line = [answer(array, step) for step in probe["steps"]]
        except Exception as error:  # the array did not open: every step fails alike
            line = [{"status": "error", "message": f"{type(error).__name__}: {error}"}] * len(probe["steps"])
        answers.write(json.dumps(line) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
