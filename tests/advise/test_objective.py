"""What advise weighs: read time against stored size per preference, the trade-off sentence it prints
first, and the request charge on object storage."""

import pytest

from zarrgauge.advise.objective import FIRST_BYTE, charged, choose, picks, score, trade_sentence
from zarrgauge.report.load import Record

PATTERNS = ("read_time", "read_full")


def timed(layout: str, codec: str, seconds: tuple[float, ...], ratio: float, requests: int = 1,
          store: str = "local") -> list[Record]:
    """One choice's records, one per pattern."""
    return [Record(f"test_{op}[frames/{layout}/{codec}]", "frames", op, layout, (24, 200, 171, 3), None, codec, 3,
                   store, "quick", median, ratio, requests, 0, samples=(median,) * 5)
            for op, median in zip(PATTERNS, seconds)]


WEIGHTS = dict.fromkeys(PATTERNS, 0.5)


def _issue_choices() -> list[Record]:
    """The video of issue 28: uncompressed reads fastest, zarr's default stores 13x less, 1.4x slower."""
    return [*timed("time", "none", (0.8e-3, 11e-3), 0.998), *timed("time", "zarr-default", (1.2e-3, 15e-3), 13.2),
            *timed("time", "gzip", (9e-3, 90e-3), 14.0)]


def _label(scored) -> str:
    return f"{scored.any.layout} · {scored.any.codec}"


def test_balanced_weighs_storage_speed_takes_the_fastest_size_the_smallest():
    found = picks(score(_issue_choices(), WEIGHTS, "local"))
    assert {prefer: s.any.codec for prefer, s in found.items()} == {"balanced": "zarr-default", "speed": "none",
                                                                    "size": "gzip"}
    # zarr's default: stored 14/13.2 times the smallest, read 1.4x slower than the fastest
    assert found["balanced"].size == pytest.approx(14.0 / 13.2) and found["balanced"].time == pytest.approx(1.4, 0.05)


def test_the_first_sentence_says_what_was_traded_for_what():
    found = picks(score(_issue_choices(), WEIGHTS, "local"))
    assert trade_sentence("speed", found, _label) == (
        "The fastest choice is **time · none**: 1.4x faster reads than the balanced choice (`time · zarr-default`) "
        "for 13x the storage; 9.7x faster reads than the smallest (`time · gzip`) for 14x the storage.")
    assert trade_sentence("balanced", found, _label).startswith(
        "The balanced choice is **time · zarr-default**: 1.4x slower reads than the fastest (`time · none`) "
        "for 13x less storage;")


@pytest.mark.parametrize("slower, smaller", [(1.0, 3.0), (1.5, 3.0), (1.2, 10.0), (1.49, 20.0)])
def test_balanced_never_keeps_raw_bytes_a_codec_within_1_5x_stores_3x_less(slower, smaller):
    records = [*timed("balanced", "none", (1e-3, 1e-2), 1.0),
               *timed("balanced", "zstd", (slower * 1e-3, slower * 1e-2), smaller)]
    assert choose(score(records, WEIGHTS, "local"), "balanced").any.codec == "zstd"
    assert choose(score(records, WEIGHTS, "local"), "speed").any.codec == ("none" if slower > 1.1 else "zstd")


def test_nothing_traded_when_one_choice_is_fastest_and_smallest():
    records = [*timed("balanced", "zstd", (1e-3, 1e-2), 4.0), *timed("balanced", "none", (2e-3, 2e-2), 1.0)]
    sentence = trade_sentence("balanced", picks(score(records, WEIGHTS, "local")), _label)
    assert sentence.endswith("it is also the fastest and the smallest: nothing is traded.")


def test_speed_ties_go_to_the_smaller_choice():
    records = [*timed("balanced", "none", (1.00e-3, 1e-2), 1.0), *timed("balanced", "zstd", (1.05e-3, 1.05e-2), 3.0)]
    assert choose(score(records, WEIGHTS, "local"), "speed").any.codec == "zstd"


def test_on_object_storage_each_batch_of_requests_pays_a_first_byte():
    [local] = timed("balanced", "zstd", (1e-3,), 2.0, requests=25)[:1]
    [remote] = timed("balanced", "zstd", (1e-3,), 2.0, requests=25, store="s3-obstore")[:1]
    assert charged(local, "local") == 1e-3
    assert charged(remote, "s3-obstore") == pytest.approx(1e-3 + 3 * FIRST_BYTE)  # 25 requests, 10 at a time
    # Many small chunks: faster on the loopback server, slower once each request waits for its first byte.
    many = timed("small", "zstd", (0.5e-3, 5e-3), 2.0, requests=400, store="s3-obstore")
    few = timed("large", "zstd", (1e-3, 1e-2), 2.0, requests=4, store="s3-obstore")
    assert choose(score(many + few, WEIGHTS, "local"), "speed").any.layout == "small"
    assert choose(score(many + few, WEIGHTS, "s3-obstore"), "speed").any.layout == "large"
