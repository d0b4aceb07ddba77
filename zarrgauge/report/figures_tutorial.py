"""The tutorial's closing 2x3 figure, drawn from zarrgauge's own data families and results.

The data come from the same sources and operations the benchmarks time and check, at the
results' tier; the compression panel comes from the results themselves.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from zarrgauge.catalogue.cases import SEED
from zarrgauge.catalogue.data import Source
from zarrgauge.catalogue.families import FAMILIES
from zarrgauge.catalogue.layouts import DEFAULT_LAYOUT, default_layout
from zarrgauge.catalogue.operations import OPERATIONS
from zarrgauge.report.load import Record
from zarrgauge.report.pareto import CHOICE_STORE
from zarrgauge.report.style import DPI, scale_axis

# The tutorial compares codecs on random integers and on a sequential (random-walk) array.
CODEC_FAMILIES = ("random-ints", "random-walk")
SIGNAL_SHOWN = 1000


def _source(family: str, tier: str) -> Source:
    fam = FAMILIES[family]
    return Source(fam, fam.shapes[tier], SEED)


def _operation_data(operation: str, family: str, tier: str):
    """What the benchmark's oracle expects from `operation`, and the operation's prepared argument."""
    source, op = _source(family, tier), OPERATIONS[operation]
    args = op.prepare(source, default_layout(family, tier))
    return op.expect(source, args), args


def tutorial_figure(records: list[Record], tier: str) -> Figure:
    fig = Figure(figsize=(16, 10), dpi=DPI, layout="constrained")
    fig.suptitle(f"The tutorial's figure, from zarrgauge's data ({tier} tier) and results", fontsize=15)
    axes = fig.subplots(2, 3)
    pixel_series(axes[0, 0], tier)
    spatial_step(fig, axes[0, 1], tier)
    codec_ratios(axes[0, 2], records)
    max_projection(fig, axes[1, 0], tier)
    z_profile(axes[1, 1], tier)
    processed_signal(axes[1, 2], tier)
    return fig


def pixel_series(ax: Axes, tier: str) -> None:
    [series], [selection] = _operation_data("read_time", "seasonal-series", tier)
    ax.plot(series, lw=1)
    pixel = ", ".join(str(i) for i in selection[1:])
    ax.set_title(f"Temporal evolution (pixel {pixel}, seasonal-series)")
    ax.set_xlabel(f"time step (one season = {len(series)} steps)")
    ax.set_ylabel("temperature (synthetic, °C)")
    ax.grid(alpha=0.3)


def spatial_step(fig: Figure, ax: Axes, tier: str) -> None:
    [window], [selection] = _operation_data("read_space", "seasonal-series", tier)
    image = ax.imshow(window, cmap="viridis")
    ax.set_title(f"Spatial pattern (step {selection[0]}, {window.shape[0]}x{window.shape[1]} window)")
    ax.set_xlabel("x (pixel)")
    ax.set_ylabel("y (pixel)")
    fig.colorbar(image, ax=ax, label="temperature (synthetic, °C)")


def _codec_records(records: list[Record]) -> dict[str, dict[str, float]]:
    """family -> codec -> compression ratio, for the balanced layout, v3, local store."""
    ratios: dict[str, dict[str, float]] = {}
    for r in records:
        if r.layout == DEFAULT_LAYOUT and r.zarr_format == 3 and r.store == CHOICE_STORE:
            ratios.setdefault(r.family, {})[r.codec] = r.compression_ratio
    swept = {family: codecs for family, codecs in ratios.items() if len(codecs) > 1}
    tutorial = {family: swept[family] for family in CODEC_FAMILIES if family in swept}
    return tutorial or dict(sorted(swept.items(), key=lambda item: -len(item[1]))[:2])


def codec_ratios(ax: Axes, records: list[Record]) -> None:
    """Grouped bars: compression ratio per codec, one colour per family."""
    by_family = _codec_records(records)
    codecs = list(dict.fromkeys(c for ratios in by_family.values() for c in ratios))
    width = 0.8 / max(1, len(by_family))
    for i, (family, ratios) in enumerate(by_family.items()):
        xs = [codecs.index(c) + (i - (len(by_family) - 1) / 2) * width for c in ratios]
        ax.bar(xs, list(ratios.values()), width, label=family, color=f"C{i}")
    ax.set_xticks(range(len(codecs)), codecs, rotation=45, ha="right", fontsize=8)
    ax.set_title("Compression ratios (results: balanced layout, v3)")
    ax.set_ylabel("compression ratio (raw / stored bytes)")
    ax.axhline(1, color="grey", lw=0.8)
    if by_family:
        ax.legend(title="family", fontsize=8)
        scale_axis(ax, [v for ratios in by_family.values() for v in ratios.values()], "y")
    else:
        ax.text(0.5, 0.5, "no codec sweep in these results", ha="center", va="center", transform=ax.transAxes)


def max_projection(fig: Figure, ax: Axes, tier: str) -> None:
    projection, z = _operation_data("max_projection", "blob-volume", tier)
    image = ax.imshow(projection, cmap="hot")
    ax.set_title(f"Max intensity projection (over time, z={z}, blob-volume)")
    ax.set_xlabel("x (pixel)")
    ax.set_ylabel("y (pixel)")
    fig.colorbar(image, ax=ax, label="intensity")


def z_profile(ax: Axes, tier: str) -> None:
    """Mean over the tutorial's central 16x16 region (of 256x256) at the middle time point, per z."""
    source = _source("blob-volume", tier)
    frames, _, height, width = source.shape
    y0, x0, size = height * 120 // 256, width * 120 // 256, max(1, height * 16 // 256)
    profile = source.read((frames // 2, slice(None), slice(y0, y0 + size), slice(x0, x0 + size))).mean(axis=(1, 2))
    ax.plot(profile, "o-")
    ax.set_title(f"Z-profile (centre {size}x{size} region, t={frames // 2})")
    ax.set_xlabel("z-slice")
    ax.set_ylabel("mean intensity")
    ax.grid(alpha=0.3)


def processed_signal(ax: Axes, tier: str) -> None:
    """The benchmark's batched moving average, run on the generated signal itself."""
    source, op = _source("signal-1d", tier), OPERATIONS["batch_moving_average"]
    batch = op.prepare(source, default_layout("signal-1d", tier))
    shown = min(SIGNAL_SHOWN, source.shape[0])
    raw = source.rows(0, min(source.shape[0], shown + batch))
    ax.plot(raw[:shown], color="lightgray", lw=0.8, label="raw signal")
    ax.plot(op.run(raw, batch)[:shown], color="C0", lw=1.2, label=f"5-point moving average, batches of {batch:,}")
    ax.set_title(f"Processed signal (first {shown} samples, signal-1d)")
    ax.set_xlabel("sample")
    ax.set_ylabel("amplitude")
    ax.legend(fontsize=8, loc="upper right")
    ax.grid(alpha=0.3)
