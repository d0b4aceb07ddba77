"""Self-test of the conformance matrix report."""

import textwrap

SAMPLE = textwrap.dedent("""
    import pytest

    @pytest.fixture(params=[2, 3])
    def zarr_format(request):
        return request.param

    @pytest.fixture(params=["memory", "zip"])
    def store_kind(request):
        return request.param

    def test_ok(zarr_format, store_kind):
        assert True

    def test_broken(zarr_format, store_kind):
        assert not (zarr_format == 3 and store_kind == "zip"), "v3 zip lost a chunk"

    @pytest.mark.xfail(strict=True, reason="upstream#1 (fixed in 9.9): example")
    def test_known(zarr_format):
        assert False

    def test_plain():
        assert True
""")


def test_matrix_counts_each_area_format_and_store(pytester):
    pytester.mkdir("conformance").joinpath("test_widgets.py").write_text(SAMPLE)
    result = pytester.runpytest("-p", "zarrgauge.conformance.matrix", "--conformance-report=out/matrix.md",
                                "conformance")
    result.assert_outcomes(passed=8, failed=1, xfailed=2)
    text = (pytester.path / "out" / "matrix.md").read_text()
    assert "| area | any any | v2 any | v2 memory | v2 zip | v3 any | v3 memory | v3 zip |" in text
    assert "| widgets | 1 pass | 1 xfail | 2 pass | 2 pass | 1 xfail | 2 pass | 1 pass 1 FAIL |" in text
    assert "failed: AssertionError: v3 zip lost a chunk" in text
    assert "xfailed: upstream#1 (fixed in 9.9): example (2 tests)" in text
    assert "Network faults" not in text  # no test recorded a fault


FAULTS_SAMPLE = textwrap.dedent("""
    import pytest

    @pytest.fixture(params=["s3-a", "s3-b"])
    def store_kind(request):
        return request.param

    @pytest.mark.parametrize("fault", ["503 on reads", "server down"])
    def test_fault(store_kind, fault, record_property):
        record_property("fault", fault)
        outcome = "raised OSError | 500" if (store_kind, fault) == ("s3-b", "server down") else "retried"
        record_property("fault_outcome", outcome)
        assert outcome == "retried"

    def test_unrecorded(store_kind):
        assert True
""")


def test_matrix_lists_what_each_store_did_under_each_fault(pytester):
    pytester.mkdir("conformance").joinpath("test_network_faults.py").write_text(FAULTS_SAMPLE)
    result = pytester.runpytest("-p", "zarrgauge.conformance.matrix", "--conformance-report=matrix.md", "conformance")
    result.assert_outcomes(passed=5, failed=1)
    text = (pytester.path / "matrix.md").read_text()
    table = text[text.index("## Network faults"):].splitlines()
    assert "| fault | s3-a | s3-b |" in table
    assert "| 503 on reads | retried | retried |" in table
    assert "| server down | retried | raised OSError \\| 500 [failed] |" in table
    assert len([line for line in table if line.startswith("| ")]) == 3  # the unrecorded test adds no row
