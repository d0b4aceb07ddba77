"""The object-storage section: each client's time and store requests per read pattern and write,
beside the local store's, on the same layouts."""

from __future__ import annotations

from zarrgauge.catalogue.operations import TIMED_OPERATIONS
from zarrgauge.catalogue.stores import REMOTE_STORES
from zarrgauge.report.document import Block, Heading, Paragraph, Table
from zarrgauge.report.load import Record, Run, families
from zarrgauge.report.style import format_seconds

REFERENCE_STORE = "local"


def _cell(record: Record | None) -> str:
    if record is None:
        return ""
    wire = f", {record.wire_requests} on the wire" if record.store in REMOTE_STORES else ""
    return f"{format_seconds(record.median)} ({record.requests} req{wire})"


def remote_rows(records: list[Record]) -> tuple[list[str], list[list[str]]]:
    """A row per family, layout and operation timed on a remote store; a column per store."""
    remote = [r for r in records if r.store in REMOTE_STORES and r.zarr_format == 3]
    stores = [REFERENCE_STORE, *(store for store in REMOTE_STORES if any(r.store == store for r in remote))]
    by_place = {(r.family, r.layout_label, r.operation, r.codec, r.store): r for r in records if r.zarr_format == 3}
    family_rank = {family: rank for rank, family in enumerate(families(remote))}
    places = sorted(dict.fromkeys((r.family, r.layout_label, r.operation, r.codec) for r in remote),
                    key=lambda p: (family_rank[p[0]], p[1], TIMED_OPERATIONS.index(p[2])))
    rows = [[family, layout, operation, *(_cell(by_place.get((family, layout, operation, codec, store)))
                                          for store in stores)]
            for family, layout, operation, codec in places]
    return ["family", "layout", "operation", *stores], rows


def remote_section(run: Run) -> list[Block]:
    header, rows = remote_rows(run.records)
    blocks: list[Block] = [
        Heading("Object storage"),
        Paragraph("Median time and store requests of each client over an S3 server on loopback (moto, no added "
                  "latency: the server's own speed, about 300 requests a second, bounds every client), beside the "
                  "local store on the same layout and codec. `s3-fsspec` is s3fs with its defaults, "
                  "`s3-fsspec-tuned` adds `max_concurrency=1` and a connection pool as large as zarr's concurrency. "
                  "Requests are counted twice: those zarr made of the store, and the HTTP requests that reached "
                  "the server through zarrgauge's wire proxy, which include what a client adds (s3fs's defaults "
                  "send a HEAD before every GET)."),
    ]
    if not rows:
        return blocks + [Paragraph("These results time no remote store.")]
    return blocks + [Table(header, rows)]
