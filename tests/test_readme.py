"""The README's claims, checked: the quick start and the sample output are what the code does."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_quick_start_has_exactly_two_commands_that_the_makefile_defines():
    block = README.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [c for line in block.strip().splitlines() if (c := line.split("#")[0].strip())]
    assert commands == ["make run", "make test"]
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run: ", makefile, re.M) and re.search(r"^test: ", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_sample_output_lines_are_printed_by_make_run():
    sample = README.split("What `make run` prints", 1)[1].split("```text", 1)[1].split("```")[0]
    done = subprocess.run(
        [sys.executable, "-m", "exportkit", "run", "datasets/delorean.yaml"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    shown = [
        line for line in sample.strip().splitlines() if "..." not in line and not line.startswith("      {")
    ]
    assert len(shown) >= 8
    for line in shown:
        assert line in done.stdout.splitlines(), line
