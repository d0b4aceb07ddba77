"""Metrics beyond time, for benchmark.extra_info."""

from __future__ import annotations

import math

import zarr

from zarrgauge.catalogue.cases import DEFAULT_CACHE, ArrayCase, NodeCase
from zarrgauge.catalogue.stores import REMOTE_STORES
from zarrgauge.harness.measure.conditions import concurrency
from zarrgauge.objectstore.s3 import forget_listings

WIRE_READS = ("wire_get", "wire_get_range", "wire_head")
STORE_READS = ("store_get", "store_get_partial")


def stored_bytes(array: zarr.Array) -> int:
    """What the array's objects hold; measuring it lists them, and that listing is forgotten again."""
    size = int(array.nbytes_stored())
    forget_listings(array.store)
    return size


def codec_description(array: zarr.Array) -> str:
    """The pipeline zarr actually built (resolves 'zarr-default' to its real codecs)."""
    meta = array.metadata
    if meta.zarr_format == 3:
        return " | ".join(type(c).__name__ + _codec_args(c) for c in meta.codecs)
    parts = [repr(f) for f in meta.filters or ()] + ([repr(meta.compressor)] if meta.compressor else [])
    return " | ".join(parts) or "none"


def _codec_args(codec) -> str:
    config = codec.to_dict().get("configuration", {})
    return f"({', '.join(f'{k}={v}' for k, v in config.items() if k != 'codecs')})" if config else ""


def case_info(case: ArrayCase, array: zarr.Array) -> dict:
    """Everything a results reader needs to interpret one array case's timing."""
    stored = stored_bytes(array)
    nbytes = math.prod(array.shape) * array.dtype.itemsize
    return {
        "case": case.id,
        "family": case.family.name,
        "shape": list(array.shape),
        "dtype": str(array.dtype),
        "layout": case.layout.role,
        "chunks": list(case.layout.chunks),
        "shards": list(case.layout.shards) if case.layout.shards else None,
        "nchunks": case.layout.nchunks(array.shape),
        "nshards": case.layout.nshards(array.shape),
        "codec": case.codec.name,
        "codec_pipeline": codec_description(array),
        "lossless": case.codec.lossless,
        "zarr_format": case.zarr_format,
        "store": case.store,
        "tier": case.tier,
        "nbytes": nbytes,
        "stored_bytes": stored,
        "compression_ratio": round(nbytes / stored, 4),
        "concurrency": concurrency(case),
        **({"cache": case.cache} if case.cache != DEFAULT_CACHE else {}),
        **({"network": case.network} if case.store in REMOTE_STORES else {}),
    }


def node_case_info(case: NodeCase) -> dict:
    """What a results reader needs of a hierarchy or attributes case."""
    return {"case": case.id, "zarr_format": case.zarr_format, "store": case.store, "tier": case.tier,
            **({"network": case.network} if case.store in REMOTE_STORES else {})}


def read_metrics(case: ArrayCase, selections: list, metrics: dict[str, int], bytes_returned: int) -> dict:
    """Chunks a read touches, the requests it costs per chunk (at the wire for a remote store) and
    its read amplification: bytes fetched from the store per byte returned."""
    chunks = sum(case.layout.chunks_touched(case.source.shape, selection) for selection in selections)
    counted = WIRE_READS if WIRE_READS[0] in metrics else STORE_READS
    requests = sum(metrics[key] for key in counted)
    return {"chunks_read": chunks, "requests_per_chunk": round(requests / chunks, 3),
            "read_amplification": round(metrics["bytes_read"] / bytes_returned, 4)}
