"""The zarrgauge command line as users call it: exit statuses, one-line errors, written summaries."""

import json
import os
import subprocess
import sys

import pytest

from zarrgauge.testing.results import bench, noisy


def zarrgauge(*args, env=None):
    return subprocess.run([sys.executable, "-m", "zarrgauge.cli", *map(str, args)], capture_output=True,
                          text=True, env=env)


def results_file(path, benchmarks):
    path.write_text(json.dumps({"machine_info": {}, "commit_info": {}, "benchmarks": benchmarks}))
    return path


@pytest.fixture
def base(tmp_path):
    return results_file(tmp_path / "base.json", [bench("t", noisy(1e-3, seed=1))])


def one_line_error(result, status):
    assert result.returncode == status, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr, result.stderr
    return result.stderr


def test_gate_passes_the_same_code_and_flags_a_slowdown(tmp_path, base):
    same = results_file(tmp_path / "same.json", [bench("t", noisy(1e-3, seed=2))])
    slower = results_file(tmp_path / "slower.json", [bench("t", noisy(1.5e-3, seed=2))])
    assert zarrgauge("gate", base, same).returncode == 0
    flagged = zarrgauge("gate", base, slower)
    assert flagged.returncode == 1 and "regression" in flagged.stdout


def test_compare_reports_but_never_fails_on_a_regression(tmp_path, base):
    slower = results_file(tmp_path / "slower.json", [bench("t", noisy(1.5e-3, seed=2))])
    assert zarrgauge("compare", base, slower).returncode == 0


def test_metric_regression_fails_the_gate(tmp_path, base):
    more_requests = results_file(tmp_path / "head.json", [bench("t", noisy(1e-3, seed=2), store_get=26)])
    assert zarrgauge("gate", base, more_requests).returncode == 1


def test_summaries_go_to_the_step_summary_markdown_and_json(tmp_path, base):
    slower = results_file(tmp_path / "slower.json", [bench("t", noisy(1.5e-3, seed=2))])
    summary = tmp_path / "summary.md"
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}
    zarrgauge("gate", base, slower, "--markdown", tmp_path / "gate.md", "--json", tmp_path / "gate.json", env=env)
    assert "regression" in summary.read_text() and summary.read_text() == (tmp_path / "gate.md").read_text()
    [verdict] = json.loads((tmp_path / "gate.json").read_text())["benchmarks"]
    assert verdict["verdict"] == "regression"


@pytest.mark.parametrize("content, says", [
    (None, "does not exist"),
    ("{not json", "not readable JSON"),
    ('{"some": "other tool"}', "not pytest-benchmark results"),
    ('{"machine_info": {}, "benchmarks": []}', "holds no benchmarks"),
], ids=["missing", "corrupt", "foreign", "empty"])
def test_unusable_results_file_exits_2_with_one_line(tmp_path, base, content, says):
    head = tmp_path / "head.json"
    if content is not None:
        head.write_text(content)
    assert says in one_line_error(zarrgauge("gate", base, head), 2)


def test_runs_pinned_to_other_cpus_are_not_compared(tmp_path, base):
    pinned = results_file(tmp_path / "pinned.json", [bench("t", noisy(1e-3, seed=2))])
    document = json.loads(pinned.read_text())
    pinned.write_text(json.dumps({**document, "machine_info": {"zarrgauge": {"cpus": [0]}}}))
    error = one_line_error(zarrgauge("gate", base, pinned), 2)
    assert "base ran on every CPU, head on CPUs 0: run both sides with the same --zarr-cpus" in error
    assert zarrgauge("gate", pinned, pinned).returncode == 0


def test_no_benchmarks_in_common_exits_2(tmp_path, base):
    other = results_file(tmp_path / "other.json", [bench("other", noisy(1e-3))])
    one_line_error(zarrgauge("gate", base, other), 2)


@pytest.mark.parametrize("args", [["frobnicate"], ["gate", "--factor", "fast", "a", "b"], ["gate"],
                                  ["gate", "a", "b", "--override", "nonsense"]],
                         ids=["unknown-command", "non-numeric-factor", "missing-files", "bad-override"])
def test_usage_errors_exit_with_one_line(tmp_path, base, args):
    args = [str(base) if a in ("a", "b") else a for a in args]
    one_line_error(zarrgauge(*args), 4)


COMMANDS = {
    "compare": "compare two pytest-benchmark JSON files (base, head)",
    "gate": "gate on two pytest-benchmark JSON files (base, head)",
    "ab": "run the benchmarks alternately in two zarr environments, then gate",
    "asv-compare": "compare two asv environments (zarr releases) of one commit",
    "report": "write a markdown and HTML report with figures from results files",
}
THRESHOLDS = ["--factor FACTOR", "--alpha ALPHA", "--floor FLOOR_SECONDS", "--override GLOB:NAME=VALUE",
              "--markdown PATH", "--json PATH"]


def test_help_lists_every_command_with_its_one_line_help():
    result = zarrgauge("--help")
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())  # argparse wraps help to the terminal's width
    for command, help_text in COMMANDS.items():
        assert f" {command} {help_text} " in text, command


@pytest.mark.parametrize("command, options", [
    ("compare", THRESHOLDS),
    ("gate", THRESHOLDS),
    ("ab", ["--base SPEC", "--head SPEC", "-k EXPR", "--rounds ROUNDS", "--out DIR", *THRESHOLDS]),
    ("asv-compare", ["--results RESULTS", "--machine MACHINE", "--commit COMMIT", *THRESHOLDS]),
    ("report", ["-o", "--out DIR"]),
])
def test_each_command_help_lists_its_options(command, options):
    result = zarrgauge(command, "--help")
    assert result.returncode == 0 and result.stdout.startswith(f"usage: zarrgauge {command} "), result.stderr
    listed = [line.strip() for line in result.stdout.splitlines() if line.startswith("  -")]
    for option in options:
        # Python 3.13 lists "-o, --out DIR", 3.11 "-o DIR, --out DIR": match words, not the whole line
        assert any(f" {option} " in f" {line.replace(',', ' ')} " for line in listed), option
