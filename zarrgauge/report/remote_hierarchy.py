"""Opening and listing the experiment hierarchy on each remote client: from the raw benchmarks,
since hierarchy cases belong to no data family."""

from __future__ import annotations

from zarrgauge.catalogue.networks import DEFAULT_NETWORK, PROFILES
from zarrgauge.catalogue.stores import REMOTE_STORES
from zarrgauge.report.load import wire_requests
from zarrgauge.report.style import format_seconds

# benchmark group -> column
HIERARCHY_GROUPS = {"hierarchy open": "open, per node", "hierarchy open (consolidated)": "open, consolidated",
                    "hierarchy list": "list members"}


def _cell(bench: dict) -> str:
    return f"{format_seconds(bench['stats']['median'])} ({wire_requests(bench['extra_info'])} req)"


def hierarchy_rows(benchmarks: list[dict]) -> tuple[list[str], list[list[str]]]:
    """A row per client, format and network; a column per way of reading the tree."""
    timed = [b for b in benchmarks if b.get("group") in HIERARCHY_GROUPS
             and b.get("extra_info", {}).get("store") in REMOTE_STORES and "median" in b.get("stats", {})]
    cells: dict[tuple, dict[str, str]] = {}
    for bench in timed:
        info = bench["extra_info"]
        place = (info["store"], f"v{info['zarr_format']}", info.get("network", DEFAULT_NETWORK))
        cells.setdefault(place, {})[HIERARCHY_GROUPS[bench["group"]]] = _cell(bench)
    places = sorted(cells, key=lambda p: (REMOTE_STORES.index(p[0]), p[1], list(PROFILES).index(p[2])))
    columns = list(HIERARCHY_GROUPS.values())
    return (["client", "format", "network", *columns],
            [[*place, *(cells[place].get(column, "") for column in columns)] for place in places])
