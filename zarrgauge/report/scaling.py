"""The dask scaling table: each processing workload on each layout, what its graph costs (tasks, store
reads, bytes read) and its median time on each cluster shape (workers x threads) beside zarr-python's,
from one pytest-benchmark run per shape (scripts/dask-scaling)."""

from __future__ import annotations

from zarrgauge.catalogue.layouts import format_shape

ZARR_PYTHON = "zarr-python"
Key = tuple[str, str, str]  # family, layout, operation


def _layout(info: dict) -> str:
    shards = f" in {format_shape(info['shards'])}" if info["shards"] else ""
    return f"{info['layout']} {format_shape(info['chunks'])}{shards}"


def _key(bench: dict) -> Key:
    info = bench["extra_info"]
    return info["family"], _layout(info), info["operation"]


def scaling_rows(runs: dict[str, list[dict]]) -> list[dict]:
    """`runs`: a label ('zarr-python', or a shape 'WxT') -> that run's benchmarks. A row per workload
    and layout that dask ran: its graph's costs and each run's median in ms (None where a run lacks it)."""
    medians = {label: {_key(b): b["stats"]["median"] * 1e3 for b in benches} for label, benches in runs.items()}
    dask_info = {_key(b): b["extra_info"] for label, benches in runs.items() if label != ZARR_PYTHON
                 for b in benches}
    return [{"family": key[0], "layout": key[1], "operation": key[2], "tasks": info["dask_tasks"],
             "store_reads": info.get("dask_store_reads"), "mb_read": _mb(info.get("dask_bytes_read")),
             "ms": {label: by_key.get(key) for label, by_key in medians.items()}}
            for key, info in sorted(dask_info.items())]


def _mb(nbytes: int | None) -> float | None:
    return None if nbytes is None else nbytes / 1e6


def _cell(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def speedup(row: dict, slower: str, faster: str) -> float | None:
    """How many times faster the `faster` shape ran the row than the `slower` one."""
    before, after = row["ms"].get(slower), row["ms"].get(faster)
    return None if before is None or after is None else before / after


def scaling_table(rows: list[dict], labels: list[str]) -> str:
    """Markdown: a line per row, the median of each run in `labels` order, and the speed-up from one worker
    to two (single-threaded) when both shapes ran."""
    two_workers = "1x1" in labels and "2x1" in labels
    header = ["family", "layout", "operation", "tasks", "store reads", "MB read", *(f"{label} ms" for label in labels)]
    header += ["2x1 over 1x1"] if two_workers else []
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = [row["family"], row["layout"], row["operation"], str(row["tasks"]), str(row["store_reads"] or ""),
                 _cell(row["mb_read"], 2), *(_cell(row["ms"].get(label)) for label in labels)]
        cells += [_cell(speedup(row, "1x1", "2x1"), 2)] if two_workers else []
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
