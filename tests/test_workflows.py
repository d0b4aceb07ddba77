"""The GitHub workflows' run: scripts read inputs, event fields and step outputs from env:, never from
${{ }}: pasted into a script, a value becomes shell code. jactionlint (make test) flags inputs and the
event fields an outsider writes, but not a step output that carries an input on."""

from pathlib import Path

import pytest
import yaml

WORKFLOWS = sorted((Path(__file__).resolve().parents[1] / ".github" / "workflows").glob("*.yml"))


def run_scripts(workflow: dict):
    for job_id, job in workflow["jobs"].items():
        for number, step in enumerate(job.get("steps", []), 1):
            if "run" in step:
                yield f"{job_id}, step {number} ({step.get('name', step['run'].splitlines()[0])})", step["run"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_no_expression_is_pasted_into_a_run_script(path):
    pasted = [where for where, script in run_scripts(yaml.safe_load(path.read_text())) if "${{" in script]
    assert not pasted, f"{path.name}: pass these values through env: instead of ${{{{ }}}}: {pasted}"


def test_the_workflows_are_found():
    assert {path.name for path in WORKFLOWS} >= {"benchmarks.yml", "test.yml"}
