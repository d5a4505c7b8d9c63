"""The build's one extra step: compile the replay's own modules to C with mypyc, when it can.

The package is pure Python, and every module still is. mypyc (the compiler mypy and black are
built with) turns the same source files, with the types they already carry, into extension
modules that run the same decisions three to five times faster: no second copy of any rule.
The project's metadata is in pyproject.toml; this file only adds the compiled modules.

When the compiler cannot run (no C compiler, no mypy, or `EXPORTKIT_PURE=1`), the package is
installed as pure Python and works the same, only slower; `exportkit.core.compiled()` says which
one runs. An editable install builds the modules next to their sources, with the digests of the
sources they were built from (`_compiled.json`); compiled modules whose sources have changed since
are refused at import (`exportkit/core/__init__.py`), and `make` builds them again.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext

# The modules a replay spends its time in (issue 9). Not the scenario model (pydantic builds its
# classes at run time, which mypyc cannot compile), nor the text and views a reader asks for.
COMPILED = [
    f"exportkit/core/{name}.py"
    for name in (
        "aggregation",
        "batch",
        "batchrun",
        "decision",
        "engine",
        "exportfile",
        "filenames",
        "payload",
        "rules",
        "schedule",
        "state",
        "streaming",
        "summary",
        "timeline",
        "waiting",
        "words",
    )
]
# One shared library for the group, inside the package (by default it would be a module of its
# own at the top of site-packages, which an editable install cannot find).
GROUP = "exportkit.core._compiled"


def _say(text: str) -> None:
    print(f"exportkit build: {text}", file=sys.stderr)


def _short(err: BaseException) -> str:
    """The first line of an error, cut to a line's length (a compiler's error quotes its whole
    command; the build log keeps everything)."""
    first = (str(err).splitlines() or [type(err).__name__])[0]
    return first if len(first) <= 100 else first[:97] + "..."


class OptionalBuildExt(build_ext):
    """Build the compiled modules if the C compiler works; otherwise install pure Python (a
    half-built group would not import, so whatever was built is removed)."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as err:  # any compiler failure means "stay pure"
            for ext in self.extensions:
                built = self.get_ext_fullpath(ext.name)
                if os.path.exists(built):
                    os.remove(built)
            _say(f"the C compiler failed ({_short(err)}); installing pure Python (same results, slower)")
            return
        if self.extensions:
            # What the compiled modules were built from, beside them: the package compares it with
            # the sources at import and refuses compiled modules that no longer match them.
            where = os.path.dirname(self.get_ext_fullpath("exportkit.core.engine"))
            with open(os.path.join(where, "_compiled.json"), "w", encoding="utf-8") as out:
                json.dump(source_digests(), out, indent=1, sort_keys=True)


def source_digests() -> dict[str, str]:
    """Each compiled module's name and the SHA-256 of its source."""
    out = {}
    for path in COMPILED:
        with open(path, "rb") as source:
            out[os.path.basename(path)[:-3]] = hashlib.sha256(source.read()).hexdigest()
    return out


def ext_modules() -> list:
    if os.environ.get("EXPORTKIT_PURE"):
        _say("EXPORTKIT_PURE is set: installing pure Python")
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        _say("mypyc is not installed: installing pure Python (same results, slower)")
        return []
    try:
        # mypy's own settings come from pyproject.toml; sections for other modules are unused here
        return mypycify(["--no-warn-unused-configs", *COMPILED], opt_level="3", group_name=GROUP)
    except (SystemExit, Exception) as err:  # mypyc type-checks first and exits on a type error
        _say(f"mypyc could not compile the core ({_short(err)}); installing pure Python")
        return []


setup(ext_modules=ext_modules(), cmdclass={"build_ext": OptionalBuildExt})
