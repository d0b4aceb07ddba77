"""`zarrgauge asv-compare`: two asv environments (zarr releases) of one commit, through the gate's
comparison; on results files written the way asv 0.6 writes them."""

import json

import pytest

from zarrgauge.cli import main
from zarrgauge.testing.results import noisy

COLUMNS = ["result", "params", "version", "started_at", "duration", "stats_ci_99_a", "stats_ci_99_b", "stats_q_25",
           "stats_q_75", "stats_number", "stats_repeat", "samples", "profile"]
CLASS = "reads.ReadFull_random_ints__chunks_100x100__none__v3__local"
TITLE = "read_full random-ints/chunks=100x100/none/v3/local"
COMMIT, OLDER = "a" * 40, "b" * 40


def write_run(results, zarr, timings, commit=COMMIT, date=2, requests=25, machine="box"):
    """One asv results file: a time_ benchmark with raw samples and its track_ sibling."""
    env = f"virtualenv-py3.13-numcodecs0.16.5-zarr{zarr}"
    rows = {f"{CLASS}.time_read_full": [[float(sorted(timings)[len(timings) // 2])], [], "v1", 0, 1.0,
                                         None, None, None, None, [1], [len(timings)], [list(timings)]],
            f"{CLASS}.track_store_requests": [[requests], [], "v1", 0, 0.1]}
    folder = results / machine
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "machine.json").write_text(json.dumps({"machine": machine, "version": 1}))
    (folder / f"{commit[:8]}-{env}.json").write_text(json.dumps({
        "commit_hash": commit, "env_name": env, "date": date, "params": {"machine": machine}, "python": "3.13",
        "requirements": {"numcodecs": "0.16.5", "zarr": zarr}, "env_vars": {}, "result_columns": COLUMNS,
        "results": rows, "durations": {}, "version": 2}))
    listing = {f"{CLASS}.time_read_full": {"pretty_name": TITLE}, "version": 2}
    (results / "benchmarks.json").write_text(json.dumps(listing))


@pytest.fixture
def results(tmp_path):
    path = tmp_path / "results"
    write_run(path, "3.1.6", noisy(1e-3, seed=1))
    write_run(path, "3.4.2", noisy(1.5e-3, seed=2), requests=30)
    return path


def asv_compare(capsys, *args):
    status = main(["asv-compare", *map(str, args)])
    out, err = capsys.readouterr()
    return status, out, err


def test_a_slower_release_shows_as_a_regression_with_its_metrics(capsys, results):
    status, out, err = asv_compare(capsys, "3.1.6", "3.4.2", "--results", results)
    assert status == 0
    [row] = [line for line in out.splitlines() if line.startswith(TITLE)]
    assert "store_requests 25->30" in row and "REGRESSION" in row
    assert "zarr 3.1.6" in err and "zarr 3.4.2" in err


def test_environments_by_name_part_and_the_newest_shared_commit_by_default(capsys, results):
    write_run(results, "3.1.6", noisy(1e-3, seed=3), commit=OLDER, date=1)
    write_run(results, "3.4.2", noisy(1e-3, seed=4), commit=OLDER, date=1)
    assert "REGRESSION" in asv_compare(capsys, "zarr3.1.6", "zarr3.4.2", "--results", results)[1]
    assert "REGRESSION" not in asv_compare(capsys, "3.1.6", "3.4.2", "--results", results, "--commit", "bbbb")[1]


@pytest.mark.parametrize("args, says", [
    (["3.1.6", "3.4.2", "--results", "{missing}"], "no asv results"),
    (["3.0.10", "3.4.2"], "matches no environment"),
    (["zarr3", "3.4.2"], "matches several environments"),
    (["3.1.6", "3.4.2", "--commit", "cccc"], "no asv results for commit"),
    (["3.1.6", "3.4.2", "--machine", "other"], "no results of machine"),
], ids=["no-results", "unknown-release", "ambiguous", "unknown-commit", "unknown-machine"])
def test_what_cannot_be_compared_exits_2_with_one_line(capsys, tmp_path, results, args, says):
    args = [a.format(missing=tmp_path / "missing") for a in args]
    status, _, err = asv_compare(capsys, *args, *([] if "--results" in args else ["--results", results]))
    assert status == 2 and says in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("content, says", [("{not json", "not readable JSON"), ('{"result_columns": []}', "malformed")],
                         ids=["corrupt", "malformed"])
def test_an_unreadable_results_file_exits_2_with_one_line(capsys, results, content, says):
    (results / "box" / "broken-env.json").write_text(content)
    status, _, err = asv_compare(capsys, "3.1.6", "3.4.2", "--results", results)
    assert status == 2 and says in err and len(err.strip().splitlines()) == 1


def test_quick_runs_cannot_be_compared(capsys, results):
    write_run(results, "3.4.2", [1e-3])
    status, _, err = asv_compare(capsys, "3.1.6", "3.4.2", "--results", results)
    assert status == 2 and "without --quick" in err and len(err.strip().splitlines()) == 1
