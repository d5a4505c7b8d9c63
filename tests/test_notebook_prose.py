"""Prose checked against outputs (issue 14): a step a notebook's text cites must be one that the
outputs next to that text list. The committed notebooks are read as they are (their outputs are
the golden record nbval holds to the code), so prose that cites "step 22" beside an output that
lists step 23 fails here."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
# "Step 3", "**Step 13**", "steps 2, 3, 14 and 22", "Steps 4 or 5"
CITED = re.compile(
    r"\b[Ss]teps?\s+((?:\*\*)?\d+(?:\*\*)?(?:(?:,\s*|\s+and\s+|\s+or\s+)(?:\*\*)?\d+(?:\*\*)?)*)"
)


def cited_steps(markdown: str) -> list[int]:
    """The step numbers a text cites. Step 0 is the activation, a concept rather than a result,
    so it is left out."""
    steps = [int(n) for group in CITED.findall(markdown) for n in re.findall(r"\d+", group)]
    return [s for s in steps if s]


def output_text(cell: nbformat.NotebookNode) -> str:
    parts = []
    for out in cell.get("outputs", []):
        parts.append(out.get("text", ""))
        data = out.get("data", {})
        parts += [data.get("text/plain", ""), data.get("text/html", "")]
    return "\n".join(parts)


def neighbours(cells: list[nbformat.NotebookNode], i: int) -> str:
    """The outputs of the nearest code cell before and after markdown cell `i`."""
    before = next((c for c in reversed(cells[:i]) if c.cell_type == "code"), None)
    after = next((c for c in cells[i + 1 :] if c.cell_type == "code"), None)
    return "\n".join(output_text(c) for c in (before, after) if c is not None)


def lists_step(text: str, step: int) -> bool:
    """True when `text` lists `step`: "step 4", "Step 4 of 31", a view's data-step, or a row of a
    table indexed by step (a Styler's row heading)."""
    pattern = rf"\b[Ss]tep[\s=\"']*{step}\b|data-step=\"{step}\"|class=\"row_heading[^>]*>\s*{step}\s*</th>"
    return bool(re.search(pattern, text))


@pytest.mark.parametrize(
    ("markdown", "steps"),
    [
        pytest.param("Steps 2, 3, 14, 15 and 22 change only", [2, 3, 14, 15, 22], id="list"),
        pytest.param("**Step 13**, Jennifer opts out", [13], id="bold"),
        pytest.param("Step 0 is the activation", [], id="activation"),
        pytest.param("step 4 or 5", [4, 5], id="or"),
        pytest.param("three steps later", [], id="no-number"),
    ],
)
def test_cited_steps(markdown, steps):
    assert cited_steps(markdown) == steps


def test_prose_citing_a_step_its_output_does_not_list_fails():
    cells = [
        nbformat.v4.new_code_cell(
            outputs=[nbformat.v4.new_output("stream", text="step 2 ...\nstep 23 ...\n")]
        ),
        nbformat.v4.new_markdown_cell("Steps 2 and 22 change only `loyalty.tier`"),
    ]
    text = neighbours(cells, 1)
    assert [s for s in cited_steps(cells[1].source) if not lists_step(text, s)] == [22]


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("[0-9]*.ipynb")), ids=lambda p: p.stem)
def test_every_step_the_prose_cites_is_in_the_outputs_beside_it(path):
    cells = nbformat.read(path, as_version=4).cells
    wrong = []
    for i, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        text = neighbours(cells, i)
        wrong += [(i, s) for s in cited_steps(cell.source) if not lists_step(text, s)]
    assert not wrong, f"{path.name}: (cell, step) cited by the text but not in the outputs beside it: {wrong}"


def test_03_says_the_incremental_file_writes_jennifers_exit():
    """Step 13's prose agreed with neither batch file: "batch files leave her out" beside an
    incremental cell that lists her again, as exited (its status is mapped)."""
    cells = nbformat.read(NOTEBOOKS / "03_side_by_side.ipynb", as_version=4).cells
    i = next(i for i, c in enumerate(cells) if c.cell_type == "markdown" and "**Step 13**" in c.source)
    prose, shown = " ".join(cells[i].source.split()), neighbours(cells, i)
    assert "with status exited" in shown  # what the incremental destination does
    assert "leave her out from now on" not in prose
    assert "full file leaves her out" in prose and "`exited`" in prose
