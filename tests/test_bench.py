"""The benchmark keeps working: `bench/bench.py` generates a workload and times `exportkit run
--summary` on it as a person runs it, and prints a row for each figure. No time is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_bench_times_a_small_workload():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench.py"), "--events", "300"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=120,
    )
    rows = [line for line in done.stdout.splitlines() if line.startswith("| `run --summary`, 300 events")]
    assert len(rows) == 2, done.stdout
    assert " s (" in rows[0] and "s CPU)" in rows[0]
    assert rows[1].split("|")[2].strip().endswith("MB")
