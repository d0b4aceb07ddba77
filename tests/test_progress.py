"""Progress bars: drawn where the pytest plugin sends them, hidden when not asked for."""

from zarrgauge import progress


def test_a_bar_draws_through_the_writer_and_finishes_its_line():
    written = []
    with progress.shown_with(written.append):
        with progress.bar("writing case", 3, "region") as bar:
            for _ in range(3):
                bar.update()
    text = "".join(written)
    assert "writing case" in text and "3/3" in text and text.endswith("\n")


def test_a_hidden_bar_writes_nothing():
    written = []
    with progress.shown_with(written.append):
        with progress.bar("writing case", 3, "region", show=False) as bar:
            bar.update(3)
    assert written == []


def test_the_previous_destination_returns_after_the_block():
    outer, inner = [], []
    with progress.shown_with(outer.append):
        with progress.shown_with(inner.append):
            pass
        with progress.bar("after", 1, "region") as bar:
            bar.update()
    assert inner == [] and "after" in "".join(outer)
