"""Selection: one parser for pytest's options and asv's environment variables."""

import pytest

from zarrgauge.catalogue.selection import Selection
from zarrgauge.errors import EXIT_USAGE, ZarrgaugeError


def test_an_option_wins_over_its_environment_variable():
    selection = Selection.parse({"zarr_family": "basic-2d"}, {"ZARRGAUGE_FAMILY": "signal-1d", "ZARRGAUGE_FORMAT": "2"})
    assert selection.families == ("basic-2d",) and selection.formats == ("2",)
    assert {case.family.name for case in selection.array_cases()} == {"basic-2d"}
    assert {case.zarr_format for case in selection.array_cases()} == {2}


def test_asv_reads_the_environment_alone():
    selection = Selection.parse({}, {"ZARRGAUGE_TIER": "full", "ZARRGAUGE_CASE": "experiment/v3/*"})
    assert selection.tier == "full" and selection.array_cases() == []
    assert [case.id for case in selection.node_cases()] == ["experiment/v3/memory", "experiment/v3/local"]


def test_a_family_filter_leaves_no_node_cases():
    assert Selection(families=("basic-2d",)).node_cases() == []


def test_only_cases_that_time_the_operation_are_given():
    cases = Selection(families=("signal-1d",)).array_cases("batch_moving_average")
    assert cases and all("batch_moving_average" in case.operations for case in cases)
    assert Selection(families=("basic-2d",)).array_cases("read_time") == []


def test_custom_chunks_join_only_families_of_their_rank():
    selection = Selection.parse({"zarr_chunks": "12x32x32"}, {})
    custom = [case for case in selection.array_cases() if case.layout.role == "custom"]
    assert {case.family.name for case in custom} == {"seasonal-series", "camera-frames", "basic-3d"}


@pytest.mark.parametrize("given, message", [
    ({"zarr_tier": "quick,full"}, "give one tier"),
    ({"zarr_store": "zip"}, "unknown value 'zip'; choose from: memory, local"),
    ({"zarr_case": "nothing/*"}, r"no quick case matches 'nothing/\*'"),
])
def test_bad_values_are_usage_errors(given, message):
    with pytest.raises(ZarrgaugeError, match=message) as raised:
        Selection.parse(given, {})
    assert raised.value.exit_status == EXIT_USAGE
