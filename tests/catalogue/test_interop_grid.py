"""Self-tests of the interoperability grid's reach: the writers' defaults, the spellings and the big arrays
say what they claim, from the cases alone."""

import json
import math
from dataclasses import replace

import numpy as np
import pytest

from zarrgauge.catalogue.interop import DTYPES, STRING, respelled
from zarrgauge.catalogue.interop_grid import interop_cases, representative

CASES = interop_cases()
BY_ID = {case.id: case for case in CASES}


def _grid(extent, step):
    return [math.ceil(n / s) for n, s in zip(extent, step)]


def test_ids_are_unique():
    assert len(BY_ID) == len(CASES)


def test_every_dtype_is_written_with_each_writers_defaults_in_both_formats():
    defaults = {(case.zarr_format, case.dtype) for case in CASES if case.defaults}
    assert defaults == {(fmt, dtype) for fmt in (2, 3) for dtype in DTYPES}


def test_v2_dtype_strings_in_every_byte_order_the_spec_allows():
    spelled = {case.metadata()["dtype"] for case in CASES if case.zarr_format == 2 and case.dtype != STRING}
    for dtype in DTYPES[:-1]:
        width = np.dtype(dtype).itemsize
        orders = "|<>" if width == 1 else "<>"
        code = np.dtype(dtype).str[1:]
        assert {order + code for order in orders} <= spelled, dtype


@pytest.mark.parametrize("spelled", [case for case in CASES if case.spelled], ids=lambda case: case.id)
def test_a_spelling_changes_the_document_and_never_the_values(spelled):
    """As JSON text: 2 and 2.0 are one number to Python. v2's null fill value is the case's own, and spelled
    again only in case a writer wrote a number for it."""
    case = spelled
    plain = replace(case, spelled=())
    assert json.dumps(case.metadata()) != json.dumps(plain.metadata()) or case.attributes() or case.fill_value is None
    assert respelled(plain.metadata(), case.spelled) == case.metadata()
    np.testing.assert_array_equal(case.expected(), plain.expected())
    json.dumps(case.metadata(), allow_nan=False)  # JSON as the spec has it: no bare NaN


def test_fill_values_in_every_encoding():
    fills = {json.dumps(case.metadata()["fill_value"]) for case in CASES}
    assert {'"NaN"', '"Infinity"', '"-Infinity"', "null", "2", "1.5", "true", '"eno="', '"enoAAA=="'} <= fills
    assert any(fill.startswith('"0x') for fill in fills) and any(fill.startswith('["0x') for fill in fills)


def test_both_chunk_key_encodings_with_both_separators_in_v3():
    keys = {(case.key_encoding, case.separator) for case in CASES if case.zarr_format == 3}
    assert keys == {(name, separator) for name in ("default", "v2") for separator in "./"}


def test_big_cases_have_hundreds_of_chunks_big_and_edge_shards_and_chunks_never_written():
    big = [case for case in CASES if case.big]
    assert big and not any(case.big for case in representative(CASES))
    assert any(math.prod(_grid(case.shape, case.chunks)) >= 300 and case.shards is None for case in big)
    sharded = [case for case in big if case.shards]
    assert {case.index_location for case in sharded} == {"start", "end"}
    for case in sharded:
        assert math.prod(_grid(case.shards, case.chunks)) >= 64
        assert any(n % s for n, s in zip(case.shape, case.shards)), "an edge shard"
    for case in big:
        written = np.zeros(_grid(case.shape, case.chunks), bool)
        region = tuple(slice(s.start // c, math.ceil(s.stop / c)) for s, c in zip(case.written, case.chunks))
        written[region] = True
        assert not written.all(), f"{case.id}: every chunk written"
