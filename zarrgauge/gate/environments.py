"""The environments `zarrgauge ab` runs each side in: checked before anything is built, built once per
spec and cached, and removed again when a build does not finish.

A spec is `current` (this environment), a path to a zarr-python checkout, or a pip requirement
(`zarr==3.1.6`). A path must hold a zarr-python checkout, and a requirement must match a release on
the package index, both checked in seconds: a wrong spec would otherwise show only after minutes of
building.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from zarrgauge.errors import ZarrgaugeError, usage_error
from zarrgauge.pytest_process import REPO

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "zarrgauge" / "envs"
READY = ".ready"  # written last: a directory without it is a build that did not finish
INDEX_SECONDS = 60


def is_path(spec: str) -> bool:
    return spec.startswith((".", "/", "~")) or Path(spec).expanduser().is_dir()


def check_spec(option: str, spec: str) -> None:
    """A usage error, in one line, unless `spec` can be built: `current`, a zarr-python checkout, or a
    requirement some release on the package index satisfies."""
    if spec == "current":
        return
    if is_path(spec):
        _check_checkout(option, Path(spec).expanduser())
    else:
        _check_requirement(option, spec)


def _check_checkout(option: str, path: Path) -> None:
    if not path.is_dir():
        problem = "does not exist" if not path.exists() else "is not a directory"
        raise usage_error(f"{option}: {path} {problem}; give a zarr-python checkout, a pip requirement such as "
                          "zarr==3.1.6, or current")
    try:
        name = tomllib.loads((path / "pyproject.toml").read_text())["project"]["name"]
    except (OSError, tomllib.TOMLDecodeError, KeyError):
        name = None
    if name != "zarr":
        raise usage_error(f"{option}: {path} is not a zarr-python checkout (no pyproject.toml naming the project "
                          "'zarr')")


def _check_requirement(option: str, spec: str) -> None:
    try:
        requirement = Requirement(spec)
    except InvalidRequirement as error:
        reason = str(error).splitlines()[0]
        raise usage_error(f"{option}: {spec!r} is neither a path nor a pip requirement ({reason})") from None
    if requirement.url:  # built from where it points, which the index cannot vouch for
        return
    releases = index_versions(requirement.name)
    if not list(requirement.specifier.filter(releases)):
        newest = f" (the newest is {releases[0]})" if releases else ""
        raise usage_error(f"{option}: no release of {requirement.name} on the package index satisfies "
                          f"{spec!r}{newest}")


def index_versions(name: str) -> list[str]:
    """The releases of `name` on the package index pip is set up for, newest first."""
    command = [sys.executable, "-m", "pip", "index", "versions", "--pre", "--disable-pip-version-check", name]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=INDEX_SECONDS)
    except subprocess.TimeoutExpired:
        raise ZarrgaugeError(f"the package index did not answer within {INDEX_SECONDS} s about {name}") from None
    found = re.search(r"^Available versions: (.+)$", result.stdout, re.MULTILINE)
    if found:
        return [version.strip() for version in found.group(1).split(",")]
    if "No matching distribution" in result.stderr:
        return []
    last = (result.stderr.strip().splitlines() or ["no answer"])[-1]
    raise ZarrgaugeError(f"could not ask the package index about {name}: {last}")


def environment(spec: str, python: str, say) -> str:
    """The interpreter of a cached environment holding zarrgauge and zarr as `spec` asks; a build that
    fails or is interrupted leaves nothing in the cache."""
    if spec == "current":
        return sys.executable
    project = (REPO / "pyproject.toml").read_bytes()
    key = hashlib.sha256(b"\0".join([spec.encode(), python.encode(), project])).hexdigest()[:12]
    home = CACHE / f"{''.join(c if c.isalnum() else '-' for c in spec)[:40]}-{key}"
    interpreter = str(home / "bin" / "python")
    if not (home / READY).exists():
        say(f"building environment for {spec} in {home}")
        try:
            _build(home, interpreter, spec, python)
        except BaseException:
            shutil.rmtree(home, ignore_errors=True)
            raise
    if is_path(spec):  # a checkout changes between runs: reinstall it every time
        _pip(interpreter, "--force-reinstall", "--no-deps", str(Path(spec).expanduser()))
    return interpreter


def _build(home: Path, interpreter: str, spec: str, python: str) -> None:
    subprocess.run([python, "-m", "venv", "--clear", str(home)], check=True, capture_output=True)
    _pip(interpreter, "-e", f"{REPO}[test]")
    if not is_path(spec):
        _pip(interpreter, spec)
    (home / READY).touch()


def _pip(interpreter: str, *args: str) -> None:
    result = subprocess.run([interpreter, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *args],
                            capture_output=True, text=True)
    if result.returncode:
        raise ZarrgaugeError(f"pip install {' '.join(args)} failed: {result.stderr.strip().splitlines()[-1:]}")
