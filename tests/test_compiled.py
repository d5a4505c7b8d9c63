"""The compiled replay (mypyc, `setup.py`) runs only what its sources say.

`make` compiles the replay's modules next to their sources, with the digests of the sources they
were built from. A compiled module whose source changed afterwards would run the old rules, so
the package refuses it at import with the fix in the message; pure Python is never refused.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from exportkit import core
from exportkit.core import _refuse_changed_sources, compiled

SOURCE = "def rule():\n    return 'E-T1'\n"


def _built(folder: Path, source: str, built_from: str, compiled_file: bool = True) -> Path:
    (folder / "engine.py").write_text(source)
    if compiled_file:
        (folder / "engine.cpython-311-x86_64-linux-gnu.so").write_bytes(b"")
    digest = hashlib.sha256(built_from.encode()).hexdigest()
    (folder / "_compiled.json").write_text(json.dumps({"engine": digest}))
    return folder


def test_compiled_modules_of_the_sources_they_were_built_from_are_accepted(tmp_path):
    _refuse_changed_sources(_built(tmp_path, SOURCE, built_from=SOURCE))


def test_a_compiled_module_whose_source_changed_is_refused_with_the_fix(tmp_path):
    folder = _built(tmp_path, SOURCE.replace("E-T1", "E-T2"), built_from=SOURCE)
    with pytest.raises(ImportError, match=r"engine\.py changed after it was compiled.*`make`"):
        _refuse_changed_sources(folder)


def test_pure_python_is_never_refused(tmp_path):
    (tmp_path / "engine.py").write_text(SOURCE)
    _refuse_changed_sources(tmp_path)  # no record at all
    _refuse_changed_sources(_built(tmp_path, SOURCE + "# edited\n", built_from=SOURCE, compiled_file=False))


def test_the_package_says_which_build_runs():
    folder = Path(core.__file__).parent
    assert compiled() == any(folder.glob("engine.*.so"))


def test_importing_the_package_refuses_a_stale_build(tmp_path):
    """The check runs at import, before any compiled module loads: a copy of the package whose
    record says `engine` was compiled from other source fails to import, with the fix."""
    import shutil
    import subprocess
    import sys

    package = Path(core.__file__).parent.parent
    copy = tmp_path / "exportkit"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("*.so", "_compiled.json", "__pycache__"))
    engine = (copy / "core" / "engine.py").read_text()
    _built(copy / "core", engine, built_from=engine + "# the old rules\n")
    run = [sys.executable, "-c", "import exportkit"]
    env = {"PYTHONPATH": str(tmp_path)}
    stale = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, env=env)
    assert stale.returncode == 1
    assert "engine.py changed after it was compiled" in stale.stderr and "`make`" in stale.stderr
