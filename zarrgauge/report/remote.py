"""The object-storage section: each client's time and requests per read pattern and write, beside
the local store's, at every network timed; the fastest remote choice per read pattern; the
concurrency curve; opening and listing a hierarchy."""

from __future__ import annotations

from zarrgauge.catalogue.networks import DEFAULT_NETWORK, PROFILES
from zarrgauge.catalogue.operations import TIMED_OPERATIONS, WRITES
from zarrgauge.catalogue.stores import REMOTE_STORES
from zarrgauge.report.document import Block, Bullets, Heading, Image, Paragraph, Table
from zarrgauge.report.load import Record, Run, families
from zarrgauge.report.remote_figures import concurrency_figure, concurrency_rows, network_figure
from zarrgauge.report.remote_hierarchy import hierarchy_rows
from zarrgauge.report.style import format_seconds
from zarrgauge.report.ties import clearly_faster, speed_ties, speedup

REFERENCE_STORE = "local"
DEFAULT_CLIENT = "s3-fsspec"  # what a user who installs s3fs and opens an s3:// URL gets


def _cell(record: Record | None) -> str:
    if record is None:
        return ""
    wire = f", {record.wire_requests} on the wire" if record.store in REMOTE_STORES else ""
    return f"{format_seconds(record.median)} ({record.requests} req{wire})"


def remote_records(records: list[Record], network: str | None = None) -> list[Record]:
    """The remote records at zarr's default concurrency, on `network` (every network when None)."""
    return [r for r in records if r.store in REMOTE_STORES and r.zarr_format == 3 and not r.swept
            and (network is None or r.network == network)]


def networks(records: list[Record]) -> list[str]:
    timed = {r.network for r in remote_records(records)}
    return [name for name in PROFILES if name in timed]


def _places(remote: list[Record]) -> list[tuple[str, str, str, str]]:
    """(family, layout, operation, codec) of each remote record, in catalogue order."""
    family_rank = {family: rank for rank, family in enumerate(families(remote))}
    return sorted(dict.fromkeys((r.family, r.layout_label, r.operation, r.codec) for r in remote),
                  key=lambda p: (family_rank[p[0]], p[1], TIMED_OPERATIONS.index(p[2])))


def remote_rows(records: list[Record], network: str = DEFAULT_NETWORK) -> tuple[list[str], list[list[str]]]:
    """A row per family, layout and operation timed on a remote store at `network`; a column per
    store, the local one first when these results time it (it has no network)."""
    remote = remote_records(records, network)
    here = [r for r in records if r.zarr_format == 3 and not r.swept and r.network == network]
    timed = {r.store for r in here}
    stores = [store for store in (REFERENCE_STORE, *REMOTE_STORES) if store in timed]
    by_place = {(r.family, r.layout_label, r.operation, r.codec, r.store): r for r in here}
    rows = [[family, layout, operation, *(_cell(by_place.get((family, layout, operation, codec, store)))
                                          for store in stores)]
            for family, layout, operation, codec in _places(remote)]
    return ["family", "layout", "operation", *stores], rows


def fastest_remote(records: list[Record], network: str) -> list[str]:
    """Per family and read pattern at `network`: the fastest client and layout, the others this run cannot
    tell from it (the recommendation's rule, report/ties.py), and how much longer s3fs with its defaults
    takes on the same layout."""
    remote = [r for r in remote_records(records, network) if r.operation not in WRITES]
    sentences = []
    for family, operation in dict.fromkeys((family, operation) for family, _, operation, _ in _places(remote)):
        best, *tied = speed_ties(r for r in remote if (r.family, r.operation) == (family, operation))
        default = next((r for r in remote if (r.family, r.operation, r.store, r.layout) ==
                        (family, operation, DEFAULT_CLIENT, best.layout)), None)
        also = f" (as fast: {', '.join(f'{r.store} with {r.layout_label}' for r in tied)})" if tied else ""
        sentences.append(f"{family}, {operation}: **{best.store}** with {best.layout_label}, "
                         f"{format_seconds(best.median)}{also}{_against_default(best, default)}")
    return sentences


def _against_default(best: Record, default: Record | None) -> str:
    if default is None or default is best:
        return ""
    if not clearly_faster(best, default):
        return "; s3fs with its defaults is as fast as far as this run can tell"
    return f"; s3fs with its defaults takes {speedup(default, best).text()} as long"


def _network_blocks(run: Run) -> list[Block]:
    blocks: list[Block] = []
    for network in networks(run.records):
        profile = PROFILES[network]
        throttle = "unthrottled" if profile.bandwidth is None else f"{profile.bandwidth / 1e6:.0f} MB/s per connection"
        added = "no added latency" if not profile.latency else f"{profile.latency * 1e3:.0f} ms per request, {throttle}"
        header, rows = remote_rows(run.records, network)
        blocks += [Heading(f"Network `{network}` ({added})", 3), Table(header, rows),
                   Paragraph("Fastest remote choice per read pattern:"), Bullets(fastest_remote(run.records, network))]
    if len(networks(run.records)) > 1:
        for family in families(remote_records(run.records)):
            blocks.append(Image(f"network-{family}.png", network_figure(remote_records(run.records), family),
                                f"{family}: median time of each client against the network, per operation"))
    return blocks


def _concurrency_blocks(run: Run) -> list[Block]:
    header, rows = concurrency_rows(run.records)
    if not rows:
        return []
    return [Heading("Concurrency", 3),
            Paragraph("The series' many-chunk full read at each `async.concurrency` (`--zarr-concurrency`): median "
                      "time, and the most requests the wire proxy saw in flight while it was timed. s3fs with its "
                      "defaults keeps at most 10 connections (botocore's pool), whatever zarr allows."),
            Table(header, rows), Image("concurrency.png", concurrency_figure(run.records),
                                       "Median time of the many-chunk read against async.concurrency, per client")]


def _hierarchy_blocks(run: Run) -> list[Block]:
    header, rows = hierarchy_rows(run.benchmarks)
    if not rows:
        return []
    return [Heading("Opening and listing a hierarchy", 3),
            Paragraph("The tutorial's experiment tree: time to its first array from the root, reading each node's "
                      "metadata or the consolidated metadata, and listing every member; median time and the HTTP "
                      "requests that reached the server."),
            Table(header, rows)]


def remote_section(run: Run) -> list[Block]:
    blocks: list[Block] = [
        Heading("Object storage"),
        Paragraph("Median time and store requests of each client over a server on loopback (moto for the S3 "
                  "clients, about 300 requests a second, which bounds every client once latency is low; Azurite, "
                  "Azure's emulator, for `azure-obstore`), beside the local store on the same layout and codec. "
                  "zarrgauge's wire proxy adds each network's latency and bandwidth. "
                  "`s3-fsspec` is s3fs with its defaults, `s3-fsspec-tuned` adds `max_concurrency=1` and a "
                  "connection pool as large as zarr's concurrency. Requests are counted twice: those zarr made of "
                  "the store, and the HTTP requests that reached the server, which include what a client adds "
                  "(s3fs's defaults send a HEAD before every GET)."),
    ]
    if not remote_records(run.records):
        return blocks + [Paragraph("These results time no remote store.")]
    return blocks + _network_blocks(run) + _concurrency_blocks(run) + _hierarchy_blocks(run)
