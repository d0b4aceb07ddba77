"""A case's network and concurrency: applied while it is timed, and nowhere else."""

from dataclasses import replace

import zarr

from zarrgauge.catalogue.cases import array_cases
from zarrgauge.catalogue.layouts import Layout
from zarrgauge.harness.data.array_cache import ArrayCache
from zarrgauge.harness.measure.conditions import on_network
from zarrgauge.harness.measure.timing import time_operation
from zarrgauge.testing.benchmark import RecordingBenchmark

SERIES = "seasonal-series/chunks=8x64x64/zarr-default/v3/s3-obstore"


def test_a_remote_read_is_timed_on_its_network_and_concurrency_and_counted_alike(fresh_scratch):
    base = next(case for case in array_cases("quick") if case.id == SERIES)
    slow = replace(base, network="same-region", concurrency=4)
    array = ArrayCache(fresh_scratch)(slow)  # shared with `base`: the same stored array
    infos = []
    for case in (base, slow):
        bench = RecordingBenchmark()
        time_operation(bench, case, array, "read_full")
        infos.append(bench.extra_info)
    assert infos[1]["case"] == SERIES + "@same-region/concurrency=4"
    assert (infos[1]["network"], infos[1]["concurrency"]) == ("same-region", 4)
    # The proxy counts a request in flight until its response's last byte is out, by which time the client
    # may have sent the next: one more than the concurrency can be seen on a loaded machine.
    assert 1 < infos[1]["timed_peak_in_flight"] <= 4 + 1 < infos[0]["timed_peak_in_flight"]
    assert {k: v for k, v in infos[0].items() if k.startswith("wire_")} == \
           {k: v for k, v in infos[1].items() if k.startswith("wire_")}
    assert (infos[0]["chunks_read"], infos[0]["wire_get"], infos[0]["requests_per_chunk"]) == (48, 48, 1.0)
    assert fresh_scratch.bucket.wire.profile == "none"
    assert zarr.config.get("async.concurrency") != 4


def test_the_network_is_restored_after_a_failure(fresh_scratch):
    wire = fresh_scratch.bucket.wire
    try:
        with on_network(wire, "cross-region"):
            assert wire.profile == "cross-region"
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert wire.profile == "none"


def test_chunks_touched_counts_each_overlapped_chunk_once():
    layout, shape = Layout("balanced", (8, 64, 64)), (48, 128, 256)
    assert layout.chunks_touched(shape, (slice(None),) * 3) == 6 * 2 * 4
    assert layout.chunks_touched(shape, (slice(None), 64, 128)) == 6
    assert layout.chunks_touched(shape, (7, slice(63, 65))) == 1 * 2 * 4
    assert layout.chunks_touched(shape, (slice(5, 5),)) == 0
