"""Axes with meaning: roles from the names a source stores (zarr v3, xarray, OME-Zarr 0.4 and 0.5),
a stated guess without them, channels held whole by the sample and by every candidate, and the read
patterns a channel axis brings."""

import numpy as np
import pytest
import zarr

from zarrgauge.advise.access import parse_access
from zarrgauge.advise.axes import axes_of, guessed_letters, named_axes
from zarrgauge.advise.candidates import candidates
from zarrgauge.advise.sample import sample_shape
from zarrgauge.advise.sources import open_source
from zarrgauge.catalogue.data import Source
from zarrgauge.catalogue.operations import OPERATIONS
from zarrgauge.catalogue.user import sample_family
from zarrgauge.cli import main
from zarrgauge.errors import EXIT_USAGE

MIB = 2**20
OME_AXES = [{"name": "t", "type": "time"}, {"name": "ch", "type": "channel"}, {"name": "z", "type": "space"},
            {"name": "y", "type": "space"}, {"name": "x", "type": "space"}]


def test_names_and_ome_types_say_each_axis_role():
    assert named_axes(("time", "lat", "lon", "band")) == "tyxc"
    assert named_axes(("T", "Channel", "Y", "X")) == "tcyx"
    assert named_axes(("t", "ch", "z", "y", "x"), ("time", "channel", "space", "space", "space")) == "tczyx"
    assert named_axes(("time", "lat", "lon", "member")) is None  # one name says nothing advise knows
    assert named_axes(("x", "x")) is None


@pytest.mark.parametrize("shape, letters", [((24, 600, 512, 3), "tyxc"), ((600, 512, 4), "yxc"),
                                            ((5, 24, 600, 512, 3), "tzyxc"), ((24, 600, 512), "tyx"),
                                            ((10, 8, 3), "tyx"), ((2, 3, 4, 64, 64), "tczyx")])
def test_an_unnamed_array_gets_a_stated_guess(shape, letters):
    assert guessed_letters(shape) == letters
    axes = axes_of(shape, None, None, None, "")
    assert axes.guessed and "no axis names stored" in axes.how and "channels" in axes.how
    assert axes_of(shape, "tzyx", None, None, "").how == "as given with --axes"


def _ome_image(path, version: str) -> np.ndarray:
    values = np.arange(2 * 3 * 4 * 32 * 32, dtype="uint16").reshape(2, 3, 4, 32, 32)
    image = {"axes": OME_AXES, "datasets": [{"path": "0"}, {"path": "1"}], "version": version}
    attrs = {"ome": {"version": version, "multiscales": [image]}} if version == "0.5" else {"multiscales": [image]}
    group = zarr.open_group(path, mode="w", zarr_format=3 if version == "0.5" else 2, attributes=attrs)
    group.create_array("0", shape=values.shape, dtype=values.dtype, chunks=(1, 1, 1, 32, 32))[:] = values
    group.create_array("1", shape=(2, 3, 4, 16, 16), dtype=values.dtype)
    return values


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_an_ome_zarr_image_names_its_axes_and_its_full_resolution(tmp_path, version):
    values = _ome_image(tmp_path / "image.zarr", version)
    source = open_source(str(tmp_path / "image.zarr"), None, MIB)  # the group: its first dataset
    assert source.shape == values.shape and source.axes().letters == "tczyx"
    assert source.axes().how == "from OME-Zarr's multiscales axes (t, ch, z, y, x)"
    assert "image.zarr:0" in source.description
    assert open_source(str(tmp_path / "image.zarr" / "1"), None, MIB).axes().letters == "tczyx"
    assert open_source(str(tmp_path / "image.zarr"), "0", MIB).axes().letters == "tczyx"


def test_zarr_and_xarray_dimension_names_are_read(tmp_path):
    zarr.create_array(tmp_path / "v3.zarr", shape=(4, 32, 32, 3), dtype="uint8",
                      dimension_names=["frame", "row", "col", "rgb"])
    xarray_style = zarr.create_array(tmp_path / "v2.zarr", shape=(4, 32, 32, 3), dtype="uint8", zarr_format=2)
    xarray_style.attrs["_ARRAY_DIMENSIONS"] = ["time", "y", "x", "band"]
    for name, named_by in (("v3.zarr", "zarr's dimension_names"), ("v2.zarr", "xarray's _ARRAY_DIMENSIONS")):
        axes = open_source(str(tmp_path / name), None, MIB).axes()
        assert axes.letters == "tyxc" and axes.how.startswith(f"from {named_by}") and not axes.guessed


def test_the_sample_and_every_candidate_keep_channels_whole():
    shape = (100, 2000, 2000, 3)
    assert sample_shape(shape, 1, 4 * MIB)[-1] < 3  # shrunk with the others when nothing says channels
    kept = sample_shape(shape, 1, 4 * MIB, whole=(3,))
    assert kept[-1] == 3 and np.prod(kept) <= 4 * MIB
    for store in ("local", "s3-obstore"):
        found = candidates(shape, 1, "tyxc", kept, store=store)
        assert len(found) >= 4 and all(c.real.chunks[-1] == 3 and c.timed.chunks[-1] == 3 for c in found)
        assert all(c.real.shards[-1] == 3 for c in found if c.real.shards)
    assert any(c.real.chunks[-1] < 3 for c in candidates(shape, 1, "tzyx", kept))


def test_channel_read_patterns_read_pixels_and_planes():
    assert list(parse_access(None, "tyxc")) == ["read_time", "read_space", "read_pixel", "read_channel",
                                                "read_chunks", "read_full"]
    assert list(parse_access(None, "yxc")) == ["read_pixel", "read_channel", "read_chunks", "read_full"]
    sample = np.zeros((6, 40, 30, 3), dtype="uint8")
    source = Source(sample_family("frames", sample, "tyxc"), sample.shape, 0)

    def selection(name: str) -> tuple:
        [found] = OPERATIONS[name].prepare(source, None)
        return found

    assert selection("read_pixel") == (3, 20, 15, slice(None))  # one pixel, every channel
    assert selection("read_channel") == (3, slice(None), slice(None), 1)  # one channel's plane
    assert selection("read_time") == (slice(None), 20, 15, slice(None))
    assert selection("read_space")[-1] == slice(None)


def test_axes_that_cannot_be_are_one_line_and_exit_4(tmp_path, capsys):
    np.save(tmp_path / "frames.npy", np.zeros((4, 32, 32, 3), dtype="uint8"))
    np.save(tmp_path / "six.npy", np.zeros((2,) * 6, dtype="uint8"))
    for args, expected in (([str(tmp_path / "frames.npy"), "--axes", "tyxq"], "c channel"),
                           ([str(tmp_path / "six.npy")], "cannot be guessed"),
                           ([str(tmp_path / "frames.npy"), "--access", "pixel"], "pixel needs axes c, y and x")):
        if expected.startswith("pixel"):
            args += ["--axes", "tzyx"]
        status = main(["advise", *args, "-q", "-o", str(tmp_path / "out")])
        err = capsys.readouterr().err
        assert status == EXIT_USAGE and expected in err and len(err.strip().splitlines()) == 1, err
