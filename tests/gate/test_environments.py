"""`zarrgauge ab`'s environments (zarrgauge.gate.environments): a spec is checked in seconds before
anything is built, and a build that does not finish leaves nothing in the cache."""

import subprocess
import sys

import pytest

from zarrgauge.errors import EXIT_USAGE, ZarrgaugeError
from zarrgauge.gate import environments
from zarrgauge.gate.environments import READY, check_spec, environment, index_versions
from zarrgauge.testing.subprocesses import clean_environment

RELEASES = ["3.4.2", "3.4.1", "3.2.0rc1", "3.1.6"]


@pytest.fixture
def index(monkeypatch):
    """The package index as if it held RELEASES of zarr: tests talk to nothing but 127.0.0.1."""
    monkeypatch.setattr(environments, "index_versions", lambda name: RELEASES if name == "zarr" else [])


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """The cache in a temporary directory, where `python -m venv` only makes the environment's folder
    (a real one takes seconds, and what is tested is what happens around it)."""
    def venv(command, **_):
        (tmp_path / "envs" / command[-1]).mkdir(parents=True)

    monkeypatch.setattr(environments, "CACHE", tmp_path / "envs")
    monkeypatch.setattr(environments.subprocess, "run", venv)
    return tmp_path / "envs"


def _refused(spec: str) -> str:
    with pytest.raises(ZarrgaugeError) as raised:
        check_spec("--base", spec)
    assert raised.value.exit_status == EXIT_USAGE and "\n" not in str(raised.value)
    return str(raised.value)


def test_a_path_must_be_a_zarr_python_checkout(tmp_path):
    assert "does not exist" in _refused(str(tmp_path / "zarr-python"))
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "zarrgauge"\n')
    assert "is not a zarr-python checkout" in _refused(str(tmp_path))
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "zarr"\n')
    check_spec("--base", str(tmp_path))


def test_a_requirement_must_match_a_release_on_the_index(index):
    assert _refused("zarr==99.0") == "--base: no release of zarr on the package index satisfies 'zarr==99.0' " \
                                     "(the newest is 3.4.2)"
    assert "no release of zarrr" in _refused("zarrr")
    assert "neither a path nor a pip requirement" in _refused("zarr>=")
    for spec in ("zarr==3.1.6", "zarr>=3.4,<3.5", "zarr==3.2.0rc1", "current"):
        check_spec("--head", spec)


def test_the_index_answer_is_read_for_its_releases(monkeypatch):
    answer = "zarr (3.4.2)\nAvailable versions: 3.4.2, 3.4.1, 3.1.6\n"
    monkeypatch.setattr(environments.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, answer, ""))
    assert index_versions("zarr") == ["3.4.2", "3.4.1", "3.1.6"]
    none = "ERROR: No matching distribution found for zarrr\n"
    monkeypatch.setattr(environments.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 1, "", none))
    assert index_versions("zarrr") == []


@pytest.mark.parametrize("failure", [ZarrgaugeError("pip install failed"), KeyboardInterrupt()])
def test_a_build_that_does_not_finish_leaves_nothing_behind(cache, monkeypatch, failure):
    def pip(interpreter, *args):
        raise failure

    monkeypatch.setattr(environments, "_pip", pip)
    with pytest.raises(type(failure)):
        environment("zarr==3.1.6", sys.executable, print)
    assert cache.exists() and not any(cache.iterdir())  # made, then removed


def test_a_finished_build_is_marked_and_found_again(cache, monkeypatch):
    installs = []
    monkeypatch.setattr(environments, "_pip", lambda interpreter, *args: installs.append(args))
    first = environment("zarr==3.1.6", sys.executable, print)
    assert environment("zarr==3.1.6", sys.executable, print) == first
    assert len(installs) == 2 and installs[1] == ("zarr==3.1.6",)  # zarrgauge, then zarr; built once
    [home] = cache.iterdir()
    assert (home / READY).exists()


def test_ab_refuses_a_missing_checkout_in_one_line_before_building_anything(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = clean_environment(XDG_CACHE_HOME=str(tmp_path), TMPDIR=str(scratch))
    result = subprocess.run([sys.executable, "-m", "zarrgauge.cli", "ab", "--base", "/nonexistent/zarr-python",
                             "--head", "current"], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == EXIT_USAGE
    assert result.stderr == ("zarrgauge ab: --base: /nonexistent/zarr-python does not exist; give a zarr-python "
                             "checkout, a pip requirement such as zarr==3.1.6, or current\n")
    assert not (tmp_path / "zarrgauge").exists()
    assert not list(scratch.iterdir())  # no results directory for results that never came
