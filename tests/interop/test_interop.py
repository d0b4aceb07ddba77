"""The interoperability matrix's own machinery: cases, capabilities, classification of cells,
out-of-process crashes, the report and the command line."""

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import zarr

from zarrgauge.catalogue.engines import ENGINES, EngineSpec
from zarrgauge.catalogue.interop import fill_scalar
from zarrgauge.catalogue.interop_grid import _cover, interop_cases, representative
from zarrgauge.cli import main
from zarrgauge.engines import engine
from zarrgauge.engines.outofprocess import OutOfProcessEngine
from zarrgauge.engines.zarr_python import ZarrPython, create_args
from zarrgauge.errors import EXIT_USAGE
from zarrgauge.interop.report import as_json, as_markdown
from zarrgauge.interop.run import run_matrix, scratch_directory

CASES = {case.id: case for case in interop_cases()}


class ReturnsExpected(ZarrPython):
    """Reads nothing: answers with the case's expected values, as a reader that skips checksums might."""

    def read(self, path, case):
        return case.expected()


class FlipsOneValue(ZarrPython):
    def read(self, path, case):
        values = super().read(path, case)
        values.reshape(-1)[-1] = values.reshape(-1)[0]
        return values


def _cells(reader_class, case_ids):
    writer = engine("zarr-python")
    reader = reader_class(EngineSpec("broken", "a deliberately broken reader"))
    with scratch_directory() as root:
        return {cell.case.id: cell for cell in run_matrix([CASES[i] for i in case_ids], [writer], [reader], root,
                                                          show=False)}


def test_a_reader_that_accepts_corrupted_data_is_a_silent_mismatch():
    cells = _cells(ReturnsExpected, ["v3/corrupt/chunk-under-crc32c", "v3/codec/gzip"])
    assert cells["v3/corrupt/chunk-under-crc32c"].outcome == "mismatch"
    assert cells["v3/codec/gzip"].outcome == "ok"


def test_a_reader_that_refuses_corrupted_data_is_ok():
    cells = _cells(ZarrPython, ["v3/corrupt/chunk-under-crc32c", "v3/corrupt/shard-index-start",
                                "v3/corrupt/shard-index-end"])
    assert {cell.outcome for cell in cells.values()} == {"ok"}
    assert all(cell.message.startswith("refused") for cell in cells.values())


def test_one_wrong_element_is_a_mismatch_naming_it():
    cell = _cells(FlipsOneValue, ["v3/dtype/int32"])["v3/dtype/int32"]
    assert cell.outcome == "mismatch" and "(6, 4)" in cell.message


def test_capabilities_match_single_features_and_combinations():
    spec = EngineSpec("x", "", {"dtype:float16": "none", "format:2+zstd-checksum": "no", "write@sharding": "r/o"})
    assert spec.unsupported(frozenset({"dtype:float16", "format:3"}), "read") == "dtype:float16: none"
    assert spec.unsupported(frozenset({"format:3", "zstd-checksum"}), "write") is None
    assert "format:2+zstd-checksum" in spec.unsupported(frozenset({"format:2", "zstd-checksum"}), "read")
    assert spec.unsupported(frozenset({"sharding"}), "read") is None
    assert spec.unsupported(frozenset({"sharding"}), "write") == "write@sharding: r/o"


def test_the_representative_cases_show_every_feature_and_codec_of_the_grid_but_no_big_case():
    chosen = representative(list(CASES.values()))
    small = [case for case in CASES.values() if not case.big]
    assert set().union(*(_cover(case) for case in chosen)) == set().union(*(_cover(case) for case in small))
    assert len(chosen) < len(CASES) / 2
    assert not any(case.big for case in chosen) and len(small) < len(CASES)


def test_every_case_reads_back_partly_fill_and_the_fill_keeps_its_bits():
    case = CASES["v3/fill/hex-nan"]
    expected = case.expected()
    assert expected.view("u8")[6, 0] == 0x7FF8000000000001
    assert fill_scalar("complex64", ["NaN", -0.0]).imag.tobytes() == np.float32(-0.0).tobytes()


CRASHES_ON_SECOND = textwrap.dedent("""
    import json, os, sys
    for number, task in enumerate(json.load(open(sys.argv[1]))):
        if task["path"].endswith("crash"):
            os._exit(3)
        print(json.dumps({"status": "error", "message": "worker saw " + task["op"]}), flush=True)
""")


class CrashingWorker(OutOfProcessEngine):
    def __init__(self, spec, script):
        super().__init__(spec)
        self.script = script

    def command(self):
        return [sys.executable, str(self.script)]


def test_a_worker_that_dies_costs_one_task_and_the_rest_still_run(tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(CRASHES_ON_SECOND)
    from zarrgauge.engines.base import Task

    case = CASES["v3/codec/gzip"]
    tasks = [Task("read", tmp_path / name, case) for name in ("a", "crash", "b")]
    results = CrashingWorker(EngineSpec("crashy", ""), script).run_batch(tasks)
    assert [result.status for result in results] == ["error", "crash", "error"]
    assert "exited with status 3" in results[1].message


def test_the_report_groups_problems_by_reader_with_a_reproduction():
    cells = _cells(FlipsOneValue, ["v3/dtype/int32", "v3/dtype/int16"])
    document = as_json(list(cells.values()), {"zarr-python": {"description": "", "missing": None,
                                                               "version": "3.4.2"}}, 1.0)
    text = as_markdown(json.loads(json.dumps(document)))
    assert "broken reading: mismatch, 2 cell(s)" in text
    assert "zarrgauge interop --case v3/dtype/int32 --writers zarr-python --readers broken" in text


@pytest.mark.parametrize("args, message", [
    (["--writers", "zarr-js"], "unknown engine zarr-js"),
    (["--case", "v9/nothing"], "no case id contains"),
])
def test_bad_options_are_one_line_and_exit_4(args, message, capsys, tmp_path):
    assert main(["interop", "-o", str(tmp_path), *args]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_one_cell_from_the_command_line(tmp_path):
    result = subprocess.run([sys.executable, "-m", "zarrgauge.cli", "interop", "--case", "v3/codec/gzip",
                             "--writers", "zarr-python", "--readers", "tensorstore", "-o", str(tmp_path)],
                            capture_output=True, text=True, check=True)
    document = json.loads((tmp_path / "interop.json").read_text())
    assert [cell["outcome"] for cell in document["cells"]] == ["ok"], result.stdout
    assert set(document["engines"]) == {"zarr-python", "tensorstore"}
    assert ENGINES["tensorstore"].description in (tmp_path / "interop.md").read_text()


class WritesFillSeven(ZarrPython):
    """A writer whose own default fill value is 7, not the dtype's zero."""

    def write(self, path, case):
        if not case.defaults:
            return super().write(path, case)
        array = zarr.create_array(zarr.storage.LocalStore(path), shape=case.shape, dtype=case.dtype,
                                  chunks=case.chunks, zarr_format=case.zarr_format, fill_value=7)
        array[case.written] = case.values()


class NonsenseWhereNeverWritten(ZarrPython):
    """Reads right wherever the writer wrote, and 99 everywhere else."""

    def read(self, path, case):
        values = super().read(path, case)
        written = values[case.written].copy()
        values[...] = 99
        values[case.written] = written
        return values


def _matrix(writer, reader, case_ids):
    with scratch_directory() as root:
        cells = run_matrix([CASES[i] for i in case_ids], [writer], [reader], root, show=False)
    return {cell.case.id: cell for cell in cells}


def _spec(name):
    return EngineSpec(name, "a writer or reader of this test's own")


def test_a_defaults_case_is_checked_against_the_fill_value_its_writer_chose():
    case_id = "v3/defaults/float64"
    assert _matrix(WritesFillSeven(_spec("sevens")), ZarrPython(_spec("reader")), [case_id])[case_id].outcome == "ok"
    cell = _matrix(WritesFillSeven(_spec("sevens")), ReturnsExpected(_spec("zeros")), [case_id])[case_id]
    assert cell.outcome == "mismatch" and "expected np.float64(7.0)" in cell.message


def test_never_written_elements_are_left_unchecked_only_where_the_writer_declared_no_fill_value():
    reader = NonsenseWhereNeverWritten(_spec("nonsense"))
    null_fill = _matrix(engine("tensorstore"), reader, ["v2/defaults/int64"])["v2/defaults/int64"]
    assert null_fill.outcome == "ok"  # tensorstore's v2 default fill value is null
    zero_fill = _matrix(engine("zarr-python"), reader, ["v2/defaults/int64"])["v2/defaults/int64"]
    assert zero_fill.outcome == "mismatch" and "got np.int64(99)" in zero_fill.message


def test_a_defaults_case_is_created_from_shape_dtype_and_chunks_alone(tmp_path):
    case = CASES["v3/defaults/float64"]
    assert set(create_args(case)) == {"shape", "dtype", "chunks", "zarr_format"}
    engine("zarr-python").write(tmp_path, case)
    codecs = [codec["name"] for codec in json.loads((tmp_path / "zarr.json").read_text())["codecs"]]
    assert codecs == ["bytes", "zstd"] != [codec["name"] for codec in case.codecs]  # zarr-python's default chain


@pytest.mark.parametrize("case_id", ["v3/spelling/fill-hex-1.5", "v3/spelling/dimension-names-partly-null",
                                     "v3/spelling/bytes-no-configuration", "v2/spelling/dtype-big-int8",
                                     "v2/spelling/v2-no-dimension-separator", "v3/spelling/unicode-attributes"])
def test_readers_meet_each_spelling_even_where_the_writer_normalised_it(case_id):
    """zarr-python writes the fill value 1.5 as 1.5 and a one-byte dtype as '|i1', its own spellings: the runner
    spells the declared members again, so that every reader meets them."""
    case = CASES[case_id]
    document = "zarr.json" if case.zarr_format == 3 else ".zarray"
    with scratch_directory() as root:
        run_matrix([case], [engine("zarr-python")], [], root, show=False)
        written = json.loads((root / "zarr-python" / case_id.replace("/", "_") / document).read_text())
    for path, text in case.spelled:
        member = written
        for key in path[:-1]:
            member = member[key]
        assert (member.get(path[-1]) if text is None else member[path[-1]]) == (text and json.loads(text)), path


def test_v2_attributes_are_spelled_into_zattrs_in_utf8():
    case = CASES["v2/spelling/unicode-attributes"]
    with scratch_directory() as root:
        run_matrix([case], [engine("tensorstore")], [], root, show=False)  # tensorstore writes no .zattrs
        text = (root / "tensorstore" / case.id.replace("/", "_") / ".zattrs").read_text(encoding="utf-8")
    assert json.loads(text) == case.attributes() and "日本語" in text


class ReadsUtf8AsLatin1(ZarrPython):
    """Reads the values right and the attributes as a reader that decodes zarr.json as Latin-1 would."""

    def properties(self, path, case):
        said = super().properties(path, case)
        return {**said, "attributes": json.loads(json.dumps(said["attributes"], ensure_ascii=False)
                                                 .encode().decode("latin-1"))}


def test_attributes_and_dimension_names_a_reader_gives_are_checked():
    cells = _matrix(engine("zarr-python"), ReadsUtf8AsLatin1(_spec("latin-1")),
                    ["v3/spelling/unicode-attributes", "v2/spelling/unicode-attributes", "v3/codec/gzip"])
    assert [cells[f"v{fmt}/spelling/unicode-attributes"].outcome for fmt in (3, 2)] == ["mismatch", "mismatch"]
    assert "attributes: got" in cells["v3/spelling/unicode-attributes"].message
    assert cells["v3/codec/gzip"].outcome == "ok"  # declares no attributes: none are asked for
    names = _matrix(engine("zarr-python"), engine("tensorstore"), ["v3/spelling/dimension-names-partly-null"])
    assert names["v3/spelling/dimension-names-partly-null"].outcome == "ok"
