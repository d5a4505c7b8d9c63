"""The architecture the folders show, checked on the source (ast), not on what a run happens to
import: the pure core imports only the standard library and pydantic (the text layer rich too, for
its `Text` and `Theme`), and each layer imports only
the layers the README's "Layout" section draws an arrow to. (That a replay imports no pandas,
pyarrow or widgets at run time is tested in test_engine_batch.py.)"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "exportkit"
LAYERS = ("core", "text", "course", "io", "check", "app", "ui")
# Which layers each layer may import (itself included). The top-level `exportkit/__init__.py`
# gathers the public names and is not a layer.
ALLOWED = {
    "core": {"core"},
    "text": {"core", "text"},
    "course": {"core", "text", "io", "course"},
    "io": {"core", "text", "io"},
    "check": {"core", "text", "io", "check"},
    "app": {"core", "text", "course", "io", "check", "app"},
    "ui": {"core", "text", "course", "io", "ui"},
}
CORE_THIRD_PARTY = {"pydantic", "pydantic_core"}
THIRD_PARTY = {"core": CORE_THIRD_PARTY, "text": CORE_THIRD_PARTY | {"rich"}}
STANDARD = set(sys.stdlib_module_names) | {"__future__"}


def imports(path: Path, package_root: Path = PACKAGE) -> list[tuple[int, str]]:
    """(line, absolute module) for each import in `path`, relative imports resolved."""
    parts = list(path.relative_to(package_root.parent).with_suffix("").parts)
    package = parts[:-1]  # the package a relative import starts from (`__init__` included)
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            out.append((node.lineno, module))
    return out


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "exportkit" and len(parts) > 1 and parts[1] in LAYERS else None


def problems(layer: str, paths: list[Path], package_root: Path = PACKAGE) -> list[str]:
    """Every import in `paths` (modules of `layer`) that the layering forbids, located."""
    out = []
    for path in paths:
        for line, module in imports(path, package_root):
            where = f"{path.relative_to(package_root.parent)}:{line}: imports {module}"
            if module.startswith("exportkit"):
                if layer_of(module) not in ALLOWED[layer]:
                    out.append(where)
            elif layer in THIRD_PARTY and module.partition(".")[0] not in STANDARD | THIRD_PARTY[layer]:
                out.append(
                    f"{where}, outside the standard library and {', '.join(sorted(THIRD_PARTY[layer]))}"
                )
    return out


def sources(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_imports_only_what_it_may(layer):
    assert not problems(layer, sources(layer)), "\n".join(problems(layer, sources(layer)))


@pytest.mark.parametrize(
    ("layer", "text", "allowed"),
    [
        ("core", "from ..ui import App\n", False),
        ("core", "from ..io.loader import load_scenario\n", False),
        ("core", "import pandas\n", False),
        ("core", "import numpy.random\n", False),
        ("core", "from rich.text import Text\n", False),
        ("text", "from rich.text import Text\n", True),
        ("text", "import pandas\n", False),
        ("core", "from pydantic import BaseModel\n", True),
        ("core", "from .model import Scenario\n", True),
        ("core", "import json\n", True),
        ("course", "from ..ui.app import App\n", False),
        ("course", "from exportkit.ui import App\n", False),
        ("io", "from ..app.cli import main\n", False),
        ("io", "from ..ui import App\n", False),
        ("ui", "from ..course.explore import remap\n", True),
    ],
)
def test_the_check_catches_a_planted_import(tmp_path, layer, text, allowed):
    """The check above, run on one planted module: a layering test that cannot fail proves nothing."""
    planted = tmp_path / "exportkit" / layer / "planted.py"
    planted.parent.mkdir(parents=True)
    planted.write_text(text)
    assert (not problems(layer, [planted], tmp_path / "exportkit")) is allowed
