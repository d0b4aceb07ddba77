"""Self-tests of the data generators: deterministic, slab-independent, shaped like the tutorial's data."""

import numpy as np
import pytest

from zarrgauge.catalogue import data
from zarrgauge.catalogue.data import Source
from zarrgauge.catalogue.families import FAMILIES, basic_block
from zarrgauge.harness.measure.oracle import assert_identical


def quick(name, seed=0):
    fam = FAMILIES[name]
    return Source(fam, fam.shapes["quick"], seed)


@pytest.mark.parametrize("name", FAMILIES)
def test_slabs_are_independent_of_where_they_split(name):
    source = quick(name)
    n = source.shape[0]
    whole = source.rows(0, n)
    for cut in (1, n // 3, n - 1):
        assert_identical(np.concatenate([source.rows(0, cut), source.rows(cut, n)]), whole)
    assert whole.dtype == np.dtype(source.family.dtype) and whole.shape == source.shape


@pytest.mark.parametrize("name", ["seasonal-series", "random-ints", "signal-1d", "camera-frames"])
def test_seed_changes_the_data_and_repeats_it(name):
    assert_identical(quick(name, 1).rows(0, 2), quick(name, 1).rows(0, 2))
    assert not np.array_equal(quick(name, 1).rows(0, 2), quick(name, 2).rows(0, 2))


def test_streamed_reads_match_the_whole_array(monkeypatch):
    source = quick("seasonal-series")
    whole = source.whole()
    monkeypatch.setattr(data, "WHOLE_BYTES", 0)
    monkeypatch.setattr(data, "SLAB_BYTES", whole[0].nbytes * 5)
    assert not source.fits_in_memory
    for sel in [(slice(None), 3, 7), (10, slice(0, 20), slice(None)), (slice(3, 40, 7), 0, slice(5, 9)),
                (slice(47, None), slice(None), 1)]:
        assert_identical(source.read(sel), whole[sel])
    spans = list(source.slab_spans(multiple=4))
    assert all((hi - lo) % 4 == 0 for lo, hi in spans[:-1]) and spans[-1][1] == source.shape[0]


def test_seasonal_series_has_the_tutorials_statistics():
    values = quick("seasonal-series").whole().astype("f8")
    assert abs(values.mean() - 20) < 1.5  # the quick tier spans one full season
    assert 4.5 < values[0].std() < 5.5
    t = values.shape[0]
    assert values[t // 4].mean() - values[3 * t // 4].mean() == pytest.approx(20, abs=0.5)


def test_integer_families_stay_in_range():
    ints = quick("random-ints").whole()
    assert ints.min() >= 0 and ints.max() < 1000 and ints.dtype == np.int32
    steps = np.diff(quick("random-walk").whole(), axis=1)
    assert steps.min() >= -5 and steps.max() <= 5
    frames = quick("camera-frames").whole()
    assert frames.dtype == np.uint16 and 60 < frames[0].mean() < 140


def test_basic_families_match_the_tutorials_writes():
    zeros = quick("basic-2d").whole()
    (r0, r1), (c0, c1) = basic_block(zeros.shape)
    assert np.count_nonzero(zeros) == np.count_nonzero(zeros[r0:r1, c0:c1]) > 0.99 * (r1 - r0) * (c1 - c0)
    ones = quick("basic-3d").whole()
    h, w, _ = ones.shape
    assert_identical(ones[:, :, 0], np.arange(h * w, dtype="i4").reshape(h, w))
    assert (ones[:, :, 1:] == 1).all()


def test_blob_is_brightest_in_focus():
    volume = quick("blob-volume").whole()
    profile = volume[0].mean(axis=(1, 2))
    assert profile.argmax() == volume.shape[1] // 2
    assert volume.max() > 0.9 and volume.min() >= 0


def test_streamed_read_holds_one_slab_at_a_time(monkeypatch):
    """A pixel's series across many slabs must not keep every generated slab alive."""
    import tracemalloc

    source = quick("seasonal-series")
    slab_bytes = source.row_bytes * 4
    monkeypatch.setattr(data, "WHOLE_BYTES", 0)
    monkeypatch.setattr(data, "SLAB_BYTES", slab_bytes)
    tracemalloc.start()
    try:
        source.read((slice(None), 3, 7))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert source.nbytes > 10 * slab_bytes and peak < 3 * slab_bytes, (peak, slab_bytes)
