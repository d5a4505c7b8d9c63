"""The README's reliability promises each name tests, and those tests exist (sqlite-utils style:
docs that cannot drift)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTION = re.compile(r"### Reliability promises\n(.*?)(?:\n#|\Z)", re.S)
NAMED = re.compile(r"`(tests/test_\w+\.py)::(test_\w+)`")


def _promises() -> list[tuple[str, list[tuple[str, str]]]]:
    section = SECTION.search((ROOT / "README.md").read_text())
    assert section, "the README has a Reliability promises section"
    rows = [line for line in section.group(1).splitlines() if line.startswith("| ") and "---" not in line]
    return [(row.split("|")[1].strip(), NAMED.findall(row)) for row in rows[1:]]


def test_every_promise_names_at_least_one_test():
    promises = _promises()
    assert len(promises) >= 6
    assert all(tests for _, tests in promises), [p for p, tests in promises if not tests]


def test_every_named_test_exists():
    for _, tests in _promises():
        for file, name in tests:
            tree = ast.parse((ROOT / file).read_text())
            names = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
            assert name in names, f"{file}::{name} is named in the README but does not exist"
