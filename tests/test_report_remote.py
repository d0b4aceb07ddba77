"""The report's object-storage section: each client beside the local store, time and requests."""

import copy
import json
from pathlib import Path

from zarrgauge.report.document import Table
from zarrgauge.report.load import load_run
from zarrgauge.report.remote import remote_rows, remote_section

SAMPLE = Path(__file__).parent / "data" / "bench-quick-sample.json"
SERIES = "seasonal-series/chunks=8x64x64/zarr-default/v3/"


def with_remote_copies(tmp_path, store: str, slower: float, extra_gets: int) -> Path:
    """The recorded sample plus its balanced series benchmarks again, as if timed on `store`."""
    document = json.loads(SAMPLE.read_text())
    local = [b for b in document["benchmarks"] if b["extra_info"]["case"] == SERIES + "local"]
    for bench in map(copy.deepcopy, local):
        bench["fullname"] = bench["fullname"].replace(SERIES + "local", SERIES + store)
        bench["extra_info"].update(case=SERIES + store, store=store)
        bench["extra_info"]["store_get"] += extra_gets
        bench["stats"]["median"] *= slower
        document["benchmarks"].append(bench)
    path = tmp_path / "with-remote.json"
    path.write_text(json.dumps(document))
    return path


def test_each_remote_read_sits_beside_the_local_one(tmp_path):
    run = load_run(str(with_remote_copies(tmp_path, "s3-obstore", slower=3.0, extra_gets=2)))
    header, rows = remote_rows(run.records)
    assert header == ["family", "layout", "operation", "local", "s3-obstore"]
    by_operation = {row[2]: row for row in rows}
    assert list(by_operation) == ["read_full", "read_time", "read_space", "write"]  # catalogue order
    local, remote = by_operation["read_full"][3:]
    assert local == "34.8 ms (48 req)" and remote == "104 ms (50 req, 0 on the wire)"


def test_the_section_says_when_no_remote_store_was_timed():
    blocks = remote_section(load_run(str(SAMPLE)))
    assert not any(isinstance(block, Table) for block in blocks)
    assert blocks[-1].text == "These results time no remote store."
