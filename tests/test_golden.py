"""Golden files: the whole DeLorean replay, as `exportkit run --json` prints it, per rule set.

Rewrite them with `pytest tests --update-golden` and review the diff like code. No normalisation
is needed: the output has no clock time, path or random part.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from exportkit.engine import replay
from exportkit.loader import load_scenario
from exportkit.render import to_json

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.mark.parametrize("rules", ["seed", "current"])
def test_delorean_golden(rules, update_golden):
    text = to_json(replay(load_scenario(ROOT / "datasets" / "delorean.yaml", rules=rules)))
    path = GOLDEN / f"delorean.{rules}.json"
    if update_golden:
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"{path.name} differs: --update-golden?"
