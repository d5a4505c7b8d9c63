"""Pin the public names, so a change to them is a decision, not an accident.

`exportkit` is what scripts and notebooks import (no widgets: the core install has none);
`exportkit.ui` adds the widgets (the `notebooks` extra). Everything else is internal, though each
module still says what it offers with an `__all__`.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path
from types import ModuleType

import pytest

import exportkit
import exportkit.ui

ROOT = Path(__file__).resolve().parent.parent

EXPORTKIT = [
    "RULES",
    "BatchDestination",
    "Catalog",
    "Decision",
    "Difference",
    "Event",
    "ExportFile",
    "FieldNote",
    "Message",
    "Profile",
    "Reason",
    "Receiver",
    "Replay",
    "Replayer",
    "RowNote",
    "Scenario",
    "ScenarioError",
    "Segment",
    "Step",
    "StreamingProfileDestination",
    "StreamingSegmentDestination",
    "Summary",
    "audit_capture",
    "audit_text",
    "check_text",
    "compare",
    "compare_text",
    "deliver",
    "every_type",
    "generate_scenario",
    "import_dataflow",
    "load_scenario",
    "matrix_text",
    "message_text",
    "parse_scenario",
    "qualification_burst",
    "read_back",
    "remap",
    "render_step",
    "render_timeline",
    "replay",
    "replay_document",
    "step_cells_text",
    "to_json",
    "wrap_text",
    "write_files",
    "write_scenario",
]

UI = [
    "App",
    "BatchWeekView",
    "Explorer",
    "QuizView",
    "ScenarioLoader",
    "StepView",
    "WhatIfView",
    "describe_messages",
    "differences_frame",
    "file_html",
    "folder_listing",
    "from_query_string",
    "live_delivery",
    "matrix_html",
    "messages_of",
    "plot_buffers",
    "previous_files",
    "replay_week",
    "week_files",
    "week_text",
    "write_week",
]

PUBLIC = {"exportkit": (exportkit, EXPORTKIT), "exportkit.ui": (exportkit.ui, UI)}


@pytest.mark.parametrize("name", PUBLIC)
def test_public_names_are_exactly_these(name):
    package, expected = PUBLIC[name]
    assert package.__all__ == expected


@pytest.mark.parametrize("name", PUBLIC)
def test_the_package_namespace_is_its_all(name):
    """What `import exportkit` offers (besides its subpackages) is exactly `__all__`: a name
    imported into `__init__` without being listed fails here."""
    package, _ = PUBLIC[name]
    offered = [n for n, v in vars(package).items() if not n.startswith("_") and not isinstance(v, ModuleType)]
    assert sorted(offered) == sorted(package.__all__)


def _modules() -> list[str]:
    found = pkgutil.walk_packages(exportkit.__path__, "exportkit.")
    return sorted(m.name for m in found if not m.name.rpartition(".")[2].startswith("_"))


@pytest.mark.parametrize("module", _modules())
def test_every_module_has_an_all_of_names_it_defines(module):
    mod = importlib.import_module(module)
    names = mod.__dict__.get("__all__")
    assert names is not None, f"{module} has no __all__"
    for n in names:
        assert hasattr(mod, n), f"{module}.__all__ names {n!r}, which it does not define"


def _imports(text: str) -> list[tuple[str, str]]:
    """(module, name) for every `from exportkit... import name` in Python source."""
    out = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("exportkit"):
            out += [(node.module or "", a.name) for a in node.names]
        elif isinstance(node, ast.Import):
            out += [(a.name, "") for a in node.names if a.name.startswith("exportkit")]
    return out


def _client_sources() -> list[Path]:
    return sorted((ROOT / "notebooks" / "src").glob("*.py"))


@pytest.mark.parametrize("source", _client_sources(), ids=lambda p: p.stem)
def test_notebooks_import_only_public_names(source):
    for module, name in _imports(source.read_text(encoding="utf-8")):
        assert module in PUBLIC, f"{source.name} imports the internal module {module}"
        assert name in PUBLIC[module][1], f"{source.name} imports {name}, not in {module}.__all__"


def test_the_readme_imports_only_public_names():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    for module, name in _imports("\n".join(blocks)):
        assert module in PUBLIC and name in PUBLIC[module][1], (module, name)
    for module in re.findall(r"\b(?:from|import) (exportkit[\w.]*)", readme):
        assert module in PUBLIC, f"the README imports the internal module {module}"
