"""The scenario library: every dataset loads, replays, says what it is for, and is listed in the
README with one line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from exportkit import load_scenario, replay
from exportkit.core.rules import RULES
from exportkit.core.rulesets import RULE_SETS

DATASETS = Path(__file__).resolve().parent.parent / "datasets"
FILES = sorted(DATASETS.glob("*.yaml"))
README = (DATASETS / "README.md").read_text(encoding="utf-8")


def test_the_library_has_the_delorean_scenario_and_at_least_four_more():
    names = {f.stem for f in FILES}
    assert "delorean" in names
    assert len(names) >= 5


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
@pytest.mark.parametrize("rules", list(RULE_SETS))
def test_loads_and_replays(path, rules):
    scenario = load_scenario(path, rules=rules)
    assert scenario.description.strip()
    result = replay(scenario)
    assert len(result.steps) == len(scenario.events)
    cited = {r.rule for s in result.steps for d in s.decisions for r in d.reasons}
    assert cited <= set(RULES)
    assert any(d.exported for s in result.steps for d in s.decisions), "a scenario that exports nothing"


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_readme_has_one_line_saying_what_it_teaches(path):
    lines = [line for line in README.splitlines() if line.startswith(f"- `{path.name}`: ")]
    assert len(lines) == 1, f"datasets/README.md needs one line '- `{path.name}`: what it teaches'"
    assert len(lines[0]) > len(f"- `{path.name}`: ") + 20


def test_readme_lists_no_missing_file():
    listed = re.findall(r"^- `([^`]+)`: ", README, flags=re.MULTILINE)
    assert sorted(listed) == sorted(f.name for f in FILES)
