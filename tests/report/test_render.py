"""render_markdown and render_html on a small hand-built list of every kind of block."""

import base64
import re

import pytest
from matplotlib.figure import Figure

from zarrgauge.report.document import Bullets, Heading, Image, Paragraph, Table, png
from zarrgauge.report.html import render_html
from zarrgauge.report.markdown import render_markdown

TEXT = "a < b & c > d, with `code` and **bold**"


@pytest.fixture(scope="module")
def figure():
    fig = Figure(figsize=(1, 1))
    fig.add_subplot().plot([0, 1], [1, 0])
    return fig


@pytest.fixture(scope="module")
def blocks(figure):
    return [Heading("Report <one>", 1), Paragraph(TEXT), Heading("Section", 2), Heading("Family", 3),
            Bullets(["first <item>", "second & last"]),
            Table(["layout", "time|ratio"], [["time 48x16x16", "1 < 2|3"], ["balanced", "x & y"]]),
            Image("tiny.png", figure, "a tiny <figure>")]


@pytest.fixture(scope="module")
def markdown(blocks):
    return render_markdown(blocks)


@pytest.fixture(scope="module")
def images(figure):
    return {"tiny.png": png(figure)}


@pytest.fixture(scope="module")
def html(blocks, images):
    return render_html(blocks, images, "title & <more>")


def test_markdown_has_each_heading_at_its_level(markdown):
    lines = markdown.splitlines()
    assert [line for line in lines if line.startswith("#")] == ["# Report <one>", "## Section", "### Family"]


def test_markdown_keeps_paragraphs_and_bullets(markdown):
    assert TEXT in markdown.splitlines()
    assert "- first <item>\n- second & last" in markdown


def test_markdown_table_has_header_rule_and_rows_with_pipes_escaped(markdown):
    assert "| layout | time\\|ratio |\n|---|---|\n| time 48x16x16 | 1 < 2\\|3 |\n| balanced | x & y |" in markdown


def test_markdown_links_images_under_the_figures_directory(markdown):
    assert re.findall(r"!\[([^]]*)\]\(([^)]*)\)", markdown) == [("a tiny <figure>", "figures/tiny.png")]


def test_html_has_each_heading_at_its_level(html):
    assert re.findall(r"<h(\d)>(.*?)</h\1>", html) == [("1", "Report &lt;one&gt;"), ("2", "Section"),
                                                       ("3", "Family")]


def test_html_escapes_text_and_marks_up_code_and_bold(html):
    assert "<p>a &lt; b &amp; c &gt; d, with <code>code</code> and <strong>bold</strong></p>" in html
    assert "<ul><li>first &lt;item&gt;</li><li>second &amp; last</li></ul>" in html
    assert "<title>title &amp; &lt;more&gt;</title>" in html
    assert "<item>" not in html and "<one>" not in html and "<more>" not in html


def test_html_table_has_header_and_every_cell(html):
    assert re.findall(r"<th>(.*?)</th>", html) == ["layout", "time|ratio"]
    assert re.findall(r"<td>(.*?)</td>", html) == ["time 48x16x16", "1 &lt; 2|3", "balanced", "x &amp; y"]


def test_html_embeds_the_image_as_a_data_uri_and_links_nothing_outside(html, images):
    [source] = re.findall(r'(?:src|href)="([^"]*)"', html)
    prefix = "data:image/png;base64,"
    assert source.startswith(prefix) and base64.b64decode(source.removeprefix(prefix)) == images["tiny.png"]
    assert images["tiny.png"].startswith(b"\x89PNG")
    assert "<figcaption>a tiny &lt;figure&gt;</figcaption>" in html
    assert "<link" not in html and "<script" not in html and "figures/" not in html
