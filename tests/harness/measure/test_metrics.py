"""Metrics beside a case's time (zarrgauge.harness.measure.metrics): what was stored and how, and a
read's chunks, requests per chunk and amplification, from the counts of the store or of the wire."""

import math
from dataclasses import replace

import zarr

from zarrgauge.catalogue.cases import array_cases
from zarrgauge.harness.data.arrays import create
from zarrgauge.harness.measure.counting_store import CountingStore
from zarrgauge.harness.measure.metrics import case_info, codec_description, read_metrics

SERIES_V3 = "seasonal-series/chunks=8x64x64/zarr-default/v3/memory"
SERIES_PLAIN = "seasonal-series/chunks=8x64x64/none/v3/local"


def _case(case_id: str):
    return next(case for case in array_cases("quick") if case.id == case_id)


def _stored(case) -> zarr.Array:
    """The case's array holding one constant, which every codec but `none` stores smaller."""
    array = create(case, CountingStore(zarr.storage.MemoryStore()))
    array[:] = 1.5
    return array


def test_case_info_describes_the_array_as_stored():
    case = _case(SERIES_V3)
    array = _stored(case)
    info = case_info(case, array)
    assert info["case"] == SERIES_V3 and info["shape"] == list(case.source.shape)
    assert info["nchunks"] == math.prod(-(-n // c) for n, c in zip(case.source.shape, case.layout.chunks))
    assert info["nbytes"] == math.prod(case.source.shape) * 4
    assert info["stored_bytes"] == int(array.nbytes_stored()) < info["nbytes"]  # a constant compresses
    assert info["compression_ratio"] == round(info["nbytes"] / info["stored_bytes"], 4)
    assert "network" not in info  # only remote stores have one


def test_the_codec_pipeline_is_the_one_zarr_built():
    assert "ZstdCodec" in codec_description(_stored(_case(SERIES_V3)))
    assert codec_description(_stored(replace(_case(SERIES_PLAIN), zarr_format=2))) == "none"
    assert "Zstd" in codec_description(_stored(replace(_case(SERIES_V3), zarr_format=2)))


def test_a_read_is_counted_at_the_wire_when_there_is_one():
    case = _case(SERIES_V3)
    whole = (slice(None),) * 3
    store_counts = {"store_get": 48, "store_get_partial": 0, "bytes_read": 4000}
    assert read_metrics(case, [whole], store_counts, 2000) == \
        {"chunks_read": 48, "requests_per_chunk": 1.0, "read_amplification": 2.0}
    on_the_wire = {**store_counts, "wire_get": 48, "wire_get_range": 0, "wire_head": 48}
    assert read_metrics(case, [whole], on_the_wire, 2000)["requests_per_chunk"] == 2.0
