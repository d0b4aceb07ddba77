"""The dask scaling table matches each run's medians to its workload and layout."""

from zarrgauge.report.scaling import scaling_rows, scaling_table


def bench(layout: str, chunks: list[int], median_s: float, shards=None, tasks: int | None = None) -> dict:
    info = {"family": "seasonal-series", "layout": layout, "chunks": chunks, "shards": shards,
            "operation": "seasonal_stats"}
    if tasks is not None:
        info.update(dask_tasks=tasks, dask_store_reads=tasks // 4, dask_bytes_read=5_460_000)
    return {"extra_info": info, "stats": {"median": median_s}}


RUNS = {
    "zarr-python": [bench("balanced", [8, 64, 64], 0.05), bench("time", [48, 16, 16], 0.08)],
    "1x1": [bench("balanced", [8, 64, 64], 1.2, tasks=217), bench("time", [48, 16, 16], 2.9, tasks=1025)],
    "2x1": [bench("balanced", [8, 64, 64], 0.6, tasks=217)],
}


def test_each_row_holds_every_runs_median_of_its_layout():
    rows = {row["layout"]: row for row in scaling_rows(RUNS)}
    assert rows["balanced 8x64x64"]["ms"] == {"zarr-python": 50.0, "1x1": 1200.0, "2x1": 600.0}
    assert rows["time 48x16x16"]["ms"] == {"zarr-python": 80.0, "1x1": 2900.0, "2x1": None}
    assert (rows["time 48x16x16"]["tasks"], rows["time 48x16x16"]["store_reads"]) == (1025, 256)


def test_the_table_gives_the_speed_up_of_a_second_worker_and_leaves_missing_runs_blank():
    table = scaling_table(scaling_rows(RUNS), ["zarr-python", "1x1", "2x1"]).splitlines()
    assert table[0].endswith("| 2x1 over 1x1 |")
    assert table[2].endswith("| 50.0 | 1200.0 | 600.0 | 2.00 |")
    assert table[3].endswith("| 80.0 | 2900.0 |  |  |")


def test_a_sharded_layout_names_its_shards():
    rows = scaling_rows({"1x1": [bench("sharded", [4, 32, 64], 0.5, shards=[16, 64, 128], tasks=57)]})
    assert rows[0]["layout"] == "sharded 4x32x64 in 16x64x128"
