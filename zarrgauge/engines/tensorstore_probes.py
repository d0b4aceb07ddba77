"""tensorstore's answers to the probes of probes.py, through its own spellings: indexing (basic),
`oindex` (orthogonal), `vindex` (coordinate and mask) and `translate_to[origin]` (translated)."""

from __future__ import annotations

import numpy as np
import tensorstore as ts

from zarrgauge.engines.probes import Answer, Probe, Step, error_answer, python_selection
from zarrgauge.engines.tensorstore import spec

VIEWS = {"basic": lambda store: store, "translated": lambda store: store, "orthogonal": lambda store: store.oindex,
         "coordinate": lambda store: store.vindex, "mask": lambda store: store.vindex}


def run_probe(probe: Probe) -> list[Answer]:
    try:
        store = ts.open(spec(probe.path, probe.zarr_format), open=True, read=True, write=True).result()
    except Exception as error:  # every step fails alike; the test shows why
        return [error_answer(error)] * len(probe.steps)
    return [_step(store, step) for step in probe.steps]


def _step(store: ts.TensorStore, step: Step) -> Answer:
    try:
        if step.origin is not None:
            store = store.translate_to[step.origin]
        indexed = VIEWS[step.mode](store)[python_selection(step.selection)]
        if step.op == "read":
            return Answer("done", values=np.asarray(indexed.read().result()))
        indexed.write(step.values).result()
        return Answer("done")
    except Exception as error:  # a refusal is an answer the test judges
        return error_answer(error)
