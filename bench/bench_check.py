"""How long `pytest --exportkit` takes on 100 scenario files of the bundled size (goal: 10 s).

Not a test: tests never assert on time. The files are the bundled datasets that carry
expectations (datasets/delorean.yaml: 31 events, 40 expectations), copied under 100 names into a
temporary folder; each command runs in its own process, as CI runs it, three times, and the
median is printed beside the goal, with CPU seconds (user and system time of the child, which do
not count waiting for a shared core).

    python bench/bench_check.py [--files 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from exportkit.check import ScenarioFile

ROOT = Path(__file__).resolve().parent.parent
GOAL = 10.0


def _time(command: list[str], cwd: Path) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return wall, cpu, done.stdout.count("\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100, help="how many scenario files (default 100)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (default 3)")
    args = parser.parse_args()
    source = ROOT / "datasets" / "delorean.yaml"
    text = source.read_text(encoding="utf-8")
    scenario = ScenarioFile.read(source)
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i in range(args.files):
            (folder / f"flow{i:03d}.scenario.yaml").write_text(text, encoding="utf-8")
        commands = {
            "pytest --exportkit": [
                sys.executable,
                "-m",
                "pytest",
                "--exportkit",
                "-q",
                "-p",
                "no:cacheprovider",
                str(folder),
            ],
            "exportkit check": [str(bin_dir / "exportkit"), "check", str(folder)],
        }
        print(
            f"{args.files} copies of {source.name} ({len(text.splitlines())} lines, "
            f"{len(scenario.scenario.events)} events, {scenario.expectations} expectations); "
            f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
        )
        for name, command in commands.items():
            runs = [_time(command, folder) for _ in range(args.repeat)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            verdict = "meets" if wall <= GOAL else "misses"
            print(
                f"{name:<20} {wall:6.2f} s (CPU {cpu:.2f} s; runs {', '.join(f'{r[0]:.2f}' for r in runs)})"
                f"  goal <= {GOAL:.0f} s: {verdict}; in CPU seconds: {'meets' if cpu <= GOAL else 'misses'}"
                if name.startswith("pytest")
                else f"{name:<20} {wall:6.2f} s (CPU {cpu:.2f} s)"
            )


if __name__ == "__main__":
    main()
