"""Build the course notebooks from their `py:percent` sources and execute them in place.

`notebooks/src/NAME.py` is the reviewable source (cells start with `# %%`, markdown cells with
`# %% [markdown]` and lines prefixed by `# `). This tool writes `notebooks/NAME.ipynb` and runs it,
from the notebook's folder as nbval does, so the committed outputs are the golden record.

    python -m exportkit.tools.notebooks            # every notebook
    python -m exportkit.tools.notebooks 01 03      # those whose name starts with 01 or 03
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


def parse_percent(text: str) -> nbformat.NotebookNode:
    cells: list[nbformat.NotebookNode] = []
    kind: str | None = None
    lines: list[str] = []

    def close() -> None:
        if kind is None:
            return
        body = "\n".join(lines).strip("\n")
        if kind == "markdown":
            body = "\n".join(
                line[2:] if line.startswith("# ") else line.lstrip("#") for line in body.splitlines()
            )
            cells.append(nbformat.v4.new_markdown_cell(body))
        else:
            cells.append(nbformat.v4.new_code_cell(body))

    for line in text.splitlines():
        if line.startswith("# %%"):
            close()
            kind, lines = ("markdown" if "[markdown]" in line else "code"), []
        elif kind is not None:
            lines.append(line)
    close()
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = KERNEL
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def build(source: Path) -> Path:
    nb = parse_percent(source.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i:02d}"
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    for cell in nb.cells:  # widget models are random: keep their state out of the file
        cell.metadata.pop("execution", None)  # timings: noise in every diff
        for output in cell.get("outputs", []):
            output.get("data", {}).pop("application/vnd.jupyter.widget-view+json", None)
    nb.metadata.pop("widgets", None)
    target = NOTEBOOKS / f"{source.stem}.ipynb"
    nbformat.write(nb, target)
    return target


def main(argv: list[str]) -> int:
    sources = sorted((NOTEBOOKS / "src").glob("*.py"))
    if argv:
        sources = [s for s in sources if any(s.name.startswith(a) for a in argv)]
    for source in sources:
        print(f"building {build(source).relative_to(ROOT)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
