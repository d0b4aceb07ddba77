"""0-d arrays in every area: each lossless codec in both formats on every store, the indexing forms
`()`, `...` and `[()]` against numpy's, fill values, attributes, and refused resizes."""

import numpy as np
import pytest
import zarr

from zarrgauge.conformance.grid import LOSSLESS_CODECS, codec, codec_dtype_cases, reopened
from zarrgauge.conformance.known_bugs import RESIZE_TO_OTHER_NDIM, upstream_bug
from zarrgauge.harness.measure.oracle import assert_identical

VALUES = {"float64": -0.0, "int16": -7, "uint64": 2**64 - 1, "bool": True, "complex128": complex(np.nan, -0.0)}
FILLS = {"float64": np.nan, "int16": 3, "uint64": 2**63, "bool": False, "complex128": complex(1, -1)}

# zarr 3 returns a numpy scalar for every read of a 0-d array (zarr-python#2713, done in #2718);
# numpy, and zarr 2, return a 0-d ndarray for `[...]`.
ELLIPSIS_IS_A_SCALAR = upstream_bug(
    "zarr-developers/zarr-python#2713", None,
    "array[...] on a 0-d array returns a numpy scalar where numpy (and zarr 2) return a 0-d ndarray")


def _create(store, zarr_format, dtype, codec_name="zarr-default"):
    return zarr.create_array(store, shape=(), dtype=dtype, fill_value=FILLS[dtype], zarr_format=zarr_format,
                             **codec(codec_name).create_args(dtype, zarr_format))


@pytest.mark.parametrize("codec_name, dtype", codec_dtype_cases(LOSSLESS_CODECS, tuple(VALUES)))
def test_every_codec_round_trips_a_0d_value_bit_for_bit(store, zarr_format, codec_name, dtype):
    array = _create(store, zarr_format, dtype, codec_name)
    assert_identical(np.asarray(array[()]), np.array(FILLS[dtype], dtype=dtype))
    array[()] = VALUES[dtype]
    expected = np.array(VALUES[dtype], dtype=dtype)
    assert_identical(np.asarray(array[()]), expected)
    with reopened(store) as again:  # a zip store is closed first: read nothing more through `array`
        read = zarr.open_array(again, mode="r")
        assert read.shape == () and read.ndim == 0 and read.size == 1
        for value in (read[()], read[...]):
            assert_identical(np.asarray(value), expected)


@pytest.mark.parametrize("form", ["()", "...", "[()]"])
def test_every_write_form_writes_the_one_element(store, zarr_format, form):
    array = _create(store, zarr_format, "float64")
    key = {"()": (), "...": Ellipsis, "[()]": ()}[form]
    value = np.array(2.5) if form == "[()]" else 2.5
    array[key] = value
    assert_identical(np.asarray(array[()]), np.array(2.5))


def test_a_0d_read_returns_numpys_scalar_type_for_empty_tuple(store, zarr_format):
    array = _create(store, zarr_format, "int16")
    model = np.array(FILLS["int16"], dtype="int16")
    assert type(array[()]) is type(model[()])


@ELLIPSIS_IS_A_SCALAR
def test_a_0d_ellipsis_read_returns_a_0d_ndarray_as_numpy_does(store, zarr_format):
    array = _create(store, zarr_format, "int16")
    got = array[...]
    assert isinstance(got, np.ndarray) and got.shape == ()


@pytest.mark.parametrize("selection", [0, slice(None), (0,), (Ellipsis, 0)],
                         ids=["int", "slice", "tuple", "ellipsis-int"])
def test_indexing_a_0d_array_with_an_axis_fails_as_in_numpy(store, zarr_format, selection):
    array = _create(store, zarr_format, "float64")
    with pytest.raises(IndexError):
        np.array(1.0)[selection]
    with pytest.raises(IndexError):
        array[selection]


@pytest.mark.parametrize("store_kind", ["memory", "local"])  # zip cannot replace the metadata document
def test_attributes_on_a_0d_array_persist(store, zarr_format):
    array = _create(store, zarr_format, "float64")
    array.attrs.update({"units": "K", "scale": [1, 2]})
    with reopened(store) as again:
        assert zarr.open_array(again, mode="r").attrs.asdict() == {"units": "K", "scale": [1, 2]}


@RESIZE_TO_OTHER_NDIM
@pytest.mark.parametrize("store_kind", ["memory", "local"])
@pytest.mark.parametrize("shape", [(1,), (2, 2)], ids=["1d", "2d"])
def test_resizing_a_0d_array_to_more_dimensions_is_refused_and_changes_nothing(store, zarr_format, shape):
    array = _create(store, zarr_format, "float64")
    array[()] = 4.0
    with pytest.raises(ValueError):
        array.resize(shape)
    assert zarr.open_array(store, mode="r").shape == ()
    assert_identical(np.asarray(array[()]), np.array(4.0))
