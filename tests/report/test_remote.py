"""The report's object-storage section: each client beside the local store at every network, the
fastest remote choice, the concurrency curve, and opening a hierarchy."""

import copy
import json
from pathlib import Path

from zarrgauge.catalogue.stores import REMOTE_STORES
from zarrgauge.pytest_process import REPO
from zarrgauge.report.document import Image, Table
from zarrgauge.report.load import load_run
from zarrgauge.report.remote import fastest_remote, remote_rows, remote_section
from zarrgauge.report.remote_figures import CLIENT_COLOURS, concurrency_figure, concurrency_rows
from zarrgauge.report.remote_hierarchy import hierarchy_rows

SAMPLE = REPO / "tests" / "data" / "bench-quick-sample.json"
SERIES = "seasonal-series/chunks=8x64x64/zarr-default/v3/"


def remote_copies(document: dict, store: str, slower: float, extra_gets: int = 0, network: str = "none",
                  concurrency: int | None = None, peak: int = 10) -> list[dict]:
    """The sample's balanced series benchmarks again, as if timed on `store` under these conditions."""
    local = [b for b in document["benchmarks"] if b["extra_info"]["case"] == SERIES + "local"]
    suffix = ("" if network == "none" else f"@{network}") + (f"/concurrency={concurrency}" if concurrency else "")
    copies = []
    for bench in map(copy.deepcopy, local):
        if concurrency and bench["extra_info"]["operation"] != "read_full":
            continue
        bench["fullname"] = bench["fullname"].replace(SERIES + "local", SERIES + store + suffix)
        bench["extra_info"].update(case=SERIES + store + suffix, store=store, network=network,
                                   concurrency=concurrency or 10, timed_peak_in_flight=min(peak, concurrency or 10))
        bench["extra_info"]["store_get"] += extra_gets
        bench["stats"]["median"] *= slower
        bench["stats"]["data"] = [seconds * slower for seconds in bench["stats"]["data"]]
        copies.append(bench)
    return copies


def results_with(tmp_path, *copies: dict) -> Path:
    document = json.loads(SAMPLE.read_text())
    for options in copies:
        document["benchmarks"] += remote_copies(document, **options)
    path = tmp_path / "with-remote.json"
    path.write_text(json.dumps(document))
    return path


def test_each_remote_read_sits_beside_the_local_one(tmp_path):
    run = load_run(str(results_with(tmp_path, {"store": "s3-obstore", "slower": 3.0, "extra_gets": 2})))
    header, rows = remote_rows(run.records)
    assert header == ["family", "layout", "operation", "local", "s3-obstore"]
    by_operation = {row[2]: row for row in rows}
    assert list(by_operation) == ["read_full", "read_time", "read_space", "write"]  # catalogue order
    local, remote = by_operation["read_full"][3:]
    assert local == "34.8 ms (48 req)" and remote == "104 ms (50 req, 0 on the wire)"


def test_each_network_has_its_table_and_its_fastest_client(tmp_path):
    run = load_run(str(results_with(tmp_path, {"store": "s3-obstore", "slower": 3.0},
                                    {"store": "s3-obstore", "slower": 30.0, "network": "same-region"},
                                    {"store": "s3-fsspec", "slower": 60.0, "network": "same-region"})))
    header, rows = remote_rows(run.records, "same-region")
    assert header == ["family", "layout", "operation", "s3-obstore", "s3-fsspec"]
    read_full = next(row for row in rows if row[2] == "read_full")
    assert read_full[3:] == ["1.04 s (48 req, 0 on the wire)", "2.09 s (48 req, 0 on the wire)"]
    assert fastest_remote(run.records, "same-region")[0] == ("seasonal-series, read_full: **s3-obstore** with "
                                                             "balanced 8x64x64, 1.04 s; s3fs with its defaults "
                                                             "takes 2x (1.8–2.1) as long")
    blocks = remote_section(run)
    assert [b.name for b in blocks if isinstance(b, Image)] == ["network-seasonal-series.png"]


def test_a_client_within_the_noise_of_the_fastest_is_not_called_slower(tmp_path):
    run = load_run(str(results_with(tmp_path, {"store": "s3-obstore", "slower": 3.0},
                                    {"store": "s3-fsspec", "slower": 3.3})))
    assert fastest_remote(run.records, "none")[0].endswith("(as fast: s3-fsspec with balanced 8x64x64); s3fs "
                                                           "with its defaults is as fast as far as this run can tell")


def test_the_concurrency_sweep_is_a_table_and_a_curve(tmp_path):
    sweep = [{"store": store, "slower": slower / n, "network": "same-region", "concurrency": n, "peak": peak}
             for store, slower, peak in (("s3-obstore", 40.0, 64), ("s3-fsspec", 80.0, 10)) for n in (1, 10, 64)]
    run = load_run(str(results_with(tmp_path, {"store": "s3-obstore", "slower": 30.0, "network": "same-region"},
                                    *sweep)))
    header, rows = concurrency_rows(run.records)
    assert header == ["client", "network", "concurrency 1", "concurrency 10", "concurrency 64"]
    assert rows[1] == ["s3-fsspec", "same-region", "2.78 s (1 in flight)", "278 ms (10 in flight)",
                       "43.5 ms (10 in flight)"]
    figure = concurrency_figure(run.records)
    assert [len(ax.get_lines()) for ax in figure.axes] == [2]
    assert "concurrency.png" in [b.name for b in remote_section(run) if isinstance(b, Image)]
    # the sweep stays out of the network's table
    assert remote_rows(run.records, "same-region")[1][0][3:] == ["1.04 s (48 req, 0 on the wire)"]


def test_opening_a_hierarchy_has_a_row_per_client_and_network():
    def opened(group, store, network, median, gets):
        return {"group": group, "stats": {"median": median}, "extra_info": {
            "store": store, "zarr_format": 3, "network": network, "wire_get": gets}}

    header, rows = hierarchy_rows([opened("hierarchy open", "s3-fsspec", "same-region", 0.2, 6),
                                   opened("hierarchy open (consolidated)", "s3-fsspec", "same-region", 0.05, 2),
                                   opened("hierarchy open", "s3-obstore", "none", 0.01, 3),
                                   opened("hierarchy open", "local", "none", 0.001, 0)])
    assert header == ["client", "format", "network", "open, per node", "open, consolidated", "list members"]
    assert rows == [["s3-obstore", "v3", "none", "10 ms (3 req)", "", ""],
                    ["s3-fsspec", "v3", "same-region", "200 ms (6 req)", "50 ms (2 req)", ""]]


def test_every_client_has_its_own_colour():
    assert set(CLIENT_COLOURS) == set(REMOTE_STORES) and len(set(CLIENT_COLOURS.values())) == len(REMOTE_STORES)


def test_the_section_says_when_no_remote_store_was_timed():
    blocks = remote_section(load_run(str(SAMPLE)))
    assert not any(isinstance(block, Table) for block in blocks)
    assert blocks[-1].text == "These results time no remote store."
