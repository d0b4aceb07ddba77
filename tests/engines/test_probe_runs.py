"""probe_runs: a batch of probes goes to a worker process, its answers come back in order, and a worker that
dies costs the probe it was on, a crash, while a new worker answers the rest."""

import sys
import textwrap
from pathlib import Path

import numpy as np

from zarrgauge.engines.probe_runs import _out_of_process
from zarrgauge.engines.probes import Probe, Step, python_selection

# A worker in the protocol: each read answers 0, 1, 2 as a 3-element float64 array; a probe whose path ends
# in "dies" kills the worker.
WORKER = textwrap.dedent("""
    import json, os, sys
    import numpy as np
    for probe in json.load(open(sys.argv[1])):
        if probe["path"].endswith("dies"):
            sys.stderr.write("the worker fell over\\n")
            sys.stderr.flush()
            os._exit(3)
        for step in probe["steps"]:
            np.arange(3, dtype="<f8").tofile(step["out"])
        print(json.dumps([{"status": "done", "shape": [3]}] * len(probe["steps"])), flush=True)
""")


def _read_probe(name: str) -> Probe:
    return Probe(Path(name), 3, (Step("read", "basic", ({"slice": [None, None, None]},)),))


def test_a_dead_worker_costs_its_probe_and_a_new_one_answers_the_rest(tmp_path):
    probes = [_read_probe("a"), _read_probe("dies"), _read_probe("b")]
    answers = _out_of_process([sys.executable, "-c", WORKER], probes)
    assert [answer.status for (answer,) in answers] == ["done", "crash", "done"]
    assert answers[1][0].message == "the worker exited with status 3: the worker fell over"
    assert answers[2][0].values is not None and answers[2][0].values.tolist() == [0.0, 1.0, 2.0]


def test_selection_items_become_what_numpy_takes():
    items = (3, "...", {"slice": [1, None, -2]}, {"ints": [[0, 1]]}, {"bools": [True, False]})
    three, ellipsis, step, ints, bools = python_selection(items)
    assert (three, ellipsis, step) == (3, Ellipsis, slice(1, None, -2))
    assert ints.dtype == np.intp and ints.shape == (1, 2) and bools.dtype == bool
    assert python_selection((5,)) == 5
