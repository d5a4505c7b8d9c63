"""The wheel is the product: build it, install it into a fresh environment, run a bundled scenario.

Offline: the wheel is built without build isolation, installed with `--no-deps`, and the fresh
environment borrows the test environment's dependencies through a `.pth` file, so nothing is
downloaded. What it cannot borrow is exportkit itself: the test environment's copy is an editable
install, whose finder such a path entry does not run.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEFT_OUT = (
    ".git",
    ".venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".*_cache",
    "tests",
    "bench",
    "*.so",
)


def _run(
    *command: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=600, check=False, env=env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_the_wheel_installs_and_runs_a_bundled_scenario_by_name(tmp_path):
    source = tmp_path / "source"  # a copy: building in place would leave build/ in the checkout
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*LEFT_OUT))
    wheels = tmp_path / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--wheel-dir", wheels, source, cwd=tmp_path)  # fmt: skip
    (wheel,) = wheels.glob("exportkit-*.whl")

    env = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(env)
    python = env / "bin" / "python"
    site = Path(
        _run(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path
        ).stdout.strip()
    )
    (site / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel, cwd=tmp_path)

    where = _run(python, "-c", "import exportkit.datasets as d; print(d.__file__)", cwd=tmp_path).stdout
    assert Path(where.strip()).is_relative_to(env), "exportkit came from the checkout, not the wheel"
    shown = _run(env / "bin" / "exportkit", "run", "delorean", cwd=tmp_path).stdout
    assert shown.startswith("Scenario delorean (4 profiles, 31 events, 3 destinations, rules: seed)\n")
    assert "Activation at 2025-03-03T09:00:00Z" in shown
    # The rule reference ships too: `exportkit rules` quotes its statement, not the short title.
    rule = _run(env / "bin" / "exportkit", "rules", "E-T1", cwd=tmp_path).stdout
    assert "at least one mapped segment triggers an export" in rule and "documented" in rule
    listed = _run(python, "-m", "zipfile", "-l", wheel, cwd=tmp_path).stdout
    assert "exportkit/notebooks/demo.ipynb" in listed and "exportkit/datasets/delorean.yaml" in listed
    assert "exportkit/docs/export-rules.md" in listed
    # The front-end files: the views' style sheet, the step view's module and its style sheet.
    for name in ("course/views/views.css", "course/views/report.css", "ui/step_view.js", "ui/step_view.css"):
        assert f"exportkit/{name}" in listed
    read = "from exportkit.ui.step_view import StepView as V; print(str(V._esm)[:40], str(V._css)[:40])"
    shown = _run(python, "-c", read, cwd=tmp_path).stdout
    assert shown.startswith("// The step view's front end") and "/* The step view's own controls" in shown
    assert "exportkit/tools" not in listed and "notebooks/src" not in listed
