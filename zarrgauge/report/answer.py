"""The report's opening: its answer per family and access pattern (the choice for speed, what it gains over
zarr's default, how sure the run is of it) in one table and one figure, before the detail that backs it."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import Patch

from zarrgauge.report.document import Block, Heading, Image, Paragraph, Table
from zarrgauge.report.recommend import Recommendation, ratio_words, speed_words
from zarrgauge.report.style import DPI, scale_axis
from zarrgauge.report.ties import SPEED_MARGIN

ANSWER_HEADER = ["family", "access pattern", "take", "over zarr's default (95% interval)", "how sure"]
SURE, TIED = "C2", "0.6"  # the figure's colours: one clearly fastest choice, or several tied


def answer_section(found: list[Recommendation]) -> list[Block]:
    blocks: list[Block] = [Heading("The answer")]
    if not found:
        return blocks + [Paragraph("These results time no family and access pattern with two or more choices.")]
    blocks += [Paragraph("Per data family and access pattern, the fastest choice this run timed and what it gains "
                         "over zarr's default (the `zarr-default` codec, the family's `balanced` layout, format 3). "
                         "The sections below give the detail: every choice on the front, the choices for size, "
                         "and the figures."),
               Table(ANSWER_HEADER, [_row(rec) for rec in found])]
    if any(rec.speed_pick.speed for rec in found):
        blocks.append(Image("answer.png", answer_figure(found),
                            "The fastest choice's speed-up over zarr's default, with its 95% interval"))
    return blocks


def _row(rec: Recommendation) -> list[str]:
    pick = rec.speed_pick
    if pick.record is rec.default:
        gain = "none: zarr's default is " + ("the fastest" if len(rec.speed_ties) == 1 else "tied for the fastest")
    else:
        interval = f" ({pick.speed.low:.2g}–{pick.speed.high:.2g})" if pick.speed else ""
        gain = f"{speed_words(pick.speedup)}{interval}, {ratio_words(pick.ratio_gain)}"
    return [rec.family, rec.operation, f"`{pick.record.label}`", gain, _sureness(rec)]


def _sureness(rec: Recommendation) -> str:
    if len(rec.speed_ties) == 1:
        return f"clearly the fastest of {rec.measured} timed"
    others = len(rec.speed_ties) - 1
    return f"tied for the fastest with {others} other{'s' if others > 1 else ''} of {rec.measured} timed: any will do"


def answer_figure(found: list[Recommendation]) -> Figure:
    """A bar per family and access pattern from 1 to the speed choice's speed-up over zarr's default, with
    its 95% interval; green where the run tells that choice apart from every other, grey where it is tied."""
    shown = [(rec, rec.speed_pick.speed) for rec in found if rec.speed_pick.speed]
    fig = Figure(figsize=(10, 0.3 * len(shown) + 1.6), dpi=DPI, layout="constrained")
    ax = fig.subplots()
    errors = [[speed.factor - speed.low for _, speed in shown], [speed.high - speed.factor for _, speed in shown]]
    colours = [SURE if len(rec.speed_ties) == 1 else TIED for rec, _ in shown]
    ax.barh(range(len(shown)), [speed.factor - 1 for _, speed in shown], left=1, color=colours, xerr=errors,
            error_kw={"elinewidth": 1, "capsize": 2, "ecolor": "black"})
    for row, (rec, _) in enumerate(shown):
        if rec.speed_pick.record is rec.default:
            ax.text(SPEED_MARGIN * 1.02, row, "zarr's default", va="center", fontsize=7, color="0.3")
    ax.axvline(1, color="black", lw=1)
    ax.axvline(SPEED_MARGIN, color="grey", lw=0.8, ls="--")
    scale_axis(ax, [speed.low for _, speed in shown] + [speed.high for _, speed in shown], "x",
               lambda value: f"{value:g}x", log=True)
    ax.set_yticks(range(len(shown)), [f"{rec.family} · {rec.operation}" for rec, _ in shown], fontsize=8)
    ax.set_ylim(len(shown) - 0.5, -0.5)
    ax.set_xlabel(f"speed-up over zarr's default, with its 95% interval; dashed: the {SPEED_MARGIN:.2f}x margin")
    ax.legend(handles=[Patch(color=SURE, label="clearly the fastest"), Patch(color=TIED, label="tied with others")],
              fontsize=8, loc="lower right")
    ax.set_title("The fastest choice per family and access pattern, against zarr's default", fontsize=11)
    ax.grid(True, axis="x", which="both", alpha=0.3)
    return fig
