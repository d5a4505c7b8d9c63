"""Every rule id the batch modules can cite exists in the rule reference and in a test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from exportkit.core.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
MODULES = ["batch.py", "batchrun.py", "filenames.py", "schedule.py", "exportfile.py"]
RULE_ID = re.compile(r"\b((?:B-[TIF]|A|M)\d+)\b")


def cited() -> list[str]:
    text = "".join((ROOT / "exportkit" / "core" / m).read_text() for m in MODULES)
    return sorted(set(RULE_ID.findall(text)))


def test_the_batch_modules_cite_rules():
    assert {"B-T6", "B-T7", "B-T8", "B-I1", "B-I4", "B-F2", "A8", "A13"} <= set(cited())


@pytest.mark.parametrize("rule", cited())
def test_rule_is_in_the_reference_the_catalogue_and_a_test(rule):
    reference = (ROOT / "docs" / "export-rules.md").read_text()
    assert f"**{rule}" in reference, f"{rule} is not defined in docs/export-rules.md"
    assert rule in RULES
    tests = "".join(
        p.read_text() for p in Path(__file__).parent.glob("test_*.py") if p.name != Path(__file__).name
    )
    assert re.search(rf"\b{re.escape(rule)}\b", tests), f"no test cites {rule}"
