"""The rule reference, the catalogue, the code and the tests must agree (STYLE 15)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from exportkit.core.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "export-rules.md"
SHARED = ROOT.parent / "shared" / "reference" / "export-rules.md"
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


@pytest.mark.skipif(not SHARED.exists(), reason="no shared/ folder beside the checkout")
def test_vendored_reference_is_the_shared_one():
    assert REFERENCE.read_text() == SHARED.read_text()
