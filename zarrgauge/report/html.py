"""report.html: one self-contained file, every figure embedded as a base64 PNG data URI."""

from __future__ import annotations

import base64
import html
import re

from zarrgauge.report.document import Block, Bullets, Heading, Image, Paragraph

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1400px; margin: 2em auto; padding: 0 1em; color: #222; }
h1, h2, h3 { border-bottom: 1px solid #ddd; padding-bottom: .2em; }
img { max-width: 100%; border: 1px solid #eee; }
figure { margin: 1.5em 0; }
figcaption { color: #555; font-size: .9em; }
table { border-collapse: collapse; margin: 1em 0; font-size: .9em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; }
th { background: #f4f4f4; }
tr:nth-child(even) td { background: #fafafa; }
li { margin: .3em 0; }
code { background: #f2f2f2; padding: 0 .2em; border-radius: 3px; }
"""


def inline(text: str) -> str:
    """Escape, then turn `code` and **bold** spans into tags."""
    escaped = html.escape(text)
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", escaped)


def _block(block: Block, images: dict[str, bytes]) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{inline(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        return f"<p>{inline(block.text)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{inline(item)}</li>" for item in block.items) + "</ul>"
    if isinstance(block, Image):
        data = base64.b64encode(images[block.name]).decode("ascii")
        caption = html.escape(block.caption)
        return (f'<figure><img src="data:image/png;base64,{data}" alt="{caption}">'
                f"<figcaption>{caption}</figcaption></figure>")
    header = "".join(f"<th>{inline(cell)}</th>" for cell in block.header)
    rows = "".join("<tr>" + "".join(f"<td>{inline(cell)}</td>" for cell in row) + "</tr>" for row in block.rows)
    return f"<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>"


def render_html(blocks: list[Block], images: dict[str, bytes], title: str) -> str:
    body = "\n".join(_block(block, images) for block in blocks)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{STYLE}</style></head>\n<body>\n{body}\n</body></html>\n")
