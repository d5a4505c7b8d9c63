"""The package's own code, for tests that hold a rule about how it is written."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import exportkit

PACKAGE = Path(exportkit.__file__).parent


def places(find: Callable[[ast.Module], list[int]], *, outside: str) -> list[str]:
    """`module:line` of each place `find` reports in the package's modules, but `outside` (the one
    module, relative to the package, where the thing found belongs)."""
    return [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != PACKAGE / outside
        for n in find(ast.parse(path.read_text(encoding="utf-8")))
    ]
