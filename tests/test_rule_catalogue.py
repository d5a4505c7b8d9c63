"""The rule reference, the catalogue, the code and the tests must agree (STYLE 15)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from exportkit.core.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "export-rules.md"
SHARED = (
    next(
        (p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.exists()),
        ROOT.parent / "shared",
    )
    / "reference"
    / "export-rules.md"
)  # beside the checkout, or beside the worktrees
# Any quoted string shaped like a rule id (E-T1, S-I4, B-F2, M5, A12, E-I1') in the package.
CITED = re.compile(r"""["']((?:[ESB]-[TISF]\d+|[AMC]\d+)'?)["']""")


def _code_citations() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "exportkit").rglob("*.py"):
        if path.name != "rules.py":
            found |= set(CITED.findall(path.read_text()))
    return found


def _test_text() -> str:
    here = Path(__file__).name
    return "\n".join(p.read_text() for p in (ROOT / "tests").glob("test_*.py") if p.name != here)


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_catalogued_rule_exists_in_the_reference(rule):
    assert f"**{rule}" in REFERENCE.read_text(), f"{rule} is not defined in {REFERENCE.name}"


def test_every_rule_the_code_cites_is_catalogued_and_tested():
    cited = _code_citations()
    assert len(cited) >= 25  # the regex finds the citations at all
    assert cited <= set(RULES), cited - set(RULES)
    tests = _test_text()
    untested = {r for r in cited if f'"{r}"' not in tests and f"'{r}'" not in tests}
    assert not untested, f"rule ids cited by the code but by no test: {sorted(untested)}"


ADDITIONS = "## 10. Toolkit additions"


def _vendored_and_additions() -> tuple[str, str]:
    text = REFERENCE.read_text()
    head, marker, tail = text.partition(ADDITIONS)
    assert marker, f"{REFERENCE.name} has no '{ADDITIONS}' section"
    return head, marker + tail


@pytest.mark.skipif(not SHARED.exists(), reason="no shared/ folder beside the checkout")
def test_vendored_reference_is_the_shared_one():
    """The part before the toolkit additions is the shared reference, unchanged (its last line,
    the separator and the comment that marks the boundary aside)."""
    head, _ = _vendored_and_additions()
    shared = SHARED.read_text()
    assert head.startswith(shared)
    boundary = [line for line in head[len(shared) :].splitlines() if line.strip()]
    assert boundary[0] == "---" and boundary[1].startswith("<!--") and len(boundary) == 2


def test_toolkit_additions_are_separate_and_new():
    """The additions define ambiguity ids the vendored part does not, each one catalogued."""
    head, additions = _vendored_and_additions()
    added = re.findall(r"\*\*(A\d+) ", additions)
    assert added == ["A15", "A16", "A17"]
    for rule in added:
        assert f"**{rule} " not in head
        assert "toolkit addition" in RULES[rule]
