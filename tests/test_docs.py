"""The README is the door and docs/ the site: the door stays short and opens with the two commands, every
link it holds reaches a page and heading that exist, every make target is named in it, and the site's
--strict build (make docs, in make test) fails on a broken link or a page left out of the nav."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
LINK = re.compile(r"\]\(([^)\s]+)\)")
# Targets the README's commands table need not name: steps of other targets.
INTERNAL_TARGETS: set[str] = set()


def slug(heading: str) -> str:
    """The anchor Python-Markdown's toc extension (MkDocs, GitHub alike) gives a heading."""
    text = unicodedata.normalize("NFKD", heading).encode("ascii", "ignore").decode()
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)
    return {slug(line.lstrip("#")) for line in text.splitlines() if line.startswith("#")}


def test_the_readme_is_short_and_opens_with_the_two_commands():
    text = README.read_text()
    assert len(text.splitlines()) <= 150
    first_block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()]
    assert commands == ["make bench", "make test"]


def test_every_relative_link_of_the_readme_reaches_a_file_and_heading():
    for target in LINK.findall(README.read_text()):
        if "://" in target:
            continue
        path, _, anchor = target.partition("#")
        page = ROOT / path
        assert page.exists(), f"README links to {path}, which does not exist"
        if anchor:
            assert anchor in anchors(page), f"README links to {target}: {path} has no such heading"


def test_every_make_target_is_named_in_the_readme():
    makefile = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    phony = re.search(r"^\.PHONY:(.*)$", makefile, flags=re.M)
    assert phony
    readme = README.read_text()
    named = set(re.findall(r"`make ([a-z0-9-]+)", readme)) | set(re.findall(r"`(asv-[a-z-]+)`", readme))
    missing = set(phony.group(1).split()) - named - INTERNAL_TARGETS
    assert not missing, f"make targets the README's commands table does not name: {sorted(missing)}"


def make_docs_arguments() -> list[str]:
    """The arguments `make docs` gives `mkdocs`: the test builds as the target does (a --quiet there once
    hid every warning from --strict, and a broken link passed)."""
    recipe = re.search(r"^docs:.*\n\t(.*)$", (ROOT / "Makefile").read_text(), flags=re.M)
    assert recipe
    return recipe.group(1).split("/mkdocs ", 1)[1].split()


def strict_build(tmp_path: Path, change) -> subprocess.CompletedProcess:
    """The site built as `make docs` builds it, from a copy of docs/ that `change` altered."""
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    change(tmp_path / "docs")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", *make_docs_arguments(), "-f", tmp_path / "mkdocs.yml", "-d",
               tmp_path / "site"]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)


def test_the_strict_build_fails_on_a_broken_link_and_on_a_page_left_out_of_the_nav(tmp_path):
    def break_a_link_and_leave_a_page_out(docs: Path) -> None:
        index = docs / "index.md"
        index.write_text(index.read_text() + "\n[gone](no-such-page.md) and [no heading](running.md#no-such)\n")
        (docs / "orphan.md").write_text("# Not in the nav\n")

    result = strict_build(tmp_path, break_a_link_and_leave_a_page_out)
    assert result.returncode != 0
    for warned in ("no-such-page.md", "#no-such", "orphan.md"):
        assert warned in result.stdout + result.stderr


def test_every_page_the_code_cites_exists():
    """Comments and messages cite pages (docs/gate.md), not sections of the door, which moved to pages."""
    sources = [ROOT / "Makefile", *(path for folder in ("zarrgauge", "tests", "scripts", "benchmarks")
                                    for path in (ROOT / folder).rglob("*") if path.is_file()
                                    and path.suffix in ("", ".py", ".json", ".mjs"))]
    for source in sources:
        text = source.read_text(errors="ignore")
        for cited in re.findall(r"\bdocs/[\w./-]+\.md", text):
            assert (ROOT / cited).exists(), f"{source.relative_to(ROOT)} cites {cited}, which does not exist"
        assert not re.search(r"README[,'’]s? (section|\")", text), f"{source.relative_to(ROOT)} cites the README"
