"""The report as a list of blocks, so markdown and HTML are two renderings of one content.

Text may hold `code` and **bold** spans; both renderers understand them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from matplotlib.figure import Figure

from zarrgauge.report.style import DPI


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: list[str]


@dataclass(frozen=True)
class Image:
    name: str  # file name under figures/
    figure: Figure
    caption: str


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]


Block = Heading | Paragraph | Bullets | Image | Table


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
