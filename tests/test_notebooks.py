"""The notebooks as committed: built from their sources, listed in the README, chained in order."""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOURCES = sorted((NOTEBOOKS / "src").glob("*.py"))
COURSE = sorted(p.stem for p in SOURCES if re.match(r"\d\d_", p.stem))


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_committed_notebook_is_its_source_executed(source):
    """Editing a source without rebuilding (`make golden`) fails here, not in a review."""
    built = [c.source for c in jupytext.read(source, fmt="py:percent").cells]
    committed = json.loads((NOTEBOOKS / f"{source.stem}.ipynb").read_text())
    assert ["".join(c["source"]) for c in committed["cells"]] == built
    assert all(
        c.get("execution_count")
        for c in committed["cells"]
        if c["cell_type"] == "code" and "".join(c["source"]).strip()
    )


def test_readme_lists_the_course_and_each_notebook_points_to_the_next():
    readme = (ROOT / "README.md").read_text()
    listed = re.findall(r"^\| `(\d\d_\w+)\.ipynb` \|", readme, re.M)
    assert listed == COURSE
    for this, following in pairwise(COURSE):
        text = (NOTEBOOKS / "src" / f"{this}.py").read_text()
        assert f"Next: **`{following}.ipynb`**" in text or f"Next: `{following}.ipynb`" in text, this
