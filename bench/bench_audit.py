"""The audit's benchmark (issue 24): 100,000 captured messages audited in at most 30 s and 1 GB.

    python bench/bench_audit.py            # 100,000 messages or more
    python bench/bench_audit.py --quick    # a tenth, to try the script itself

A generated scenario (`exportkit generate`'s workload, events a minute apart so that most
exports leave in a message of their own) is replayed once here to write a capture in the
receiver's log format (`exportkit receive --out`): one line per message of each streaming
destination, with exportkit's headers, as a loopback delivery would have recorded it, without
sending 100,000 requests. Then the whole command is timed in a fresh process:
`exportkit audit SCENARIO --capture capture.jsonl --json`, loading, replaying, reading and
comparing included; its CPU time and peak memory (max RSS) are that process's own. The workload
is written by a child process too: Linux counts in a child's max RSS the memory of the process it
was forked from, so a parent holding the workload's replay (1.6 GB) would hide the audit's own
peak. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
sys.path.insert(0, str(ROOT))

GOAL_SECONDS = 30.0
GOAL_MB = 1024.0


def write_workload(profiles: int, events: int, work: Path) -> tuple[Path, Path, int]:
    """The scenario file and its capture (every streaming message, one log line each)."""
    from exportkit.core.engine import replay
    from exportkit.core.model import iso
    from exportkit.course.generate import generate_scenario, write_scenario
    from exportkit.io.delivery import message_ids
    from exportkit.io.loader import load_scenario

    work.mkdir(parents=True, exist_ok=True)
    scenario_path = work / f"audit-{profiles}-{events}.json"
    write_scenario(generate_scenario(profiles, events, seed=24, tick_seconds=60), scenario_path)
    messages = replay(load_scenario(scenario_path), record_states=False).messages()
    capture = work / f"audit-{profiles}-{events}.capture.jsonl"
    with capture.open("w", encoding="utf-8") as out:
        for call, (mid, m) in enumerate(zip(message_ids(messages), messages, strict=True), 1):
            headers = {
                "Content-Type": "application/json",
                "X-Exportkit-Message": mid,
                "X-Exportkit-Destination": m.destination,
                "X-Exportkit-Sent-At": iso(m.sent_at),
                "X-Exportkit-Run": "bench",
            }
            record = {
                "call": call,
                "time": iso(m.sent_at),
                "method": "POST",
                "path": "/",
                "headers": headers,
                "body": list(m.body),
                "answer": {"status": 200},
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return scenario_path, capture, len(messages)


def audit_once(scenario: Path, capture: Path) -> tuple[float, float, float, dict]:
    """Wall and CPU seconds and peak MB of one `exportkit audit` in a fresh process, and its
    totals. On a shared, loaded machine the CPU seconds are the steadier figure. The figures are
    that process's own (`os.wait4`), not the maximum over every child this script has waited for."""
    out = WORK / "audit.out.json"
    start = time.perf_counter()
    with out.open("w", encoding="utf-8") as sink, (WORK / "audit.err").open("w", encoding="utf-8") as err:
        child = subprocess.Popen(
            [sys.executable, "-m", "exportkit", "audit", str(scenario), "--capture", str(capture), "--json"],
            stdout=sink,
            stderr=err,
            cwd=ROOT,
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if child.returncode not in (0, 1):
        raise SystemExit(f"exportkit audit failed ({child.returncode}): {(WORK / 'audit.err').read_text()}")
    with out.open(encoding="utf-8") as document:
        head = document.readline()
    totals = json.loads(head.rsplit(', "findings"', 1)[0] + "}")["totals"]
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the size")
    parser.add_argument("--runs", type=int, default=1, help="how many timed runs (default 1)")
    parser.add_argument("--write", nargs=2, type=int, metavar=("PROFILES", "EVENTS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:  # the child that writes the workload
        profiles, events = args.write
        print(
            json.dumps([str(p) if isinstance(p, Path) else p for p in write_workload(profiles, events, WORK)])
        )
        return 0
    scale = 10 if args.quick else 1
    profiles, events = 40_000 // scale, 250_000 // scale
    written = subprocess.run(
        [sys.executable, __file__, "--write", str(profiles), str(events)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    scenario_name, capture_name, messages = json.loads(written.stdout.splitlines()[-1])
    scenario, capture = Path(scenario_name), Path(capture_name)
    size = capture.stat().st_size / 2**20
    print(
        f"workload: {profiles:,} profiles, {events:,} events: {messages:,} messages captured ({size:.0f} MB)"
    )
    for run in range(1, args.runs + 1):
        load = os.getloadavg()[0]
        seconds, cpu, peak_mb, totals = audit_once(scenario, capture)
        ok = min(seconds, cpu) <= GOAL_SECONDS and peak_mb <= GOAL_MB
        print(
            f"run {run}: exportkit audit of {messages:,} messages: {seconds:.1f} s wall, {cpu:.1f} s CPU "
            f"(goal <= {GOAL_SECONDS:g} s; load average {load:.1f}), peak {peak_mb:.0f} MB "
            f"(goal <= {GOAL_MB:g} MB): {'met' if ok else 'NOT met'}; totals {totals}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
