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
