"""advise end to end on a real photograph: matplotlib's sample of Grace Hopper (installed with the
project, read through Pillow, which matplotlib needs), made into a short colour video by shifting it a
pixel a frame, as `.npy` with `--axes tyxc` and as a zarr v2 array that names no axes. Each run must
report the channels as channels, keep them whole in every chunk, and not keep raw bytes that a codec
within 1.5x of the choice's read time would store 3x smaller."""

import json
from pathlib import Path

import matplotlib.cbook
import matplotlib.image
import numpy as np
import zarr

from zarrgauge.advise import race
from zarrgauge.cli import main

FRAMES = 12


def _video() -> np.ndarray:
    photo = matplotlib.image.imread(matplotlib.cbook.get_sample_data("grace_hopper.jpg"))[::6, ::6]
    return np.stack([np.roll(photo, (i, i), axis=(0, 1)) for i in range(FRAMES)])  # 12x100x86x3 uint8


def _advise(capsys, *args: str) -> tuple[dict, list[str]]:
    status = main(["advise", *args])
    out, err = capsys.readouterr()
    assert status == 0, err
    return json.loads((Path(args[args.index("-o") + 1]) / "advice.json").read_text()), \
        out.splitlines()


def _channels_whole_and_bytes_earned(advice: dict) -> None:
    assert advice["source"]["axes"] == "tyxc"
    assert all(entry["chunks"][-1] == 3 for entry in [advice["choice"], *advice["ranking"]])
    choice = advice["choice"]
    assert choice["codec"] != "none" and any(entry["compression_ratio"] >= 3 for entry in advice["ranking"])
    assert not [entry for entry in advice["ranking"] if entry["weighted_time"] <= 1.5 * choice["weighted_time"]
                and entry["compression_ratio"] >= 3 * choice["compression_ratio"]]


def test_a_photo_video_as_npy_with_its_axes_named(tmp_path, capsys):
    np.save(tmp_path / "video.npy", _video())
    advice, _ = _advise(capsys, str(tmp_path / "video.npy"), "--axes", "tyxc", "--codecs", "none,zstd,blosc-lz4",
                        "--rounds", "1", "-q", "-o", str(tmp_path / "advice"))
    _channels_whole_and_bytes_earned(advice)
    assert advice["source"]["axes_from"] == "as given with --axes"
    assert set(advice["weights"]) == {"read_time", "read_space", "read_pixel", "read_channel", "read_chunks",
                                      "read_full"}
    assert advice["trade_off"].startswith(f"The balanced choice is {advice['picks']['balanced']['layout']} ")


def test_a_photo_video_as_zarr_without_names_is_guessed_and_raced(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(race, "FEW", 4)  # a race of 15 choices, for a test of seconds
    values = _video()
    zarr.create_array(tmp_path / "video.zarr", shape=values.shape, dtype=values.dtype, chunks=(1, 100, 86, 3),
                      zarr_format=2)[:] = values
    advice, lines = _advise(capsys, str(tmp_path / "video.zarr"), "--codecs", "none,zstd,blosc-lz4", "--access",
                            "pixel,channel,full", "--rounds", "2", "-o", str(tmp_path / "advice"))
    _channels_whole_and_bytes_earned(advice)
    assert lines[0].startswith("zarrgauge advise: ") and "video.zarr (zarr v2, 12x100x86x3 uint8" in lines[0]
    assert lines[1].startswith("axes tyxc: t 12, y 100, x 86, c 3 channels") and "guessed" in lines[1]
    assert "Give --axes" in lines[1]
    said = "\n".join(lines)
    assert "The balanced choice is " in said and "Make it with zarr.create_array(" in said
    first, *_, last = advice["race"]["stages"]
    assert (first["rounds"], last["rounds"]) == (1, 2) and last["choices"] < first["choices"]
    assert "would have taken about" in said
