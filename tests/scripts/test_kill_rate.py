"""scripts/kill-rate: the mutants it draws from a module's source, and the table it makes of the verdicts
(the run itself, minutes per mutant, is `make kill-rate`)."""

import importlib.machinery
import importlib.util
from pathlib import Path

import pytest
import zarr

from zarrgauge.pytest_process import REPO

_loader = importlib.machinery.SourceFileLoader(
    "kill_rate", str(REPO / "scripts" / "kill-rate"))
kill_rate = importlib.util.module_from_spec(importlib.util.spec_from_loader(_loader.name, _loader))
_loader.exec_module(kill_rate)

SOURCE = "def f(a, b):\n    return a < b and b + 1 in (a, b)\n"


def test_every_operator_and_integer_gives_one_mutant_in_a_fixed_order():
    found = kill_rate.mutants(SOURCE)
    bodies = [kill_rate.mutated_source(SOURCE, mutant).splitlines()[1].strip() for mutant in found]
    assert sorted(bodies) == sorted([
        "return a < b or b + 1 in (a, b)",
        "return a <= b and b + 1 in (a, b)",
        "return a < b and b + 1 not in (a, b)",
        "return a < b and b - 1 in (a, b)",
        "return a < b and b + 2 in (a, b)",
    ])
    assert kill_rate.mutants(SOURCE) == found
    assert all(mutant.line == 2 for mutant in found)


def test_the_table_counts_each_suite_and_either():
    report = {"zarr": "3.4.2", "module": "core/indexing.py", "sites": 5, "seed": 0, "seconds": 1,
              "suites": ["ours", "theirs"],
              "mutants": [{"site": 0, "line": 2, "change": "a < b  ->  a <= b",
                           "killed_by": {"ours": True, "theirs": False}},
                          {"site": 1, "line": 2, "change": "1  ->  2", "killed_by": {"ours": False, "theirs": False}}]}
    text = kill_rate.markdown(report)
    assert "| ours | 1 | 50% |" in text and "| theirs | 0 | 0% |" in text and "| either | 1 | 50% |" in text
    assert "| 2 | `1  ->  2` | **survived** | **survived** |" in text


def test_equivalent_mutants_are_named_and_each_rate_is_given_without_them_too():
    mutant = {"line": 2, "killed_by": {"ours": True, "theirs": False}, "equivalent": None}
    report = {"zarr": "3.4.2", "module": "core/indexing.py", "sites": 5, "seed": 0, "seconds": 1,
              "suites": ["ours", "theirs"],
              "mutants": [{**mutant, "site": 0, "change": "a < b  ->  a <= b"},
                          {**mutant, "site": 1, "change": "1  ->  2", "killed_by": {"ours": False, "theirs": True}},
                          {**mutant, "site": 2, "change": "b + 1  ->  b - 1",
                           "killed_by": {"ours": False, "theirs": True}, "equivalent": "nothing calls f"}]}
    text = kill_rate.markdown(report)
    assert "| ours | 1 | 33% | 1 | 50% |" in text and "| theirs | 2 | 67% | 1 | 50% |" in text
    assert "| either | 3 | 100% | 2 | 100% |" in text
    assert "| 2 | `b + 1  ->  b - 1` | **survived** | killed | yes |" in text
    assert "- line 2 (site 2), `b + 1  ->  b - 1`: nothing calls f" in text


@pytest.mark.skipif(zarr.__version__ != kill_rate.DECLARED_ON, reason="the equivalents were read in another release")
def test_every_declared_equivalent_is_a_mutant_of_the_release_it_was_read_in():
    installed = Path(zarr.__file__).parent
    drawn = {module: set(kill_rate.mutants((installed / module).read_text()))
             for module in {module for module, *_ in kill_rate.EQUIVALENT}}
    for module, site, line, change in kill_rate.EQUIVALENT:
        assert kill_rate.Mutant(site, line, change) in drawn[module], f"no mutant {site} at line {line}: {change}"
