"""Build the course notebooks from their `py:percent` sources and execute them in place.

`notebooks/src/NAME.py` is the reviewable source, paired with `notebooks/NAME.ipynb` by jupytext
(`notebooks/jupytext.toml`). This script writes each notebook from its source and runs it from the
notebook's folder, as nbval does, so the committed outputs are the golden record (`make golden`).

    python scripts/build_notebooks.py            # every notebook
    python scripts/build_notebooks.py 01 03      # those whose name starts with 01 or 03
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
# The metadata JupyterLab itself writes on save (its kernel's display name, jupytext's filter
# from jupytext.toml), so opening and saving a notebook changes no tracked file.
KERNEL = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
JUPYTEXT = {"notebook_metadata_filter": "-all"}


def build(source: Path) -> Path:
    """Write and execute the notebook of `source`; returns its path."""
    nb = jupytext.read(source, fmt="py:percent")
    nb.metadata = {"jupytext": JUPYTEXT, "kernelspec": KERNEL, "language_info": {"name": "python"}}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i:02d}"  # stable ids: a rebuild changes only what changed
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
