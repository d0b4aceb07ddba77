"""`zarrgauge report` on a small recorded quick-tier run: files written, figures holding the right series,
recommendations against zarr's default, and one-line errors for unusable input."""

import base64
import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex
from matplotlib.container import BarContainer
from matplotlib.image import AxesImage
from matplotlib.patches import Rectangle

from zarrgauge.cli import main
from zarrgauge.gate.compare import compare_runs
from zarrgauge.pytest_process import REPO
from zarrgauge.report import ties
from zarrgauge.report.answer import ANSWER_HEADER, SURE, TIED
from zarrgauge.report.command import default_out
from zarrgauge.report.document import Bullets, Heading, Image, Table
from zarrgauge.report.figures_compare import ratio_figure
from zarrgauge.report.figures_results import layout_heatmap, pareto_figure
from zarrgauge.report.figures_tutorial import tutorial_figure
from zarrgauge.report.load import load_run
from zarrgauge.report.pareto import choices
from zarrgauge.report.recommend import TABLE_HEADER, recommend, sentence
from zarrgauge.report.sections import all_sections

# 56 benchmarks of a real quick-tier run (seasonal-series, random-ints, random-walk, blob-volume and one
# hierarchy benchmark), each with its first 10 timings.
SAMPLE = REPO / "tests" / "data" / "bench-quick-sample.json"
FAMILIES_WITH_READS = ("seasonal-series", "random-ints", "blob-volume")
WRITE_CASE = "seasonal-series/chunks=8x64x64/blosc-lz4/v3/local"
HEAD = "bench-quick-sample (zarr 3.4.2)"


@pytest.fixture(scope="module")
def run():
    return load_run(str(SAMPLE))


def seasonal_copy(path: Path, factor: float, more_sets: int = 0) -> Path:
    """The sample's seasonal-series benchmarks, read_time `factor` times slower and `more_sets` more store
    requests in one write (the other families are left out to keep the comparison small)."""
    document = json.loads(SAMPLE.read_text())
    document["benchmarks"] = [b for b in document["benchmarks"] if b["extra_info"].get("family") == "seasonal-series"]
    for bench in document["benchmarks"]:
        info = bench["extra_info"]
        if info["operation"] == "read_time":
            bench["stats"]["data"] = [t * factor for t in bench["stats"]["data"]]
            bench["stats"]["median"] *= factor
        if info["operation"] == "write" and info["case"] == WRITE_CASE:
            info["store_set"] += more_sets
    path.write_text(json.dumps(document))
    return path


LIMITS = {"cores": 2, "copy_gb_s": 9.8, "page_cache_read_gb_s": 11.4,
          "decode_gb_s": {"zstd-0": {"1core": 1.78, "2cores": 3.4}}}


def with_floors(path: Path) -> Path:
    """The sample, its seasonal-series reads at the balanced layout given floors as the harness measures them:
    on one core, fetch 40% of the median, decode all of it, copy 2%; on the machine, 71% of the median (the
    steps' share of it a fifth, a half and a hundredth of the median; zarr's overhead the other 29%)."""
    document = json.loads(SAMPLE.read_text())
    for bench in document["benchmarks"]:
        info, median = bench["extra_info"], bench["stats"]["median"]
        if info.get("family") == "seasonal-series" and info["layout"] == "balanced" and info["operation"] != "write":
            info.update(floor_fetch_1core_s=0.4 * median, floor_decode_1core_s=1.0 * median,
                        floor_copy_1core_s=0.02 * median, floor_s=0.71 * median, efficiency=0.71,
                        overhead_s=0.29 * median)
    document["machine_info"]["zarrgauge"]["limits"] = LIMITS
    path.write_text(json.dumps(document))
    return path


def report(tmp_path, *results, out="report"):
    status = main(["report", *map(str, results), "-o", str(tmp_path / out)])
    return status, tmp_path / out


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """The sample against an older run with reads along time twice as fast and one store request fewer."""
    tmp_path = tmp_path_factory.mktemp("report")
    status, out = report(tmp_path, seasonal_copy(tmp_path / "base.json", 0.5, more_sets=-1), SAMPLE)
    assert status == 0
    return out


def figures_linked(markdown: str) -> list[str]:
    return re.findall(r"!\[[^]]*\]\((figures/[^)]+\.png)\)", markdown)


def test_every_figure_is_written_linked_from_markdown_and_embedded_in_html(two_runs):
    linked = figures_linked((two_runs / "report.md").read_text())
    expected = {f"figures/{kind}-{family}.png" for kind in ("pareto", "layouts") for family in FAMILIES_WITH_READS}
    assert expected | {"figures/tutorial.png", "figures/compare-read_time-seasonal-series.png"} <= set(linked)
    assert sorted(p.name for p in (two_runs / "figures").iterdir()) == sorted(Path(n).name for n in linked)
    for name in linked:
        assert (two_runs / name).read_bytes().startswith(b"\x89PNG")
    html = (two_runs / "report.html").read_text()
    embedded = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert sorted(base64.b64decode(data) for data in embedded) == sorted((two_runs / n).read_bytes() for n in linked)
    assert 'src="figures/' not in html


def test_comparison_counts_the_slower_benchmarks_and_lists_metric_changes(two_runs):
    text = (two_runs / "report.md").read_text()
    # Six read_time layouts are twice as slow, the others unchanged: one run a side, each is beyond the process
    # spread stored with the gate (about 1.6x among 34).
    assert f"| {HEAD} | 34 | 6 | 0 | 1 |" in text
    assert f"| {HEAD} | {WRITE_CASE} | store_set |" in text


def test_one_run_has_every_section_but_the_comparison(run):
    headings = [block.text for block in all_sections([run]) if isinstance(block, Heading)]
    assert headings[:4] == ["zarrgauge report", "The answer", "The runs", "Recommendation"]
    assert {"Compression ratio against read time", "Chunk layout against access pattern",
            "The tutorial's figure"} <= set(headings)
    assert not any(h.startswith("Comparison") for h in headings)


def test_where_the_time_goes_shows_the_floors_of_the_reads_that_have_them(tmp_path, run):
    assert "Where the time goes" not in [b.text for b in all_sections([run]) if isinstance(b, Heading)]
    floored = load_run(str(with_floors(tmp_path / "floors.json")))
    blocks = all_sections([floored])
    start = next(i for i, b in enumerate(blocks) if isinstance(b, Heading) and b.text == "Where the time goes")
    [table] = [b for b in blocks[start:] if isinstance(b, Table) and "time / floor" in b.header]
    assert len(table.rows) == 8 and all(row[-1] == "1.4x" for row in table.rows)  # 71% efficient each
    [limits] = [b for b in blocks[start:] if isinstance(b, Table) and b.header[0] == "what"]
    assert limits.rows == [["memory copy", "9.8", ""], ["file read from the page cache", "11.4", ""],
                           ["zstd-0 decode", "1.78", "3.40"]]
    [image] = [b for b in blocks[start:] if isinstance(b, Image) and b.name.startswith("floors-")]
    assert image.name == "floors-seasonal-series.png"
    panels = [ax for ax in image.figure.axes if ax.get_visible()]
    assert [ax.get_title().split(":")[0] for ax in panels] == ["read_full", "read_time", "read_space"]
    for ax, cases in zip(panels, (6, 1, 1)):
        widths = [[round(bar.get_width(), 3) for bar in bars] for bars in ax.containers]
        assert widths == [[0.2] * cases, [0.5] * cases, [0.01] * cases, [0.29] * cases]  # fetch, decode, copy, zarr
        assert len(ax.get_yticklabels()) == cases and all(t.get_text().endswith("71%") for t in ax.texts)


def test_ratio_figure_draws_a_bar_and_interval_per_benchmark_and_run(tmp_path, run):
    head = load_run(str(seasonal_copy(tmp_path / "head.json", 2.0)))
    other = load_run(str(seasonal_copy(tmp_path / "other.json", 0.5)))
    by_head = {"x2": compare_runs(run.benchmarks, head.benchmarks),
               "x0.5": compare_runs(run.benchmarks, other.benchmarks)}
    fig = ratio_figure(by_head, run.label, "read_time seasonal-series")
    [ax] = fig.axes
    bars = [patch for patch in ax.patches if isinstance(patch, Rectangle)]
    assert len(bars) == 2 * 6 and len(ax.get_yticklabels()) == 6
    ends = sorted(round(bar.get_x() + bar.get_width(), 2) for bar in bars)
    assert ends == [0.5] * 6 + [2.0] * 6
    assert ax.get_xscale() == "log" and [t.get_text() for t in ax.get_legend().get_texts()] == ["x2", "x0.5"]
    intervals = [c.errorbar.lines[2][0] for c in ax.containers if isinstance(c, BarContainer)]
    assert [len(segments.get_segments()) for segments in intervals] == [6, 6]


def test_pareto_figure_has_a_panel_per_read_pattern_with_every_choice_and_the_front(run):
    fig = pareto_figure(run.records, "seasonal-series", run.tier)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title().split(":")[0] for ax in panels] == ["read_full", "read_time", "read_space"]
    for ax, op in zip(panels, ["read_full", "read_time", "read_space"]):
        points = choices(run.records, "seasonal-series", op)
        markers = [c for c in ax.collections if isinstance(c, PathCollection)]
        assert len(markers) == len(points) + 1  # every choice, and the rings of those tied for the fastest
        assert len(markers[-1].get_offsets()) == len(ties.speed_ties(points))
        [front_line] = [line for line in ax.lines if line.get_label() == "Pareto front"]
        assert list(front_line.get_xdata()) == [p.median for p in ties.front(points)]
        assert {t.get_text().removesuffix(" (zarr default)") for t in ax.texts} == \
            {p.label for p in ties.front(points)}
        assert "median time" in ax.get_xlabel() and "compression ratio" in ax.get_ylabel()
    read_time = panels[1]  # 0.8 ms to 22 ms: a log scale, and the label says so
    assert read_time.get_xscale() == "log" and "log scale" in read_time.get_xlabel()
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert {"zarr-default", "none", "fso-zstd", "layout time", "layout sharded"} <= set(legend)


def test_layout_heatmap_holds_time_per_layout_and_pattern_and_the_slowdown(run):
    fig = layout_heatmap(run.records, "seasonal-series", run.tier)
    ax = fig.axes[0]
    [image] = [artist for artist in ax.get_children() if isinstance(artist, AxesImage)]
    slowdown = image.get_array()
    assert slowdown.shape == (6, 4)
    assert np.allclose(slowdown.min(axis=0), 1)  # every pattern has its best layout at x1
    assert [t.get_text() for t in ax.get_xticklabels()] == ["read_full", "read_time", "read_space", "write"]
    assert [t.get_text() for t in ax.get_yticklabels()][:2] == ["balanced 8x64x64", "time 48x16x16"]
    assert len(ax.texts) == 24 and "slowdown" in fig.axes[1].get_ylabel()


def test_tutorial_figure_has_the_six_panels_from_the_data_and_results(run):
    fig = tutorial_figure(run.records, run.tier)
    series, spatial, codecs, projection, profile, signal = fig.axes[:6]
    assert len(series.lines[0].get_ydata()) == 48  # quick tier: 48 time steps
    assert spatial.images[0].get_array().shape == (25, 25)
    bars = [p for p in codecs.patches if isinstance(p, Rectangle)]
    assert len(bars) == 5 + 4  # random-ints: 5 codecs, random-walk: 4
    assert [t.get_text() for t in codecs.get_legend().get_texts()] == ["random-ints", "random-walk"]
    assert projection.images[0].get_array().shape == (64, 64)
    z = profile.lines[0].get_ydata()
    assert len(z) == 8 and np.argmax(z) == 4  # sharpest at the middle z
    raw, smoothed = signal.lines
    assert len(raw.get_ydata()) == len(smoothed.get_ydata()) == 1000
    assert np.std(np.diff(smoothed.get_ydata())) < np.std(np.diff(raw.get_ydata())) / 2
    assert all(ax.get_title() for ax in (series, spatial, codecs, projection, profile, signal))


def test_front_keeps_only_choices_that_buy_over_one_percent_of_ratio_with_time(run):
    [base] = [r for r in run.records if r.operation == "read_time" and r.layout == "balanced"
              and r.family == "seasonal-series"]
    fast = replace(base, samples=(), name="fast", median=1.0, compression_ratio=2.0)
    small = replace(base, samples=(), name="small", median=2.0, compression_ratio=4.0)
    hair = replace(base, samples=(), name="hair", median=3.0, compression_ratio=4.02)
    beaten = replace(base, samples=(), name="beaten", median=2.5, compression_ratio=3.0)
    assert [r.name for r in ties.front([hair, beaten, small, fast])] == ["fast", "small"]


def test_recommendation_compares_with_zarr_default(run):
    found = {(rec.family, rec.operation): rec for rec in recommend(run.records)}
    read_time = found["seasonal-series", "read_time"]
    assert read_time.front[0].record.layout == "time" and read_time.front[0].speedup > 1
    assert "for speed take `time 48x16x16 · zarr-default`" in sentence(read_time)
    write = found["seasonal-series", "write"]
    smallest = write.front[-1]
    assert smallest.record.codec == "fso-zstd" and smallest.ratio_gain > 1.3


def section(blocks, title, level=2):
    """The blocks under the heading `title`, up to the next heading of that level or above."""
    start = next(i for i, b in enumerate(blocks) if isinstance(b, Heading) and b.text == title and b.level == level)
    end = next((i for i, b in enumerate(blocks[start + 1:], start + 1)
                if isinstance(b, Heading) and b.level <= level), len(blocks))
    return blocks[start + 1:end]


def test_recommendation_section_tables_the_front_and_explains_it_against_zarr_default(run):
    recommendation = section(all_sections([run]), "Recommendation")
    assert [b.text for b in recommendation if isinstance(b, Heading)] == \
        ["seasonal-series", "random-ints", "random-walk", "blob-volume"]
    [bullets] = [b for b in section(recommendation, "seasonal-series", 3) if isinstance(b, Bullets)]
    [table] = [b for b in section(recommendation, "seasonal-series", 3) if isinstance(b, Table)]
    assert table.header == TABLE_HEADER
    assert [row for row in table.rows if row[0] == "read_time"] == [
        ["read_time", "time 48x16x16", "zarr-default", "770 µs", "1.14", "4x (3.4–4)", "0.99x", "speed"],
        ["read_time", "balanced 8x64x64", "zarr-default", "3.05 ms", "1.15", "1x (1–1)", "1x", "size"]]
    assert ["write", "balanced 8x64x64", "fso-zstd", "226 ms", "1.67", "0.43x (0.27–0.69)", "1.5x", "size"] \
        in table.rows
    [read_time] = [item for item in bullets.items if item.startswith("**read_time**")]
    assert "for speed take `time 48x16x16 · zarr-default` (4x faster, compresses as well)" in read_time
    assert "for size take zarr's default, `balanced 8x64x64 · zarr-default` — or any of the 5 tied" in read_time
    assert read_time.endswith("zarr's default is tied for the smallest.")


def test_the_report_opens_with_its_answer_per_family_and_access_pattern(run):
    blocks = all_sections([run])
    answer = section(blocks, "The answer")
    [table] = [b for b in answer if isinstance(b, Table)]
    assert table.header == ANSWER_HEADER
    rows = {(row[0], row[1]): row[2:] for row in table.rows}
    assert rows["seasonal-series", "read_time"] == [
        "`time 48x16x16 · zarr-default`", "4x faster (3.4–4), compresses as well", "clearly the fastest of 6 timed"]
    assert rows["seasonal-series", "read_space"] == [
        "`balanced 8x64x64 · zarr-default`", "none: zarr's default is tied for the fastest",
        "tied for the fastest with 2 others of 6 timed: any will do"]
    assert len(rows) == len(recommend(run.records))
    [image] = [b for b in answer if isinstance(b, Image)]
    [bars] = [c for c in image.figure.axes[0].containers if isinstance(c, BarContainer)]
    found = recommend(run.records)  # where zarr's default is the pick, its bar ends at 1
    assert [bar.get_x() + bar.get_width() for bar in bars] == pytest.approx([r.speed_pick.speedup for r in found])
    assert [to_hex(bar.get_facecolor()) for bar in bars] == \
        [to_hex(SURE if len(r.speed_ties) == 1 else TIED) for r in found]
    assert [to_hex(bar.get_facecolor()) for bar in bars].count(to_hex(SURE)) == 5


def test_default_directory_sits_beside_the_results():
    assert default_out("results/bench-20250101-120000.json") == Path("results/report-20250101-120000")


@pytest.mark.parametrize("content, reason", [
    ("{not json", "not readable JSON"),
    ('{"machine_info": {}, "benchmarks": []}', "holds no benchmarks"),
    ('{"results": [1, 2]}', "not pytest-benchmark results"),
    ('{"machine_info": {}, "benchmarks": [{"fullname": "t", "stats": {"median": 1}}]}', "no zarrgauge benchmarks"),
])
def test_unusable_results_give_one_line_and_status_2(tmp_path, capsys, content, reason):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    status, out = report(tmp_path, SAMPLE, bad)
    error = capsys.readouterr().err
    assert status == 2 and reason in error and len(error.strip().splitlines()) == 1
    assert not out.exists()


def test_an_existing_report_is_never_overwritten(tmp_path, capsys):
    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "report.md").write_text("mine")
    with pytest.raises(SystemExit) as stopped:
        report(tmp_path, SAMPLE)
    assert stopped.value.code == 4 and "choose another -o" in capsys.readouterr().err
    assert (tmp_path / "report" / "report.md").read_text() == "mine"


def test_a_failure_while_writing_leaves_no_directory_behind(tmp_path, monkeypatch):
    def broken(figure):
        raise RuntimeError("disk full")

    monkeypatch.setattr("zarrgauge.report.write.png", broken)
    with pytest.raises(RuntimeError):
        report(tmp_path, SAMPLE)
    assert list(tmp_path.iterdir()) == []


def test_command_line_missing_file_is_one_line_status_2(tmp_path):
    result = subprocess.run([sys.executable, "-m", "zarrgauge.cli", "report", str(tmp_path / "nope.json")],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
