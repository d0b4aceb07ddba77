"""report.md: the blocks as markdown, figures linked from the figures/ directory beside it."""

from __future__ import annotations

from zarrgauge.report.document import Block, Bullets, Heading, Image, Paragraph

FIGURES_DIR = "figures"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        return "#" * block.level + " " + block.text
    if isinstance(block, Paragraph):
        return block.text
    if isinstance(block, Bullets):
        return "\n".join(f"- {item}" for item in block.items)
    if isinstance(block, Image):
        return f"![{block.caption}]({FIGURES_DIR}/{block.name})\n\n*{block.caption}*"
    lines = ["| " + " | ".join(map(_cell, block.header)) + " |", "|" + "---|" * len(block.header)]
    lines += ["| " + " | ".join(map(_cell, row)) + " |" for row in block.rows]
    return "\n".join(lines)


def render_markdown(blocks: list[Block]) -> str:
    return "\n\n".join(_block(block) for block in blocks) + "\n"
